// metav1.LabelSelector matching (matchLabels + matchExpressions with In, NotIn, Exists, DoesNotExist), as
// Kubernetes defines it: every requirement must hold; an empty selector matches everything.
//
// Thread-safety: pure functions over values.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/result.h"

namespace domainguard::notify {

struct LabelRequirement {
  std::string key;
  std::string op;  // In, NotIn, Exists, DoesNotExist
  std::vector<std::string> values;
};

struct LabelSelector {
  std::vector<LabelRequirement> requirements;  // matchLabels become In requirements with one value

  // True when `labels` satisfies every requirement.
  bool Matches(const std::map<std::string, std::string>& labels) const;
};

// Parses a metav1.LabelSelector object. Fails with kInvalidArgument naming `field` (e.g.
// "spec.domainSelector.matchExpressions[0].operator: unknown operator \"Like\"").
Result<LabelSelector> ParseLabelSelector(const nlohmann::json& selector, const std::string& field);

// metadata.labels of an object (non-string values skipped).
std::map<std::string, std::string> LabelsOf(const nlohmann::json& obj);

}  // namespace domainguard::notify
