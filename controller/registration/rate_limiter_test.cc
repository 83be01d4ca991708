#include "controller/registration/rate_limiter.h"

#include <gtest/gtest.h>

namespace domainguard::registration {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, BurstThenSustainedRatePerServer) {
  FakeClock clock;
  RateLimiter limiter(clock, {.qps = 2.0, .burst = 3.0});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.TryAcquire("a:443"), 0ns) << i;
  auto wait = limiter.TryAcquire("a:443");
  EXPECT_GT(wait, 490ms);
  EXPECT_LE(wait, 501ms);
  EXPECT_EQ(limiter.TryAcquire("b:443"), 0ns);  // another server has its own bucket
  // Over 10 simulated seconds at most burst + 10 * qps tokens are handed out, whoever asks how often.
  int granted = 0;
  for (int step = 0; step < 1000; ++step) {
    clock.Advance(10ms);
    while (limiter.TryAcquire("a:443") == 0ns) ++granted;
  }
  EXPECT_LE(granted, 20 + 1);
  EXPECT_GE(granted, 19);
}

TEST(RateLimiter, PauseHoldsEverythingUntilItEnds) {
  FakeClock clock;
  RateLimiter limiter(clock, {.qps = 100.0, .burst = 100.0});
  limiter.Pause("a:80", 7s);
  auto wait = limiter.TryAcquire("a:80");
  EXPECT_EQ(wait, 7s);
  clock.Advance(6s);
  EXPECT_EQ(limiter.TryAcquire("a:80"), 1s);
  clock.Advance(1s);
  // After the pause no burst: the bucket refills from empty.
  EXPECT_GT(limiter.TryAcquire("a:80"), 0ns);
  clock.Advance(10ms);
  EXPECT_EQ(limiter.TryAcquire("a:80"), 0ns);
}

}  // namespace
}  // namespace domainguard::registration
