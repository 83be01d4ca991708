// spec.failover of a Domain, parsed and validated, its Ingress and HTTPRoute selectors as kube::LabelSelector;
// the failover part (controller/failover/) acts on it. Every error names the field, e.g.
//   spec.failover.holdDown: invalid duration "soon"
//   spec.failover.ingressSelector.matchExpressions[0].operator: unknown operator "Like"
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/result.h"
#include "controller/kube/label_selector.h"

namespace domainguard::api {

enum class FailoverMode { kStandby, kOnFailure };
enum class Failback { kAutomatic, kManual };

// The triggers when spec.failover.triggers is absent (api.md: "default: all").
const std::vector<std::string>& DefaultTriggers();

struct FailoverSpec {
  std::string backup_zone;  // canonical, "example-backup.net."
  FailoverMode mode = FailoverMode::kStandby;
  std::optional<kube::LabelSelector> ingress_selector;    // absent: no Ingress is selected
  std::optional<kube::LabelSelector> httproute_selector;  // absent: no HTTPRoute is selected
  std::chrono::seconds hold_down{600};
  std::vector<std::string> triggers;  // finding reasons, DefaultTriggers() when absent
  int confirmations = 3;
  Failback failback = Failback::kAutomatic;
};

// spec.failover of `domain`; nullopt when the Domain has none. kInvalidArgument naming the field when it is
// malformed (the CRD refuses most of these; a Domain written before a CRD upgrade may still carry them).
Result<std::optional<FailoverSpec>> ParseFailoverSpec(const nlohmann::json& domain);

// The canonical spec.failover.domain of `domain`, "" when it has none or it is not a string: the lenient reading,
// for indexes and the lookups of cached objects (ParseFailoverSpec reports what is malformed).
std::string FailoverZoneOf(const nlohmann::json& domain);

std::string FailoverModeName(FailoverMode m);

// A DNS name as the failover code compares them: lower-cased, with the trailing dot; "" stays "" (an absent zone
// must not look like the root, so dns::CanonicalName, which maps "" to ".", is not used here).
std::string CanonicalZoneName(std::string name);

}  // namespace domainguard::api
