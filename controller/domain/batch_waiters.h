// BatchWaiters: the keys a controller holds until a batch of new Domains ends (arrival_burst.h), woken together when
// it ends instead of each requeued to the batch's end. While a user's apply goes on, that end moves 2 s ahead with
// every arrival, so a key requeued to it came back every ~2 s for nothing: ~5 queue round trips per new Domain for
// each of the delegation controller and the status writer over a 15 s apply of 1,000 (issue #14).
//
// One parked key, the timekeeper, is requeued to the batch's end and looks again; the others are requeued only to
// the caller's fallback (a bound, in case the timekeeper is lost). The first parked key to run once the batch is
// over (the timekeeper, or any other woken meanwhile) releases every parked key, for the caller to queue at once.
//
// Pure bookkeeping: times in, keys out (no clock, no lock: the owner serialises calls).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controller/base/clock.h"

namespace domainguard::domain {

class BatchWaiters {
 public:
  // `key` waits for the batch that ends at `end` (REQUIRES: after `now`). How long until it is looked at again:
  // `end - now` for the timekeeper (the first key parked, until it is released or forgotten), else `fallback`
  // (at least `end - now`).
  std::chrono::nanoseconds Park(const std::string& key, MonotonicTime end, MonotonicTime now,
                                std::chrono::nanoseconds fallback);

  // The batch is over: every parked key but `running` (the caller's own, which runs now), to queue now. Nothing is
  // parked afterwards.
  std::vector<std::string> Release(const std::string& running);

  // `key` no longer waits (its Domain deleted, or no longer held for the batch): no longer parked. When it kept the
  // time, the parked key that takes over (queue it now: its next Park makes it the timekeeper); else null.
  std::optional<std::string> Forget(const std::string& key);

  bool empty() const { return parked_.empty(); }
  size_t size() const { return parked_.size(); }

 private:
  std::set<std::string> parked_;
  std::optional<std::string> timekeeper_;
};

// The keys to queue that a pass collects under its owner's lock (Release, Forget), queued by `queue` when this goes
// out of scope: after the lock is released, whichever way the pass returns. Declare it before the lock guard.
class QueueOnExit {
 public:
  explicit QueueOnExit(std::function<void(const std::string&)> queue) : queue_(std::move(queue)) {}
  QueueOnExit(const QueueOnExit&) = delete;
  QueueOnExit& operator=(const QueueOnExit&) = delete;
  ~QueueOnExit() {
    if (!queue_) return;
    for (const std::string& k : keys) queue_(k);
  }

  std::vector<std::string> keys;

 private:
  std::function<void(const std::string&)> queue_;
};

}  // namespace domainguard::domain
