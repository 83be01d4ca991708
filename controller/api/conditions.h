// The Domain's conditions (api.md): the four condition types each owned by one controller, Ready's own reasons,
// and Ready as a pure summary of the four. The generic metav1.Condition helpers are kube/conditions.h.
//
// Thread-safety: pure functions over values the caller owns.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "controller/kube/conditions.h"

namespace domainguard::api {

// The Domain's condition types.
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
kube::Condition SummarizeReady(const std::vector<kube::Condition>& conditions, int64_t generation);

}  // namespace domainguard::api
