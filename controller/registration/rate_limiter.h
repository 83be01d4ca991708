// Per-server token buckets: at most `qps` requests per second to each RDAP/WHOIS server, bursts up to `burst`,
// never more. A server that answered 429 is paused until its Retry-After passed. Time comes from a Clock so
// tests drive it.
//
// Thread-safety: all methods may be called from several threads.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "controller/base/clock.h"

namespace domainguard::registration {

struct RateLimit {
  double qps = 1.0;   // sustained requests per second per server
  double burst = 2.0; // bucket size (>= 1)
};

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, RateLimit limit) : clock_(clock), limit_(limit) {}
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes one token for `server` if available now: returns zero. Otherwise takes nothing and returns how long
  // to wait before asking again (a paused server: until the pause ends).
  std::chrono::nanoseconds TryAcquire(const std::string& server);

  // Blocks (sleeping in real time) until a token for `server` is taken or `max_wait` would be exceeded; true
  // when taken. For use with the real clock; tests use TryAcquire with a FakeClock.
  bool Acquire(const std::string& server, std::chrono::nanoseconds max_wait);

  // The server said "come back in `d`" (429 Retry-After): no token is handed out for it before then.
  void Pause(const std::string& server, std::chrono::nanoseconds d);

 private:
  struct Bucket {
    double tokens = 0;
    MonotonicTime last{};
    MonotonicTime paused_until{};
  };
  const Clock& clock_;
  const RateLimit limit_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace domainguard::registration
