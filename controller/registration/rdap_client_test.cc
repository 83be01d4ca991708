#include "controller/registration/rdap_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/base/time_format.h"
#include "controller/http/testing/fake_transport.h"
#include "controller/registration/fixture_test_util.h"

namespace domainguard::registration {
namespace {

using namespace std::chrono_literals;
using http::FakeTransport;
using http::HttpResponse;
using testing::Fixture;

HttpResponse Rdap(int status, std::string body, std::vector<http::Header> extra = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = {{"Content-Type", "application/rdap+json"}};
  for (auto& h : extra) r.headers.push_back(h);
  return r;
}

class RdapClientTest : public ::testing::Test {
 protected:
  RdapClientTest()
      : bootstrap_(*RdapBootstrap::Parse(R"({"services":[[["test","com"],["http://127.0.0.1:18480/"]],
                                                        [["multi"],["https://a.example/","https://b.example/"]]]})")),
        clock_(testing::FixtureNow()),
        limiter_(clock_, {.qps = 1000, .burst = 1000}),
        client_(transport_, bootstrap_, limiter_, clock_, {.max_rate_wait = 0ms}) {}

  RdapBootstrap bootstrap_;
  FakeClock clock_;
  RateLimiter limiter_;
  FakeTransport transport_;
  RdapClient client_;
};

TEST_F(RdapClientTest, ThickAnswerIsUsedAsIs) {
  transport_.Expect("GET", "/domain/example.test", Rdap(200, Fixture("rdap/gtld-active.json")));
  auto r = client_.Lookup("Example.TEST.");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->domain, "example.test");
  EXPECT_EQ(r->registrar, "Example Registrar, LLC");
  EXPECT_EQ(r->server, "http://127.0.0.1:18480/domain/example.test");
  EXPECT_EQ(r->checked_at, testing::FixtureNow());
  ASSERT_EQ(transport_.requests().size(), 1u);
  EXPECT_EQ(transport_.requests()[0].url, "http://127.0.0.1:18480/domain/example.test");
}

TEST_F(RdapClientTest, ThinRegistryFollowsTheRegistrarLink) {
  transport_.Expect("GET", "/domain/example.com", Rdap(200, Fixture("rdap/registry-minimal.json", "example.com")));
  transport_.Expect("GET", "/registrar/domain/EXAMPLE.COM", Rdap(200, Fixture("rdap/registrar-full.json", "example.com")));
  auto r = client_.Lookup("example.com");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_TRUE(r->expires_at);
  EXPECT_EQ(FormatRfc3339(*r->expires_at), FormatRfc3339(testing::FixtureNow() + 400 * 24h));
  EXPECT_EQ(r->registrar, "MarkMonitor Inc.");
  EXPECT_EQ(transport_.requests().size(), 2u);
}

TEST_F(RdapClientTest, RegistrarFailureKeepsTheRegistryData) {
  transport_.Expect("GET", "/domain/example.com", Rdap(200, Fixture("rdap/registry-minimal.json", "example.com")));
  transport_.Expect("GET", "/registrar/domain/", Rdap(500, "oops"));
  auto r = client_.Lookup("example.com");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->expires_at.has_value());  // unknown, not invented
  EXPECT_THAT(r->nameservers, ::testing::ElementsAre("ns1.pdns-a.net.", "ns1.pdns-b.net."));
}

TEST_F(RdapClientTest, ThrottledHonoursRetryAfterAndPausesTheServer) {
  transport_.Expect("GET", "/domain/", Rdap(429, Fixture("rdap/throttled.json"), {{"Retry-After", "7"}}));
  auto r = client_.Lookup("example.test");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().retry_after, 7s);
  // Before 7 s pass, no request reaches the server (max_rate_wait is 0: fail fast).
  clock_.Advance(6s);
  auto again = client_.Lookup("other.test");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(transport_.requests().size(), 1u);
  clock_.Advance(1s + 10ms);  // the pause is over and one token has refilled
  transport_.Expect("GET", "/domain/other.test", Rdap(200, Fixture("rdap/gtld-active.json", "other.test")));
  EXPECT_TRUE(client_.Lookup("other.test").ok());
}

TEST_F(RdapClientTest, RetryAfterDefaultsAndCap) {
  transport_.Expect("GET", "/domain/", Rdap(429, "{}"));
  EXPECT_EQ(client_.Lookup("a.test").error().retry_after, 30s);
  clock_.Advance(31s);
  transport_.Expect("GET", "/domain/", Rdap(429, "{}", {{"Retry-After", "86400"}}));
  EXPECT_EQ(client_.Lookup("b.test").error().retry_after, 120s);
  clock_.Advance(121s);
  transport_.Expect("GET", "/domain/", Rdap(429, "{}", {{"retry-after", "Mon, 23 Nov 2026 12:03:02 GMT"}}));
  EXPECT_EQ(client_.Lookup("c.test").error().retry_after, 30s);  // HTTP-date: 12:03:02 - 12:02:32
}

TEST_F(RdapClientTest, NotFoundGarbageAndServerErrors) {
  transport_.Expect("GET", "/domain/nx.test", Rdap(404, Fixture("rdap/not-found.json")));
  EXPECT_EQ(client_.Lookup("nx.test").error().code, ErrorCode::kNotFound);
  transport_.Expect("GET", "/domain/g.test", Rdap(200, Fixture("rdap/garbage.json")));
  auto g = client_.Lookup("g.test");
  EXPECT_EQ(g.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(g.error().message, ::testing::HasSubstr("not valid JSON"));
  transport_.Expect("GET", "/domain/t.test", Rdap(200, Fixture("rdap/verisign-thin.json").substr(0, 700)));
  EXPECT_EQ(client_.Lookup("t.test").error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(client_.Lookup("x.nordap").error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(RdapClientTest, NextBaseUrlOnServerErrorOrUnreachable) {
  transport_.Expect("GET", "https://a.example/domain/x.multi", Rdap(503, "busy"));
  transport_.Expect("GET", "https://b.example/domain/x.multi", Rdap(200, Fixture("rdap/gtld-active.json", "x.multi")));
  auto r = client_.Lookup("x.multi");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->server, "https://b.example/domain/x.multi");
  transport_.Expect("GET", "https://a.example/", Error::Unavailable("connection refused"));
  transport_.Expect("GET", "https://b.example/", Error::DeadlineExceeded("timeout"));
  EXPECT_FALSE(client_.Lookup("y.multi").ok());
}

TEST(RdapClientHelpers, ServerOf) {
  EXPECT_EQ(ServerOf("https://rdap.verisign.com/com/v1/domain/x.com"), "https://rdap.verisign.com:443");
  EXPECT_EQ(ServerOf("http://127.0.0.1:18480/domain/x"), "http://127.0.0.1:18480");
  EXPECT_EQ(ServerOf("http://h/"), "http://h:80");
}

}  // namespace
}  // namespace domainguard::registration
