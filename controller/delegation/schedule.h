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

// When a zone probed at `probed_at` is due next: the first round after half an interval, a round starting at
// every multiple of `interval` on the monotonic clock. Every Domain of one interval is then due at the same
// instant and probed in one round of back-to-back sweeps, however its earlier probes were spread: with the next
// probe one interval after the last, a restart's first round (60 s for 10,000 Domains on a loaded machine) set
// the spread of every later round (40.7 s; issue #14: one round <= 15 s). Once aligned a Domain's probes are
// `interval` apart; the first alignment (a new Domain, a new generation probed at once, a restart) puts half to
// one and a half intervals between two probes, as does a round whose sweeps run later than half an interval.
// A non-positive interval: `probed_at`.
MonotonicTime NextRound(MonotonicTime probed_at, std::chrono::nanoseconds interval);

}  // namespace domainguard::delegation
