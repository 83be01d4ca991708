#include "controller/domain/domain_object.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "controller/api/domain_spec.h"
#include "controller/api/resources.h"
#include "controller/kube/event_recorder.h"

namespace domainguard::domain {

using nlohmann::json;

std::string CanonicalZone(const json& domain) { return api::CanonicalZoneOf(domain); }

std::vector<std::string> ZoneIndexValues(const json& domain) {
  std::string z = CanonicalZone(domain);
  if (z.empty()) return {};
  return {z};
}

namespace {

template <typename Each>
std::optional<std::string> ClaimWinner(size_t n, const Each& each) {
  std::optional<std::string> best_key;
  std::string best_created;
  for (size_t i = 0; i < n; ++i) {
    const json& d = each(i);
    std::string created;
    if (d.contains("metadata") && d["metadata"].contains("creationTimestamp") &&
        d["metadata"]["creationTimestamp"].is_string()) {
      created = d["metadata"]["creationTimestamp"].get<std::string>();
    }
    // RFC 3339 UTC timestamps of the apiserver ("2026-12-02T13:00:00Z") order as strings; a missing one sorts
    // last ("~" is above every digit) so an object not yet created never wins over a real one.
    if (created.empty()) created.push_back('~');
    const std::string key = kube::ObjectKey(d);
    if (!best_key || std::tie(created, key) < std::tie(best_created, *best_key)) {
      best_key = key;
      best_created = created;
    }
  }
  return best_key;
}

}  // namespace

std::optional<std::string> ZoneClaimWinner(const std::vector<json>& claimants) {
  return ClaimWinner(claimants.size(), [&](size_t i) -> const json& { return claimants[i]; });
}

std::optional<std::string> ZoneClaimWinner(const std::vector<std::shared_ptr<const json>>& claimants) {
  return ClaimWinner(claimants.size(), [&](size_t i) -> const json& { return *claimants[i]; });
}

std::optional<std::string> Annotation(const json& obj, const std::string& name) {
  if (!obj.contains("metadata") || !obj["metadata"].contains("annotations")) return std::nullopt;
  const json& a = obj["metadata"]["annotations"];
  if (!a.is_object() || !a.contains(name) || !a[name].is_string()) return std::nullopt;
  return a[name].get<std::string>();
}

const json& StatusOf(const json& obj) {
  static const json kEmpty = json::object();
  if (!obj.is_object()) return kEmpty;
  auto it = obj.find("status");
  return it != obj.end() && it->is_object() ? *it : kEmpty;
}

kube::ObjectRef EventSubject(const json& obj, const kube::Resource& resource) {
  kube::ObjectRef ref = kube::ObjectRef::FromObject(obj);
  // List items of some apiservers omit apiVersion and kind; an Event must still say what it is about.
  if (ref.api_version.empty()) ref.api_version = resource.ApiVersion();
  if (ref.kind.empty()) ref.kind = std::string(resource.kind);
  return ref;
}

kube::ObjectRef DomainRef(const json& domain) { return EventSubject(domain, api::kDomains); }

}  // namespace domainguard::domain
