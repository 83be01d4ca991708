#include "controller/discovery/check_plugin.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::discovery {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

json Obj(const std::string& ns, const std::string& name, json spec) {
  return {{"metadata", {{"name", name}, {"namespace", ns}}}, {"spec", spec}};
}

TEST(DiscoveryCheckTest, UncoveredDomainsAndWhoUsesThem) {
  std::vector<json> ingresses = {Obj("web", "shop", {{"rules", {{{"host", "www.shop.test"}}, {{"host", "api.lost.test"}}}}})};
  std::vector<json> routes = {Obj("web", "r", {{"hostnames", {"x.lost.test", "y.other.test"}}})};
  std::vector<json> domains = {Obj("web", "shop", {{"zone", "shop.test"}})};
  EXPECT_THAT(DiscoverUnmonitored(ingresses, routes, domains),
              ElementsAre(Pair("lost.test", ElementsAre("Ingress web/shop (api.lost.test)", "HTTPRoute web/r (x.lost.test)")),
                          Pair("other.test", ElementsAre("HTTPRoute web/r (y.other.test)"))));
}

TEST(DiscoveryCheckTest, ClusterFlagsNeedTheSwitchAndAddNothingWithoutIt) {
  delegation::CheckPlugin p = MakeDiscoveryCheckPlugin();
  EXPECT_THAT(p.configure({{"--kubeconfig", "/nowhere"}}), HasSubstr("need --discover-from-cluster"));
  EXPECT_EQ(p.configure({}), "");
  EXPECT_TRUE(p.extra_zones().empty());
  EXPECT_THAT(p.configure({{"--discover-from-cluster", ""}, {"--kubeconfig", "/nowhere/kubeconfig"}}),
              HasSubstr("--kubeconfig"));
}

}  // namespace
}  // namespace domainguard::discovery
