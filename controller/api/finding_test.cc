#include "controller/api/finding.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace domainguard::api {
namespace {

TEST(Severity, NamesRoundTrip) {
  for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kUnknown, Severity::kCritical}) {
    EXPECT_EQ(ParseSeverity(SeverityName(s)), s);
  }
  EXPECT_EQ(SeverityName(Severity::kUnknown), "Unknown");
  EXPECT_EQ(ParseSeverity("critical"), std::nullopt) << "api.md's spelling only";
  EXPECT_EQ(ParseSeverity(""), std::nullopt);
}

TEST(Severity, UnknownIsWorseThanWarningBetterThanCritical) {
  EXPECT_LT(Severity::kInfo, Severity::kWarning);
  EXPECT_LT(Severity::kWarning, Severity::kUnknown);
  EXPECT_LT(Severity::kUnknown, Severity::kCritical);
  EXPECT_EQ(std::max(Severity::kUnknown, Severity::kWarning), Severity::kUnknown);
  EXPECT_EQ(SeverityRank(Severity::kInfo), 0);
  EXPECT_EQ(SeverityRank(Severity::kCritical), 3);
}

}  // namespace
}  // namespace domainguard::api
