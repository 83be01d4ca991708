// Integration: the records core against the real local test bed — PowerDNS A and B over their HTTP APIs and BIND
// as the RFC 2136 provider — checking what users notice: every record served over DNS by every provider, drift
// repaired, an outage not holding back the others and caught up afterwards, foreign records kept or pruned by
// ownership mode, a mass deletion held, and invalid input writing nothing.
//
// Needs: DG_PDNS_{A,B}_{API,KEY,DNS,STOP,START}, DG_RFC2136_{SERVER,TSIG_NAME,TSIG_ALG,TSIG_SECRET,RNDC,ADDZONE}.
// Each test uses its own zone (<test>-<pid>.test.) and removes it at the end.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "controller/api/records_policy_spec.h"
#include "controller/http/transport.h"
#include "controller/providers/powerdns/powerdns_provider.h"
#include "controller/providers/rfc2136/rfc2136_provider.h"
#include "controller/records/reasons.h"
#include "controller/records/sync.h"
#include "controller/zone/ldns_handles.h"
#include "tests/testbed_env.h"

namespace domainguard::records {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
namespace L = zone::ldns;

constexpr const char* kOwner = "it/records";

// Values served for (name, type) by the server at `ip`:53, canonical and sorted; "NXDOMAIN"/"REFUSED" etc. as the
// only element when the answer is an error.
std::vector<std::string> Served(const std::string& ip, const std::string& name, const std::string& type) {
  L::Resolver res(ldns_resolver_new());
  L::Rdf addr(ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, ip.c_str()));
  (void)ldns_resolver_push_nameserver(res.get(), addr.get());
  ldns_resolver_set_recursive(res.get(), false);
  ldns_resolver_set_retry(res.get(), 2);
  ldns_resolver_set_fallback(res.get(), true);
  timeval tv{2, 0};
  ldns_resolver_set_timeout(res.get(), tv);
  ldns_pkt* q = ldns_pkt_query_new(ldns_dname_new_frm_str(name.c_str()), ldns_get_rr_type_by_name(type.c_str()),
                                   LDNS_RR_CLASS_IN, 0);
  L::Pkt query(q);
  ldns_pkt_set_random_id(q);
  ldns_pkt* a = nullptr;
  if (ldns_resolver_send_pkt(&a, res.get(), q) != LDNS_STATUS_OK || !a) return {"NO ANSWER"};
  L::Pkt answer(a);
  if (ldns_pkt_get_rcode(a) == LDNS_RCODE_NXDOMAIN) return {};  // nothing served there
  if (ldns_pkt_get_rcode(a) != LDNS_RCODE_NOERROR) return {"RCODE " + std::to_string(ldns_pkt_get_rcode(a))};
  std::vector<std::string> out;
  ldns_rr_list* ans = ldns_pkt_answer(a);
  for (size_t i = 0; i < ldns_rr_list_rr_count(ans); ++i) {
    L::Rr rr(ldns_rr_clone(ldns_rr_list_rr(ans, i)));
    ldns_rr2canonical(rr.get());
    if (L::TypeToString(L::RrTypeNumber(rr.get())) != type) continue;
    out.push_back(L::RdataToString(rr.get()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

int Shell(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

class RecordsBedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : {"DG_PDNS_A_API", "DG_PDNS_A_KEY", "DG_PDNS_A_DNS", "DG_PDNS_A_STOP", "DG_PDNS_A_START",
                          "DG_PDNS_B_API", "DG_PDNS_B_KEY", "DG_PDNS_B_DNS", "DG_RFC2136_SERVER",
                          "DG_RFC2136_TSIG_NAME", "DG_RFC2136_TSIG_SECRET", "DG_RFC2136_RNDC",
                          "DG_RFC2136_ADDZONE"}) {
      env_[v] = BedEnv(v);
      if (BedUnavailable()) return;
    }
    Result<std::unique_ptr<http::Transport>> t = http::NewTransport({});
    ASSERT_TRUE(t.ok()) << t.error().ToString();
    transport_ = std::move(*t);
    a_ = providers::powerdns::NewPowerDnsProvider({.name = "pdns-a", .url = env_["DG_PDNS_A_API"], .api_key = env_["DG_PDNS_A_KEY"],
                                        .qps = 200, .burst = 200, .timeout = std::chrono::seconds(5)},
                                       transport_.get(), &clock_);
    b_ = providers::powerdns::NewPowerDnsProvider({.name = "pdns-b", .url = env_["DG_PDNS_B_API"], .api_key = env_["DG_PDNS_B_KEY"],
                                        .qps = 200, .burst = 200, .timeout = std::chrono::seconds(5)},
                                       transport_.get(), &clock_);
    Result<std::unique_ptr<providers::Provider>> c = providers::rfc2136::NewRfc2136Provider(
        {.name = "bind-c", .server = env_["DG_RFC2136_SERVER"], .tsig_name = env_["DG_RFC2136_TSIG_NAME"],
         .tsig_algorithm = BedEnvValue("DG_RFC2136_TSIG_ALG").value_or("hmac-sha256"),
         .tsig_secret = env_["DG_RFC2136_TSIG_SECRET"]});
    ASSERT_TRUE(c.ok()) << c.error().ToString();
    c_ = std::move(*c);
    const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::string label;
    for (char ch : test) label += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    zone_ = label.substr(0, 30) + "-" + std::to_string(getpid()) + ".test.";
    ASSERT_EQ(Shell(env_["DG_RFC2136_ADDZONE"] + " " + zone_), 0) << "could not add " << zone_ << " to BIND";
    created_ = true;
  }

  void TearDown() override {
    if (!created_) return;
    for (const char* p : {"A", "B"}) {
      http::HttpRequest req;
      req.method = "DELETE";
      req.url = env_[std::string("DG_PDNS_") + p + "_API"] + "/api/v1/servers/localhost/zones/" + zone_;
      req.headers = {{"X-API-Key", env_[std::string("DG_PDNS_") + p + "_KEY"]}};
      (void)transport_->Send(req);
    }
    (void)Shell(env_["DG_RFC2136_RNDC"] + " delzone " + zone_.substr(0, zone_.size() - 1));
  }

  json Spec(int n, const std::string& ownership = "Records") {
    json records = json::array();
    // A mix of types, 20 rrsets when n == 20.
    for (int i = 0; i < n; ++i) {
      const std::string h = "h" + std::to_string(i);
      switch (i % 5) {
        case 0: records.push_back({{"name", h}, {"type", "A"}, {"ttl", 300}, {"values", {"192.0.2." + std::to_string(i + 1), "192.0.2.200"}}}); break;
        case 1: records.push_back({{"name", h}, {"type", "AAAA"}, {"ttl", 300}, {"values", {"2001:DB8::" + std::to_string(i)}}}); break;
        case 2: records.push_back({{"name", h}, {"type", "MX"}, {"ttl", 3600}, {"values", {"10 MX1.Example.NET."}}}); break;
        case 3: records.push_back({{"name", h}, {"type", "TXT"}, {"ttl", 60}, {"values", {"v=spf1 -all " + h}}}); break;
        case 4: records.push_back({{"name", h}, {"type", "CNAME"}, {"ttl", 300}, {"values", {"h0." + zone_}}}); break;
      }
    }
    return {{"zone", zone_}, {"records", records}, {"ownership", ownership}, {"safety", {{"maxDeletePercent", 30}}},
            {"nameservers", json::array({{{"name", "ns1.pdns-a.net."}}, {{"name", "ns1.pdns-b.net."}},
                                         {{"name", "ns1.bind-c.net."}}})}};
  }

  // One pass as the Domain controller would run it: a provider answering 5xx (the bed's PowerDNS on SQLite says
  // "database is locked" while other suites load it) keeps its changes pending and is retried after a backoff, as
  // the controller's requeue does. Connection failures are not retried here (the outage test wants to see them).
  std::vector<ProviderOutcome> Pass(const json& spec, int64_t generation = 1) {
    std::vector<ProviderOutcome> out;
    for (int attempt = 0; attempt < 6; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::seconds(1));
      out = PassOnce(spec, generation);
      bool busy = false;
      for (const ProviderOutcome& o : out) {
        busy |= o.status.reason == reasons::kProviderUnavailable && o.status.message.find("HTTP 5") != std::string::npos;
      }
      if (!busy) break;
    }
    return out;
  }

  std::vector<ProviderOutcome> PassOnce(const json& spec, int64_t generation) {
    const api::RecordsPolicySpec p = api::ParseRecordsPolicy(spec).value();
    SyncPolicy policy{{kOwner, p.ownership}, {p.max_delete_percent, generation, std::nullopt}};
    std::vector<ProviderOutcome> out = SyncZone(zone::BuildDesiredZone(spec, {}), {a_.get(), b_.get(), c_.get()},
                                                policy, last_, last_generation_, clock_);
    last_.clear();
    for (const ProviderOutcome& o : out) last_.push_back(o.status);
    last_generation_ = generation;
    return out;
  }

  std::vector<std::string> DnsServers() {
    std::string bind = env_["DG_RFC2136_SERVER"];
    return {env_["DG_PDNS_A_DNS"], env_["DG_PDNS_B_DNS"], bind.substr(0, bind.find(':'))};
  }

  // Every desired rrset is served by every DNS server in `servers`.
  void ExpectServed(const json& spec, const std::vector<std::string>& servers) {
    Result<zone::DesiredZone> z = zone::BuildDesiredZone(spec, {});
    ASSERT_TRUE(z.ok()) << z.error().ToString();
    for (const std::string& ip : servers) {
      for (const zone::RRset& r : z->rrsets) {
        if (r.type == "A" && r.name.starts_with("ns")) continue;
        EXPECT_EQ(Served(ip, r.name, r.type), r.values) << "server " << ip << " " << zone::KeyOf(r);
      }
    }
  }

  size_t RrsetCount(providers::Provider* p) {
    Result<ObservedZone> z = p->ReadZone(zone_);
    EXPECT_TRUE(z.ok()) << z.error().ToString();
    return z.ok() ? z->rrsets.size() : 0;
  }

  // A direct API call by the test, retried while the bed's PowerDNS answers 5xx ("database is locked").
  Result<http::HttpResponse> SendRetrying(const http::HttpRequest& req) {
    Result<http::HttpResponse> r = transport_->Send(req);
    for (int i = 0; i < 10 && r.ok() && r->status >= 500; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      r = transport_->Send(req);
    }
    return r;
  }

  // Writes an unmarked rrset straight to PowerDNS B and BIND, as a person would.
  void AddForeign(const std::string& name, const std::string& ip) {
    http::HttpRequest req;
    req.method = "PATCH";
    req.url = env_["DG_PDNS_B_API"] + "/api/v1/servers/localhost/zones/" + zone_;
    req.headers = {{"X-API-Key", env_["DG_PDNS_B_KEY"]}, {"Content-Type", "application/json"}};
    json record = json::object({{"content", ip}, {"disabled", false}});
    json rrset = json::object({{"name", name}, {"type", "A"}, {"ttl", 300}, {"changetype", "REPLACE"},
                               {"records", json::array({record})}});
    req.body = json::object({{"rrsets", json::array({rrset})}}).dump();
    Result<http::HttpResponse> r = SendRetrying(req);
    ASSERT_TRUE(r.ok() && r->status == 204) << (r.ok() ? r->body : r.error().ToString()) << " sent " << req.body;
    const std::string keyfile = "/tmp/dg-records-it-" + std::to_string(getpid()) + ".key";
    {
      std::ofstream k(keyfile);
      k << "key \"" << env_["DG_RFC2136_TSIG_NAME"] << "\" { algorithm hmac-sha256; secret \""
        << env_["DG_RFC2136_TSIG_SECRET"] << "\"; };\n";
    }
    std::string server = env_["DG_RFC2136_SERVER"];
    std::string cmd = "printf 'server " + server.substr(0, server.find(':')) + " " +
                      server.substr(server.find(':') + 1) + "\\nupdate add " + name + " 300 A " + ip +
                      "\\nsend\\n' | nsupdate -k " + keyfile;
    int rc = Shell(cmd);
    std::remove(keyfile.c_str());
    ASSERT_EQ(rc, 0) << "nsupdate failed";
  }

  std::map<std::string, std::string> env_;
  FakeClock clock_;  // status timestamps only; the bucket never waits at these rates
  std::unique_ptr<http::Transport> transport_;
  std::unique_ptr<providers::Provider> a_, b_, c_;
  std::string zone_;
  bool created_ = false;
  std::vector<ProviderStatus> last_;
  int64_t last_generation_ = 0;
};

TEST_F(RecordsBedTest, TwentyRecordsServedByAllThreeProviders) {
  json spec = Spec(20);
  std::vector<ProviderOutcome> out = Pass(spec);
  for (const ProviderOutcome& o : out) {
    EXPECT_TRUE(o.status.synced) << o.status.name << ": " << o.status.reason << " " << o.status.message;
    EXPECT_GT(o.status.serial, 0u);
  }
  ExpectServed(spec, DnsServers());
  // A second pass finds nothing to do and writes nothing: serials stay.
  std::vector<ProviderOutcome> again = Pass(spec);
  for (size_t i = 0; i < again.size(); ++i) {
    EXPECT_TRUE(again[i].applied.empty()) << again[i].status.name << " wrote " << again[i].applied.size();
    EXPECT_EQ(again[i].status.serial, out[i].status.serial) << again[i].status.name;
  }
}

TEST_F(RecordsBedTest, DriftAtAIsRepairedWhileBKeepsServing) {
  json spec = Spec(10);
  (void)Pass(spec);
  // Behind domainguard's back: delete h0 A and h3 TXT at A.
  http::HttpRequest req;
  req.method = "PATCH";
  req.url = env_["DG_PDNS_A_API"] + "/api/v1/servers/localhost/zones/" + zone_;
  req.headers = {{"X-API-Key", env_["DG_PDNS_A_KEY"]}, {"Content-Type", "application/json"}};
  req.body = json{{"rrsets", json::array({{{"name", "h0." + zone_}, {"type", "A"}, {"changetype", "DELETE"}},
                                          {{"name", "h3." + zone_}, {"type", "TXT"}, {"changetype", "DELETE"}}})}}
                 .dump();
  Result<http::HttpResponse> r = SendRetrying(req);
  ASSERT_TRUE(r.ok() && r->status == 204);
  EXPECT_EQ(Served(env_["DG_PDNS_A_DNS"], "h0." + zone_, "A"), std::vector<std::string>{});
  EXPECT_EQ(Served(env_["DG_PDNS_B_DNS"], "h0." + zone_, "A"),
            (std::vector<std::string>{"192.0.2.1", "192.0.2.200"}));
  const uint32_t b_serial = last_[1].serial;
  std::vector<ProviderOutcome> out = Pass(spec);
  EXPECT_EQ(out[0].status.reason, reasons::kDriftRepaired);
  EXPECT_TRUE(out[0].status.synced) << out[0].status.message;
  EXPECT_EQ(out[0].applied.size(), 2u);
  EXPECT_EQ(out[1].status.reason, reasons::kSynced);
  EXPECT_EQ(out[1].status.serial, b_serial);  // B was not written
  ExpectServed(spec, DnsServers());
}

TEST_F(RecordsBedTest, StoppedProviderDoesNotHoldBackOthersAndCatchesUp) {
  json spec = Spec(5);
  (void)Pass(spec);
  ASSERT_EQ(Shell(env_["DG_PDNS_A_STOP"]), 0);
  json more = Spec(8);
  std::vector<ProviderOutcome> out = Pass(more, 2);
  const bool a_down_ok = out[0].status.reason == reasons::kProviderUnavailable && !out[0].status.synced;
  const std::vector<std::string> servers = {env_["DG_PDNS_B_DNS"], DnsServers()[2]};
  EXPECT_TRUE(out[1].status.synced) << out[1].status.message;
  EXPECT_TRUE(out[2].status.synced) << out[2].status.message;
  ExpectServed(more, servers);
  // Apply itself reports kUnavailable while A is down.
  Result<uint32_t> direct = a_->Apply(zone_, Changes{kOwner, {}, {}, {{"x." + zone_, "A", 60, {"192.0.2.9"}}}}, {});
  const bool direct_unavailable = !direct.ok() && direct.error().code == ErrorCode::kUnavailable;
  ASSERT_EQ(Shell(env_["DG_PDNS_A_START"]), 0);
  EXPECT_TRUE(a_down_ok) << out[0].status.reason << ": " << out[0].status.message;
  EXPECT_THAT(out[0].status.message, HasSubstr("reading zone"));
  EXPECT_TRUE(direct_unavailable) << (direct.ok() ? "ok" : direct.error().ToString());
  // Back: the next pass applies what was pending.
  for (int i = 0; i < 50; ++i) {  // the start script waits for the API, but be tolerant
    if (a_->ReadZone(zone_).ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  out = Pass(more, 2);
  EXPECT_TRUE(out[0].status.synced) << out[0].status.reason << ": " << out[0].status.message;
  EXPECT_EQ(out[0].applied.size(), 3u);
  ExpectServed(more, DnsServers());
}

TEST_F(RecordsBedTest, ForeignRecordKeptInRecordsModePrunedInZoneMode) {
  json spec = Spec(3);
  (void)Pass(spec);
  AddForeign("legacy." + zone_, "198.51.100.7");
  std::vector<ProviderOutcome> out = Pass(spec);
  for (const ProviderOutcome& o : out) EXPECT_TRUE(o.status.synced) << o.status.name << ": " << o.status.message;
  EXPECT_EQ(Served(env_["DG_PDNS_B_DNS"], "legacy." + zone_, "A"), std::vector<std::string>{"198.51.100.7"});
  EXPECT_EQ(Served(DnsServers()[2], "legacy." + zone_, "A"), std::vector<std::string>{"198.51.100.7"});
  bool kept_event = false;
  for (const SyncEvent& e : out[1].events) kept_event |= e.reason == reasons::kForeignRecordKept;
  EXPECT_TRUE(kept_event);
  // Zone mode prunes it (1 of 5 manageable records at B and C: under the 30% limit).
  out = Pass(Spec(3, "Zone"), 2);
  for (const ProviderOutcome& o : out) EXPECT_TRUE(o.status.synced) << o.status.name << ": " << o.status.message;
  EXPECT_EQ(Served(env_["DG_PDNS_B_DNS"], "legacy." + zone_, "A"), std::vector<std::string>{});
  EXPECT_EQ(Served(DnsServers()[2], "legacy." + zone_, "A"), std::vector<std::string>{});
}

TEST_F(RecordsBedTest, EightyPercentDeletionIsHeld) {
  json spec = Spec(20);
  (void)Pass(spec);
  std::vector<ProviderOutcome> out = Pass(Spec(4), 2);
  for (const ProviderOutcome& o : out) {
    EXPECT_EQ(o.status.reason, reasons::kChangeBlocked) << o.status.name << ": " << o.status.message;
    EXPECT_THAT(o.status.message, HasSubstr("domainguard.io/approve-change=2"));
  }
  ExpectServed(spec, DnsServers());  // all 20 still served everywhere
}

TEST_F(RecordsBedTest, InvalidInputNamesTheFieldAndDeletesNothing) {
  json spec = Spec(10);
  (void)Pass(spec);
  const size_t before[3] = {RrsetCount(a_.get()), RrsetCount(b_.get()), RrsetCount(c_.get())};
  json bad = Spec(2);  // would also delete 8 rrsets if it were applied
  bad["records"][0]["values"][0] = "300.1.1.1";
  std::vector<ProviderOutcome> out = Pass(bad, 2);
  for (const ProviderOutcome& o : out) {
    EXPECT_EQ(o.status.reason, reasons::kInvalidRecord);
    EXPECT_EQ(o.status.message, "spec.records[0].values[0]: \"300.1.1.1\" is not an IPv4 address");
  }
  json apex = Spec(2);
  apex["records"].push_back({{"name", "@"}, {"type", "CNAME"}, {"values", {"elsewhere.example."}}});
  out = Pass(apex, 3);
  for (const ProviderOutcome& o : out) {
    EXPECT_EQ(o.status.reason, reasons::kInvalidRecord);
    EXPECT_THAT(o.status.message, HasSubstr("spec.records[2]: CNAME is not allowed at the zone apex"));
  }
  EXPECT_EQ(RrsetCount(a_.get()), before[0]);
  EXPECT_EQ(RrsetCount(b_.get()), before[1]);
  EXPECT_EQ(RrsetCount(c_.get()), before[2]);
  ExpectServed(spec, DnsServers());
}

}  // namespace
}  // namespace domainguard::records
