#include "controller/domain/status_merge.h"

#include <algorithm>

#include "controller/api/conditions.h"
#include "controller/base/json_member.h"
#include "controller/kube/conditions.h"

namespace domainguard::domain {
namespace {

using nlohmann::json;

inline constexpr const char* kObservedGeneration = "observedGeneration";

// The string `key` of an object item of a list, or "".
std::string Key(const json& item, const char* key) {
  if (!item.is_object()) return "";
  auto it = item.find(key);
  return it != item.end() && it->is_string() ? it->get<std::string>() : "";
}

bool Contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

bool OwnedCondition(const std::vector<PartOwnership>& owners, const std::string& type) {
  if (type == api::kReady) return true;
  return std::any_of(owners.begin(), owners.end(), [&](const PartOwnership& o) { return Contains(o.conditions, type); });
}

bool OwnedReason(const std::vector<PartOwnership>& owners, const std::string& reason) {
  return std::any_of(owners.begin(), owners.end(),
                     [&](const PartOwnership& o) { return o.owns_reason && o.owns_reason(reason); });
}

// Copies the items of list `key` of `from` that `keep` accepts (by their `id` member) to `to`.
template <typename Keep>
void CopyItems(const json& from, const char* key, const char* id, json& to, Keep keep) {
  const json* list = Member(from, key);
  if (!list || !list->is_array()) return;
  for (const json& item : *list) {
    const std::string k = Key(item, id);
    if (!k.empty() && keep(k)) to.push_back(item);
  }
}

// `status` when it is an object, else an empty one.
const json& StatusOrEmpty(const json& status) {
  static const json kNoStatus = json::object();
  return status.is_object() ? status : kNoStatus;
}

// Sorts `list` by the `id` member of its items and stores it in `out[key]` unless empty.
void Put(json& out, const char* key, json list, const char* id) {
  if (list.empty()) return;
  std::stable_sort(list.begin(), list.end(), [&](const json& a, const json& b) { return Key(a, id) < Key(b, id); });
  out[key] = std::move(list);
}

}  // namespace

json ManagedStatus(const json& status, const std::vector<PartOwnership>& owners) {
  json out = json::object();
  if (!status.is_object()) return out;
  for (const PartOwnership& o : owners) {
    for (const std::string& f : o.fields) {
      if (const json* v = Member(status, f)) out[f] = *v;
    }
  }
  if (const json* g = Member(status, kObservedGeneration)) out[kObservedGeneration] = *g;
  json conditions = json::array();
  json findings = json::array();
  CopyItems(status, "conditions", "type", conditions, [&](const std::string& t) { return OwnedCondition(owners, t); });
  CopyItems(status, "findings", "reason", findings, [&](const std::string& r) { return OwnedReason(owners, r); });
  Put(out, "conditions", std::move(conditions), "type");
  Put(out, "findings", std::move(findings), "reason");
  return out;
}

json MergeStatus(const json& current, const std::vector<PartOwnership>& owners,
                 const std::map<std::string, StatusPart>& pending, int64_t generation, SystemTime now) {
  const json& cur = StatusOrEmpty(current);
  json out = json::object();
  json conditions = json::array();
  json findings = json::array();
  for (const PartOwnership& o : owners) {
    std::optional<json> planned;  // a pending part decides every key it owns, those it leaves out too
    if (auto it = pending.find(o.part); it != pending.end()) planned = BuildStatusPart(cur, it->second, now);
    const json& src = planned ? *planned : cur;
    for (const std::string& f : o.fields) {
      if (const json* v = Member(src, f)) out[f] = *v;
    }
    CopyItems(src, "conditions", "type", conditions, [&](const std::string& t) { return Contains(o.conditions, t); });
    if (o.owns_reason) CopyItems(src, "findings", "reason", findings, o.owns_reason);
  }

  // Ready over the merged conditions and those the writer does not manage (FailoverActive, its own manager's).
  std::vector<kube::Condition> all;
  for (const json& c : conditions) all.push_back(kube::Condition::FromJson(c));
  for (const kube::Condition& c : kube::GetConditions(cur)) {
    if (!OwnedCondition(owners, c.type)) all.push_back(c);
  }
  const kube::Condition ready = api::SummarizeReady(all, generation);
  json scratch = ConditionsScratch(cur);
  if (kube::SetCondition(scratch, ready, now)) {
    conditions.push_back(kube::FindCondition(scratch, api::kReady)->ToJson());
  } else {
    CopyItems(cur, "conditions", "type", conditions, [](const std::string& t) { return t == api::kReady; });
  }
  out[kObservedGeneration] = generation;
  Put(out, "conditions", std::move(conditions), "type");
  Put(out, "findings", std::move(findings), "reason");
  return out;
}

namespace {

// What MergeStatus takes from `src` for owner `o`: its fields, conditions and findings.
json OwnerKeys(const json& src, const PartOwnership& o) {
  json out = json::object();
  for (const std::string& f : o.fields) {
    if (const json* v = Member(src, f)) out[f] = *v;
  }
  json conditions = json::array();
  json findings = json::array();
  CopyItems(src, "conditions", "type", conditions, [&](const std::string& t) { return Contains(o.conditions, t); });
  if (o.owns_reason) CopyItems(src, "findings", "reason", findings, o.owns_reason);
  out["conditions"] = std::move(conditions);
  out["findings"] = std::move(findings);
  return out;
}

}  // namespace

bool PartChangesStatus(const json& current, const std::vector<PartOwnership>& owners, const StatusPart* previous,
                       const StatusPart& part, SystemTime now) {
  const json& cur = StatusOrEmpty(current);
  auto owner = std::find_if(owners.begin(), owners.end(),
                            [&](const PartOwnership& o) { return o.part == part.field_manager; });
  if (owner == owners.end()) return false;
  const json before = OwnerKeys(previous ? BuildStatusPart(cur, *previous, now) : cur, *owner);
  return OwnerKeys(BuildStatusPart(cur, part, now), *owner) != before;
}

json OverlayManaged(const json& status, const json& managed, const std::vector<PartOwnership>& owners) {
  json out = status.is_object() ? status : json::object();
  const json before = ManagedStatus(out, owners);
  for (auto m = before.begin(); m != before.end(); ++m) {
    if (m.key() != "conditions" && m.key() != "findings") out.erase(m.key());
  }
  for (const auto& [list, id] : {std::pair<const char*, const char*>{"conditions", "type"}, {"findings", "reason"}}) {
    json rest = json::array();
    if (const json* items = Member(out, list); items && items->is_array()) {
      for (const json& item : *items) {
        const std::string k = Key(item, id);
        const bool is_managed = std::string_view(list) == "conditions" ? OwnedCondition(owners, k) : OwnedReason(owners, k);
        if (!is_managed) rest.push_back(item);
      }
    }
    if (const json* items = Member(managed, list); items && items->is_array()) {
      for (const json& item : *items) rest.push_back(item);
    }
    if (rest.empty()) {
      out.erase(list);
    } else {
      out[list] = std::move(rest);
    }
  }
  for (auto m = managed.begin(); m != managed.end(); ++m) {
    if (m.key() != "conditions" && m.key() != "findings") out[m.key()] = m.value();
  }
  return out;
}

bool HasObservedGeneration(const json& status) { return Member(status, kObservedGeneration) != nullptr; }

bool IsFirstPass(const json& status, const std::vector<PartOwnership>& owners) {
  for (const kube::Condition& c : kube::GetConditions(status)) {
    for (const PartOwnership& o : owners) {
      if (Contains(o.conditions, c.type)) return false;
    }
  }
  return true;
}

}  // namespace domainguard::domain
