#include "controller/registration/whois_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/base/time_format.h"
#include "controller/registration/fixture_test_util.h"

namespace domainguard::registration {
namespace {

using namespace std::chrono_literals;
using testing::Fixture;

// Scripted WHOIS servers: address -> (query -> answer). Records every query.
class FakeWhois final : public WhoisConnector {
 public:
  std::map<std::string, std::map<std::string, Result<std::string>>> answers;
  std::vector<std::string> asked;  // "address query"

  Result<std::string> Query(const std::string& address, const std::string& query,
                            std::chrono::milliseconds) override {
    asked.push_back(address + " " + query);
    auto s = answers.find(address);
    if (s == answers.end()) return Error::Unavailable("connection refused");
    auto a = s->second.find(query);
    if (a == s->second.end()) return std::string("No match for \"" + query + "\".\r\n");
    return a->second;
  }
};

class WhoisClientTest : public ::testing::Test {
 protected:
  WhoisClientTest() : clock_(testing::FixtureNow()), limiter_(clock_, {.qps = 100, .burst = 100}) {
    options_.iana_server = "whois.iana.test";
    options_.host_addresses = {{"whois.iana.test", "127.0.0.1:18043"},
                               {"whois.nic.sm", "127.0.0.1:18043"},
                               {"whois.registrar.test", "127.0.0.1:18044"}};
    options_.tld_servers = {{"com", "whois.verisign.test"}};
    options_.host_addresses["whois.verisign.test"] = "127.0.0.1:18043";
  }
  FakeClock clock_;
  RateLimiter limiter_;
  WhoisOptions options_;
  FakeWhois fake_;
};

TEST_F(WhoisClientTest, IanaReferralThenRegistryOnceRemembered) {
  fake_.answers["127.0.0.1:18043"] = {{"sm", Fixture("whois/iana-tld.txt", "sm")},
                                      {"example.sm", Fixture("whois/cctld-suspended.txt", "example.sm")},
                                      {"other.sm", Fixture("whois/cctld-active.txt", "other.sm")}};
  WhoisClient client(fake_, limiter_, clock_, options_);
  auto r = client.Lookup("example.sm");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->source, Source::kWhois);
  EXPECT_THAT(r->statuses, ::testing::ElementsAre("Suspended"));
  EXPECT_FALSE(r->expires_at.has_value());
  EXPECT_EQ(r->server, "127.0.0.1:18043");
  EXPECT_TRUE(client.Lookup("other.sm").ok());
  EXPECT_THAT(fake_.asked, ::testing::ElementsAre("127.0.0.1:18043 sm", "127.0.0.1:18043 example.sm",
                                                  "127.0.0.1:18043 other.sm"));
}

TEST_F(WhoisClientTest, ThinRegistryFollowsRegistrarReferral) {
  // A thin registry answer: no expiry, no registrar name, a referral.
  std::string thin = "Domain Name: EXAMPLE.COM\nRegistrar WHOIS Server: whois.registrar.test\n"
                     "Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited\n"
                     "Name Server: NS1.PDNS-A.NET\n";
  fake_.answers["127.0.0.1:18043"] = {{"example.com", thin}};
  fake_.answers["127.0.0.1:18044"] = {{"example.com", Fixture("whois/registrar-thick.txt", "example.com")}};
  WhoisClient client(fake_, limiter_, clock_, options_);
  auto r = client.Lookup("example.com");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_TRUE(r->expires_at);
  EXPECT_EQ(FormatRfc3339(*r->expires_at), FormatRfc3339(testing::FixtureNow() + 400 * 24h));
  EXPECT_EQ(r->registrar, "MarkMonitor, Inc.");
  EXPECT_THAT(r->statuses, ::testing::ElementsAre("clientTransferProhibited"));  // the registry's stand
  EXPECT_EQ(fake_.asked.size(), 2u);
}

TEST_F(WhoisClientTest, ThickRegistryIsNotFollowed) {
  fake_.answers["127.0.0.1:18043"] = {{"example.com", Fixture("whois/verisign.txt", "example.com")}};
  WhoisClient client(fake_, limiter_, clock_, options_);
  ASSERT_TRUE(client.Lookup("example.com").ok());
  EXPECT_EQ(fake_.asked.size(), 1u);
}

TEST_F(WhoisClientTest, ThrottledNotFoundAndEmptyAreErrors) {
  fake_.answers["127.0.0.1:18043"] = {{"t.com", Fixture("whois/throttled.txt")},
                                      {"e.com", std::string("\r\n")}};
  WhoisClient client(fake_, limiter_, clock_, options_);
  auto t = client.Lookup("t.com");
  EXPECT_EQ(t.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(t.error().retry_after, 300s);
  clock_.Advance(301s);
  EXPECT_EQ(client.Lookup("nx.com").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(client.Lookup("e.com").error().code, ErrorCode::kUnavailable);
}

TEST_F(WhoisClientTest, ThrottledServerIsLeftAlone) {
  fake_.answers["127.0.0.1:18043"] = {{"t.com", Fixture("whois/throttled-denic.txt")}};
  WhoisClient client(fake_, limiter_, clock_, options_);
  EXPECT_FALSE(client.Lookup("t.com").ok());
  size_t before = fake_.asked.size();
  EXPECT_FALSE(client.Lookup("u.com").ok());  // paused: not even asked
  EXPECT_EQ(fake_.asked.size(), before);
}

TEST_F(WhoisClientTest, NoServerForTld) {
  fake_.answers["127.0.0.1:18043"] = {{"zz", std::string("% This query returned 0 objects.\n")}};
  WhoisClient client(fake_, limiter_, clock_, options_);
  EXPECT_EQ(client.Lookup("a.zz").error().code, ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace domainguard::registration
