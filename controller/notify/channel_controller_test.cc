#include "controller/notify/channel_controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/domain/testing/controller_test.h"
#include "controller/http/testing/fake_transport.h"
#include "controller/notify/domain_alerting_controller.h"

namespace domainguard::notify {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kHmacKey = "hmac-key-never-logged";

class NoMail final : public MailSender {
 public:
  Status Send(const MailRequest&) override { return Error::Unavailable("no mail in this test"); }
};

json Channel(json spec) {
  return {{"apiVersion", "domainguard.io/v1alpha1"},
          {"kind", "AlertChannel"},
          {"metadata", {{"name", "ops"}, {"namespace", "web"}, {"uid", "u-c"}, {"generation", 1}, {"resourceVersion", "3"}}},
          {"spec", spec}};
}

json Domain(const std::string& name, json findings) {
  return {{"apiVersion", "domainguard.io/v1alpha1"},
          {"kind", "Domain"},
          {"metadata", {{"name", name}, {"namespace", "web"}, {"uid", "u-" + name}, {"generation", 1}}},
          {"spec", {{"zone", name + ".test"}}},
          {"status", {{"findings", findings}}}};
}

json Finding(const std::string& reason, const std::string& severity) {
  return {{"reason", reason}, {"severity", severity}, {"message", reason + " seen"}, {"since", "2026-12-06T02:00:00Z"}};
}

class ChannelControllerTest : public domain::testing::ControllerTest {
 protected:
  ChannelControllerTest() : ControllerTest(SystemTime{} + std::chrono::seconds(1796526000)) {
    // data: base64 of kHmacKey.
    api_.Serve("/namespaces/web/secrets/hook", {{"kind", "Secret"}, {"data", {{"key", "aG1hYy1rZXktbmV2ZXItbG9nZ2Vk"}}}});
    deliverer_ = std::make_unique<Deliverer>(hooks_, mail_);
    Restart();
  }

  // A new controller (a restart or a new leader): nothing in memory, only what the status says.
  void Restart() {
    controller_ = std::make_unique<ChannelController>(context(), channels_, *deliverer_);
  }

  // Reconciles, then lets the channel's cached object carry what was applied (as the informer would).
  kube::ReconcileResult Reconcile() {
    const size_t before = api_.applies().size();
    kube::ReconcileResult r = controller_->Reconcile("web/ops");
    if (api_.applies().size() > before) MergeLastApply(channels_, "web/ops");
    return r;
  }

  std::vector<json> Posted(const std::string& status) const {
    std::vector<json> out;
    for (const http::HttpRequest& r : hooks_.requests()) {
      json j = json::parse(r.body, nullptr, false);
      if (!j.is_discarded() && j.value("status", "") == status) out.push_back(j);
    }
    return out;
  }
  json Status() const { return channels_.Get("web/ops")->value("status", json::object()); }
  std::string Ready() const {
    const json status = Status();
    for (const json& c : status["conditions"]) {
      if (c["type"] == "Ready") return c["status"].get<std::string>() + "/" + c["reason"].get<std::string>();
    }
    return "";
  }
  void AcceptHooks(int n) {
    for (int i = 0; i < n; ++i) hooks_.ExpectJson("POST", "hooks.test", 200, "");
  }

  http::FakeTransport hooks_;
  NoMail mail_;
  kube::Store channels_;
  std::unique_ptr<Deliverer> deliverer_;
  std::unique_ptr<ChannelController> controller_;
};

TEST_F(ChannelControllerTest, FindingStartsResolvesAndIsNeverSentTwiceAcrossARestart) {
  channels_.Upsert(Channel({{"webhook", {{"url", "http://hooks.test/dg"}, {"signingSecretRef", {{"name", "hook"}, {"key", "key"}}}}}}));
  domains_.Upsert(Domain("shop", {Finding("GlueMissing", "Critical"), Finding("SinglePointOfFailure", "Info")}));
  AcceptHooks(2);  // the finding, then the test notice proving the new spec
  ASSERT_TRUE(Reconcile().status.ok());
  ASSERT_EQ(Posted("firing").size(), 1u);
  EXPECT_EQ(Posted("firing")[0]["domain"], "shop");
  EXPECT_EQ(Posted("firing")[0]["reason"], "GlueMissing");
  EXPECT_EQ(Posted("test").size(), 1u);  // Info is not selected by default
  EXPECT_EQ(Ready(), "True/Delivering");
  EXPECT_EQ(Status()["tracked"].size(), 1u);
  EXPECT_TRUE(Status()["outbox"].empty());
  // Signed with the Secret's key, which appears in no status or Event.
  bool signed_ok = false;
  const http::HttpRequest first = hooks_.requests()[0];
  for (const http::Header& h : first.headers) {
    signed_ok |= h.name == kSignatureHeader && h.value == SignBody(kHmacKey, first.body);
  }
  EXPECT_TRUE(signed_ok);
  EXPECT_TRUE(events_.WaitIdle(5s));
  for (const json& a : api_.applies()) EXPECT_THAT(a.dump(), Not(HasSubstr(kHmacKey)));
  for (const json& e : api_.events()) EXPECT_THAT(e.dump(), Not(HasSubstr(kHmacKey)));

  // Restart mid-incident: the new controller knows from status what was sent.
  Restart();
  clock_.Advance(30s);
  ASSERT_TRUE(Reconcile().status.ok());
  EXPECT_EQ(hooks_.requests().size(), 2u);

  // The finding goes away: one resolved message.
  domains_.Upsert(Domain("shop", json::array()));
  AcceptHooks(1);
  ASSERT_TRUE(Reconcile().status.ok());
  ASSERT_EQ(Posted("resolved").size(), 1u);
  EXPECT_EQ(Posted("resolved")[0]["reason"], "GlueMissing");
  ASSERT_TRUE(Reconcile().status.ok());
  EXPECT_EQ(hooks_.requests().size(), 3u);
}

TEST_F(ChannelControllerTest, ReceiverDownGetsEveryNoticeOnceAfterItReturns) {
  channels_.Upsert(Channel({{"webhook", {{"url", "http://hooks.test/dg"}}}}));
  domains_.Upsert(Domain("shop", {Finding("GlueMissing", "Critical")}));
  hooks_.Expect("POST", "hooks.test", Error::Unavailable("POST http://hooks.test/dg: connection refused"));
  kube::ReconcileResult r = Reconcile();
  ASSERT_TRUE(r.status.ok());
  ASSERT_TRUE(r.requeue_after);
  EXPECT_EQ(*r.requeue_after, std::chrono::nanoseconds(5s));
  EXPECT_EQ(Ready(), "False/DeliveryFailed");
  EXPECT_EQ(Status()["consecutiveFailures"], 1);
  EXPECT_THAT(Status()["lastError"].get<std::string>(), HasSubstr("connection refused"));
  EXPECT_EQ(Status()["outbox"].size(), 1u);

  // While it is down the finding resolves and another starts: both wait in order.
  domains_.Upsert(Domain("shop", {Finding("DelegationMissing", "Critical")}));
  ASSERT_TRUE(Reconcile().status.ok());  // backing off: no attempt yet
  EXPECT_EQ(hooks_.requests().size(), 1u);
  EXPECT_EQ(Status()["outbox"].size(), 3u);

  // Two more failures (5 s, then 10 s later): the channel is failing for its Domains.
  for (int i = 0; i < 2; ++i) {
    clock_.Advance(std::chrono::seconds(5 << i));
    hooks_.Expect("POST", "hooks.test", Error::Unavailable("connection refused"));
    ASSERT_TRUE(Reconcile().status.ok());
  }
  EXPECT_EQ(Status()["consecutiveFailures"], 3);
  DomainAlertingController alerting(context(), channels_);
  ASSERT_TRUE(alerting.Reconcile("web/shop").status.ok());
  json applied = api_.applies().back()["status"];
  ASSERT_EQ(applied["findings"].size(), 2u);
  EXPECT_EQ(applied["findings"][0]["reason"], "AlertChannelFailing");
  EXPECT_EQ(applied["findings"][0]["severity"], "Critical");

  // Back after the backoff: every notice, in order, once.
  clock_.Advance(20s);
  AcceptHooks(4);
  ASSERT_TRUE(Reconcile().status.ok());
  std::vector<std::string> got;
  for (size_t i = 3; i < hooks_.requests().size(); ++i) {
    json j = json::parse(hooks_.requests()[i].body);
    got.push_back(j["status"].get<std::string>() + " " + j["reason"].get<std::string>());
  }
  EXPECT_THAT(got, ::testing::ElementsAre("firing GlueMissing", "firing DelegationMissing", "resolved GlueMissing",
                                          "test Test"));
  EXPECT_EQ(Ready(), "True/Delivering");
  EXPECT_EQ(Status()["consecutiveFailures"], 0);
  EXPECT_TRUE(Status()["outbox"].empty());
  ASSERT_TRUE(Reconcile().status.ok());
  EXPECT_EQ(hooks_.requests().size(), 7u);
}

TEST_F(ChannelControllerTest, MissingSecretIsInvalidSpecNamingIt) {
  channels_.Upsert(Channel({{"webhook", {{"url", "http://hooks.test/dg"}, {"signingSecretRef", {{"name", "absent"}, {"key", "key"}}}}}}));
  kube::ReconcileResult r = Reconcile();
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(Ready(), "False/InvalidSpec");
  std::string message;
  const json status = Status();
  for (const json& c : status["conditions"]) message = c["message"];
  EXPECT_THAT(message, HasSubstr("spec.webhook.signingSecretRef"));
  EXPECT_THAT(message, HasSubstr("absent"));
  EXPECT_TRUE(hooks_.requests().empty());
}

TEST_F(ChannelControllerTest, RateLimitSpreadsABurst) {
  channels_.Upsert(Channel({{"webhook", {{"url", "http://hooks.test/dg"}}}, {"rateLimit", {{"messagesPerMinute", 2}}}}));
  json findings = json::array();
  for (const char* r : {"A", "B", "C", "D"}) findings.push_back(Finding(r, "Critical"));
  domains_.Upsert(Domain("shop", findings));
  AcceptHooks(5);
  kube::ReconcileResult r = Reconcile();
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(hooks_.requests().size(), 2u);
  ASSERT_TRUE(r.requeue_after);
  EXPECT_LE(*r.requeue_after, std::chrono::nanoseconds(31s));
  clock_.Advance(60s);
  ASSERT_TRUE(Reconcile().status.ok());
  EXPECT_EQ(hooks_.requests().size(), 4u);
}

}  // namespace
}  // namespace domainguard::notify

namespace domainguard::notify {
namespace {

TEST_F(ChannelControllerTest, HeartbeatProvesAQuietChannelAndAnAlertmanagerIsProbedNotPaged) {
  channels_.Upsert(Channel({{"alertmanager", {{"url", "http://am.test:9093"}}}, {"heartbeat", "168h"}}));
  hooks_.ExpectJson("GET", "am.test:9093/api/v2/status", 200, "{}");
  kube::ReconcileResult r = Reconcile();
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(hooks_.requests().size(), 1u);  // a GET: a test alert would page people
  EXPECT_EQ(Ready(), "True/Delivering");
  ASSERT_TRUE(r.requeue_after);
  EXPECT_EQ(*r.requeue_after, std::chrono::nanoseconds(168h));
  // Quiet for a week: the next reconcile proves it again; before that, nothing is sent.
  clock_.Advance(100h);
  ASSERT_TRUE(Reconcile().status.ok());
  EXPECT_EQ(hooks_.requests().size(), 1u);
  clock_.Advance(68h);
  hooks_.ExpectJson("GET", "am.test:9093/api/v2/status", 200, "{}");
  ASSERT_TRUE(Reconcile().status.ok());
  EXPECT_EQ(hooks_.requests().size(), 2u);
  EXPECT_EQ(Status()["lastTestTime"], Status()["lastDeliveryTime"]);
}

}  // namespace
}  // namespace domainguard::notify
