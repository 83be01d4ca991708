#include "controller/notify/delivery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/http/testing/fake_transport.h"

namespace domainguard::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class FakeMail final : public MailSender {
 public:
  Status Send(const MailRequest& r) override {
    sent.push_back(r);
    return next;
  }
  std::vector<MailRequest> sent;
  Status next;
};

const SystemTime kNow = SystemTime{} + std::chrono::seconds(1796526000);
const ChannelRef kChannel{"web", "ops"};

Notice Firing() {
  Notice n;
  n.id = "shop/GlueMissing/firing/Critical/x";
  n.status = "firing";
  n.domain = "shop";
  n.zone = "shop.test";
  n.reason = "GlueMissing";
  n.severity = "Critical";
  return n;
}

ChannelSpec Spec(const nlohmann::json& j) {
  Result<ChannelSpec> s = ParseChannelSpec(j);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return *s;
}

TEST(DeliveryTest, WebhookIsSignedWithTheKey) {
  http::FakeTransport t;
  FakeMail mail;
  Deliverer d(t, mail);
  t.ExpectJson("POST", "hooks.test/dg", 204, "");
  ChannelSecrets secrets;
  secrets.signing_key = "s3cret-hmac-key";
  Status s = d.Send(Spec({{"webhook", {{"url", "http://hooks.test/dg"}, {"signingSecretRef", {{"name", "a"}, {"key", "b"}}}}}}),
                    secrets, kChannel, {Firing()}, kNow);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  ASSERT_EQ(t.requests().size(), 1u);
  const http::HttpRequest r = t.requests()[0];
  std::string sig;
  for (const http::Header& h : r.headers) {
    if (h.name == kSignatureHeader) sig = h.value;
  }
  EXPECT_EQ(sig, SignBody("s3cret-hmac-key", r.body));
  EXPECT_THAT(r.body, Not(HasSubstr("s3cret")));
}

TEST(DeliveryTest, SecretUrlNeverAppearsInErrors) {
  http::FakeTransport t;
  FakeMail mail;
  Deliverer d(t, mail);
  const std::string url = "https://hooks.slack.test/services/T000/B000/tokentokentoken";
  t.Expect("POST", "hooks.slack.test", Error::Unavailable("POST " + url + ": connection refused"));
  ChannelSecrets secrets;
  secrets.url = url;
  Status s = d.Send(Spec({{"slack", {{"urlSecretRef", {{"name", "a"}, {"key", "b"}}}}}}), secrets, kChannel, {Firing()},
                    kNow);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.error().message, Not(HasSubstr("tokentokentoken")));
  EXPECT_THAT(s.error().message, HasSubstr("https://hooks.slack.test"));
  t.ExpectJson("POST", "hooks.slack.test", 404, "no_service " + url);
  s = d.Send(Spec({{"slack", {{"urlSecretRef", {{"name", "a"}, {"key", "b"}}}}}}), secrets, kChannel, {Firing()}, kNow);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(s.error().message, HasSubstr("answered HTTP 404"));
  EXPECT_THAT(s.error().message, Not(HasSubstr("tokentokentoken")));
}

TEST(DeliveryTest, AlertmanagerPostsAlertsAndTestsWithStatus) {
  http::FakeTransport t;
  FakeMail mail;
  Deliverer d(t, mail);
  ChannelSpec spec = Spec({{"alertmanager", {{"url", "http://am.test:9093"}}}});
  t.ExpectJson("POST", "am.test:9093/api/v2/alerts", 200, "");
  ASSERT_TRUE(d.Send(spec, {}, kChannel, {Firing()}, kNow).ok());
  t.ExpectJson("GET", "am.test:9093/api/v2/status", 200, "{}");
  ASSERT_TRUE(d.Send(spec, {}, kChannel, {TestNotice(kChannel, kNow)}, kNow).ok());
  ASSERT_EQ(t.requests().size(), 2u);
  EXPECT_THAT(t.requests()[0].body, HasSubstr("\"alertname\":\"GlueMissing\""));
  t.ExpectJson("POST", "am.test", 500, "boom");
  Status s = d.Send(spec, {}, kChannel, {Firing()}, kNow);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
}

TEST(DeliveryTest, EmailCarriesCredentialsButErrorsDoNot) {
  http::FakeTransport t;
  FakeMail mail;
  Deliverer d(t, mail);
  ChannelSpec spec = Spec({{"email", {{"server", "mail.test:587"}, {"from", "dg@x.test"}, {"to", {"ops@x.test"}},
                                      {"passwordSecretRef", {{"name", "smtp"}, {"key", "password"}}}}}});
  ChannelSecrets secrets;
  secrets.username = "dg";
  secrets.password = "hunter2-smtp";
  mail.next = Error::Unavailable("smtp mail.test:587: Login denied for hunter2-smtp");
  Status s = d.Send(spec, secrets, kChannel, {Firing()}, kNow);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.error().message, Not(HasSubstr("hunter2")));
  ASSERT_EQ(mail.sent.size(), 1u);
  EXPECT_EQ(mail.sent[0].password, "hunter2-smtp");
  EXPECT_TRUE(mail.sent[0].starttls);
  EXPECT_THAT(mail.sent[0].message, HasSubstr("Subject: [domainguard] FIRING Critical GlueMissing shop.test"));
}

TEST(DeliveryTest, ResolveSecretsNamesTheFieldNotTheValue) {
  ChannelSpec spec = Spec({{"webhook", {{"url", "http://x"}, {"signingSecretRef", {{"name", "hook"}, {"key", "k"}}}}}});
  Result<ChannelSecrets> r = ResolveSecrets(spec, [](const std::string& n, const std::string& k) -> Result<std::string> {
    return Error::NotFound("Secret \"" + n + "\" has no key \"" + k + "\"");
  });
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("spec.webhook.signingSecretRef"));
  EXPECT_THAT(r.error().message, HasSubstr("Secret \"hook\""));
  r = ResolveSecrets(spec, [](const std::string&, const std::string&) -> Result<std::string> { return std::string("k3y"); });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->signing_key, "k3y");
}

}  // namespace
}  // namespace domainguard::notify
