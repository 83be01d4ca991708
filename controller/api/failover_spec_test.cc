#include "controller/api/failover_spec.h"

#include <gtest/gtest.h>

namespace domainguard::api {
namespace {

using nlohmann::json;

json D(json failover) { return {{"spec", {{"zone", "shop.test"}, {"failover", std::move(failover)}}}}; }

TEST(FailoverZoneOf, LenientForIndexes) {
  EXPECT_EQ(FailoverZoneOf(D({{"domain", "Shop-Backup.SM"}})), "shop-backup.sm.");
  EXPECT_EQ(FailoverZoneOf(D({{"domain", "shop-backup.sm."}, {"mode", "Bogus"}})), "shop-backup.sm.")
      << "only the zone is read; ParseFailoverSpec reports the rest";
  EXPECT_EQ(FailoverZoneOf(D({{"domain", 7}})), "");
  EXPECT_EQ(FailoverZoneOf(D("shop-backup.sm")), "");
  EXPECT_EQ(FailoverZoneOf(json{{"spec", {{"zone", "shop.test"}}}}), "");
  EXPECT_EQ(FailoverZoneOf(json{{"spec", "x"}}), "");
  EXPECT_EQ(FailoverZoneOf(json::array()), "");
}

TEST(ParseFailoverSpec, NoneIsNullopt) {
  Result<std::optional<FailoverSpec>> r = ParseFailoverSpec(json{{"spec", {{"zone", "a.test"}}}});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

TEST(ParseFailoverSpec, DefaultsAreTheContracts) {
  Result<std::optional<FailoverSpec>> r = ParseFailoverSpec(D({{"domain", "Shop-Backup.SM"}}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const FailoverSpec& s = **r;
  EXPECT_EQ(s.backup_zone, "shop-backup.sm.");
  EXPECT_EQ(s.mode, FailoverMode::kStandby);
  EXPECT_EQ(s.hold_down, std::chrono::minutes(10));
  EXPECT_EQ(s.confirmations, 3);
  EXPECT_EQ(s.failback, Failback::kAutomatic);
  EXPECT_EQ(s.triggers, DefaultTriggers());
  EXPECT_FALSE(s.ingress_selector);
}

TEST(ParseFailoverSpec, FullSpec) {
  Result<std::optional<FailoverSpec>> r = ParseFailoverSpec(D(json::parse(R"({
    "domain": "b.sm", "mode": "OnFailure", "holdDown": "90s", "confirmations": 2, "failback": "Manual",
    "triggers": ["DelegationMissing"],
    "ingressSelector": {"matchLabels": {"failover": "yes"}},
    "httpRouteSelector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]}})")));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const FailoverSpec& s = **r;
  EXPECT_EQ(s.mode, FailoverMode::kOnFailure);
  EXPECT_EQ(s.hold_down, std::chrono::seconds(90));
  EXPECT_EQ(s.confirmations, 2);
  EXPECT_EQ(s.failback, Failback::kManual);
  EXPECT_EQ(s.triggers, std::vector<std::string>{"DelegationMissing"});
  ASSERT_TRUE(s.ingress_selector);
  EXPECT_TRUE(s.ingress_selector->MatchesObject(json{{"metadata", {{"labels", {{"failover", "yes"}}}}}}));
  EXPECT_FALSE(s.ingress_selector->MatchesObject(json{{"metadata", {{"labels", {{"failover", "no"}}}}}}));
  EXPECT_FALSE(s.ingress_selector->MatchesObject(json{{"metadata", json::object()}}));
  ASSERT_TRUE(s.httproute_selector);
  EXPECT_TRUE(s.httproute_selector->MatchesObject(json{{"metadata", {{"labels", {{"tier", "web"}}}}}}));
}

struct BadCase {
  std::string name;
  json failover;
  std::string want;  // substring of the error
};
class BadSpecTest : public ::testing::TestWithParam<BadCase> {};
TEST_P(BadSpecTest, NamesTheField) {
  Result<std::optional<FailoverSpec>> r = ParseFailoverSpec(D(GetParam().failover));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find(GetParam().want), std::string::npos) << r.error().message;
}
INSTANTIATE_TEST_SUITE_P(
    Spec, BadSpecTest,
    ::testing::ValuesIn(std::vector<BadCase>{
        {"no_domain", json::object(), "spec.failover.domain: required"},
        {"same_zone", {{"domain", "shop.test."}}, "spec.failover.domain: must be another zone"},
        {"mode", {{"domain", "b.sm"}, {"mode", "Sometimes"}}, "spec.failover.mode"},
        {"hold_down", {{"domain", "b.sm"}, {"holdDown", "soon"}}, "spec.failover.holdDown: invalid duration \"soon\""},
        {"trigger", {{"domain", "b.sm"}, {"triggers", {"GlueMissing"}}}, "spec.failover.triggers[0]"},
        {"confirmations", {{"domain", "b.sm"}, {"confirmations", 0}}, "spec.failover.confirmations"},
        {"failback", {{"domain", "b.sm"}, {"failback", "Never"}}, "spec.failover.failback"},
        {"operator",
         {{"domain", "b.sm"},
          {"ingressSelector", {{"matchExpressions", {{{"key", "a"}, {"operator", "Like"}}}}}}},
         "spec.failover.ingressSelector.matchExpressions[0].operator: unknown operator \"Like\""},
    }),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace domainguard::api
