#include "controller/kube/label_selector.h"

#include <algorithm>
#include <optional>

namespace domainguard::kube {

using nlohmann::json;

namespace {

constexpr size_t kMaxNameLength = 63;       // a label value, the name part of a key
constexpr size_t kMaxSubdomainLength = 253;  // the prefix of a key

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// apimachinery's qualifiedNameFmt / labelValueFmt: ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], at most 63.
std::string NameProblem(std::string_view s) {
  if (s.size() > kMaxNameLength) return "must be at most 63 characters";
  if (!IsAlnum(s.front()) || !IsAlnum(s.back())) return "must start and end with a letter or digit";
  for (char c : s) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') return "may hold only letters, digits, '-', '_' and '.'";
  }
  return "";
}

// A DNS-1123 subdomain: lower-case labels of [a-z0-9-], alphanumeric at both ends, joined by dots, at most 253.
std::string SubdomainProblem(std::string_view s) {
  if (s.size() > kMaxSubdomainLength) return "must be at most 253 characters";
  size_t start = 0;
  while (true) {
    const size_t dot = std::min(s.find('.', start), s.size());
    const std::string_view label = s.substr(start, dot - start);
    const auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (label.empty() || !lower_alnum(label.front()) || !lower_alnum(label.back()) ||
        !std::all_of(label.begin(), label.end(), [&](char c) { return lower_alnum(c) || c == '-'; })) {
      return "must be a DNS subdomain (lower-case letters, digits, '-' and '.')";
    }
    if (dot == s.size()) return "";
    start = dot + 1;
  }
}

std::optional<SelectorOperator> OperatorNamed(const std::string& name) {
  if (name == "In") return SelectorOperator::kIn;
  if (name == "NotIn") return SelectorOperator::kNotIn;
  if (name == "Exists") return SelectorOperator::kExists;
  if (name == "DoesNotExist") return SelectorOperator::kDoesNotExist;
  return std::nullopt;
}

const char* OperatorName(SelectorOperator op) {
  switch (op) {
    case SelectorOperator::kIn: return "In";
    case SelectorOperator::kNotIn: return "NotIn";
    case SelectorOperator::kExists: return "Exists";
    case SelectorOperator::kDoesNotExist: return "DoesNotExist";
  }
  return "";
}

// Every requirement holds for the labels `value_of` looks up (nullopt: no such label).
template <typename Lookup>
bool AllHold(const std::vector<LabelRequirement>& requirements, Lookup value_of) {
  for (const LabelRequirement& r : requirements) {
    const std::optional<std::string_view> v = value_of(r.key);
    const bool listed = v && std::find(r.values.begin(), r.values.end(), *v) != r.values.end();
    switch (r.op) {
      case SelectorOperator::kIn: if (!listed) return false; break;
      case SelectorOperator::kNotIn: if (listed) return false; break;
      case SelectorOperator::kExists: if (!v) return false; break;
      case SelectorOperator::kDoesNotExist: if (v) return false; break;
    }
  }
  return true;
}

Status CheckKey(const std::string& key, const std::string& at) {
  const std::string problem = LabelKeyProblem(key);
  if (problem.empty()) return OkStatus();
  return Error::InvalidArgument(at + ": invalid label key \"" + key + "\": " + problem);
}

Status CheckValue(const std::string& value, const std::string& at) {
  const std::string problem = LabelValueProblem(value);
  if (problem.empty()) return OkStatus();
  return Error::InvalidArgument(at + ": invalid label value \"" + value + "\": " + problem);
}

Result<LabelRequirement> ParseExpression(const json& e, const std::string& at) {
  if (!e.is_object()) return Error::InvalidArgument(at + ": must be an object");
  if (!e.contains("key") || !e["key"].is_string()) return Error::InvalidArgument(at + ".key: required");
  LabelRequirement r;
  r.key = e["key"].get<std::string>();
  if (Status s = CheckKey(r.key, at + ".key"); !s.ok()) return s.error();
  const json& op_field = e.contains("operator") ? e["operator"] : json();
  const std::string op_name = op_field.is_string() ? op_field.get<std::string>() : "";
  const std::optional<SelectorOperator> op = OperatorNamed(op_name);
  if (!op) {
    return Error::InvalidArgument(at + ".operator: unknown operator \"" + op_name +
                                  "\" (want In, NotIn, Exists or DoesNotExist)");
  }
  r.op = *op;
  if (e.contains("values") && !e["values"].is_null()) {
    const json& values = e["values"];
    if (!values.is_array()) return Error::InvalidArgument(at + ".values: must be a list");
    for (size_t j = 0; j < values.size(); ++j) {
      const std::string vat = at + ".values[" + std::to_string(j) + "]";
      if (!values[j].is_string()) return Error::InvalidArgument(vat + ": must be a string");
      r.values.push_back(values[j].get<std::string>());
      if (Status s = CheckValue(r.values.back(), vat); !s.ok()) return s.error();
    }
  }
  const bool needs_values = r.op == SelectorOperator::kIn || r.op == SelectorOperator::kNotIn;
  if (needs_values && r.values.empty()) {
    return Error::InvalidArgument(at + ".values: required for operator " + OperatorName(r.op));
  }
  if (!needs_values && !r.values.empty()) {
    return Error::InvalidArgument(at + ".values: must be empty for operator " + OperatorName(r.op));
  }
  return r;
}

}  // namespace

std::string LabelKeyProblem(std::string_view key) {
  const size_t slash = key.find('/');
  std::string_view name = key;
  if (slash != std::string_view::npos) {
    const std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) return "the prefix before \"/\" is empty";
    if (std::string p = SubdomainProblem(prefix); !p.empty()) return "the prefix " + p;
    if (name.find('/') != std::string_view::npos) return "holds more than one \"/\"";
    if (name.empty()) return "the name after \"/\" is empty";
  }
  if (name.empty()) return "must not be empty";
  std::string p = NameProblem(name);
  return p.empty() ? "" : (slash == std::string_view::npos ? p : "the name after \"/\" " + p);
}

std::string LabelValueProblem(std::string_view value) { return value.empty() ? "" : NameProblem(value); }

bool LabelSelector::Matches(const std::map<std::string, std::string>& labels) const {
  return AllHold(requirements, [&](const std::string& key) -> std::optional<std::string_view> {
    auto it = labels.find(key);
    if (it == labels.end()) return std::nullopt;
    return std::string_view(it->second);
  });
}

bool LabelSelector::MatchesObject(const json& obj) const {
  const json* labels = nullptr;
  if (obj.is_object()) {
    auto md = obj.find("metadata");
    if (md != obj.end() && md->is_object()) {
      auto l = md->find("labels");
      if (l != md->end() && l->is_object()) labels = &*l;
    }
  }
  return AllHold(requirements, [&](const std::string& key) -> std::optional<std::string_view> {
    if (labels == nullptr) return std::nullopt;
    auto it = labels->find(key);
    if (it == labels->end() || !it->is_string()) return std::nullopt;
    return std::string_view(it->get_ref<const std::string&>());
  });
}

Result<LabelSelector> ParseLabelSelector(const json& selector, const std::string& field) {
  LabelSelector out;
  if (selector.is_null()) return out;
  if (!selector.is_object()) return Error::InvalidArgument(field + ": must be an object");
  if (auto ml = selector.find("matchLabels"); ml != selector.end() && !ml->is_null()) {
    if (!ml->is_object()) return Error::InvalidArgument(field + ".matchLabels: must be a map of strings");
    for (auto it = ml->begin(); it != ml->end(); ++it) {
      const std::string at = field + ".matchLabels." + it.key();
      if (!it.value().is_string()) return Error::InvalidArgument(at + ": must be a string");
      if (Status s = CheckKey(it.key(), at); !s.ok()) return s.error();
      if (Status s = CheckValue(it.value().get<std::string>(), at); !s.ok()) return s.error();
      out.requirements.push_back({it.key(), SelectorOperator::kIn, {it.value().get<std::string>()}});
    }
  }
  if (auto me = selector.find("matchExpressions"); me != selector.end() && !me->is_null()) {
    if (!me->is_array()) return Error::InvalidArgument(field + ".matchExpressions: must be a list");
    for (size_t i = 0; i < me->size(); ++i) {
      Result<LabelRequirement> r = ParseExpression((*me)[i], field + ".matchExpressions[" + std::to_string(i) + "]");
      if (!r.ok()) return r.error();
      out.requirements.push_back(std::move(*r));
    }
  }
  return out;
}

}  // namespace domainguard::kube
