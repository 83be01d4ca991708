#include "controller/providers/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace domainguard::providers {

void RealSleep(std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); }

TokenBucket::TokenBucket(double qps, int burst, const Clock* clock, Sleeper sleeper)
    : qps_(qps),
      burst_(std::max(1, burst)),
      clock_(clock),
      sleeper_(std::move(sleeper)),
      tokens_(std::max(1, burst)),
      last_(clock->Monotonic()) {}

std::chrono::nanoseconds TokenBucket::Acquire() {
  if (qps_ <= 0) return std::chrono::nanoseconds(0);
  std::chrono::nanoseconds wait(0);
  {
    std::lock_guard<std::mutex> lock(mu_);
    MonotonicTime now = clock_->Monotonic();
    double elapsed = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    tokens_ -= 1;  // reserve ours, even if it is not there yet
    if (tokens_ < 0) wait = std::chrono::nanoseconds(static_cast<int64_t>(-tokens_ / qps_ * 1e9));
  }
  if (wait.count() > 0) sleeper_(wait);
  return wait;
}

}  // namespace domainguard::providers
