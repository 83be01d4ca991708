// When to look a Domain's registration up again. A pure function: the caller passes the random sample used for
// jitter, so tests are exact. Thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "controller/base/clock.h"
#include "controller/registration/record.h"

namespace domainguard::registration {

struct ScheduleInput {
  SystemTime now{};
  std::chrono::seconds interval{std::chrono::hours(12)};      // spec.checks.registration.interval
  std::chrono::seconds warn_before{std::chrono::hours(720)};
  std::chrono::seconds critical_before{std::chrono::hours(168)};
  std::optional<RegistrationRecord> record;                    // the last good record, if any
  bool lookup_failed = false;                                  // the last lookup failed
  int consecutive_failures = 0;                                // including the last one
  std::optional<std::chrono::seconds> retry_after;             // the server said when (429)
  bool changed = false;                                        // the last lookup changed the record
  double jitter = 0.2;                                         // total spread as a fraction (0.2: +-10%)
  double random01 = 0.5;                                       // a uniform sample in [0,1)
};

// Returns the delay until the next lookup.
//
//   situation                               | delay (before jitter)
//   ----------------------------------------+---------------------------------------------------------
//   failed, server gave Retry-After         | max(Retry-After, backoff)
//   failed                                  | backoff: 5m * 2^(failures-1), capped at interval
//   hold / pendingDelete / redemption       | min(interval, 1h)
//   expired or within criticalBefore        | min(interval, 1h)
//   within warnBefore                       | min(interval, 6h)
//   changed by the last lookup              | min(interval, 1h)
//   otherwise                               | interval
// A known expiry still ahead also caps the delay at the expiry moment (to see a last-minute renewal at once).
// The result is jittered by +-jitter/2 (not a Retry-After, which is a floor) and never under 1 minute.
std::chrono::seconds NextCheckDelay(const ScheduleInput& in);

}  // namespace domainguard::registration
