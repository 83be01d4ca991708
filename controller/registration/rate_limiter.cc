#include "controller/registration/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace domainguard::registration {

std::chrono::nanoseconds RateLimiter::TryAcquire(const std::string& server) {
  using namespace std::chrono;
  const double burst = std::max(1.0, limit_.burst);
  const double qps = std::max(1e-6, limit_.qps);
  std::lock_guard<std::mutex> lock(mu_);
  MonotonicTime now = clock_.Monotonic();
  auto [it, inserted] = buckets_.try_emplace(server);
  Bucket& b = it->second;
  if (inserted) {
    b.tokens = burst;
    b.last = now;
  }
  if (now < b.paused_until) return b.paused_until - now;
  double elapsed = duration<double>(now - b.last).count();
  b.tokens = std::min(burst, b.tokens + elapsed * qps);
  b.last = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return nanoseconds::zero();
  }
  double missing = 1.0 - b.tokens;
  return duration_cast<nanoseconds>(duration<double>(missing / qps)) + nanoseconds(1);
}

bool RateLimiter::Acquire(const std::string& server, std::chrono::nanoseconds max_wait) {
  auto waited = std::chrono::nanoseconds::zero();
  while (true) {
    auto wait = TryAcquire(server);
    if (wait == std::chrono::nanoseconds::zero()) return true;
    if (waited + wait > max_wait) return false;
    std::this_thread::sleep_for(wait);
    waited += wait;
  }
}

void RateLimiter::Pause(const std::string& server, std::chrono::nanoseconds d) {
  std::lock_guard<std::mutex> lock(mu_);
  MonotonicTime now = clock_.Monotonic();
  auto [it, inserted] = buckets_.try_emplace(server);
  if (inserted) {
    it->second.tokens = 0;
    it->second.last = now;
  }
  it->second.paused_until = std::max(it->second.paused_until, now + std::chrono::duration_cast<MonotonicTime::duration>(d));
  it->second.tokens = 0;  // the server is overloaded: do not burst right after the pause
  it->second.last = it->second.paused_until;
}

}  // namespace domainguard::registration
