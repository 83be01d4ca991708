#include "controller/notify/channel_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::notify {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

struct BadCase {
  std::string name;
  json spec;
  std::string want;  // substring of the error message
};

class ChannelSpecBadTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ChannelSpecBadTest, NamesTheField) {
  Result<ChannelSpec> s = ParseChannelSpec(GetParam().spec);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(s.error().message, HasSubstr(GetParam().want));
}

INSTANTIATE_TEST_SUITE_P(
    Specs, ChannelSpecBadTest,
    ::testing::ValuesIn(std::vector<BadCase>{
        {"no_block", json{{"teams", {{"url", "http://x"}}}}, "exactly one of webhook, slack, alertmanager or email"},
        {"two_blocks", json{{"webhook", {{"url", "http://x"}}}, {"slack", {{"url", "http://y"}}}}, "found 2"},
        {"webhook_no_url", json{{"webhook", json::object()}}, "spec.webhook: set exactly one of url or urlSecretRef"},
        {"webhook_ftp", json{{"webhook", {{"url", "ftp://x"}}}}, "spec.webhook.url: want an http:// or https:// URL"},
        {"signing_ref_no_key", json{{"webhook", {{"url", "http://x"}, {"signingSecretRef", {{"name", "k"}}}}}},
         "spec.webhook.signingSecretRef.key: required"},
        {"alertmanager_no_url", json{{"alertmanager", json::object()}}, "spec.alertmanager.url: required"},
        {"email_bad_server", json{{"email", {{"server", "mail"}, {"from", "a@b"}, {"to", {"c@d"}}}}},
         "spec.email.server: want host:port"},
        {"email_no_to", json{{"email", {{"server", "mail:25"}, {"from", "a@b"}}}}, "spec.email.to: at least one"},
        {"email_bad_to", json{{"email", {{"server", "mail:25"}, {"from", "a@b"}, {"to", {"nobody"}}}}},
         "spec.email.to[0]"},
        {"email_password_in_clear",
         json{{"email",
               {{"server", "mail:25"}, {"from", "a@b"}, {"to", {"c@d"}}, {"tls", "None"},
                {"passwordSecretRef", {{"name", "s"}, {"key", "p"}}}}}},
         "spec.email.tls: None cannot be used with passwordSecretRef"},
        {"bad_severity", json{{"webhook", {{"url", "http://x"}}}, {"severities", {"Loud"}}}, "spec.severities[0]"},
        {"short_heartbeat", json{{"webhook", {{"url", "http://x"}}}, {"heartbeat", "5s"}}, "spec.heartbeat"},
        {"bad_rate", json{{"webhook", {{"url", "http://x"}}}, {"rateLimit", {{"messagesPerMinute", 0}}}},
         "spec.rateLimit.messagesPerMinute"},
    }),
    [](const auto& info) { return info.param.name; });

TEST(ChannelSpecTest, WebhookWithEverything) {
  json spec = {{"webhook", {{"url", "https://hooks.example/dg"}, {"signingSecretRef", {{"name", "hook"}, {"key", "k"}}}}},
               {"domainSelector", {{"matchLabels", {{"team", "web"}}}}},
               {"severities", {"Critical"}},
               {"reasons", {"GlueMissing", "Expired"}},
               {"heartbeat", "168h"},
               {"rateLimit", {{"messagesPerMinute", 5}}}};
  Result<ChannelSpec> s = ParseChannelSpec(spec);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->type, ChannelType::kWebhook);
  EXPECT_EQ(s->url, "https://hooks.example/dg");
  ASSERT_TRUE(s->signing_key);
  EXPECT_EQ(s->signing_key->name, "hook");
  EXPECT_EQ(*s->heartbeat, std::chrono::hours(168));
  EXPECT_EQ(s->messages_per_minute, 5);
  EXPECT_TRUE(s->Wants("GlueMissing", "Critical"));
  EXPECT_FALSE(s->Wants("GlueMissing", "Warning"));
  EXPECT_FALSE(s->Wants("SerialDrift", "Critical"));
  EXPECT_TRUE(s->domain_selector.Matches({{"team", "web"}}));
}

TEST(ChannelSpecTest, DefaultsAreCriticalAndWarningForEveryReason) {
  Result<ChannelSpec> s = ParseChannelSpec({{"slack", {{"urlSecretRef", {{"name", "slack"}, {"key", "url"}}}}}});
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->type, ChannelType::kSlack);
  EXPECT_TRUE(s->url.empty());
  ASSERT_TRUE(s->url_secret);
  EXPECT_TRUE(s->Wants("Anything", "Warning"));
  EXPECT_FALSE(s->Wants("Anything", "Info"));
  EXPECT_FALSE(s->heartbeat);
  EXPECT_EQ(s->messages_per_minute, 30);
}

TEST(ChannelSpecTest, EmailDefaultsToStartTls) {
  Result<ChannelSpec> s = ParseChannelSpec(
      {{"email", {{"server", "smtp.example:587"}, {"from", "dg@example.com"}, {"to", {"ops@example.com"}},
                  {"passwordSecretRef", {{"name", "smtp"}, {"key", "password"}}}}}});
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->type, ChannelType::kEmail);
  EXPECT_TRUE(s->email.starttls);
  EXPECT_EQ(s->email.to, std::vector<std::string>{"ops@example.com"});
}

TEST(ChannelSpecTest, AlertmanagerUrlLosesTrailingSlash) {
  Result<ChannelSpec> s = ParseChannelSpec({{"alertmanager", {{"url", "http://am:9093/"}}}});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->url, "http://am:9093");
}

}  // namespace
}  // namespace domainguard::notify
