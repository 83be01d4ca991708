#include "controller/providers/rate_limiter.h"

#include <gtest/gtest.h>

namespace domainguard::providers {
namespace {

using std::chrono::milliseconds;

TEST(TokenBucket, BurstThenRate) {
  FakeClock clock;
  std::chrono::nanoseconds slept{0};
  TokenBucket b(10, 3, &clock, [&](std::chrono::nanoseconds d) { slept += d; });
  for (int i = 0; i < 3; ++i) EXPECT_EQ(b.Acquire().count(), 0);
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(b.Acquire()).count(), 100);
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(b.Acquire()).count(), 200);  // reserved behind the previous
  clock.Advance(std::chrono::seconds(10));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(b.Acquire().count(), 0);  // refilled, capped at burst
  EXPECT_GT(b.Acquire().count(), 0);
}

TEST(TokenBucket, ZeroQpsIsUnlimited) {
  FakeClock clock;
  TokenBucket b(0, 1, &clock, [](std::chrono::nanoseconds) { FAIL() << "should not wait"; });
  for (int i = 0; i < 100; ++i) EXPECT_EQ(b.Acquire().count(), 0);
}

}  // namespace
}  // namespace domainguard::providers
