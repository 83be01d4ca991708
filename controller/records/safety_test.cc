#include "controller/records/safety.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::records {
namespace {

constexpr const char* kMe = "web/example-com";

ObservedZone ZoneWith(int owned, int foreign) {
  ObservedZone z;
  z.zone = "example.com.";
  for (int i = 0; i < owned; ++i) {
    z.rrsets.push_back({{"o" + std::to_string(i) + ".example.com.", "A", 300, {"192.0.2.1"}}, kMe});
  }
  for (int i = 0; i < foreign; ++i) {
    z.rrsets.push_back({{"f" + std::to_string(i) + ".example.com.", "A", 300, {"192.0.2.1"}}, ""});
  }
  return z;
}
Changes DeleteFirst(const ObservedZone& z, int n) {
  Changes c;
  for (int i = 0; i < n; ++i) c.deletes.push_back(z.rrsets[i]);
  return c;
}

struct Case {
  std::string name;
  int owned, foreign, deleted;
  OwnershipMode mode;
  int max_percent;
  std::optional<std::string> approval;
  bool want_blocked;
};
class SafetyTest : public ::testing::TestWithParam<Case> {};
TEST_P(SafetyTest, Holds) {
  const Case& c = GetParam();
  ObservedZone z = ZoneWith(c.owned, c.foreign);
  SafetyVerdict v = EvaluateSafety(DeleteFirst(z, c.deleted), z, {kMe, c.mode}, {c.max_percent, 4, c.approval});
  EXPECT_EQ(v.blocked, c.want_blocked) << v.message;
}
INSTANTIATE_TEST_SUITE_P(
    Safety, SafetyTest,
    ::testing::ValuesIn(std::vector<Case>{
        {"nothing_deleted", 10, 0, 0, OwnershipMode::kRecords, 30, std::nullopt, false},
        {"at_limit_passes", 10, 0, 3, OwnershipMode::kRecords, 30, std::nullopt, false},
        {"over_limit_held", 10, 0, 4, OwnershipMode::kRecords, 30, std::nullopt, true},
        {"eighty_percent_held", 20, 0, 16, OwnershipMode::kRecords, 30, std::nullopt, true},
        {"approved_for_this_generation", 20, 0, 16, OwnershipMode::kRecords, 30, "4", false},
        {"approval_of_old_generation_ignored", 20, 0, 16, OwnershipMode::kRecords, 30, "3", true},
        {"hundred_never_holds", 10, 0, 10, OwnershipMode::kRecords, 100, std::nullopt, false},
        {"zero_holds_any_delete", 10, 0, 1, OwnershipMode::kRecords, 0, std::nullopt, true},
        // In Zone mode unmarked records count as manageable, so the share is smaller.
        {"zone_mode_counts_unmarked", 2, 8, 2, OwnershipMode::kZone, 30, std::nullopt, false},
    }),
    [](const auto& info) { return info.param.name; });

TEST(Safety, MessageSaysHowToApprove) {
  ObservedZone z = ZoneWith(20, 0);
  SafetyVerdict v = EvaluateSafety(DeleteFirst(z, 16), z, {kMe, OwnershipMode::kRecords}, {30, 7, std::nullopt});
  ASSERT_TRUE(v.blocked);
  EXPECT_EQ(v.message,
            "the change deletes 16 of 20 records (80%), more than maxDeletePercent 30%; held until annotated "
            "domainguard.io/approve-change=7");
}

TEST(Safety, ValuesDroppedByUpdatesCount) {
  ObservedZone z;
  z.zone = "example.com.";
  z.rrsets.push_back({{"www.example.com.", "A", 300, {"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"}}, kMe});
  Changes c;
  c.updates.push_back({z.rrsets[0], {"www.example.com.", "A", 300, {"192.0.2.1"}}});
  SafetyVerdict v = EvaluateSafety(c, z, {kMe, OwnershipMode::kRecords}, {50, 1, std::nullopt});
  EXPECT_EQ(v.deleted, 3u);
  EXPECT_TRUE(v.blocked);
}

TEST(EvaluateSafety, WithdrawnExtraRecordsNeitherCountNorHold) {
  // Two of three owned records were another part's (failover's backup hosts) and are withdrawn: not held.
  ObservedZone z = ZoneWith(3, 0);
  SafetyPolicy s;
  s.withdrawn_names = {"o0.example.com.", "o1.example.com."};
  PlanPolicy p;
  p.owner = kMe;
  SafetyVerdict v = EvaluateSafety(DeleteFirst(z, 2), z, p, s);
  EXPECT_FALSE(v.blocked);
  EXPECT_EQ(v.deleted, 0u);
  EXPECT_EQ(v.manageable, 1u);
  // The same deletes without the withdrawal are held.
  EXPECT_TRUE(EvaluateSafety(DeleteFirst(z, 2), z, p, SafetyPolicy{}).blocked);
}

}  // namespace
}  // namespace domainguard::records
