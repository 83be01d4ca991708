#include "controller/api/dnsprovider_spec.h"

#include <gtest/gtest.h>

namespace domainguard::api {
namespace {

using nlohmann::json;

TEST(DnsProviderNameservers, StringEntriesInOrder) {
  EXPECT_EQ(DnsProviderNameservers(json::parse(R"({"spec": {"nameservers": ["ns2.b.", 3, "ns1.a."]}})")),
            (std::vector<std::string>{"ns2.b.", "ns1.a."}));
  EXPECT_TRUE(DnsProviderNameservers(json::parse(R"({"spec": {"nameservers": "ns1.a."}})")).empty());
  EXPECT_TRUE(DnsProviderNameservers(json::parse(R"({"spec": {}})")).empty());
  EXPECT_TRUE(DnsProviderNameservers(json::parse(R"({"spec": 1})")).empty());
  EXPECT_TRUE(DnsProviderNameservers(json("x")).empty());
}

}  // namespace
}  // namespace domainguard::api
