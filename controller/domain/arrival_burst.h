// ArrivalBurst: whether a user is creating Domains in a batch right now (`kubectl apply -f` of a file of many, a
// GitOps sync), from the times new Domains reached the cache. While one is on, the status writer holds new
// Domains' first-pass applies and their Events (issue #14: the apiserver serves the user's writes first; a new
// Domain's status apply of 20 records is ~25 ms of apiserver time, as much as the user's own create).
//
// A burst is on at `now` while the last arrival is less than `quiet` old and at least `min_arrivals` arrived in the
// `window` before `now`. The defaults: a person adding Domains by hand (or a controller creating one now and then)
// stays under 10 in 5 s and is never held; kubectl creates 30-120 Domains a second on a loaded 2-core bed, so a
// batch is recognised within its first second; and it waits for 2 s of silence, far longer than the gaps between
// kubectl's requests (tens of ms, a few hundred under load), so one apply is one burst.
//
// Pure: times in, a decision out (no clock, no lock: the owner serialises calls and passes one monotonic clock's
// times, non-decreasing).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "controller/base/clock.h"

namespace domainguard::domain {

struct BurstOptions {
  std::chrono::milliseconds quiet{2000};   // the burst ends this long after the last arrival
  std::chrono::milliseconds window{5000};  // arrivals counted over this
  size_t min_arrivals = 10;                // at least this many in the window; 0: never a burst
};

class ArrivalBurst {
 public:
  explicit ArrivalBurst(BurstOptions options = {}) : options_(options) {}

  // A new Domain arrived at `t` (REQUIRES: t not before an earlier call's).
  void Arrived(MonotonicTime t);

  // Null when no burst is on at `now`; else when it ends if nothing more arrives (after `now`).
  std::optional<MonotonicTime> EndsAt(MonotonicTime now) const;

  // Arrivals seen in all (for log lines).
  uint64_t total() const { return total_; }

 private:
  const BurstOptions options_;
  std::deque<MonotonicTime> recent_;  // the last `window` of arrivals (before the newest), oldest first
  uint64_t total_ = 0;
};

// When a new Domain's first pass (whose first part reported at `first_report`) may be applied: null = now (no
// burst); else the time to look again: the burst's end, or `first_report + limit` if sooner (a Domain is never
// held longer than the first pass' own limit, however long the user's batch is).
std::optional<MonotonicTime> FirstPassHeldUntil(const ArrivalBurst& burst, MonotonicTime now,
                                                MonotonicTime first_report, std::chrono::milliseconds limit);

}  // namespace domainguard::domain
