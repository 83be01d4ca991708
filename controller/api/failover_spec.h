// spec.failover of a Domain, parsed and validated, and metav1.LabelSelector matching for its Ingress and
// HTTPRoute selectors; the failover part (controller/failover/) acts on it. Every error names the field, e.g.
//   spec.failover.holdDown: invalid duration "soon"
//   spec.failover.ingressSelector.matchExpressions[0].operator: unknown operator "Like"
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/result.h"

namespace domainguard::api {

enum class FailoverMode { kStandby, kOnFailure };
enum class Failback { kAutomatic, kManual };

// The triggers when spec.failover.triggers is absent (api.md: "default: all").
const std::vector<std::string>& DefaultTriggers();

struct LabelRequirement {
  std::string key;
  std::string op;  // In, NotIn, Exists, DoesNotExist
  std::vector<std::string> values;
};

// A metav1.LabelSelector: every requirement must hold; an empty selector matches every object.
struct LabelSelector {
  std::vector<LabelRequirement> requirements;  // matchLabels become In with one value
  bool Matches(const nlohmann::json& obj) const;  // obj's metadata.labels
};

struct FailoverSpec {
  std::string backup_zone;  // canonical, "example-backup.net."
  FailoverMode mode = FailoverMode::kStandby;
  std::optional<LabelSelector> ingress_selector;    // absent: no Ingress is selected
  std::optional<LabelSelector> httproute_selector;  // absent: no HTTPRoute is selected
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

// Parses a metav1.LabelSelector object found at `field`.
Result<LabelSelector> ParseLabelSelector(const nlohmann::json& selector, const std::string& field);

std::string FailoverModeName(FailoverMode m);

// A DNS name as the failover code compares them: lower-cased, with the trailing dot; "" stays "" (an absent zone
// must not look like the root, so dns::CanonicalName, which maps "" to ".", is not used here).
std::string CanonicalZoneName(std::string name);

}  // namespace domainguard::api
