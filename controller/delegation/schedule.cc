#include "controller/delegation/schedule.h"

namespace domainguard::delegation {

NextCheck NextDelegationCheck(const ScheduleState& s, MonotonicTime now) {
  using Action = NextCheck::Action;
  if (s.last && s.last->generation == s.generation && now < s.last->due) return {Action::kWait, s.last->due - now};
  if (!s.records_reported && s.records_wait.count() > 0) {
    const MonotonicTime since = s.records_wait_since.value_or(now);
    const std::chrono::nanoseconds left = since + s.records_wait - now;
    if (left.count() > 0) return {Action::kWaitForRecords, left};
  }
  return {Action::kProbe, std::chrono::nanoseconds(0)};
}

MonotonicTime NextRound(MonotonicTime probed_at, std::chrono::nanoseconds interval) {
  if (interval.count() <= 0) return probed_at;
  const std::chrono::nanoseconds earliest =
      std::chrono::duration_cast<std::chrono::nanoseconds>(probed_at.time_since_epoch()) + interval / 2;
  const int64_t rounds = (earliest.count() + interval.count() - 1) / interval.count();  // ceil: earliest >= 0
  return MonotonicTime{} + std::chrono::duration_cast<MonotonicTime::duration>(interval * rounds);
}

}  // namespace domainguard::delegation
