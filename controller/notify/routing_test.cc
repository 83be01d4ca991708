#include "controller/notify/routing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::notify {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json Domain(json labels = json::object(), json named = json()) {
  json d = {{"metadata", {{"name", "shop"}, {"namespace", "web"}, {"labels", labels}}}, {"spec", {{"zone", "shop.test"}}}};
  if (!named.is_null()) d["spec"]["alertChannels"] = named;
  return d;
}

json Channel(std::string name, json selector = json(), json status = json::object()) {
  json c = {{"metadata", {{"name", name}, {"namespace", "web"}}}, {"spec", {{"webhook", {{"url", "http://x"}}}}},
            {"status", status}};
  if (!selector.is_null()) c["spec"]["domainSelector"] = selector;
  return c;
}

std::vector<std::string> Reasons(const std::vector<domain::FindingEntry>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs) out.push_back(f.reason + ":" + f.severity);
  return out;
}

TEST(RoutingTest, NoChannelIsAWarning) {
  std::vector<domain::FindingEntry> f = AlertFindings(Domain(), {});
  EXPECT_THAT(Reasons(f), ::testing::ElementsAre("NoAlertChannel:Warning"));
}

TEST(RoutingTest, AWorkingChannelRoutedBySelectorOrNameSilencesIt) {
  EXPECT_TRUE(AlertFindings(Domain(), {Channel("all")}).empty());
  EXPECT_TRUE(AlertFindings(Domain({{"team", "web"}}), {Channel("web", {{"matchLabels", {{"team", "web"}}}})}).empty());
  json other = Channel("db", {{"matchLabels", {{"team", "db"}}}});
  EXPECT_THAT(Reasons(AlertFindings(Domain({{"team", "web"}}), {other})), ::testing::ElementsAre("NoAlertChannel:Warning"));
  EXPECT_TRUE(AlertFindings(Domain({{"team", "web"}}, json::array({{{"name", "db"}}})), {other}).empty());
}

TEST(RoutingTest, FailingChannelIsCriticalNamingItsError) {
  json bad = Channel("ops", json(), {{"consecutiveFailures", 3}, {"lastError", "POST http://x answered HTTP 503"}});
  std::vector<domain::FindingEntry> f = AlertFindings(Domain(), {bad});
  ASSERT_THAT(Reasons(f), ::testing::ElementsAre("AlertChannelFailing:Critical", "NoAlertChannel:Warning"));
  EXPECT_THAT(f[0].message, HasSubstr("AlertChannel ops: 3 deliveries failed in a row, last: POST http://x answered HTTP 503"));
  // Two failures are not yet failing; a second working channel removes NoAlertChannel.
  json flaky = Channel("ops", json(), {{"consecutiveFailures", 2}});
  EXPECT_TRUE(AlertFindings(Domain(), {flaky}).empty());
  EXPECT_THAT(Reasons(AlertFindings(Domain(), {bad, Channel("other")})), ::testing::ElementsAre("AlertChannelFailing:Critical"));
}

TEST(RoutingTest, InvalidSpecAndMissingNamedChannelFail) {
  json invalid = Channel("ops", json(),
                         {{"conditions", {{{"type", "Ready"}, {"status", "False"}, {"reason", "InvalidSpec"},
                                           {"message", "spec.webhook.signingSecretRef: Secret \"k\" not found"}}}}});
  std::vector<domain::FindingEntry> f = AlertFindings(Domain(json::object(), json::array({{{"name", "gone"}}})), {invalid});
  ASSERT_THAT(Reasons(f), ::testing::ElementsAre("AlertChannelFailing:Critical", "NoAlertChannel:Warning"));
  EXPECT_THAT(f[0].message, HasSubstr("AlertChannel gone: not found"));
  EXPECT_THAT(f[0].message, HasSubstr("AlertChannel ops: spec.webhook.signingSecretRef"));
}

}  // namespace
}  // namespace domainguard::notify
