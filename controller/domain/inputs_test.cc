#include "controller/domain/inputs.h"

#include <gtest/gtest.h>

namespace domainguard::domain {
namespace {

using nlohmann::json;

json D(const std::string& ns, const std::string& name, json providers) {
  return {{"metadata", {{"name", name}, {"namespace", ns}, {"resourceVersion", "1"}}},
          {"spec", {{"zone", name + ".test"}, {"providers", providers}}}};
}

TEST(ProviderNames, InSpecOrderSkippingBadEntries) {
  EXPECT_EQ(ProviderNames(D("web", "a", json::array({{{"name", "p2"}}, {{"name", 3}}, "x", {{"name", "p1"}}}))),
            (std::vector<std::string>{"p2", "p1"}));
  EXPECT_TRUE(ProviderNames(json::object()).empty());
}

TEST(DomainsUsingProvider, OnlyTheProvidersOwnNamespace) {
  kube::Store domains;
  domains.AddIndex(kProviderIndex, ProviderIndexValues);
  domains.Upsert(D("web", "a", json::array({{{"name", "pdns-a"}}, {{"name", "pdns-b"}}})));
  domains.Upsert(D("web", "b", json::array({{{"name", "pdns-b"}}})));
  domains.Upsert(D("other", "c", json::array({{{"name", "pdns-a"}}})));
  EXPECT_EQ(DomainsUsingProvider(domains, "web", "pdns-a"), std::vector<std::string>{"web/a"});
  std::vector<std::string> b = DomainsUsingProvider(domains, "web", "pdns-b");
  std::sort(b.begin(), b.end());
  EXPECT_EQ(b, (std::vector<std::string>{"web/a", "web/b"}));
  EXPECT_TRUE(DomainsUsingProvider(domains, "web", "bind-c").empty());
  // An edit of spec.providers moves the Domain in the index.
  domains.Upsert(D("web", "b", json::array({{{"name", "bind-c"}}})));
  EXPECT_EQ(DomainsUsingProvider(domains, "web", "pdns-b"), std::vector<std::string>{"web/a"});
  EXPECT_EQ(DomainsUsingProvider(domains, "web", "bind-c"), std::vector<std::string>{"web/b"});
}

}  // namespace
}  // namespace domainguard::domain
