#include "controller/discovery/discovery_controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/http/fake_transport.h"
#include "controller/kube/event_recorder.h"
#include "controller/kube/fake_apiserver.h"
#include "controller/metrics/registry.h"

namespace domainguard::discovery {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;

json Ingress(const std::string& name, std::vector<std::string> hosts) {
  json rules = json::array();
  for (const std::string& h : hosts) rules.push_back({{"host", h}});
  return {{"apiVersion", "networking.k8s.io/v1"},
          {"kind", "Ingress"},
          {"metadata", {{"name", name}, {"namespace", "web"}, {"uid", "u-" + name}}},
          {"spec", {{"rules", rules}}}};
}

class DiscoveryControllerTest : public ::testing::Test {
 protected:
  DiscoveryControllerTest() : metrics_(registry_) {
    kube_.SetSendHandler([this](const http::HttpRequest& r) { return api_.Handle(r); });
    kube::RestConfig config;
    config.server = "http://kube.test";
    client_ = std::make_unique<kube::Client>(kube_, config, clock_);
    events_ = std::make_unique<kube::EventRecorder>(*client_, kube::EventAggregatorConfig{"test"}, clock_);
    controller_ = std::make_unique<DiscoveryController>(
        domain::Context{*client_, domains_, *events_, metrics_, clock_}, ingresses_, nullptr);
  }
  std::string Metrics() {
    std::string out;
    metrics_.unmonitored_domain.Render(out);
    return out;
  }

  FakeClock clock_;
  kube::testing::FakeApiServer api_;
  http::FakeTransport kube_;
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<kube::EventRecorder> events_;
  metrics::Registry registry_;
  metrics::DomainMetrics metrics_;
  kube::Store domains_;
  kube::Store ingresses_;
  std::unique_ptr<DiscoveryController> controller_;
};

TEST_F(DiscoveryControllerTest, UncoveredDomainIsAMetricAndOneEventUntilADomainCoversIt) {
  domains_.Upsert({{"metadata", {{"name", "shop"}, {"namespace", "web"}}}, {"spec", {{"zone", "shop.test"}}}});
  ingresses_.Upsert(Ingress("web", {"www.shop.test", "api.forgotten.test"}));
  ASSERT_TRUE(controller_->Reconcile("web/web").status.ok());
  ASSERT_TRUE(controller_->Reconcile("web/web").status.ok());  // no second Event for the same domain
  EXPECT_THAT(Metrics(), HasSubstr("domainguard_unmonitored_domain{namespace=\"web\",domain=\"forgotten.test\"} 1"));
  EXPECT_THAT(Metrics(), ::testing::Not(HasSubstr("shop.test")));
  ASSERT_TRUE(events_->WaitIdle(5s));
  std::vector<json> ev = api_.events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0]["reason"], "UnmonitoredDomain");
  EXPECT_EQ(ev[0]["regarding"]["kind"], "Ingress");
  EXPECT_THAT(ev[0]["note"].get<std::string>(), HasSubstr("api.forgotten.test"));

  // A Domain for it arrives: the series goes.
  domains_.Upsert({{"metadata", {{"name", "forgotten"}, {"namespace", "web"}}}, {"spec", {{"zone", "forgotten.test"}}}});
  ASSERT_TRUE(controller_->Reconcile("web/web").status.ok());
  EXPECT_THAT(Metrics(), ::testing::Not(HasSubstr("forgotten.test")));
}

TEST_F(DiscoveryControllerTest, DeletedIngressClearsItsDomains) {
  ingresses_.Upsert(Ingress("web", {"a.lost.test"}));
  ASSERT_TRUE(controller_->Reconcile("web/web").status.ok());
  EXPECT_THAT(Metrics(), HasSubstr("lost.test"));
  ingresses_.Remove(Ingress("web", {}));
  ASSERT_TRUE(controller_->Reconcile("web/web").status.ok());
  EXPECT_THAT(Metrics(), ::testing::Not(HasSubstr("lost.test")));
}

}  // namespace
}  // namespace domainguard::discovery
