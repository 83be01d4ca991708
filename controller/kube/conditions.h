// metav1.Condition on a status held as nlohmann::json.
//
// SetCondition follows the Kubernetes convention (apimachinery meta.SetStatusCondition): lastTransitionTime
// moves only when status changes; reason, message and observedGeneration are updated in place otherwise.
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

struct Condition {
  std::string type;
  std::string status;  // "True", "False", "Unknown"
  std::string reason;  // CamelCase
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

}  // namespace domainguard::kube
