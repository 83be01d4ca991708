// Integration: the registration part against the local registry server (hack/bed/registry_server.py) through
// the real HTTP transport and real TCP WHOIS, switching fixtures with /_control/select.
// Needs DG_RDAP_URL, DG_WHOIS_ADDR, DG_REGISTRY_CONTROL (skipped when unset; failed with DG_REQUIRE_BED=1).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "controller/base/time_format.h"
#include "controller/http/transport.h"
#include "controller/registration/check.h"
#include "controller/registration/checker.h"
#include "controller/registration/reasons.h"
#include "tests/testbed_env.h"

namespace domainguard::registration {
namespace {

using namespace std::chrono_literals;

struct Bed {
  std::string rdap, whois, control;
  std::unique_ptr<http::Transport> transport;
  std::optional<RdapBootstrap> bootstrap;
  std::unique_ptr<WhoisConnector> connector = NewTcpWhoisConnector();

  bool Load() {
    rdap = BedEnv("DG_RDAP_URL");
    if (BedUnavailable()) return false;
    whois = BedEnv("DG_WHOIS_ADDR");
    if (BedUnavailable()) return false;
    control = BedEnv("DG_REGISTRY_CONTROL");
    if (BedUnavailable()) return false;
    if (rdap.back() != '/') rdap += '/';
    auto t = http::NewTransport({});
    EXPECT_TRUE(t.ok()) << t.error().ToString();
    if (!t.ok()) return false;
    transport = std::move(t).value();
    nlohmann::json b = {{"services", {{{"test", "net", "com"}, {rdap}}}}};
    bootstrap = *RdapBootstrap::Parse(b.dump());
    return true;
  }

  void Select(const std::string& domain, std::optional<std::string> rdap_fixture,
              std::optional<std::string> whois_fixture) {
    nlohmann::json body = {{"domain", domain}};
    body["rdap"] = rdap_fixture ? nlohmann::json(*rdap_fixture) : nlohmann::json(nullptr);
    body["whois"] = whois_fixture ? nlohmann::json(*whois_fixture) : nlohmann::json(nullptr);
    http::HttpRequest req;
    req.method = "POST";
    req.url = control + "/select";
    req.headers = {{"Content-Type", "application/json"}};
    req.body = body.dump();
    auto r = transport->Send(req);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->status, 200) << r->body;
  }

  // Timestamps (seconds) of the requests the server saw for `domain` on `endpoint`.
  std::vector<double> RequestTimes(const std::string& domain, const std::string& endpoint = "rdap") {
    http::HttpRequest req;
    req.url = control + "/requests";
    auto r = transport->Send(req);
    EXPECT_TRUE(r.ok());
    if (!r.ok()) return {};
    auto j = nlohmann::json::parse(r->body, nullptr, false);
    std::vector<double> out;
    if (j.is_discarded() || !j["domains"].contains(domain) || !j["domains"][domain].contains(endpoint)) return out;
    for (const auto& t : j["domains"][domain][endpoint]["times"]) out.push_back(t.get<double>());
    return out;
  }

  WhoisOptions WhoisOpts() const {
    WhoisOptions o;
    o.iana_server = whois;  // the local server answers TLD queries like whois.iana.org
    size_t colon = whois.rfind(':');
    std::string registrar = whois.substr(0, colon) + ":" + std::to_string(std::stoi(whois.substr(colon + 1)) + 1);
    o.host_addresses = {{"whois.nic.sm", whois}, {"whois.registrar.test", registrar}};
    o.timeout = 3000ms;
    return o;
  }

  CheckOptions Options() {
    CheckOptions o;
    o.transport = transport.get();
    o.bootstrap = &*bootstrap;
    o.whois = connector.get();
    o.whois_options = WhoisOpts();
    o.rdap_options.timeout = 3000ms;
    o.rate = {20.0, 20.0};
    o.policy.expect_transfer_lock = true;
    o.desired_nameservers = {"ns1.pdns-a.net.", "ns1.pdns-b.net."};
    return o;
  }
};

struct Case {
  std::string name;
  std::string domain;
  std::optional<std::string> rdap;
  std::optional<std::string> whois;
  std::vector<std::string> reasons;  // the findings' reasons, most severe first
  std::string registrar;             // "" = not checked
  int expires_in_days;               // 9999 = unknown; -9999 = not checked
};

class RegistryFixtureTest : public ::testing::TestWithParam<Case> {};

TEST_P(RegistryFixtureTest, ReasonsAndFields) {
  const Case& c = GetParam();
  Bed bed;
  if (!bed.Load()) return;
  bed.Select(c.domain, c.rdap, c.whois);
  auto report = CheckRegistration(c.domain, bed.Options());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  std::vector<std::string> reasons;
  for (const auto& f : report->verdict.findings) reasons.push_back(f.reason);
  EXPECT_EQ(reasons, c.reasons) << report->ToJson().dump(1);
  const auto& rec = report->verdict.record;
  if (!c.registrar.empty()) {
    ASSERT_TRUE(rec);
    EXPECT_EQ(rec->registrar, c.registrar);
  }
  if (c.expires_in_days == 9999) {
    if (rec) {
      EXPECT_FALSE(rec->expires_at.has_value());
    }
  } else if (c.expires_in_days != -9999) {
    ASSERT_TRUE(rec && rec->expires_at);
    auto days = std::chrono::duration_cast<std::chrono::hours>(*rec->expires_at - std::chrono::system_clock::now()).count();
    EXPECT_NEAR(static_cast<double>(days) / 24.0, c.expires_in_days, 1.0);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RegistryFixtureTest, ::testing::ValuesIn(std::vector<Case>{
    {"gtld_active", "dgreg-active.test", "gtld-active", std::nullopt, {}, "Example Registrar, LLC", 200},
    {"verisign_thin", "dgreg-thin.com", "verisign-thin", std::nullopt, {}, "MarkMonitor Inc.", 400},
    {"registry_minimal_follows_registrar", "dgreg-minimal.com", "registry-minimal", std::nullopt,
     {"TransferLockMissing"}, "MarkMonitor Inc.", 400},
    {"expiring_soon", "dgreg-soon.test", "expiring-soon", std::nullopt, {"ExpiringSoon"}, "", 20},
    {"expiring_critical", "dgreg-critical.test", "expiring-critical", std::nullopt, {"ExpiryCritical"}, "", 3},
    {"expired", "dgreg-expired.test", "expired", std::nullopt, {"Expired"}, "", -2},
    {"server_hold", "dgreg-hold.test", "server-hold", std::nullopt, {"RegistryHold"}, "", 200},
    {"pending_delete_redemption", "dgreg-pdr.test", "pending-delete-redemption", std::nullopt,
     {"PendingDelete", "RedemptionPeriod", "Expired"}, "", -35},
    {"pending_delete", "dgreg-pd.test", "pending-delete", std::nullopt, {"PendingDelete", "Expired"}, "", -70},
    {"no_transfer_lock", "dgreg-nolock.test", "no-transfer-lock", std::nullopt, {"TransferLockMissing"}, "", 200},
    {"ns_differ", "dgreg-nsdiff.test", "ns-differ", std::nullopt, {"RegistryNameserversDiffer"}, "", 200},
    {"no_expiry", "dgreg-noexp.test", "no-expiry", std::nullopt, {"RegistrationUnknown", "TransferLockMissing"}, "", 9999},
    {"throttled", "dgreg-429.test", "throttled", std::nullopt, {"RegistrationUnknown"}, "", 9999},
    {"garbage", "dgreg-garbage.test", "garbage", std::nullopt, {"RegistrationUnknown"}, "", 9999},
    {"truncated", "dgreg-trunc.test", "truncated", std::nullopt, {"RegistrationUnknown"}, "", 9999},
    {"not_registered", "dgreg-nx.test", std::nullopt, std::nullopt, {"NotRegistered"}, "", 9999},
    {"whois_cctld_suspended", "dgreg-susp.sm", std::nullopt, "cctld-suspended",
     {"RegistryHold", "RegistrationUnknown", "TransferLockMissing"}, "Example Registrar S.r.l.", 9999},
    {"whois_paid_till", "dgreg-paid.sm", std::nullopt, "paid-till", {"TransferLockMissing"}, "RU-CENTER-RU", -9999},
    {"whois_nominet", "dgreg-nominet.sm", std::nullopt, "nominet", {"TransferLockMissing"}, "Example Registrar Ltd", 45},
    {"whois_valid_until", "dgreg-valid.sm", std::nullopt, "valid-until", {"ExpiringSoon", "TransferLockMissing"}, "", 10},
    {"whois_verisign", "dgreg-vs.sm", std::nullopt, "verisign", {}, "MarkMonitor Inc.", 400},
    {"whois_hold", "dgreg-wh.sm", std::nullopt, "gtld-hold", {"RegistryHold"}, "Example Registrar, LLC", 90},
    {"whois_throttled", "dgreg-wthr.sm", std::nullopt, "throttled", {"RegistrationUnknown"}, "", 9999},
    {"whois_not_found", "dgreg-wnf.sm", std::nullopt, "not-found-ripe", {"NotRegistered"}, "", 9999},
}), [](const auto& info) { return info.param.name; });

TEST(RegistryServer, ThrottledServerIsNotAskedAgainBeforeRetryAfter) {
  Bed bed;
  if (!bed.Load()) return;
  const std::string d = "dgreg-pause.test";
  bed.Select(d, "throttled", std::nullopt);
  size_t before = bed.RequestTimes(d).size();
  RealClock clock;
  RateLimiter limiter(clock, {.qps = 50, .burst = 50});
  RdapClient client(*bed.transport, *bed.bootstrap, limiter, clock, {.timeout = 3000ms, .max_rate_wait = 1000ms});
  auto r = client.Lookup(d);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().retry_after, 7s);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(client.Lookup(d).ok());
  EXPECT_EQ(bed.RequestTimes(d).size(), before + 1);  // only the first request reached the server
}

TEST(RegistryServer, PerServerRateIsNeverExceeded) {
  Bed bed;
  if (!bed.Load()) return;
  const std::string d = "dgreg-rate.test";
  bed.Select(d, "gtld-active", std::nullopt);
  size_t before = bed.RequestTimes(d).size();
  RealClock clock;
  const double qps = 10;
  RateLimiter limiter(clock, {.qps = qps, .burst = 1});
  RdapClient client(*bed.transport, *bed.bootstrap, limiter, clock, {.timeout = 3000ms, .max_rate_wait = 5000ms});
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) ok += client.Lookup(d).ok() ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 20);
  std::vector<double> times = bed.RequestTimes(d);
  ASSERT_EQ(times.size(), before + 20);
  times.erase(times.begin(), times.begin() + static_cast<long>(before));
  std::sort(times.begin(), times.end());
  // Token bucket, burst 1: request n is sent no earlier than (n-1)/qps after the first. The server stamps on
  // arrival, so allow a little network jitter.
  for (size_t n = 1; n < times.size(); ++n) {
    EXPECT_GE(times[n] - times[0], (static_cast<double>(n) / qps) - 0.05) << "request " << n;
  }
}

TEST(RegistryServer, WhoisTruncatedAndSlowAreHandled) {
  Bed bed;
  if (!bed.Load()) return;
  bed.Select("dgreg-slow.sm", std::nullopt, "slow");
  CheckOptions o = bed.Options();
  o.whois_options.timeout = 1000ms;
  auto start = std::chrono::steady_clock::now();
  auto report = CheckRegistration("dgreg-slow.sm", o);
  ASSERT_TRUE(report.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);  // the 8 s answer is not waited for
  ASSERT_TRUE(report->lookup_error);
  EXPECT_EQ(report->lookup_error->code, ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(report->verdict.reason, "RegistrationUnknown");
  EXPECT_EQ(report->ExitCode(), 3);
}

}  // namespace
}  // namespace domainguard::registration
