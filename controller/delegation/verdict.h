// EvaluateDelegation: the pure verdict of the delegation checks. Observation + desired state + the zone's
// previous History in; findings (reason, severity, message), dependsOn and the next History out. No I/O, no clock:
// same input, same verdict.
//
// Confirmation rule: a parent-side finding (DelegationMissing, NameserversChanged, GlueMissing, GlueMismatch) is
// Critical only when it is seen from at least two parent server addresses (or the only one, when the parent has
// one) on `confirmations` consecutive probes. One stale TLD server, or one probe, raises at most a Warning.
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "controller/api/finding.h"
#include "controller/delegation/observation.h"

namespace domainguard::delegation {

// The findings every check shares (api/finding.h). The delegation check reports Info, Warning and Critical; its
// reasons are reasons.h.
using api::Finding;
using api::Severity;
using api::SeverityName;

// Per-zone memory between probes, kept by the caller (controller: in memory per Domain; check: empty).
struct History {
  // parent-side reason (and SerialDrift against known provider serials) -> consecutive probes on which it was seen
  std::map<std::string, int> streak;

  bool operator==(const History&) const = default;
};

struct Policy {
  int confirmations = 1;  // consecutive confirmed probes before a parent-side finding is Critical (>= 1)
};

struct Verdict {
  std::vector<Finding> findings;         // ordered by severity (critical first), then reason
  std::vector<std::string> depends_on;   // zones hosting this zone's name servers, sorted
  History history;                       // pass to the next evaluation of this zone
  bool unknown = false;                  // the parent could not be asked: the verdict is not a verdict

  // The worst severity, kInfo when there are no findings.
  Severity Worst() const;
  // The condition reason: the reason of the first (worst) Warning/Critical finding, or DelegationHealthy.
  std::string ConditionReason() const;
  bool Has(std::string_view reason) const;
  const Finding* Find(std::string_view reason) const;
};

// The order of findings in a Verdict: by severity (critical first), then cause before consequence
// (DelegationMissing, NameserversChanged, GlueMissing, GlueMismatch, DependencyBroken, ParentUnreachable,
// LameNameserver, RecordsNotServed, SerialDrift, SinglePointOfFailure), so the condition names the root cause:
// a parked zone is NameserversChanged, not the LameNameserver that follows from it.
bool FindingBefore(const Finding& a, const Finding& b);

// REQUIRES: observation.zone == spec.zone, policy.confirmations >= 1.
Verdict EvaluateDelegation(const Observation& observation, const ZoneSpec& spec, const History& previous,
                           const Policy& policy);

// How a zone hosting our name servers stands, from its own verdict: broken when it has a Warning or Critical
// finding about whether it can be resolved at all (its delegation, glue, name servers, or a parent that cannot be
// asked: ParentUnreachable); critical when that finding is Critical. SerialDrift, RecordsNotServed and
// SinglePointOfFailure of the hosting zone do not stop anyone from resolving our name servers: not counted.
// The detail names the worst such finding ("ParentUnreachable: ...").
DependencyView JudgeDependency(const std::string& zone, const Verdict& v);

// The registrable domain of `name` under the ICANN section of the Public Suffix List (private suffixes such as
// github.io do not count): "ns1.dns.example.co.uk." -> "example.co.uk.". Names under a TLD the list does not
// know count that TLD as the suffix ("ns1.host.test." -> "host.test."). Returns "" for a bare suffix.
std::string RegisteredDomain(std::string_view name);

}  // namespace domainguard::delegation
