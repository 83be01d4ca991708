// metav1.Condition on a status held as nlohmann::json, and the Domain's Ready summary.
//
// SetCondition follows the Kubernetes convention (apimachinery meta.SetStatusCondition): lastTransitionTime
// moves only when status changes; reason, message and observedGeneration are updated in place otherwise.
// SummarizeReady is a pure function of the four condition types each owned by one controller.
//
// Thread-safety: pure functions over values the caller owns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/clock.h"

namespace domainguard::kube {

inline constexpr std::string_view kConditionTrue = "True";
inline constexpr std::string_view kConditionFalse = "False";
inline constexpr std::string_view kConditionUnknown = "Unknown";

// The Domain's condition types (api.md).
inline constexpr std::string_view kReady = "Ready";
inline constexpr std::string_view kRecordsSynced = "RecordsSynced";
inline constexpr std::string_view kDelegationHealthy = "DelegationHealthy";
inline constexpr std::string_view kRegistrationHealthy = "RegistrationHealthy";
inline constexpr std::string_view kFailoverActive = "FailoverActive";

// Ready's own reasons. The other reasons Ready can carry are copied from the condition that decided it.
// Set when RecordsSynced, DelegationHealthy and RegistrationHealthy are all True and no failover is active.
inline constexpr std::string_view kReasonHealthy = "Healthy";
// Set (status Unknown) while one of the three has not been reported yet for this Domain.
inline constexpr std::string_view kReasonChecksPending = "ChecksPending";
// Set (status False) while FailoverActive is True: users are served, but through the backup domain.
inline constexpr std::string_view kReasonFailoverActivated = "FailoverActivated";

struct Condition {
  std::string type;
  std::string status;  // "True", "False", "Unknown"
  std::string reason;  // CamelCase, from api.md
  std::string message;
  int64_t observed_generation = 0;
  std::optional<SystemTime> last_transition_time;  // set by SetCondition when absent

  nlohmann::json ToJson() const;
  // Reads one condition object; missing fields stay empty. Never fails: a malformed timestamp reads as absent.
  static Condition FromJson(const nlohmann::json& j);
};

// The conditions in `status["conditions"]` (an absent or malformed list reads as empty).
std::vector<Condition> GetConditions(const nlohmann::json& status);
// The condition of `type`, if present.
std::optional<Condition> FindCondition(const nlohmann::json& status, std::string_view type);

// Sets `c` in `status["conditions"]` (creating the list), keeping the others in place; a new type is appended.
//   - status changed, or the condition is new: lastTransitionTime = c.last_transition_time or `now`;
//   - status unchanged: lastTransitionTime is kept whatever `c` says; reason, message, observedGeneration update.
// Returns true when anything in `status` changed (the caller writes status only then).
bool SetCondition(nlohmann::json& status, const Condition& c, SystemTime now);

// Removes the condition of `type`; returns whether it was there.
bool RemoveCondition(nlohmann::json& status, std::string_view type);

// Ready from the four concern conditions, with `generation` as observedGeneration. Decision table, first match:
//   FailoverActive True                                  -> False  FailoverActivated  (served via the backup)
//   RegistrationHealthy False                            -> False  its reason         (root causes first:
//   DelegationHealthy False                              -> False  its reason          registration explains
//   RecordsSynced False                                  -> False  its reason          delegation explains records)
//   any of the three missing                             -> Unknown ChecksPending
//   any of the three Unknown                             -> Unknown its reason
//   otherwise                                            -> True   Healthy
// A missing FailoverActive (no failover configured) counts as not active. The message names the deciding
// condition and repeats its message.
Condition SummarizeReady(const std::vector<Condition>& conditions, int64_t generation);

}  // namespace domainguard::kube
