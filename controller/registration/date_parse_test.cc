#include "controller/registration/date_parse.h"

#include <gtest/gtest.h>

#include "controller/base/time_format.h"

namespace domainguard::registration {
namespace {

struct Case {
  std::string text;
  std::string want;  // RFC 3339, or "" for nullopt
};

class LooseDateTest : public ::testing::TestWithParam<Case> {};

TEST_P(LooseDateTest, Parses) {
  const Case& c = GetParam();
  std::optional<SystemTime> got = ParseLooseDate(c.text);
  if (c.want.empty()) {
    EXPECT_FALSE(got.has_value()) << c.text << " -> " << FormatRfc3339(*got);
  } else {
    ASSERT_TRUE(got.has_value()) << c.text;
    EXPECT_EQ(FormatRfc3339(*got), c.want) << c.text;
  }
}

INSTANTIATE_TEST_SUITE_P(Layouts, LooseDateTest, ::testing::ValuesIn(std::vector<Case>{
    {"2027-03-01T21:00:00Z", "2027-03-01T21:00:00Z"},
    // Zones by abbreviation and offset (issue 19: "01:00 WAT" read as UTC put instants hours off).
    {"2026-11-23 01:00 WAT", "2026-11-23T00:00:00Z"},
    {"23.11.2026 12:00:00 CET", "2026-11-23T11:00:00Z"},
    {"2026-07-01 12:00:00 CEST", "2026-07-01T10:00:00Z"},
    {"2026/11/23 10:00:00 (JST)", "2026-11-23T01:00:00Z"},
    {"2026-11-23 10:00:00 KST", "2026-11-23T01:00:00Z"},
    {"2026-11-23 10:00:00 +0900", "2026-11-23T01:00:00Z"},
    {"2026-11-23T07:00:00 EST", "2026-11-23T12:00:00Z"},
    {"01/11/2011 23:27:38 EAT", "2011-11-01T20:27:38Z"},
    {"2025-03-20T07:00:00.000+0000", "2025-03-20T07:00:00Z"},
    {"1st November, 2013", "2013-11-01T00:00:00Z"},
    {"2015. 03. 02.", "2015-03-02T00:00:00Z"},
    {"2026-11-23 10:00:00 CST", "2026-11-23T10:00:00Z"},  // ambiguous abbreviation: not guessed
    {"2027-03-01T21:00:00.34Z", "2027-03-01T21:00:00Z"},
    {"2027-03-01T21:00:00.000+00:00", "2027-03-01T21:00:00Z"},
    {"2027-03-01T21:00:00-07:00", "2027-03-02T04:00:00Z"},
    {"2024-08-01T19:17:33-0700", "2024-08-02T02:17:33Z"},
    {"2027-03-01 21:00:00+0300", "2027-03-01T18:00:00Z"},
    {"2027-03-01 21:00:00 UTC", "2027-03-01T21:00:00Z"},
    {"2027-03-01", "2027-03-01T00:00:00Z"},
    {"2027.03.01", "2027-03-01T00:00:00Z"},
    {"2027/03/31", "2027-03-31T00:00:00Z"},
    {"2027/03/31 10:00:00 (JST)", "2027-03-31T01:00:00Z"},
    {"20270301", "2027-03-01T00:00:00Z"},
    {"01-Mar-2027", "2027-03-01T00:00:00Z"},
    {"15-mar-2027", "2027-03-15T00:00:00Z"},
    {"1 March 2027", "2027-03-01T00:00:00Z"},
    {"March 1, 2027", "2027-03-01T00:00:00Z"},
    {"Mon Mar 01 21:00:00 GMT 2027", "2027-03-01T21:00:00Z"},
    {"Wed, 21 Oct 2026 07:28:00 GMT", "2026-10-21T07:28:00Z"},
    {"01.03.2027", "2027-03-01T00:00:00Z"},
    {"01/03/2027", "2027-03-01T00:00:00Z"},       // day first
    {"03/31/2027", "2027-03-31T00:00:00Z"},       // US: 31 cannot be a month
    {"21-06-2000", "2000-06-21T00:00:00Z"},
    {"2-Mar-27", "2027-03-02T00:00:00Z"},
    {"2027-03-01 (renewal 2028-03-01)", "2027-03-01T00:00:00Z"},
    {"02-Sept-2027", "2027-09-02T00:00:00Z"},
    {"31-Dez-2027", "2027-12-31T00:00:00Z"},
    // Not dates: never a guess.
    {"", ""},
    {"2027", ""},
    {"March 2027", ""},
    {"not published", ""},
    {"2027-02-30", ""},
    {"2027-13-01", ""},
    {"2027-03-01T25:00:00Z", ""},
    {"Made 2027 01", ""},
    {std::string(300, '1'), ""},
    {"2277-10-01T10:01:02Z", ""},  // beyond SystemTime's range (fuzzer finding)
    {"1011-01-01", ""},
}));

}  // namespace
}  // namespace domainguard::registration
