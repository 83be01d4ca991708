// LIBS: dg_records dg_providers dg_http dg_zone dg_base
// Records benchmarks.
//   BM_BuildDesiredZone/N  validating + canonicalising a Domain spec of N records (ldns per value)
//   BM_ComputePlan/N       the plan for an N-rrset zone with 10% updated, 5% deleted, 5% created
//   BM_PowerDnsFloor       (bed) Z zones x 20 rrsets straight to the PowerDNS API, one POST per zone
//   BM_PowerDnsProvider    (bed) the same zones written by domainguard's provider, one SyncZone pass per new zone:
//                          ReadZone (404) + CreateZone (one POST with every rrset and its ownership comment)
// Z = DG_BENCH_ZONES (default 200). The bed benchmarks need eval "$(hack/testbed.sh env)" (PowerDNS A); without it
// they report an error and the others still run. Zones are deleted afterwards.
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/http/transport.h"
#include "controller/providers/powerdns/powerdns_provider.h"
#include "controller/records/plan.h"
#include "controller/records/sync.h"
#include "controller/zone/desired_zone.h"

namespace {

using nlohmann::json;
namespace records = domainguard::records;
namespace zone = domainguard::zone;

json SpecOf(int n, const std::string& origin) {
  json recs = json::array();
  for (int i = 0; i < n; ++i) {
    std::string h = "host" + std::to_string(i);
    switch (i % 4) {
      case 0: recs.push_back({{"name", h}, {"type", "A"}, {"ttl", 300}, {"values", {"10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1)}}}); break;
      case 1: recs.push_back({{"name", h}, {"type", "AAAA"}, {"ttl", 300}, {"values", {"2001:db8::" + std::to_string(i)}}}); break;
      case 2: recs.push_back({{"name", h}, {"type", "MX"}, {"ttl", 3600}, {"values", {"10 mx." + origin}}}); break;
      case 3: recs.push_back({{"name", h}, {"type", "TXT"}, {"ttl", 60}, {"values", {"v=spf1 -all"}}}); break;
    }
  }
  return {{"zone", origin}, {"records", recs}, {"nameservers", json::array({{{"name", "ns1.pdns-a.net."}}})}};
}

void BM_BuildDesiredZone(benchmark::State& state) {
  json spec = SpecOf(static_cast<int>(state.range(0)), "bench.test.");
  for (auto _ : state) {
    auto z = zone::BuildDesiredZone(spec, {});
    benchmark::DoNotOptimize(z);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BuildDesiredZone)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_ComputePlan(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto desired = zone::BuildDesiredZone(SpecOf(n, "bench.test."), {});
  if (!desired.ok()) {
    state.SkipWithError(desired.error().message.c_str());
    return;
  }
  records::ObservedZone observed;
  observed.zone = desired->origin;
  int i = 0;
  for (const zone::RRset& r : desired->rrsets) {
    ++i;
    if (i % 20 == 0) continue;  // 5% missing -> creates
    records::ObservedRRset o{r, "bench/zone"};
    if (i % 10 == 1) o.rrset.ttl += 1;  // 10% differ -> updates
    observed.rrsets.push_back(o);
    if (i % 20 == 7) observed.rrsets.push_back({{"gone" + std::to_string(i) + ".bench.test.", "A", 300, {"10.9.9.9"}}, "bench/zone"});
  }
  std::sort(observed.rrsets.begin(), observed.rrsets.end(),
            [](const auto& a, const auto& b) { return zone::KeyLess(a.rrset, b.rrset); });
  size_t changes = 0;
  for (auto _ : state) {
    records::Plan p = records::ComputePlan(*desired, observed, {"bench/zone", records::OwnershipMode::kRecords});
    changes = p.changes.size();
    benchmark::DoNotOptimize(p);
  }
  state.counters["changes"] = static_cast<double>(changes);
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_ComputePlan)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

struct Bed {
  std::string api, key;
  int zones = 200;
  std::unique_ptr<domainguard::http::Transport> transport;
  bool Load(benchmark::State& state) {
    const char* a = std::getenv("DG_PDNS_A_API");
    const char* k = std::getenv("DG_PDNS_A_KEY");
    if (!a || !k) {
      state.SkipWithError("bed not up: eval \"$(hack/testbed.sh env)\"");
      return false;
    }
    api = a;
    key = k;
    if (const char* z = std::getenv("DG_BENCH_ZONES")) zones = std::max(1, std::atoi(z));
    auto t = domainguard::http::NewTransport({});
    if (!t.ok()) {
      state.SkipWithError(t.error().message.c_str());
      return false;
    }
    transport = std::move(*t);
    return true;
  }
  domainguard::Result<domainguard::http::HttpResponse> Call(const std::string& method, const std::string& path,
                                                            std::string body = "") {
    domainguard::http::HttpRequest r;
    r.method = method;
    r.url = api + "/api/v1/servers/localhost/zones" + path;
    r.headers = {{"X-API-Key", key}, {"Content-Type", "application/json"}};
    r.body = std::move(body);
    return transport->Send(r);
  }
  std::string Zone(const std::string& tag, int i) const {
    return "bench-" + tag + "-" + std::to_string(getpid()) + "-" + std::to_string(i) + ".test.";
  }
  void DeleteAll(const std::string& tag) {
    for (int i = 0; i < zones; ++i) (void)Call("DELETE", "/" + Zone(tag, i));
  }
};

void BM_PowerDnsFloor(benchmark::State& state) {
  Bed bed;
  if (!bed.Load(state)) return;
  int round = 0;
  for (auto _ : state) {
    const std::string tag = "floor" + std::to_string(round++);
    for (int i = 0; i < bed.zones; ++i) {
      const std::string z = bed.Zone(tag, i);
      auto desired = zone::BuildDesiredZone(SpecOf(20, z), {});
      json rrsets = json::array();
      for (const zone::RRset& r : desired->rrsets) {
        if (r.type == "NS") continue;
        json recs = json::array();
        for (const auto& v : r.values) recs.push_back({{"content", v}, {"disabled", false}});
        rrsets.push_back({{"name", r.name}, {"type", r.type}, {"ttl", r.ttl}, {"records", recs}});
      }
      auto resp = bed.Call("POST", "", json{{"name", z}, {"kind", "Native"}, {"nameservers", {"ns1.pdns-a.net."}},
                                            {"rrsets", rrsets}}.dump());
      if (!resp.ok() || resp->status != 201) {
        state.SkipWithError(resp.ok() ? resp->body.c_str() : resp.error().message.c_str());
        break;
      }
    }
    state.PauseTiming();
    bed.DeleteAll(tag);
    state.ResumeTiming();
  }
  state.counters["zones_per_s"] = benchmark::Counter(static_cast<double>(bed.zones), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_PowerDnsFloor)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

void BM_PowerDnsProvider(benchmark::State& state) {
  Bed bed;
  if (!bed.Load(state)) return;
  domainguard::RealClock clock;
  auto provider = domainguard::providers::powerdns::NewPowerDnsProvider(
      {.name = "pdns-a", .url = bed.api, .api_key = bed.key, .qps = 0, .burst = 1}, bed.transport.get(), &clock);
  int round = 0;
  for (auto _ : state) {
    const std::string tag = "dg" + std::to_string(round++);
    for (int i = 0; i < bed.zones; ++i) {
      const std::string z = bed.Zone(tag, i);
      records::SyncPolicy policy{{"bench/zone", records::OwnershipMode::kRecords}, {30, 1, std::nullopt}};
      auto out = records::SyncZone(zone::BuildDesiredZone(SpecOf(20, z), {}), {provider.get()}, policy, {}, 0, clock);
      if (!out[0].status.synced) {
        state.SkipWithError(out[0].status.message.c_str());
        break;
      }
    }
    state.PauseTiming();
    bed.DeleteAll(tag);
    state.ResumeTiming();
  }
  state.counters["zones_per_s"] = benchmark::Counter(static_cast<double>(bed.zones), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_PowerDnsProvider)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
