#include "controller/notify/label_selector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::notify {
namespace {

using nlohmann::json;

TEST(LabelSelectorTest, EmptyMatchesEverything) {
  Result<LabelSelector> s = ParseLabelSelector(json(), "spec.domainSelector");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->Matches({}));
  EXPECT_TRUE(s->Matches({{"team", "web"}}));
}

TEST(LabelSelectorTest, MatchLabelsAndExpressionsAllHold) {
  json sel = {{"matchLabels", {{"team", "web"}}},
              {"matchExpressions",
               {{{"key", "tier"}, {"operator", "In"}, {"values", {"prod", "staging"}}},
                {{"key", "muted"}, {"operator", "DoesNotExist"}}}}};
  Result<LabelSelector> s = ParseLabelSelector(sel, "spec.domainSelector");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_TRUE(s->Matches({{"team", "web"}, {"tier", "prod"}}));
  EXPECT_FALSE(s->Matches({{"team", "web"}, {"tier", "dev"}}));
  EXPECT_FALSE(s->Matches({{"team", "db"}, {"tier", "prod"}}));
  EXPECT_FALSE(s->Matches({{"team", "web"}, {"tier", "prod"}, {"muted", "yes"}}));
}

TEST(LabelSelectorTest, BadOperatorNamesTheField) {
  json sel = {{"matchExpressions", {{{"key", "a"}, {"operator", "Like"}, {"values", {"x"}}}}}};
  Result<LabelSelector> s = ParseLabelSelector(sel, "spec.domainSelector");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.error().message, ::testing::HasSubstr("spec.domainSelector.matchExpressions[0].operator"));
}

TEST(LabelSelectorTest, LabelsOfReadsStringLabels) {
  json obj = {{"metadata", {{"labels", {{"a", "1"}, {"n", 2}}}}}};
  EXPECT_EQ(LabelsOf(obj), (std::map<std::string, std::string>{{"a", "1"}}));
  EXPECT_TRUE(LabelsOf(json::object()).empty());
}

}  // namespace
}  // namespace domainguard::notify
