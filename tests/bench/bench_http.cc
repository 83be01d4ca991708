// LIBS: dg_http dg_base
// HTTP transports compared: the client CPU each exchange costs through libcurl's transport (http::NewTransport,
// what domainguard uses) and cpprestsdk's (kept to compare), with cpprestsdk's pool sized as `domainguard run`
// sizes it (2..8 threads by cores).
//   BM_PowerDnsCreate/<transport>  one POST of a new 20-rrset zone to the bed's PowerDNS A (PowerDNS closes every API
//                                  connection: each is a new TCP connection, as during a batch of new Domains)
//   BM_ApiserverGet/<transport>    one GET of a namespace from the bed's apiserver over TLS with the admin token
//                                  (kept-alive connections)
// Z = DG_BENCH_HTTP_REQUESTS (default 2000) iterations each, on one thread. "CPU" is the whole process's CPU per
// request (user + sys of every thread: cpprestsdk's work runs on its pool), "Time" the wall time. Needs
// eval "$(hack/testbed.sh env)"; the zones are deleted afterwards (not timed).
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>

#include "controller/http/curl_transport.h"
#include "controller/http/transport.h"

namespace {

namespace http = domainguard::http;
using Factory = domainguard::Result<std::unique_ptr<http::Transport>> (*)(const http::TlsConfig&);

int Requests() {
  const char* z = std::getenv("DG_BENCH_HTTP_REQUESTS");
  return z ? std::max(1, std::atoi(z)) : 2000;
}

std::string ZoneBody(const std::string& zone) {
  std::string rrsets;
  for (int i = 0; i < 20; ++i) {
    if (!rrsets.empty()) rrsets += ",";
    const std::string name = (i == 0 ? "" : std::string("r") + std::to_string(i) + ".") + zone;
    const std::string type = i == 0 ? "MX" : (i % 2 ? "A" : "TXT");
    const std::string content = i == 0 ? "10 mail." + zone
                                : i % 2 ? std::string("192.0.2.") + std::to_string(i)
                                        : std::string("\\\"v=bench") + std::to_string(i) + "\\\"";
    rrsets += "{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"ttl\":300,\"changetype\":\"REPLACE\",\"records\":[{\"content\":\"" +
              content + "\",\"disabled\":false}],\"comments\":[{\"content\":\"domainguard:bench/zone\",\"account\":\"domainguard\"}]}";
  }
  return "{\"name\":\"" + zone + "\",\"kind\":\"Native\",\"nameservers\":[\"ns1.pdns-a.net.\"],\"rrsets\":[" + rrsets + "]}";
}

void BM_PowerDnsCreate(benchmark::State& state, Factory make, const char* tag) {
  const char* api = std::getenv("DG_PDNS_A_API");
  const char* key = std::getenv("DG_PDNS_A_KEY");
  if (!api || !key) return state.SkipWithError("bed not up: eval \"$(hack/testbed.sh env)\"");
  auto t = make({});
  if (!t.ok()) return state.SkipWithError(t.error().message.c_str());
  const std::string base = std::string(api) + "/api/v1/servers/localhost/zones";
  auto zone = [&](int i) { return std::string("bh-") + tag + "-" + std::to_string(getpid()) + "-" + std::to_string(i) + ".test."; };
  int i = 0;
  for (auto _ : state) {
    auto r = (*t)->Send({"POST", base, {{"X-API-Key", key}, {"Content-Type", "application/json"}}, ZoneBody(zone(i++))});
    if (!r.ok() || r->status != 201) {
      state.SkipWithError(r.ok() ? r->body.c_str() : r.error().message.c_str());
      break;
    }
  }
  for (int j = 0; j < i; ++j) (void)(*t)->Send({"DELETE", base + "/" + zone(j), {{"X-API-Key", key}}, ""});
}

void BM_ApiserverGet(benchmark::State& state, Factory make) {
  const char* server = std::getenv("DG_KUBE_SERVER");
  const char* ca = std::getenv("DG_KUBE_CA");
  const char* token = std::getenv("DG_KUBE_ADMIN_TOKEN");
  if (!server || !ca || !token) return state.SkipWithError("bed not up: eval \"$(hack/testbed.sh env)\"");
  http::TlsConfig tls;
  tls.ca_file = ca;
  auto t = make(tls);
  if (!t.ok()) return state.SkipWithError(t.error().message.c_str());
  const http::HttpRequest req{"GET", std::string(server) + "/api/v1/namespaces/default",
                              {{"Authorization", std::string("Bearer ") + token}, {"Accept", "application/json"}}, ""};
  for (auto _ : state) {
    auto r = (*t)->Send(req);
    if (!r.ok() || r->status != 200) {
      state.SkipWithError(r.ok() ? r->body.c_str() : r.error().message.c_str());
      break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  // As RunCommand does: cpprestsdk's pool sized to the cores (2..8), not its 40 threads.
  const unsigned cores = std::clamp(std::thread::hardware_concurrency(), 2u, 8u);
  if (auto s = http::SizeThreadPool(cores); !s.ok()) return 1;
  const int n = Requests();
  for (auto [name, make] : {std::pair<const char*, Factory>{"curl", http::NewCurlTransport},
                            std::pair<const char*, Factory>{"cpprest", http::NewCppRestTransport}}) {
    benchmark::RegisterBenchmark((std::string("BM_PowerDnsCreate/") + name).c_str(), BM_PowerDnsCreate, make, name)
        ->Iterations(n)->MeasureProcessCPUTime()->UseRealTime()->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((std::string("BM_ApiserverGet/") + name).c_str(), BM_ApiserverGet, make)
        ->Iterations(n)->MeasureProcessCPUTime()->UseRealTime()->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
