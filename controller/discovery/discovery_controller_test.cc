#include "controller/discovery/discovery_controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/domain/testing/controller_test.h"

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

class DiscoveryControllerTest : public domain::testing::ControllerTest {
 protected:
  DiscoveryControllerTest() {
    controller_ = std::make_unique<DiscoveryController>(context(), ingresses_, nullptr);
  }
  std::string Metrics() {
    std::string out;
    metrics_.unmonitored_domain.Render(out);
    return out;
  }

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
  std::vector<json> ev = SentEvents();
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
