// The registration verdict: from the last good record (and the one before it) to findings, a
// RegistrationHealthy condition reason and status.registration. Pure: same input, same verdict; the clock is
// an input (`now`). Thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/api/finding.h"
#include "controller/registration/record.h"

namespace domainguard::registration {

// The findings every check shares (api/finding.h), severities ordered Info < Warning < Unknown < Critical
// (SeverityRank). Reasons are reasons.h; messages name dates, statuses and the source.
using api::Finding;
using api::Severity;
using api::SeverityName;
using api::SeverityRank;

struct Policy {  // spec.checks.registration
  std::chrono::seconds warn_before{std::chrono::hours(720)};
  std::chrono::seconds critical_before{std::chrono::hours(168)};
  bool expect_transfer_lock = false;
  // A record older than this (lookups failing since) is reported RegistrationUnknown besides its findings.
  std::chrono::seconds stale_after{std::chrono::hours(72)};
};

struct VerdictInput {
  std::string zone;
  SystemTime now{};
  Policy policy;
  std::optional<RegistrationRecord> record;    // the last good record (fresh or kept from before)
  std::optional<RegistrationRecord> previous;  // the good record before it, for RegistrarChanged
  std::optional<std::string> lookup_error;     // the last lookup failed: why (no secrets)
  bool not_registered = false;                 // the registry answered "no such domain"
  std::vector<std::string> desired_nameservers;  // the Domain's desired NS set; empty: not compared
};

struct Verdict {
  std::vector<Finding> findings;   // most severe first; empty when healthy
  std::string reason;              // the condition reason: the first finding's, or "Registered"
  bool healthy = false;            // RegistrationHealthy status: no Warning/Critical/Unknown finding
  Severity worst = Severity::kInfo;
  std::optional<RegistrationRecord> record;

  // status.registration (api.md) from the record, plus "findings"; {} fields left out when unknown.
  nlohmann::json RegistrationJson() const;
  nlohmann::json FindingsJson() const;  // [{"reason","severity","message"}]
};

// Decision chain, each check adding at most one finding:
//   not_registered                          -> NotRegistered        Critical ("registry has no such domain")
//   no record at all                        -> RegistrationUnknown  Unknown  (lookup_error)
//   pendingDelete                           -> PendingDelete        Critical
//   redemptionPeriod                        -> RedemptionPeriod     Critical
//   serverHold | clientHold | Suspended     -> RegistryHold         Critical
//   expiry <= now                           -> Expired              Critical
//   expiry - now <= criticalBefore          -> ExpiryCritical       Critical
//   expiry - now <= warnBefore              -> ExpiringSoon         Warning
//   expiry unknown                          -> RegistrationUnknown  Unknown  (statuses and NS still judged)
//   registry NS != desired NS (both known)  -> RegistryNameserversDiffer Critical
//   registrar (name or IANA ID) != previous -> RegistrarChanged     Warning
//   expectTransferLock, no *TransferProhibited, and no pendingDelete/redemption -> TransferLockMissing Warning
//   record older than stale_after, lookup failing -> RegistrationUnknown Unknown (the findings above stand)
Verdict EvaluateRegistration(const VerdictInput& in);

}  // namespace domainguard::registration
