#include "controller/notify/render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace domainguard::notify {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const SystemTime kNow = SystemTime{} + std::chrono::seconds(1796526000);  // 2026-12-06T03:00:00Z
const ChannelRef kChannel{"web", "ops"};

Notice Firing() {
  Notice n;
  n.id = "shop/GlueMissing/firing/Critical/2026-12-06T02:00:00Z";
  n.status = "firing";
  n.domain = "shop";
  n.zone = "shop.test";
  n.reason = "GlueMissing";
  n.severity = "Critical";
  n.message = "glue for ns1.shop.test missing at 2 parent servers";
  n.since = "2026-12-06T02:00:00Z";
  n.at = "2026-12-06T03:00:00Z";
  return n;
}

TEST(RenderTest, WebhookNamesDomainReasonAndStatus) {
  json j = json::parse(WebhookBody(Firing(), kChannel));
  EXPECT_EQ(j["status"], "firing");
  EXPECT_EQ(j["namespace"], "web");
  EXPECT_EQ(j["domain"], "shop");
  EXPECT_EQ(j["zone"], "shop.test");
  EXPECT_EQ(j["reason"], "GlueMissing");
  EXPECT_EQ(j["severity"], "Critical");
  EXPECT_EQ(j["id"], Firing().id);
  EXPECT_FALSE(j.contains("previousSeverity"));
}

TEST(RenderTest, SlackIsOneTextLine) {
  json j = json::parse(SlackBody(Firing(), kChannel));
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j["text"],
            "FIRING Critical GlueMissing on shop.test (web/shop): glue for ns1.shop.test missing at 2 parent servers");
}

TEST(RenderTest, AlertmanagerFiringEndsLaterResolvedEndsNow) {
  Notice resolved = Firing();
  resolved.status = "resolved";
  json j = json::parse(AlertmanagerBody({Firing(), resolved}, kChannel, kNow, std::chrono::hours(3)));
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["labels"]["alertname"], "GlueMissing");
  EXPECT_EQ(j[0]["labels"]["domain"], "shop");
  EXPECT_EQ(j[0]["labels"]["namespace"], "web");
  EXPECT_EQ(j[0]["startsAt"], "2026-12-06T02:00:00Z");
  EXPECT_EQ(j[0]["endsAt"], "2026-12-06T06:00:00Z");
  EXPECT_EQ(j[1]["endsAt"], "2026-12-06T03:00:00Z");
}

TEST(RenderTest, EmailHasHeadersAndNoInjectedHeaderLines) {
  Notice n = Firing();
  n.reason = "GlueMissing\r\nBcc: evil@example.com";
  std::string m = EmailMessage(n, kChannel, "dg@example.com", {"ops@example.com", "oncall@example.com"}, kNow);
  EXPECT_THAT(m, HasSubstr("From: dg@example.com\r\n"));
  EXPECT_THAT(m, HasSubstr("To: ops@example.com, oncall@example.com\r\n"));
  EXPECT_THAT(m, HasSubstr("Date: Sun, 06 Dec 2026 03:00:00 +0000\r\n"));
  EXPECT_THAT(m, HasSubstr("Subject: [domainguard] FIRING Critical GlueMissing  Bcc: evil@example.com shop.test\r\n"));
  const std::string headers = m.substr(0, m.find("\r\n\r\n") + 2);
  EXPECT_THAT(headers, ::testing::Not(HasSubstr("\r\nBcc:")));
  EXPECT_THAT(m, ::testing::Not(HasSubstr("\r\r")));
  EXPECT_THAT(m, HasSubstr("kubectl describe domain -n web shop\r\n"));
}

TEST(RenderTest, SignatureIsHmacSha256Hex) {
  // RFC 4231 test case 2.
  EXPECT_EQ(SignBody("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(RenderTest, TestNoticeSaysWhichChannel) {
  Notice t = TestNotice(kChannel, kNow);
  EXPECT_EQ(t.status, "test");
  EXPECT_THAT(Headline(t, kChannel), HasSubstr("web/ops"));
}

}  // namespace
}  // namespace domainguard::notify
