#include "controller/base/result.h"

#include <gtest/gtest.h>

namespace domainguard {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return Error::InvalidArgument("odd: " + std::to_string(n));
  return n / 2;
}

TEST(Result, HoldsValueOrError) {
  auto a = Half(4);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 2);
  auto b = Half(3);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.error().ToString(), "InvalidArgument: odd: 3");
  EXPECT_EQ(b.value_or(-1), -1);
}

TEST(Result, TransientCodesAreTheRetryableOnes) {
  EXPECT_TRUE(Error::Unavailable("x").IsTransient());
  EXPECT_TRUE(Error::DeadlineExceeded("x").IsTransient());
  EXPECT_FALSE(Error::InvalidArgument("x").IsTransient());
  EXPECT_FALSE(Error::Aborted("x").IsTransient());
}

TEST(Result, WrapKeepsCodeAndRetryAfter) {
  Error e = Error::Unavailable("429 Too Many Requests", std::chrono::seconds(30)).Wrap("rdap example.com");
  EXPECT_EQ(e.message, "rdap example.com: 429 Too Many Requests");
  EXPECT_EQ(e.code, ErrorCode::kUnavailable);
  ASSERT_TRUE(e.retry_after.has_value());
  EXPECT_EQ(e.retry_after->count(), 30);
}

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  Status f = Error::Gone("too old resource version");
  EXPECT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, ErrorCode::kGone);
}

}  // namespace
}  // namespace domainguard
