// Clock: the one way domainguard reads time, so tests drive it.
//
// Two times, named for their use (as Envoy does): SystemTime for what people see (expiry, status timestamps,
// Lease fields), MonotonicTime for intervals (backoff, deadlines, idle timeouts). Implementations are
// thread-safe.
#pragma once

#include <chrono>
#include <mutex>

namespace domainguard {

using SystemTime = std::chrono::system_clock::time_point;
using MonotonicTime = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SystemTime Now() const = 0;
  virtual MonotonicTime Monotonic() const = 0;
};

// The machine's clocks.
class RealClock final : public Clock {
 public:
  SystemTime Now() const override { return std::chrono::system_clock::now(); }
  MonotonicTime Monotonic() const override { return std::chrono::steady_clock::now(); }
};

// A clock that moves only when told. Both times advance together.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(SystemTime start = SystemTime{}) : now_(start), mono_(MonotonicTime{} + std::chrono::hours(1)) {}

  SystemTime Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  MonotonicTime Monotonic() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return mono_;
  }
  void Advance(std::chrono::nanoseconds d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += std::chrono::duration_cast<SystemTime::duration>(d);
    mono_ += std::chrono::duration_cast<MonotonicTime::duration>(d);
  }
  void SetNow(SystemTime t) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = t;
  }

 private:
  mutable std::mutex mu_;
  SystemTime now_;     // guarded by mu_
  MonotonicTime mono_; // guarded by mu_
};

}  // namespace domainguard
