#include "controller/base/time_format.h"

#include <gtest/gtest.h>

namespace domainguard {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(ParseDuration, AcceptsGoForms) {
  const struct {
    const char* text;
    nanoseconds want;
  } cases[] = {
      {"0", nanoseconds(0)},      {"30s", seconds(30)},         {"5m", minutes(5)},
      {"720h", hours(720)},       {"1h30m", minutes(90)},       {"1.5s", milliseconds(1500)},
      {"250ms", milliseconds(250)}, {"2h45m30s", seconds(9930)}, {"10us", nanoseconds(10000)},
  };
  for (const auto& c : cases) {
    auto got = ParseDuration(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.error().message;
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

TEST(ParseDuration, RejectsWithTheTextNamed) {
  for (const char* text : {"", "5", "h", "-5s", "5 s", "1.2.3s", "5d", "99999999999h", ".s"}) {
    auto got = ParseDuration(text);
    ASSERT_FALSE(got.ok()) << text;
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(got.error().message.find(std::string("\"") + text + "\""), std::string::npos) << got.error().message;
  }
}

TEST(FormatDuration, MatchesGo) {
  EXPECT_EQ(FormatDuration(seconds(0)), "0s");
  EXPECT_EQ(FormatDuration(seconds(45)), "45s");
  EXPECT_EQ(FormatDuration(minutes(90)), "1h30m0s");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(FormatDuration(milliseconds(5)), "5ms");
  EXPECT_EQ(FormatDuration(hours(720)), "720h0m0s");
}

TEST(Rfc3339, RoundTripsAndAcceptsRegistryForms) {
  auto t = ParseRfc3339("2026-11-23T17:40:55Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatRfc3339(*t), "2026-11-23T17:40:55Z");
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*t), 1795455655);
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2026-11-23T19:40:55+02:00")), "2026-11-23T17:40:55Z");
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2026-11-23T17:40:55.123Z")), "2026-11-23T17:40:55Z");
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2026-11-23")), "2026-11-23T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("1999-12-31T23:59:59-00:30")), "2000-01-01T00:29:59Z");
}

TEST(Rfc3339, RejectsGarbage) {
  for (const char* text : {"", "2026", "2026-13-01", "2026-11-23T25:00:00Z", "2026-11-23T17:40:55",
                           "2026-11-23T17:40:55Zjunk", "yesterday", "9999-12-31T23:59:59Z",
                           "1066-10-14T09:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(text).ok()) << text;
  }
}

}  // namespace
}  // namespace domainguard
