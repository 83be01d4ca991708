#include "controller/domain/status_part.h"

#include <algorithm>

#include "controller/base/time_format.h"

namespace domainguard::domain {
namespace {

using nlohmann::json;

const json* Field(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(std::string(key));
  return it == obj.end() ? nullptr : &*it;
}

inline constexpr const char* kChangeStamp = "lastChangeTime";
inline constexpr const char* kOldHeartbeat = "lastCheckTime";  // written before lastChangeTime; dropped on rewrite

// `obj` without its change stamps, for comparing what was observed.
json Unstamped(const json& obj) {
  if (!obj.is_object()) return obj;
  json out = obj;
  out.erase(kChangeStamp);
  out.erase(kOldHeartbeat);
  return out;
}

// Sets `want[kChangeStamp]`: the stamp of `have` when it observed the same, else now.
void Stamp(json& want, const json* have, SystemTime now) {
  if (!want.is_object()) return;
  want.erase(kChangeStamp);
  if (have && have->is_object() && Unstamped(*have) == want) {
    auto it = have->find(kChangeStamp);
    if (it != have->end() && it->is_string()) {
      want[kChangeStamp] = *it;
      return;
    }
  }
  want[kChangeStamp] = FormatRfc3339(now);
}

}  // namespace

std::optional<json> PlanStatusPart(const json& current_status, const StatusPart& part, SystemTime now) {
  bool differs = false;
  json out = BuildStatusPart(current_status, part, now, &differs);
  if (!differs) return std::nullopt;
  return out;
}

json ConditionsScratch(const json& status) {
  json scratch = json::object();
  if (const json* c = Field(status, "conditions")) scratch["conditions"] = *c;
  return scratch;
}

json BuildStatusPart(const json& current, const StatusPart& part, SystemTime now, bool* differs_out) {
  // `current` may be null (a new Domain): Field and ConditionsScratch read a non-object as empty.
  json out = part.fields.is_object() ? part.fields : json::object();
  bool differs = false;
  for (const std::string& key : part.change_stamped) {
    if (out.contains(key)) Stamp(out[key], Field(current, key), now);
  }
  for (auto it = out.begin(); it != out.end(); ++it) {
    const json* have = Field(current, it.key());
    if (!have || *have != it.value()) differs = true;
  }

  // Conditions: start from the current ones so SetCondition keeps lastTransitionTime, then keep only ours.
  if (!part.conditions.empty()) {
    json scratch = ConditionsScratch(current);
    json conditions = json::array();
    for (const kube::Condition& c : part.conditions) {
      if (kube::SetCondition(scratch, c, now)) differs = true;
      std::optional<kube::Condition> set = kube::FindCondition(scratch, c.type);
      if (set) conditions.push_back(set->ToJson());
    }
    out["conditions"] = std::move(conditions);
  }

  if (part.owns_findings) {
    std::vector<json> mine;
    if (const json* f = Field(current, "findings"); f && f->is_array()) {
      for (const json& item : *f) {
        if (item.is_object() && item.contains("reason") && item["reason"].is_string() &&
            (!part.owns_reason || part.owns_reason(item["reason"].get<std::string>()))) {
          mine.push_back(item);
        }
      }
    }
    auto since_of = [&](const std::string& reason) -> std::optional<json> {
      for (const json& m : mine) {
        if (m["reason"] == reason && m.contains("since")) return m["since"];
      }
      return std::nullopt;
    };
    json findings = json::array();
    for (const FindingEntry& f : part.findings) {
      json item = {{"reason", f.reason}, {"severity", f.severity}, {"message", f.message}};
      std::optional<json> since = since_of(f.reason);
      item["since"] = since ? *since : json(FormatRfc3339(now));
      findings.push_back(std::move(item));
    }
    // Same set (order-insensitive) as what the status holds for our reasons?
    auto key = [](const json& a, const json& b) { return a.value("reason", "") < b.value("reason", ""); };
    std::vector<json> want(findings.begin(), findings.end());
    std::sort(want.begin(), want.end(), key);
    std::sort(mine.begin(), mine.end(), key);
    if (want != mine) differs = true;
    out["findings"] = std::move(findings);
  }
  if (differs_out) *differs_out = differs;
  return out;
}

Result<bool> WriteStatusPart(kube::Client& client, const kube::Resource& resource, const json& domain,
                             const StatusPart& part, const Clock& clock) {
  static const json kNull;
  const json& status = domain.contains("status") ? domain["status"] : kNull;
  std::optional<json> planned = PlanStatusPart(status, part, clock.Now());
  if (!planned) return false;
  json body = {{"apiVersion", resource.ApiVersion()},
               {"kind", std::string(resource.kind)},
               {"metadata", {{"name", kube::Name(domain)}, {"namespace", kube::Namespace(domain)}}},
               {"status", std::move(*planned)}};
  Result<json> applied =
      client.Apply(resource, body, part.field_manager, /*force=*/true, "status", kube::Answer::kNone);
  if (!applied.ok()) return applied.error();
  return true;
}

}  // namespace domainguard::domain
