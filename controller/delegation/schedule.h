// When to probe a Domain's delegation next. A pure function of what is known of the Domain and the time, so the
// controller's schedule is table-tested (as registration/schedule.h does for lookups). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "controller/base/clock.h"

namespace domainguard::delegation {

struct ScheduleState {
  // The last probe of this zone, if any: the generation it probed and when the next one is due.
  struct Probed {
    int64_t generation = 0;
    MonotonicTime due{};
  };
  std::optional<Probed> last;
  int64_t generation = 0;                        // the Domain's metadata.generation now
  bool records_reported = true;                  // RecordsSynced reports on `generation`
  std::optional<MonotonicTime> records_wait_since;  // when `generation` began waiting for that report
  std::chrono::nanoseconds records_wait{0};      // how long a new generation waits for it at most; 0: never
};

struct NextCheck {
  enum class Action { kProbe, kWait, kWaitForRecords };
  Action action = Action::kProbe;
  std::chrono::nanoseconds after{0};  // kWait / kWaitForRecords: come back this much later
};

// The decision, first match:
//   probed this generation, next probe not yet due       -> kWait            until it is due
//   RecordsSynced not reported on this generation and
//     records_wait not over (since: records_wait_since,
//     or now when it has not begun)                      -> kWaitForRecords  until it is over (the report's
//                                                                            status write comes sooner)
//   otherwise                                            -> kProbe           now
// A new generation (a spec edit) is probed at once: what the user just changed is checked now.
NextCheck NextDelegationCheck(const ScheduleState& state, MonotonicTime now);

}  // namespace domainguard::delegation
