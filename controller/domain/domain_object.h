// Small readers over a Domain object (nlohmann::json as the apiserver returns it), shared by the Domain's
// controllers: its canonical zone, the zone index of the informer cache, and which Domain wins a zone claimed
// twice (api.md: "two Domains claiming one zone: the older wins, the newer gets ZoneConflict").
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/kube/event_recorder.h"
#include "controller/kube/object.h"

namespace domainguard::domain {

// The informer index of Domains by canonical spec.zone.
inline constexpr const char* kZoneIndex = "spec.zone";

// spec.zone in canonical form: lower case, one trailing dot ("Example.COM" -> "example.com."); "" when absent.
std::string CanonicalZone(const nlohmann::json& domain);

// The index function for kZoneIndex.
std::vector<std::string> ZoneIndexValues(const nlohmann::json& domain);

// Of several Domains claiming the same zone, the key ("namespace/name") of the one that keeps it: the oldest
// creationTimestamp, ties broken by key order, so every replica and every reconcile agrees. nullopt for none.
std::optional<std::string> ZoneClaimWinner(const std::vector<nlohmann::json>& claimants);
std::optional<std::string> ZoneClaimWinner(const std::vector<std::shared_ptr<const nlohmann::json>>& claimants);

// The Domain's annotation `name`, if set.
std::optional<std::string> Annotation(const nlohmann::json& obj, const std::string& name);

// The object's .status, or an empty object when absent or not an object. The reference lives as long as `obj`
// (or forever, for the empty object).
const nlohmann::json& StatusOf(const nlohmann::json& obj);

// An object of `resource` as the subject of Events (apiVersion and kind filled in from `resource` when the cached
// object lacks them, as list items of some apiservers do).
kube::ObjectRef EventSubject(const nlohmann::json& obj, const kube::Resource& resource);

// The Domain as the subject of Events.
kube::ObjectRef DomainRef(const nlohmann::json& domain);

}  // namespace domainguard::domain
