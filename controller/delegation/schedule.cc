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

}  // namespace domainguard::delegation
