#include "controller/domain/arrival_burst.h"

#include <algorithm>

namespace domainguard::domain {

void ArrivalBurst::Arrived(MonotonicTime t) {
  ++total_;
  if (options_.min_arrivals == 0) return;
  recent_.push_back(t);
  // Only the newest min_arrivals inside the window matter to EndsAt: the memory stays bounded whatever the rate.
  while (!recent_.empty() && (recent_.front() <= t - options_.window || recent_.size() > options_.min_arrivals)) {
    recent_.pop_front();
  }
}

std::optional<MonotonicTime> ArrivalBurst::EndsAt(MonotonicTime now) const {
  if (options_.min_arrivals == 0 || recent_.size() < options_.min_arrivals) return std::nullopt;
  // recent_ holds exactly the newest min_arrivals: the burst lasts while the oldest of them is inside the window
  // and the newest less than `quiet` old.
  const MonotonicTime end = std::min(recent_.back() + options_.quiet, recent_.front() + options_.window);
  if (end <= now) return std::nullopt;
  return end;
}

std::optional<MonotonicTime> FirstPassHeldUntil(const ArrivalBurst& burst, MonotonicTime now,
                                                MonotonicTime first_report, std::chrono::milliseconds limit) {
  const std::optional<MonotonicTime> end = burst.EndsAt(now);
  if (!end) return std::nullopt;
  const MonotonicTime until = std::min(*end, first_report + limit);
  if (until <= now) return std::nullopt;
  return until;
}

}  // namespace domainguard::domain
