#include "controller/providers/provider_factory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/http/testing/fake_transport.h"

namespace domainguard::providers {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

Result<std::string> Secrets(const std::string& name, const std::string& key) {
  if (name == "pdns-a" && key == "api-key") return std::string("s3cr3t");
  if (name == "bind" && key == "secret") return std::string("c2VjcmV0LXNlY3JldA==");
  return Error::NotFound("secret not found");
}

TEST(NewProviderFromSpec, PowerDns) {
  http::FakeTransport t;
  FakeClock clock;
  json spec = {{"powerdns", {{"url", "http://127.0.0.1:18081"}, {"serverID", "localhost"},
                             {"apiKeySecretRef", {{"name", "pdns-a"}, {"key", "api-key"}}}}},
               {"nameservers", {"ns1.pdns-a.net."}}, {"rateLimit", {{"qps", 5}, {"burst", 10}}}};
  Result<BuiltProvider> p = NewProviderFromSpec("pdns-a", spec, Secrets, &t, &clock);
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(p->provider->Name(), "pdns-a");
  EXPECT_EQ(p->nameservers, std::vector<std::string>{"ns1.pdns-a.net."});
  t.ExpectJson("GET", "zones?zone=example.com.", 200, R"([{"name": "example.com.", "serial": 3}])");
  ASSERT_TRUE(p->provider->Serial("example.com.").ok());
  ASSERT_EQ(t.requests().size(), 1u);
  EXPECT_EQ(t.requests()[0].url, "http://127.0.0.1:18081/api/v1/servers/localhost/zones?zone=example.com.");
}

TEST(NewProviderFromSpec, Rfc2136) {
  FakeClock clock;
  json spec = {{"rfc2136", {{"server", "127.53.1.3:53"},
                            {"tsig", {{"keyName", "dg-key"}, {"algorithm", "hmac-sha256"},
                                      {"secretRef", {{"name", "bind"}, {"key", "secret"}}}}}}}};
  Result<BuiltProvider> p = NewProviderFromSpec("bind-c", spec, Secrets, nullptr, &clock);
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(p->provider->Name(), "bind-c");
}

struct Bad {
  std::string name;
  json spec;
  std::string want;
};
class BadSpecTest : public ::testing::TestWithParam<Bad> {};
TEST_P(BadSpecTest, NamesTheField) {
  FakeClock clock;
  http::FakeTransport t;
  Result<BuiltProvider> p = NewProviderFromSpec("x", GetParam().spec, Secrets, &t, &clock);
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.error().message, HasSubstr(GetParam().want));
  EXPECT_THAT(p.error().message, Not(HasSubstr("s3cr3t")));
}
INSTANTIATE_TEST_SUITE_P(
    Specs, BadSpecTest,
    ::testing::ValuesIn(std::vector<Bad>{
        {"neither", json::object(), "exactly one of powerdns and rfc2136"},
        {"both", {{"powerdns", {{"url", "http://x"}}}, {"rfc2136", {{"server", "127.0.0.1"}}}}, "exactly one"},
        {"no_url", {{"powerdns", {{"apiKeySecretRef", {{"name", "pdns-a"}, {"key", "api-key"}}}}}},
         "spec.powerdns.url: required"},
        {"bad_url", {{"powerdns", {{"url", "ftp://x"}, {"apiKeySecretRef", {{"name", "pdns-a"}, {"key", "api-key"}}}}}},
         "spec.powerdns.url"},
        {"missing_secret", {{"powerdns", {{"url", "http://x"}, {"apiKeySecretRef", {{"name", "nope"}, {"key", "k"}}}}}},
         "Secret nope, key k"},
        {"bad_burst", {{"powerdns", {{"url", "http://x"}}}, {"rateLimit", {{"burst", 0}}}}, "spec.rateLimit.burst"},
        {"rfc_bad_server", {{"rfc2136", {{"server", "bind.example:53"}}}}, "rfc2136.server"},
        {"rfc_sha384", {{"rfc2136", {{"server", "127.0.0.1"}, {"tsig", {{"keyName", "k"}, {"algorithm", "hmac-sha384"},
                                                                        {"secretRef", {{"name", "bind"}, {"key", "secret"}}}}}}}},
         "hmac-sha256"},
    }),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace domainguard::providers
