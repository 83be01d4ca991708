#include "controller/records/schedule.h"

#include <algorithm>

namespace domainguard::records {

Check NextCheck(const ScheduleState& state, MonotonicTime now, const ScheduleOptions& options) {
  if (!state.passed || state.changed) return {true, now};
  std::chrono::milliseconds wait = options.full_compare_interval;
  if (state.failures > 0) {
    wait = options.poll_interval;
    if (!state.waits_for_person) {
      auto backoff = options.min_backoff * (1LL << std::min(state.failures - 1, 16));
      wait = std::min<std::chrono::milliseconds>(backoff, options.max_backoff);
    }
  }
  const MonotonicTime at = state.last_full + wait;
  return {now >= at, at};
}

}  // namespace domainguard::records
