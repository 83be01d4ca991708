#include "controller/failover/sibling.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::failover {
namespace {

using nlohmann::json;

struct HostCase {
  std::string host, want;  // want "" : not in the zone
};
class RewriteHostTest : public ::testing::TestWithParam<HostCase> {};
TEST_P(RewriteHostTest, Rewrites) {
  std::optional<std::string> got = RewriteHost(GetParam().host, "shop.test.", "shop-backup.sm.");
  EXPECT_EQ(got.value_or(""), GetParam().want) << GetParam().host;
}
INSTANTIATE_TEST_SUITE_P(Hosts, RewriteHostTest,
                         ::testing::Values(HostCase{"app.shop.test", "app.shop-backup.sm"},
                                           HostCase{"APP.Shop.Test.", "app.shop-backup.sm"},
                                           HostCase{"a.b.shop.test", "a.b.shop-backup.sm"},
                                           HostCase{"shop.test", "shop-backup.sm"},
                                           HostCase{"*.shop.test", "*.shop-backup.sm"},
                                           HostCase{"myshop.test", ""},       // suffix, not a subdomain
                                           HostCase{"shop.test.example", ""},
                                           HostCase{"other.example.org", ""}, HostCase{"", ""}));

json Domain() {
  return {{"metadata", {{"name", "shop"}, {"namespace", "web"}, {"uid", "u-1"}}}, {"spec", {{"zone", "shop.test"}}}};
}

json WebIngress() {
  return json::parse(R"({
    "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
    "metadata": {"name": "web", "namespace": "web", "resourceVersion": "7",
      "labels": {"domainguard.io/failover": "true", "argocd.argoproj.io/instance": "shop"},
      "annotations": {"cert-manager.io/cluster-issuer": "letsencrypt",
                      "nginx.ingress.kubernetes.io/proxy-body-size": "8m",
                      "kubectl.kubernetes.io/last-applied-configuration": "{}",
                      "external-dns.alpha.kubernetes.io/hostname": "app.shop.test"}},
    "spec": {"ingressClassName": "nginx",
      "defaultBackend": {"service": {"name": "default", "port": {"number": 80}}},
      "rules": [
        {"host": "app.shop.test", "http": {"paths": [{"path": "/", "pathType": "Prefix",
          "backend": {"service": {"name": "app", "port": {"number": 80}}}}]}},
        {"host": "api.shop.test", "http": {"paths": [{"path": "/v1", "pathType": "Prefix",
          "backend": {"service": {"name": "api", "port": {"name": "http"}}}}]}},
        {"host": "other.example.org", "http": {"paths": []}},
        {"http": {"paths": []}}],
      "tls": [{"hosts": ["app.shop.test", "api.shop.test"], "secretName": "web-tls"},
              {"hosts": ["other.example.org"], "secretName": "other-tls"}]},
    "status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.80"}]}}})");
}

TEST(RenderIngressSibling, RewritesHostsKeepsBackendsAndOwnsIt) {
  std::optional<Sibling> s = RenderIngressSibling(WebIngress(), Domain(), "shop-backup.sm.");
  ASSERT_TRUE(s);
  const json& o = s->object;
  EXPECT_EQ(o["metadata"]["name"], "web-failover");
  EXPECT_EQ(o["metadata"]["namespace"], "web");
  EXPECT_THAT(s->hosts, ::testing::ElementsAre("app.shop-backup.sm", "api.shop-backup.sm"));
  ASSERT_EQ(o["spec"]["rules"].size(), 2u);
  EXPECT_EQ(o["spec"]["rules"][0]["host"], "app.shop-backup.sm");
  EXPECT_EQ(o["spec"]["rules"][0]["http"], WebIngress()["spec"]["rules"][0]["http"]);
  EXPECT_EQ(o["spec"]["rules"][1]["http"], WebIngress()["spec"]["rules"][1]["http"]);
  EXPECT_EQ(o["spec"]["ingressClassName"], "nginx");
  EXPECT_FALSE(o["spec"].contains("defaultBackend"));
  ASSERT_EQ(o["spec"]["tls"].size(), 1u);
  EXPECT_EQ(o["spec"]["tls"][0]["hosts"], json({"app.shop-backup.sm", "api.shop-backup.sm"}));
  EXPECT_EQ(o["spec"]["tls"][0]["secretName"], "web-tls-failover");
  const json& ann = o["metadata"]["annotations"];
  EXPECT_EQ(ann["cert-manager.io/cluster-issuer"], "letsencrypt");
  EXPECT_EQ(ann["nginx.ingress.kubernetes.io/proxy-body-size"], "8m");
  EXPECT_FALSE(ann.contains("kubectl.kubernetes.io/last-applied-configuration"));
  EXPECT_FALSE(ann.contains("external-dns.alpha.kubernetes.io/hostname"));
  EXPECT_EQ(ann[kSourceAnnotation], "web");
  EXPECT_EQ(ann[kZoneAnnotation], "shop-backup.sm.");
  EXPECT_EQ(ann[kPrimaryAnnotation], "shop");
  // The user's labels are not copied: a selector (or Argo CD's instance label) must never pick the sibling up.
  EXPECT_EQ(o["metadata"]["labels"], json({{kManagedByLabel, kManagedByValue}, {kSiblingLabel, "true"}}));
  EXPECT_TRUE(IsSibling(o));
  EXPECT_FALSE(IsSibling(WebIngress()));
  EXPECT_EQ(o["metadata"]["ownerReferences"][0]["kind"], "Domain");
  EXPECT_EQ(o["metadata"]["ownerReferences"][0]["uid"], "u-1");
  EXPECT_FALSE(o.contains("status"));
  EXPECT_FALSE(o["metadata"].contains("resourceVersion"));
}

TEST(RenderIngressSibling, NoHostInTheZoneNoSibling) {
  json ing = WebIngress();
  ing["spec"]["rules"] = json::array({{{"host", "x.example.org"}}});
  EXPECT_FALSE(RenderIngressSibling(ing, Domain(), "shop-backup.sm."));
}

TEST(RenderRouteSibling, RewritesHostnamesKeepsParentsAndRules) {
  json route = json::parse(R"({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
    "metadata": {"name": "shop", "namespace": "web"},
    "spec": {"parentRefs": [{"name": "gw"}], "hostnames": ["app.shop.test", "x.example.org"],
             "rules": [{"backendRefs": [{"name": "app", "port": 80}]}]}})");
  std::optional<Sibling> s = RenderRouteSibling(route, Domain(), "shop-backup.sm.");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->object["spec"]["hostnames"], json({"app.shop-backup.sm"}));
  EXPECT_EQ(s->object["spec"]["parentRefs"], route["spec"]["parentRefs"]);
  EXPECT_EQ(s->object["spec"]["rules"], route["spec"]["rules"]);
  EXPECT_EQ(s->object["metadata"]["name"], "shop-failover");
}

TEST(RenderRouteSibling, KeepsTheSixteenHostnameLimit) {
  json route = {{"metadata", {{"name", "r"}, {"namespace", "web"}}}, {"spec", {{"hostnames", json::array()}}}};
  for (int i = 0; i < 16; ++i) route["spec"]["hostnames"].push_back("h" + std::to_string(i) + ".shop.test");
  std::optional<Sibling> s = RenderRouteSibling(route, Domain(), "shop-backup.sm.");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->hosts.size(), kMaxRouteHostnames);
}

TEST(SameSibling, IgnoresWhatOthersAddButNotOurFields) {
  json want = RenderIngressSibling(WebIngress(), Domain(), "shop-backup.sm.")->object;
  json have = want;
  have["metadata"]["resourceVersion"] = "9";
  have["metadata"]["annotations"]["other-controller/seen"] = "yes";
  have["status"] = {{"loadBalancer", json::object()}};
  EXPECT_TRUE(SameSibling(have, want));
  have["spec"]["rules"][0]["host"] = "edited.shop-backup.sm";
  EXPECT_FALSE(SameSibling(have, want));
}

TEST(SiblingName, FitsTheNameLimit) {
  EXPECT_EQ(SiblingName("web"), "web-failover");
  EXPECT_LE(SiblingName(std::string(253, 'a')).size(), 253u);
}

TEST(BackupRecords, IpsAreAandAAAAHostnameIsCname) {
  EXPECT_EQ(BackupRecords({"app.b.sm"}, {{"192.0.2.1", "2001:db8::1"}, {}}),
            (std::vector<json>{{{"name", "app.b.sm."}, {"type", "A"}, {"ttl", 60}, {"values", {"192.0.2.1"}}},
                               {{"name", "app.b.sm."}, {"type", "AAAA"}, {"ttl", 60}, {"values", {"2001:db8::1"}}}}));
  EXPECT_EQ(BackupRecords({"app.b.sm"}, {{}, {"lb.cloud.example", "lb2.cloud.example"}}),
            (std::vector<json>{
                {{"name", "app.b.sm."}, {"type", "CNAME"}, {"ttl", 60}, {"values", {"lb.cloud.example."}}}}));
  EXPECT_TRUE(BackupRecords({"app.b.sm"}, {}).empty());
}

TEST(LoadBalancers, FromIngressAndGateway) {
  LoadBalancer lb = IngressLoadBalancer(WebIngress());
  EXPECT_EQ(lb.ips, std::vector<std::string>{"192.0.2.80"});
  json gw = {{"status", {{"addresses", {{{"type", "IPAddress"}, {"value", "192.0.2.9"}},
                                        {{"type", "Hostname"}, {"value", "GW.example"}}}}}}};
  LoadBalancer g = GatewayLoadBalancer(gw);
  EXPECT_EQ(g.ips, std::vector<std::string>{"192.0.2.9"});
  EXPECT_EQ(g.hostnames, std::vector<std::string>{"gw.example"});
}

}  // namespace
}  // namespace domainguard::failover
