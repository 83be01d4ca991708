#include "controller/registration/schedule.h"

#include <algorithm>
#include <cmath>

#include "controller/registration/epp_status.h"

namespace domainguard::registration {

std::chrono::seconds NextCheckDelay(const ScheduleInput& in) {
  using namespace std::chrono;
  const seconds interval = std::max(in.interval, seconds(60));
  seconds delay = interval;
  seconds floor_delay{60};

  if (in.lookup_failed) {
    int n = std::clamp(in.consecutive_failures, 1, 20);
    double backoff = 300.0 * std::pow(2.0, n - 1);
    delay = std::min(interval, seconds(static_cast<long long>(std::min(backoff, 1e9))));
    if (in.retry_after) {
      delay = std::max(delay, *in.retry_after);
      floor_delay = std::max(floor_delay, *in.retry_after);
    }
  } else {
    if (in.changed) delay = std::min(delay, seconds(hours(1)));
    if (in.record) {
      const RegistrationRecord& r = *in.record;
      for (const auto& s : r.statuses) {
        if (IsHoldStatus(s) || s == "pendingDelete" || s == "redemptionPeriod") delay = std::min(delay, seconds(hours(1)));
      }
      if (r.expires_at) {
        auto left = duration_cast<seconds>(*r.expires_at - in.now);
        if (left <= in.critical_before) delay = std::min(delay, seconds(hours(1)));
        else if (left <= in.warn_before) delay = std::min(delay, seconds(hours(6)));
        if (left > seconds(0)) delay = std::min(delay, std::max(left, seconds(60)));
      }
    }
  }
  double factor = 1.0 - in.jitter / 2 + in.jitter * std::clamp(in.random01, 0.0, 1.0);
  seconds jittered(static_cast<long long>(static_cast<double>(delay.count()) * factor));
  return std::max(jittered, floor_delay);
}

}  // namespace domainguard::registration
