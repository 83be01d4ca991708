#include "controller/registration/monitor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/http/testing/fake_transport.h"
#include "controller/registration/fixture_test_util.h"
#include "controller/registration/reasons.h"

namespace domainguard::registration {
namespace {

using namespace std::chrono_literals;

http::HttpResponse Answer(int status, std::string body, std::vector<http::Header> h = {}) {
  http::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(h);
  return r;
}

class MonitorTest : public ::testing::Test {
 protected:
  MonitorTest()
      : clock_(testing::FixtureNow()),
        bootstrap_(*RdapBootstrap::Parse(R"({"services":[[["test"],["http://127.0.0.1:18480/"]]]})")),
        limiter_(clock_, {.qps = 100, .burst = 100}),
        rdap_(transport_, bootstrap_, limiter_, clock_, {.max_rate_wait = 0ms}),
        checker_(&rdap_, nullptr, cache_, clock_),
        monitor_(checker_, clock_, [] { return 0.5; }) {
    spec_.zone = "www.example.test";
    spec_.policy.expect_transfer_lock = true;
  }
  size_t Requests() const { return transport_.requests().size(); }

  FakeClock clock_;
  RdapBootstrap bootstrap_;
  RateLimiter limiter_;
  http::FakeTransport transport_;
  RdapClient rdap_;
  RecordCache cache_;
  RegistrationChecker checker_;
  RegistrationMonitor monitor_;
  DomainSpec spec_;
};

TEST_F(MonitorTest, LooksUpOncePerIntervalAndRequeues) {
  transport_.Expect("GET", "/domain/example.test", Answer(200, testing::Fixture("rdap/gtld-active.json")));
  Observation o = monitor_.Observe(spec_, std::nullopt);
  EXPECT_TRUE(o.looked_up);
  EXPECT_EQ(o.verdict.reason, kRegistered);
  EXPECT_EQ(o.requeue_after, 12h);
  EXPECT_EQ(transport_.requests()[0].url, "http://127.0.0.1:18480/domain/example.test");  // registrable domain
  clock_.Advance(1h);
  Observation again = monitor_.Observe(spec_, std::nullopt);
  EXPECT_FALSE(again.looked_up);
  EXPECT_EQ(again.requeue_after, 11h);
  EXPECT_EQ(Requests(), 1u);
}

TEST_F(MonitorTest, OutageAfterRestartKeepsTheStatusRecordAndBacksOff) {
  RegistrationRecord from_status;
  from_status.registrar = "Example Registrar, LLC";
  from_status.registrar_iana_id = "1111";
  from_status.expires_at = testing::FixtureNow() + 20 * 24h;
  from_status.statuses = {"clientTransferProhibited"};
  from_status.checked_at = testing::FixtureNow() - 2h;
  transport_.Expect("GET", "/domain/", Answer(429, "{}", {{"Retry-After", "90"}}));
  Observation o = monitor_.Observe(spec_, from_status);
  ASSERT_TRUE(o.lookup_error);
  EXPECT_EQ(o.verdict.reason, kExpiringSoon);  // judged on the last known good record, not "now"
  ASSERT_TRUE(o.verdict.record);
  EXPECT_EQ(o.verdict.record->checked_at, testing::FixtureNow() - 2h);
  EXPECT_EQ(o.requeue_after, 300s);  // first failure: 5 min backoff (> Retry-After 90 s)
}

TEST_F(MonitorTest, RegistrarChangeIsReportedThenClears) {
  transport_.Expect("GET", "/domain/", Answer(200, testing::Fixture("rdap/gtld-active.json")));
  ASSERT_EQ(monitor_.Observe(spec_, std::nullopt).verdict.reason, kRegistered);
  clock_.Advance(13h);
  transport_.Expect("GET", "/domain/", Answer(200, testing::Fixture("rdap/registrar-changed.json")));
  Observation changed = monitor_.Observe(spec_, std::nullopt);
  EXPECT_EQ(changed.verdict.reason, kRegistrarChanged);
  EXPECT_EQ(changed.requeue_after, 1h);  // a change: look again soon
  clock_.Advance(2h);
  transport_.Expect("GET", "/domain/", Answer(200, testing::Fixture("rdap/registrar-changed.json")));
  EXPECT_EQ(monitor_.Observe(spec_, std::nullopt).verdict.reason, kRegistered);
}

TEST_F(MonitorTest, NotRegisteredIsCritical) {
  transport_.Expect("GET", "/domain/", Answer(404, testing::Fixture("rdap/not-found.json")));
  Observation o = monitor_.Observe(spec_, std::nullopt);
  EXPECT_EQ(o.verdict.reason, kNotRegistered);
  EXPECT_EQ(o.verdict.worst, Severity::kCritical);
}

TEST(RecordJson, RoundTripsThroughStatus) {
  RegistrationRecord r;
  r.source = Source::kWhois;
  r.registrar = "X";
  r.registrar_iana_id = "7";
  r.expires_at = testing::FixtureNow() + 24h;
  r.statuses = {"ok"};
  r.nameservers = {"ns1.x.test."};
  r.checked_at = testing::FixtureNow();
  auto back = RecordFromJson(ToJson(r));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->source, Source::kWhois);
  EXPECT_EQ(back->expires_at, r.expires_at);
  EXPECT_EQ(back->statuses, r.statuses);
  EXPECT_EQ(back->nameservers, r.nameservers);
  // No check time in status (it would be a write per lookup): read back, the record's time is unknown.
  EXPECT_FALSE(ToJson(r).contains("lastCheckTime"));
  EXPECT_EQ(back->checked_at, SystemTime{});
  // lastChangeTime (stamped by the status writer) and an old object's lastCheckTime are read as the check time.
  nlohmann::json j = ToJson(r);
  j["lastChangeTime"] = "2026-11-20T00:00:00Z";
  EXPECT_EQ(RecordFromJson(j)->checked_at, *ParseRfc3339("2026-11-20T00:00:00Z"));
  j["lastCheckTime"] = "2026-11-23T10:00:00Z";
  EXPECT_EQ(RecordFromJson(j)->checked_at, *ParseRfc3339("2026-11-23T10:00:00Z"));
  j["lastCheckTime"] = "yesterday";
  EXPECT_FALSE(RecordFromJson(j).ok());
  EXPECT_FALSE(RecordFromJson(nlohmann::json::array()).ok());
}

}  // namespace
}  // namespace domainguard::registration
