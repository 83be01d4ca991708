// TokenBucket: the per-provider rate limit of DNSProvider spec.rateLimit {qps, burst}. Each request takes one
// token; tokens refill at `qps` per second up to `burst`. Acquire reserves a token and sleeps until it is due, so
// concurrent callers queue fairly without holding the lock while they wait.
//
// Thread-safety: safe from several threads. Time comes from the injected Clock (monotonic) and waiting from the
// injected Sleeper, so tests run without real sleeps.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

#include "controller/base/clock.h"

namespace domainguard::providers {

using Sleeper = std::function<void(std::chrono::nanoseconds)>;

// Sleeps on the real clock.
void RealSleep(std::chrono::nanoseconds d);

class TokenBucket {
 public:
  // qps <= 0 disables limiting. burst < 1 is treated as 1. `clock` must outlive the bucket.
  TokenBucket(double qps, int burst, const Clock* clock, Sleeper sleeper = RealSleep);
  TokenBucket(const TokenBucket&) = delete;
  TokenBucket& operator=(const TokenBucket&) = delete;

  // Takes one token, waiting for it if needed. Returns how long it waited.
  std::chrono::nanoseconds Acquire();

 private:
  const double qps_;
  const double burst_;
  const Clock* clock_;
  Sleeper sleeper_;
  std::mutex mu_;
  double tokens_;            // guarded by mu_; negative while callers wait for reserved tokens
  MonotonicTime last_;       // guarded by mu_
};

}  // namespace domainguard::providers
