// The pure half of the shared Domain status writer (status_writer.h): which status keys each part owns, the
// share of a status the writer manages, and the one status that merges the parts of several controllers.
//
// Every Domain controller's StatusPart (records, delegation, registration, alerting, ready) reaches the apiserver
// through one field manager (kStatusFieldManager), as one apply of everything that manager owns: the parts not
// pending are taken from the current status as they are, the pending ones built on it (BuildStatusPart keeps
// lastTransitionTime, findings' since and lastChangeTime), and Ready and observedGeneration are computed from the
// result. Server-side apply semantics are kept: a key a part owns and no longer names is left out, so removed.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/clock.h"
#include "controller/domain/status_part.h"

namespace domainguard::domain {

// The field manager of every Domain status part written through the shared writer.
inline constexpr const char* kStatusFieldManager = "domainguard";

// What one part owns of a Domain's status. `part` is the StatusPart's field_manager (its name before the writer
// was shared, e.g. "domainguard-records"): the managers an upgraded Domain still lists, released after the first
// shared apply (StatusWriter).
struct PartOwnership {
  std::string part;
  std::vector<std::string> fields;      // top-level status keys
  std::vector<std::string> conditions;  // condition types
  std::function<bool(std::string_view reason)> owns_reason;  // findings; null: none
};

// `status` restricted to what `owners` own, plus Ready and observedGeneration (always the writer's). Conditions
// sorted by type and findings by reason, so two projections compare with ==.
nlohmann::json ManagedStatus(const nlohmann::json& status, const std::vector<PartOwnership>& owners);

// The managed status to apply: for each owner its pending part planned on `current` (nothing pending, or the
// part already holds: its keys as `current` has them), then Ready (api::SummarizeReady over these conditions and
// the unmanaged ones of `current`, e.g. FailoverActive; lastTransitionTime kept unless its status moves) and
// observedGeneration = `generation`. Same order as ManagedStatus. `pending` is keyed by PartOwnership::part;
// parts of unknown owners are ignored.
nlohmann::json MergeStatus(const nlohmann::json& current, const std::vector<PartOwnership>& owners,
                           const std::map<std::string, StatusPart>& pending, int64_t generation, SystemTime now);

// Whether taking `part` changes MergeStatus's result on `current`, `previous` being the part pending for the same
// owner until now (null: none): MergeStatus(current, pending with `part`) != MergeStatus(current, pending without
// it, or with `previous`), for any other pending parts, since parts own disjoint keys and Ready follows their
// conditions. The status writer asks this of every part it takes; comparing the one owner's keys instead of two
// whole merges halves its cost (issue #14). False for a part of no owner, which MergeStatus ignores.
bool PartChangesStatus(const nlohmann::json& current, const std::vector<PartOwnership>& owners,
                       const StatusPart* previous, const StatusPart& part, SystemTime now);

// `status` with what the writer manages replaced by `managed` (a MergeStatus result): the whole status as it will
// be once `managed` is applied (the unmanaged rest, e.g. failover's, as it is).
nlohmann::json OverlayManaged(const nlohmann::json& status, const nlohmann::json& managed,
                              const std::vector<PartOwnership>& owners);

// Whether `status` holds observedGeneration, which every MergeStatus result carries: when it does not (a status the
// writer never applied: a new Domain's), any merge differs from ManagedStatus(status) and needs an apply, so the
// writer need not merge to know it.
bool HasObservedGeneration(const nlohmann::json& status);

// Whether `status` holds none of the owners' conditions yet: a new Domain, whose first pass is written as one.
bool IsFirstPass(const nlohmann::json& status, const std::vector<PartOwnership>& owners);

}  // namespace domainguard::domain
