#include "controller/notify/outbox.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::notify {
namespace {

const SystemTime kNow = SystemTime{} + std::chrono::hours(24 * 365 * 57);

ObservedFinding F(std::string domain, std::string reason, std::string severity) {
  return {domain, domain + ".test", reason, severity, reason + " seen", "2026-12-06T03:00:00Z"};
}
TrackedFinding T(std::string domain, std::string reason, std::string severity) {
  return {domain, domain + ".test", reason, severity, "2026-12-06T03:00:00Z"};
}
std::vector<std::string> Describe(const std::vector<Notice>& ns) {
  std::vector<std::string> out;
  for (const Notice& n : ns) {
    out.push_back(n.status + " " + n.domain + " " + n.reason + " " + n.severity +
                  (n.previous_severity.empty() ? "" : " from " + n.previous_severity));
  }
  return out;
}

struct Case {
  std::string name;
  std::vector<TrackedFinding> tracked;
  std::vector<ObservedFinding> now;
  std::vector<std::string> want;
  size_t tracked_after;
};

class PlanNoticesTest : public ::testing::TestWithParam<Case> {};

TEST_P(PlanNoticesTest, Notices) {
  const Case& c = GetParam();
  NoticePlan plan = PlanNotices(c.tracked, c.now, kNow);
  EXPECT_THAT(Describe(plan.notices), ::testing::ElementsAreArray(c.want));
  EXPECT_EQ(plan.tracked.size(), c.tracked_after);
}

INSTANTIATE_TEST_SUITE_P(
    Table, PlanNoticesTest,
    ::testing::ValuesIn(std::vector<Case>{
        {"nothing_to_say", {}, {}, {}, 0},
        {"new_finding_fires", {}, {F("shop", "GlueMissing", "Critical")}, {"firing shop GlueMissing Critical"}, 1},
        {"unchanged_finding_is_quiet", {T("shop", "GlueMissing", "Critical")}, {F("shop", "GlueMissing", "Critical")},
         {}, 1},
        {"escalation_fires_again", {T("shop", "ExpiringSoon", "Warning")}, {F("shop", "ExpiringSoon", "Critical")},
         {"firing shop ExpiringSoon Critical from Warning"}, 1},
        {"deescalation_is_quiet", {T("shop", "ExpiringSoon", "Critical")}, {F("shop", "ExpiringSoon", "Warning")},
         {}, 1},
        {"flap_down_then_up_is_one_incident", {T("shop", "GlueMissing", "Critical")},
         {F("shop", "GlueMissing", "Warning")}, {}, 1},
        {"gone_finding_resolves", {T("shop", "GlueMissing", "Critical")}, {}, {"resolved shop GlueMissing Critical"},
         0},
        {"mixed_in_key_order",
         {T("a", "X", "Warning"), T("c", "Y", "Critical")},
         {F("b", "Z", "Critical"), F("c", "Y", "Critical"), F("a", "W", "Warning")},
         {"firing a W Warning", "resolved a X Warning", "firing b Z Critical"},
         3},
    }),
    [](const auto& info) { return info.param.name; });

TEST(OutboxTest, IdsAreStableAcrossPlans) {
  NoticePlan a = PlanNotices({}, {F("shop", "GlueMissing", "Critical")}, kNow);
  NoticePlan b = PlanNotices({}, {F("shop", "GlueMissing", "Critical")}, kNow + std::chrono::minutes(5));
  ASSERT_EQ(a.notices.size(), 1u);
  EXPECT_EQ(a.notices[0].id, b.notices[0].id);
  EXPECT_EQ(a.notices[0].id, "shop/GlueMissing/firing/Critical/2026-12-06T03:00:00Z");
}

TEST(OutboxTest, FlapKeepsTheHighestSeverity) {
  NoticePlan down = PlanNotices({T("shop", "GlueMissing", "Critical")}, {F("shop", "GlueMissing", "Warning")}, kNow);
  ASSERT_EQ(down.tracked.size(), 1u);
  EXPECT_EQ(down.tracked[0].severity, "Critical");
  NoticePlan up = PlanNotices(down.tracked, {F("shop", "GlueMissing", "Critical")}, kNow);
  EXPECT_TRUE(up.notices.empty());
}

TEST(OutboxTest, CapDropsTheOldest) {
  std::vector<Notice> outbox;
  std::vector<Notice> more(5);
  for (int i = 0; i < 5; ++i) more[static_cast<size_t>(i)].id = std::to_string(i);
  EXPECT_EQ(AppendToOutbox(outbox, more, 3), 2);
  ASSERT_EQ(outbox.size(), 3u);
  EXPECT_EQ(outbox.front().id, "2");
}

TEST(OutboxTest, StatusRoundTrip) {
  NoticePlan plan = PlanNotices({T("a", "X", "Warning")}, {F("a", "X", "Critical")}, kNow);
  nlohmann::json status;
  for (const TrackedFinding& t : plan.tracked) status["tracked"].push_back(t.ToJson());
  for (const Notice& n : plan.notices) status["outbox"].push_back(n.ToJson());
  EXPECT_EQ(TrackedFromStatus(status), plan.tracked);
  std::vector<Notice> back = OutboxFromStatus(status);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].previous_severity, "Warning");
  EXPECT_EQ(back[0].id, plan.notices[0].id);
  EXPECT_TRUE(TrackedFromStatus(nlohmann::json("garbage")).empty());
}

}  // namespace
}  // namespace domainguard::notify
