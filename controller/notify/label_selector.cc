#include "controller/notify/label_selector.h"

#include <algorithm>

namespace domainguard::notify {

using nlohmann::json;

bool LabelSelector::Matches(const std::map<std::string, std::string>& labels) const {
  for (const LabelRequirement& r : requirements) {
    auto it = labels.find(r.key);
    const bool has = it != labels.end();
    const bool in = has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
    if (r.op == "In" && !in) return false;
    if (r.op == "NotIn" && in) return false;
    if (r.op == "Exists" && !has) return false;
    if (r.op == "DoesNotExist" && has) return false;
  }
  return true;
}

Result<LabelSelector> ParseLabelSelector(const json& selector, const std::string& field) {
  LabelSelector out;
  if (selector.is_null()) return out;
  if (!selector.is_object()) return Error::InvalidArgument(field + ": want an object");
  if (auto ml = selector.find("matchLabels"); ml != selector.end() && !ml->is_null()) {
    if (!ml->is_object()) return Error::InvalidArgument(field + ".matchLabels: want an object");
    for (auto it = ml->begin(); it != ml->end(); ++it) {
      if (!it.value().is_string()) {
        return Error::InvalidArgument(field + ".matchLabels." + it.key() + ": want a string");
      }
      out.requirements.push_back({it.key(), "In", {it.value().get<std::string>()}});
    }
  }
  if (auto me = selector.find("matchExpressions"); me != selector.end() && !me->is_null()) {
    if (!me->is_array()) return Error::InvalidArgument(field + ".matchExpressions: want a list");
    for (size_t i = 0; i < me->size(); ++i) {
      const json& e = (*me)[i];
      const std::string at = field + ".matchExpressions[" + std::to_string(i) + "]";
      if (!e.is_object() || !e.contains("key") || !e["key"].is_string()) {
        return Error::InvalidArgument(at + ".key: required");
      }
      LabelRequirement r;
      r.key = e["key"].get<std::string>();
      r.op = e.value("operator", "");
      if (e.contains("values") && e["values"].is_array()) {
        for (const json& v : e["values"]) {
          if (v.is_string()) r.values.push_back(v.get<std::string>());
        }
      }
      if (r.op == "In" || r.op == "NotIn") {
        if (r.values.empty()) return Error::InvalidArgument(at + ".values: required for operator " + r.op);
      } else if (r.op == "Exists" || r.op == "DoesNotExist") {
        if (!r.values.empty()) return Error::InvalidArgument(at + ".values: must be empty for operator " + r.op);
      } else {
        return Error::InvalidArgument(at + ".operator: unknown operator \"" + r.op +
                                      "\" (want In, NotIn, Exists or DoesNotExist)");
      }
      out.requirements.push_back(std::move(r));
    }
  }
  return out;
}

std::map<std::string, std::string> LabelsOf(const json& obj) {
  std::map<std::string, std::string> out;
  if (!obj.is_object() || !obj.contains("metadata") || !obj["metadata"].is_object()) return out;
  const json& md = obj["metadata"];
  if (!md.contains("labels") || !md["labels"].is_object()) return out;
  for (auto it = md["labels"].begin(); it != md["labels"].end(); ++it) {
    if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
  }
  return out;
}

}  // namespace domainguard::notify
