#include "controller/discovery/unmonitored.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::discovery {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;

TEST(UnmonitoredTest, IngressHostsFromRulesAndTls) {
  json ing = {{"spec",
               {{"rules", {{{"host", "WWW.Shop.example.co.uk"}}, {{"host", "*.api.example.com"}}, json::object()}},
                {"tls", {{{"hosts", {"www.shop.example.co.uk", "pay.other.org."}}}}}}}};
  EXPECT_THAT(IngressHosts(ing), ElementsAre("www.shop.example.co.uk", "api.example.com", "pay.other.org"));
  EXPECT_TRUE(IngressHosts(json::object()).empty());
  EXPECT_TRUE(IngressHosts(json("garbage")).empty());
}

TEST(UnmonitoredTest, RegistrableWithIcannRulesOnly) {
  // herokuapp.com is a private suffix: its subdomains are not domains anyone here registers, so the
  // registrable domain is herokuapp.com itself (ICANN section), which a Domain may or may not cover.
  EXPECT_THAT(RegistrableDomains({"www.shop.example.co.uk", "a.example.com", "b.example.com", "co.uk", "10.0.0.1",
                                  "myapp.herokuapp.com"}),
              ElementsAre("example.co.uk", "example.com", "herokuapp.com"));
}

TEST(UnmonitoredTest, DomainsCoverTheirRegistrableDomain) {
  std::vector<json> domains = {{{"spec", {{"zone", "example.com."}}}}, {{"spec", {{"zone", "shop.example.co.uk"}}}}};
  std::set<std::string> covered = CoveredDomains(domains);
  EXPECT_THAT(covered, ElementsAre("example.co.uk", "example.com"));
  EXPECT_THAT(Uncovered({"example.com", "other.org"}, covered), ElementsAre("other.org"));
}

// Domains that are not as the schema says cover nothing, and do not stop the others from covering theirs.
TEST(UnmonitoredTest, DomainsWithoutAZoneCoverNothing) {
  std::vector<json> domains = {json::object(),
                               {{"spec", "example.org"}},
                               {{"spec", {{"zone", 42}}}},
                               {{"spec", {{"zone", ""}}}},
                               {{"spec", {{"zone", "Shop.Example.NET."}}}}};
  EXPECT_THAT(CoveredDomains(domains), ElementsAre("example.net"));
}

TEST(UnmonitoredTest, RouteHostnames) {
  EXPECT_THAT(RouteHosts({{"spec", {{"hostnames", {"api.example.net", "*.example.net"}}}}}),
              ElementsAre("api.example.net", "example.net"));
}

}  // namespace
}  // namespace domainguard::discovery
