#include "controller/registration/checker.h"

#include <gtest/gtest.h>

#include "controller/http/testing/fake_transport.h"
#include "controller/registration/fixture_test_util.h"

namespace domainguard::registration {
namespace {

using namespace std::chrono_literals;

http::HttpResponse Ok(std::string body) {
  http::HttpResponse r;
  r.status = 200;
  r.body = std::move(body);
  return r;
}

TEST(Checker, FailedLookupKeepsLastKnownGoodWithItsCheckTime) {
  FakeClock clock(testing::FixtureNow());
  auto bootstrap = *RdapBootstrap::Parse(R"({"services":[[["test"],["http://127.0.0.1:18480/"]]]})");
  RateLimiter limiter(clock, {.qps = 100, .burst = 100});
  http::FakeTransport transport;
  RdapClient rdap(transport, bootstrap, limiter, clock, {.max_rate_wait = 0ms});
  RecordCache cache;
  RegistrationChecker checker(&rdap, nullptr, cache, clock);

  transport.Expect("GET", "/domain/example.test", Ok(testing::Fixture("rdap/gtld-active.json")));
  LookupOutcome first = checker.Check("example.test");
  ASSERT_TRUE(first.fresh);
  ASSERT_TRUE(first.record);
  SystemTime good_time = first.record->checked_at;

  clock.Advance(12h);
  transport.Expect("GET", "/domain/example.test", Ok(testing::Fixture("rdap/garbage.json")));
  LookupOutcome second = checker.Check("example.test");
  EXPECT_FALSE(second.fresh);
  ASSERT_TRUE(second.error);
  ASSERT_TRUE(second.record);
  EXPECT_EQ(second.record->checked_at, good_time);  // not "now"
  EXPECT_EQ(second.record->expires_at, first.record->expires_at);

  // A fresh enough cache entry answers without I/O.
  size_t before = transport.requests().size();
  clock.Advance(-12h);
  LookupOutcome cached = checker.Check("example.test", 1h);
  EXPECT_TRUE(cached.from_cache);
  EXPECT_EQ(transport.requests().size(), before);
}

TEST(Checker, PreviousRecordIsHandedBackForRegistrarChanges) {
  FakeClock clock(testing::FixtureNow());
  auto bootstrap = *RdapBootstrap::Parse(R"({"services":[[["test"],["http://127.0.0.1:18480/"]]]})");
  RateLimiter limiter(clock, {.qps = 100, .burst = 100});
  http::FakeTransport transport;
  RdapClient rdap(transport, bootstrap, limiter, clock);
  RecordCache cache;
  RegistrationChecker checker(&rdap, nullptr, cache, clock);
  transport.Expect("GET", "/domain/", Ok(testing::Fixture("rdap/gtld-active.json")));
  ASSERT_TRUE(checker.Check("example.test").record);
  transport.Expect("GET", "/domain/", Ok(testing::Fixture("rdap/registrar-changed.json")));
  LookupOutcome o = checker.Check("example.test");
  ASSERT_TRUE(o.previous && o.record);
  EXPECT_EQ(o.previous->registrar_iana_id, "1111");
  EXPECT_EQ(o.record->registrar_iana_id, "9999");
}

TEST(Checker, NotRegisteredIsSaidAsSuch) {
  FakeClock clock(testing::FixtureNow());
  auto bootstrap = *RdapBootstrap::Parse(R"({"services":[[["test"],["http://127.0.0.1:18480/"]]]})");
  RateLimiter limiter(clock, {.qps = 100, .burst = 100});
  http::FakeTransport transport;
  RdapClient rdap(transport, bootstrap, limiter, clock);
  RecordCache cache;
  RegistrationChecker checker(&rdap, nullptr, cache, clock);
  http::HttpResponse nf;
  nf.status = 404;
  transport.Expect("GET", "/domain/", nf);
  LookupOutcome o = checker.Check("nx-a.test");
  EXPECT_TRUE(o.not_registered);
  EXPECT_FALSE(o.record);
}

}  // namespace
}  // namespace domainguard::registration
