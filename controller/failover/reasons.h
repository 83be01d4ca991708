// Failover reasons: the stable API vocabulary of the FailoverActive condition, the failover finding and Events
// (api.md, "Reasons"), plus the condition reasons for the states between switches. One sentence each on when set.
// Thread-safety: constants only.
#pragma once

#include <string_view>

namespace domainguard::failover::reasons {

// FailoverActive True: a trigger finding was Critical on `confirmations` consecutive evaluations and the backup
// was healthy; the selected hosts are served through the failover domain. Also the Event of the switch.
inline constexpr std::string_view kFailoverActivated = "FailoverActivated";
// Event: the primary was healthy for holdDown (Automatic) or failback was approved (Manual); in OnFailure mode
// the sibling objects (and with them the backup records) are deleted.
inline constexpr std::string_view kFailbackCompleted = "FailbackCompleted";
// FailoverActive False: a trigger is confirmed but the backup Domain is not healthy (or missing), so nothing was
// switched; also the Warning Event saying so.
inline constexpr std::string_view kFailoverBlocked = "FailoverBlocked";
// Warning finding on the primary: the backup shares a registrar, TLD, name server (host or hosting zone) or every
// DNS provider with it, so one event could take both down.
inline constexpr std::string_view kFailoverNotIndependent = "FailoverNotIndependent";
// FailoverActive False: no trigger confirmed; status.failover.ready says whether the backup could take over.
inline constexpr std::string_view kFailoverStandby = "FailoverStandby";
// FailoverActive False: spec.failover cannot be used as written (the message names the field).
inline constexpr std::string_view kFailoverInvalid = "InvalidSpec";

// Annotation on the primary Domain approving a failback in Manual mode.
inline constexpr std::string_view kFailbackAnnotation = "domainguard.io/failback";
inline constexpr std::string_view kFailbackApprove = "approve";

}  // namespace domainguard::failover::reasons
