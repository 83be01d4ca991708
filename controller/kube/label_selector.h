// kube::LabelSelector: a metav1.LabelSelector parsed and validated as the apiserver validates one
// (apimachinery's ValidateLabelSelector), and matched as Kubernetes matches it: matchLabels and matchExpressions
// (In, NotIn, Exists, DoesNotExist) must all hold; an empty or absent selector matches every object.
//
// Errors name the field the caller passes, e.g.
//   spec.domainSelector.matchExpressions[0].operator: unknown operator "Like" (want In, NotIn, Exists or DoesNotExist)
//   spec.failover.ingressSelector.matchLabels.team/: invalid label key "team/": the name after "/" is empty
//
// Library dg_kube_labels (no client behind it, so api/'s spec readers can use it). Thread-safety: plain values
// and pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/result.h"

namespace domainguard::kube {

enum class SelectorOperator { kIn, kNotIn, kExists, kDoesNotExist };

struct LabelRequirement {
  std::string key;
  SelectorOperator op = SelectorOperator::kIn;
  std::vector<std::string> values;  // In/NotIn: at least one; Exists/DoesNotExist: none
};

struct LabelSelector {
  std::vector<LabelRequirement> requirements;  // matchLabels first (each an In with one value), in key order

  // True when `labels` satisfies every requirement.
  bool Matches(const std::map<std::string, std::string>& labels) const;
  // The same over an object's metadata.labels (non-string values are not labels), without copying them.
  bool MatchesObject(const nlohmann::json& obj) const;
};

// Parses the metav1.LabelSelector at `field` (null: the empty selector). kInvalidArgument naming the offending
// field when it is malformed: types, operators, values required or forbidden by the operator, label keys
// (qualified names: an optional DNS-subdomain prefix and "/", then at most 63 characters of [A-Za-z0-9-_.]
// starting and ending alphanumeric) and label values (empty, or at most 63 characters of the same kind).
Result<LabelSelector> ParseLabelSelector(const nlohmann::json& selector, const std::string& field);

// The reasons `key` is not a valid label key / `value` not a valid label value; "" when it is.
std::string LabelKeyProblem(std::string_view key);
std::string LabelValueProblem(std::string_view value);

}  // namespace domainguard::kube
