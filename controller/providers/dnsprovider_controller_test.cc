#include "controller/providers/dnsprovider_controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/domain/testing/controller_test.h"
#include "controller/http/testing/fake_transport.h"

namespace domainguard::providers {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kApiKey = "pdns-api-key-do-not-log";

// The Secret the provider's apiKeySecretRef names, as the apiserver serves it (data: base64 of kApiKey).
json ApiKeySecret() {
  return {{"kind", "Secret"}, {"data", {{"api-key", "cGRucy1hcGkta2V5LWRvLW5vdC1sb2c="}}}};
}
constexpr const char* kSecretUrl = "/namespaces/web/secrets/pdns-a";

json Provider(int64_t generation = 1) {
  return {{"apiVersion", "domainguard.io/v1alpha1"},
          {"kind", "DNSProvider"},
          {"metadata", {{"name", "pdns-a"}, {"namespace", "web"}, {"uid", "u-p"}, {"generation", generation},
                        {"resourceVersion", "5"}}},
          {"spec",
           {{"powerdns", {{"url", "http://127.0.0.1:18081"}, {"apiKeySecretRef", {{"name", "pdns-a"}, {"key", "api-key"}}}}},
            {"nameservers", {"ns1.pdns-a.net."}}}}};
}

json DomainUsing(const std::string& ns, const std::string& name, const std::string& provider) {
  return {{"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", {{"zone", name + ".test"}, {"providers", {{{"name", provider}}}}}}};
}

class DnsProviderControllerTest : public domain::testing::ControllerTest {
 protected:
  DnsProviderControllerTest() {
    api_.Serve(kSecretUrl, ApiKeySecret());
    ProviderRegistryOptions ro;
    ro.start_pollers = false;
    provider_registry_ = std::make_unique<ProviderRegistry>(context(), pdns_, ro);
    controller_ = std::make_unique<DnsProviderController>(context(), providers_, *provider_registry_);
  }

  // The PowerDNS probe: the zone that cannot exist is not there.
  void ProbeAnswers() { pdns_.ExpectJson("GET", "zones?zone=domainguard-probe.invalid.", 200, "[]"); }
  size_t Probes() const {
    size_t n = 0;
    for (const http::HttpRequest& r : pdns_.requests()) n += r.url.find("domainguard-probe.invalid.") != std::string::npos;
    return n;
  }
  json LastStatus() const { return api_.applies().back()["status"]; }

  http::FakeTransport pdns_;
  kube::Store providers_;
  std::unique_ptr<ProviderRegistry> provider_registry_;
  std::unique_ptr<DnsProviderController> controller_;
};

TEST_F(DnsProviderControllerTest, AnsweringProviderIsReadyAndCountsItsDomains) {
  providers_.Upsert(Provider());
  domains_.Upsert(DomainUsing("web", "a", "pdns-a"));
  domains_.Upsert(DomainUsing("web", "b", "pdns-a"));
  domains_.Upsert(DomainUsing("web", "c", "pdns-b"));
  domains_.Upsert(DomainUsing("other", "d", "pdns-a"));  // another namespace's pdns-a is another provider
  ProbeAnswers();
  kube::ReconcileResult r = controller_->Reconcile("web/pdns-a");
  ASSERT_TRUE(r.status.ok()) << r.status.error().ToString();
  ASSERT_TRUE(r.requeue_after);
  EXPECT_EQ(*r.requeue_after, std::chrono::nanoseconds(1min));
  const json status = LastStatus();
  EXPECT_EQ(status["type"], "powerdns");
  EXPECT_EQ(status["zones"], 2);
  EXPECT_EQ(status["observedGeneration"], 1);
  ASSERT_EQ(status["conditions"].size(), 1u);
  EXPECT_EQ(status["conditions"][0]["type"], "Ready");
  EXPECT_EQ(status["conditions"][0]["status"], "True");
  EXPECT_EQ(status["conditions"][0]["reason"], "Reachable");
  // The probe carried the key from the Secret.
  ASSERT_EQ(Probes(), 1u);
  bool keyed = false;
  const http::HttpRequest probe = pdns_.requests()[0];
  for (const http::Header& h : probe.headers) keyed |= h.name == "X-API-Key" && h.value == kApiKey;
  EXPECT_TRUE(keyed);
  std::vector<json> events = SentEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["reason"], "Reachable");
}

TEST_F(DnsProviderControllerTest, DomainsComingAndGoingReuseTheProbe) {
  providers_.Upsert(Provider());
  ProbeAnswers();
  ASSERT_TRUE(controller_->Reconcile("web/pdns-a").status.ok());
  // A thousand new Domains wake the provider for status.zones: within probe_reuse no new probe, no Secret read.
  for (int i = 0; i < 5; ++i) {
    domains_.Upsert(DomainUsing("web", "d" + std::to_string(i), "pdns-a"));
    clock_.Advance(500ms);
    ASSERT_TRUE(controller_->Reconcile("web/pdns-a").status.ok());
  }
  EXPECT_EQ(Probes(), 1u);
  EXPECT_EQ(LastStatus()["zones"], 5);
  EXPECT_EQ(LastStatus()["conditions"][0]["reason"], "Reachable");
  // Past probe_reuse (5 s) the provider is asked again.
  clock_.Advance(3s);
  ProbeAnswers();
  ASSERT_TRUE(controller_->Reconcile("web/pdns-a").status.ok());
  EXPECT_EQ(Probes(), 2u);
  // A spec change (new generation) is probed at once, however young the last probe.
  providers_.Upsert(Provider(2));
  ProbeAnswers();
  ASSERT_TRUE(controller_->Reconcile("web/pdns-a").status.ok());
  EXPECT_EQ(Probes(), 3u);
  EXPECT_EQ(LastStatus()["observedGeneration"], 2);
}

TEST_F(DnsProviderControllerTest, RefusedConnectionIsUnreachableAndRetriedSooner) {
  providers_.Upsert(Provider());
  pdns_.Expect("GET", "domainguard-probe.invalid.", Error::Unavailable("connect 127.0.0.1:18081: connection refused"));
  kube::ReconcileResult r = controller_->Reconcile("web/pdns-a");
  ASSERT_TRUE(r.status.ok()) << r.status.error().ToString();
  ASSERT_TRUE(r.requeue_after);
  EXPECT_EQ(*r.requeue_after, std::chrono::nanoseconds(10s));
  const json cond = LastStatus()["conditions"][0];
  EXPECT_EQ(cond["status"], "False");
  EXPECT_EQ(cond["reason"], "Unreachable");
  EXPECT_THAT(cond["message"].get<std::string>(), HasSubstr("connection refused"));
  std::vector<json> events = SentEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["type"], "Warning");
  EXPECT_EQ(events[0]["reason"], "Unreachable");
  // It answers again (after the reuse window): Ready, and an Event for the recovery.
  clock_.Advance(10s);
  providers_.Upsert([&] {
    json p = Provider();
    p["status"] = LastStatus();
    return p;
  }());
  ProbeAnswers();
  ASSERT_TRUE(controller_->Reconcile("web/pdns-a").status.ok());
  EXPECT_EQ(LastStatus()["conditions"][0]["reason"], "Reachable");
  events = SentEvents();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1]["reason"], "Reachable");
}

TEST_F(DnsProviderControllerTest, MissingSecretIsInvalidSpecNamingItAndNothingIsSent) {
  api_.Unserve(kSecretUrl);
  providers_.Upsert(Provider());
  ASSERT_TRUE(controller_->Reconcile("web/pdns-a").status.ok());
  const json cond = LastStatus()["conditions"][0];
  EXPECT_EQ(cond["status"], "False");
  EXPECT_EQ(cond["reason"], "InvalidSpec");
  EXPECT_THAT(cond["message"].get<std::string>(), HasSubstr("Secret \"pdns-a\" not found in namespace \"web\""));
  EXPECT_EQ(pdns_.requests().size(), 0u);
}

TEST_F(DnsProviderControllerTest, TheKeyNeverReachesStatusOrEvents) {
  providers_.Upsert(Provider());
  // A refused key: Unreachable with PowerDNS's answer, and the key itself nowhere in status or Events.
  pdns_.ExpectJson("GET", "domainguard-probe.invalid.", 401, R"({"error": "Unauthorized"})");
  ASSERT_TRUE(controller_->Reconcile("web/pdns-a").status.ok());
  EXPECT_EQ(LastStatus()["conditions"][0]["reason"], "Unreachable");
  for (const json& a : api_.applies()) EXPECT_THAT(a.dump(), Not(HasSubstr(kApiKey)));
  for (const json& e : SentEvents()) EXPECT_THAT(e.dump(), Not(HasSubstr(kApiKey)));
}

TEST_F(DnsProviderControllerTest, ASerialPollRoundStandsForTheProbe) {
  providers_.Upsert(Provider());
  ProbeAnswers();
  ASSERT_TRUE(controller_->Reconcile("web/pdns-a").status.ok());
  ASSERT_EQ(Probes(), 1u);
  // The records controller armed a zone; the poller's round (one zone-list GET) answers for the provider.
  std::shared_ptr<SerialPoller> poller = provider_registry_->PollerOf("web/pdns-a");
  ASSERT_TRUE(poller);
  poller->Watch("a.test.", 7);
  pdns_.ExpectJson("GET", "/zones?dnssec=false", 200, R"([{"name": "a.test.", "serial": 7}])");
  EXPECT_TRUE(poller->PollOnce().empty());
  clock_.Advance(30s);  // past probe_reuse, within the interval of the round
  ASSERT_TRUE(controller_->Reconcile("web/pdns-a").status.ok());
  EXPECT_EQ(Probes(), 1u);
  EXPECT_EQ(pdns_.requests().size(), 2u);  // the probe and the round, no Secret re-read or request more
  EXPECT_EQ(LastStatus()["conditions"][0]["reason"], "Reachable");
  // A round that could not reach it makes it Unreachable without a probe of its own.
  pdns_.Expect("GET", "/zones?dnssec=false", Error::Unavailable("connection refused"));
  EXPECT_EQ(poller->PollOnce(), std::vector<std::string>{"a.test."});
  clock_.Advance(6s);
  ASSERT_TRUE(controller_->Reconcile("web/pdns-a").status.ok());
  EXPECT_EQ(Probes(), 1u);
  EXPECT_EQ(LastStatus()["conditions"][0]["reason"], "Unreachable");
  EXPECT_THAT(LastStatus()["conditions"][0]["message"].get<std::string>(), HasSubstr("connection refused"));
}

TEST_F(DnsProviderControllerTest, DeletedProviderIsForgotten) {
  EXPECT_TRUE(controller_->Reconcile("web/gone").status.ok());
  EXPECT_TRUE(api_.applies().empty());
}

}  // namespace
}  // namespace domainguard::providers
