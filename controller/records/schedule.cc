#include "controller/records/schedule.h"

#include <algorithm>

namespace domainguard::records {

Check NextCheck(const ScheduleState& state, MonotonicTime now, const ScheduleOptions& options) {
  if (!state.passed || state.changed) return {true, now};
  std::chrono::milliseconds wait = options.full_compare_interval;
  if (state.waits_for_person) {
    wait = options.poll_interval;
  } else if (state.failures > 0) {
    auto backoff = options.min_backoff * (1LL << std::min(state.failures - 1, 16));
    wait = std::min<std::chrono::milliseconds>(backoff, options.max_backoff);
  }
  const MonotonicTime at = state.last_full + wait;
  return {now >= at, at};
}

ScheduleState AfterPass(ScheduleState state, MonotonicTime now, bool synced, bool waits_for_person) {
  state.passed = true;
  state.last_full = now;
  state.changed = false;
  state.waits_for_person = !synced && waits_for_person;
  state.failures = synced || state.waits_for_person ? 0 : state.failures + 1;
  return state;
}

}  // namespace domainguard::records
