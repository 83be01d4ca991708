// LIBS: dg_delegation dg_dns dg_base
// Delegation sweep on the local test bed: N zones (default 10,000; DG_BENCH_ZONES) delegated in the bed's TLD
// `test.` (both TLD servers) to ns1.pdns-a.net. and ns1.pdns-b.net., each zone served by PowerDNS A and B.
// One iteration = a cold full sweep: parent discovery from the root hints, "zone NS?" at every TLD server,
// SOA + NS at every name server, the provider zones' own delegation (dependencies), and the verdicts.
// Targets (issue 6): sweep <= 10 s, engine memory <= 50 MB. Reports queries/s.
//
// Setup creates the zones through the PowerDNS API (one keep-alive connection per server) and the delegations
// with nsupdate, and removes everything at the end (DG_BENCH_KEEP=1 keeps it for the next run, which then
// skips setup with DG_BENCH_SKIP_SETUP=1). Needs the bed: eval "$(hack/testbed.sh env)"; without it the benchmark says so and exits 0.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "controller/delegation/prober.h"
#include "controller/delegation/verdict.h"
#include "controller/delegation/walker.h"
#include "controller/dns/ares_resolver.h"

namespace {

using namespace domainguard;
using namespace domainguard::delegation;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

// Minimal HTTP/1.1 keep-alive client for the PowerDNS API on loopback (setup only).
class ApiConnection {
 public:
  ApiConnection(const std::string& base_url, const std::string& key) : key_(key) {
    // base_url: http://127.0.0.1:PORT
    const auto colon = base_url.rfind(':');
    port_ = static_cast<uint16_t>(std::stoi(base_url.substr(colon + 1)));
    host_ = base_url.substr(7, colon - 7);
  }
  ~ApiConnection() {
    if (fd_ >= 0) close(fd_);
  }
  // Returns the HTTP status (0 on a connection failure).
  int Send(const std::string& method, const std::string& path, const std::string& body) {
    // PowerDNS may close a keep-alive connection at any time, and other tests restart it: reconnect and retry
    // for up to ~30 s.
    for (int attempt = 0; attempt < 60; ++attempt) {
      if (attempt > 1) usleep(500000);  // the first retry is a plain reconnect
      if (fd_ < 0 && !Connect()) continue;
      std::string req = method + " " + path + " HTTP/1.1\r\nHost: " + host_ + "\r\nX-API-Key: " + key_ +
                        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\n\r\n" + body;
      if (send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
        Reset();
        continue;
      }
      int status = ReadResponse();
      if (status == 0) {
        Reset();
        continue;
      }
      return status;
    }
    return 0;
  }

 private:
  bool Connect() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{15, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port_);
    inet_pton(AF_INET, host_.c_str(), &a.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      Reset();
      return false;
    }
    return true;
  }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    buf_.clear();
  }
  int ReadResponse() {
    size_t header_end;
    while ((header_end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return 0;
    }
    const std::string head = buf_.substr(0, header_end);
    int status = std::atoi(head.c_str() + 9);
    size_t length = 0;
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto cl = lower.find("content-length:");
    if (cl != std::string::npos) length = std::strtoul(lower.c_str() + cl + 15, nullptr, 10);
    while (buf_.size() < header_end + 4 + length) {
      if (!Fill()) return 0;
    }
    buf_.erase(0, header_end + 4 + length);
    if (lower.find("connection: close") != std::string::npos) Reset();
    return status;
  }
  bool Fill() {
    char tmp[65536];
    ssize_t n = recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  std::string host_;
  uint16_t port_ = 0;
  std::string key_;
  int fd_ = -1;
  std::string buf_;
};

std::string ZoneName(int i) { return "dgb" + std::to_string(i) + ".test."; }

bool CreateZones(const std::string& which, int n) {
  ApiConnection api(Env(("DG_PDNS_" + which + "_API").c_str()), Env(("DG_PDNS_" + which + "_KEY").c_str()));
  for (int i = 0; i < n; ++i) {
    const std::string z = ZoneName(i);
    const std::string body =
        R"({"name":")" + z + R"(","kind":"Native","soa_edit_api":"","nameservers":[],"rrsets":[)"
        R"({"name":")" + z + R"(","type":"SOA","ttl":300,"records":[{"content":"ns1.pdns-a.net. hostmaster.)" + z +
        R"( 2026112301 10800 3600 604800 300","disabled":false}]},)"
        R"({"name":")" + z + R"(","type":"NS","ttl":300,"records":[{"content":"ns1.pdns-a.net.","disabled":false},)"
        R"({"content":"ns1.pdns-b.net.","disabled":false}]}]})";
    const int status = api.Send("POST", "/api/v1/servers/localhost/zones", body);
    if (status != 201 && status != 409) {
      std::cerr << "PowerDNS " << which << ": creating " << z << " returned HTTP " << status << "\n";
      return false;
    }
  }
  return true;
}

void DeleteZones(const std::string& which, int n) {
  ApiConnection api(Env(("DG_PDNS_" + which + "_API").c_str()), Env(("DG_PDNS_" + which + "_KEY").c_str()));
  for (int i = 0; i < n; ++i) api.Send("DELETE", "/api/v1/servers/localhost/zones/" + ZoneName(i), "");
}

// Adds (or deletes) the delegations at both TLD servers in batches of 500 zones per UPDATE.
bool Delegate(int n, bool add) {
  for (const char* server : {"127.53.10.1", "127.53.10.2"}) {
    char path[] = "/tmp/dg-bench-nsupdate-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    {
      std::ofstream f(path);
      f << "server " << server << " 53\nzone test.\n";
      for (int i = 0; i < n; ++i) {
        const std::string z = ZoneName(i);
        if (add) {
          f << "update add " << z << " 3600 IN NS ns1.pdns-a.net.\nupdate add " << z << " 3600 IN NS ns1.pdns-b.net.\n";
        } else {
          f << "update delete " << z << " NS\n";
        }
        if (i % 500 == 499 || i == n - 1) f << "send\n";
      }
    }
    const int rc = std::system(("nsupdate -y \"hmac-sha256:$DG_TLD_TSIG_NAME:$DG_TLD_TSIG_SECRET\" " +
                                std::string(path) + " >/dev/null 2>&1")
                                   .c_str());
    std::remove(path);
    if (rc != 0) {
      std::cerr << "nsupdate at " << server << " failed\n";
      return false;
    }
  }
  return true;
}

long RssKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field));
  }
  return 0;
}

int g_zones = 10000;

// Counts the queries the engine sends.
class CountingResolver final : public dns::Resolver {
 public:
  explicit CountingResolver(dns::Resolver& inner) : inner_(inner) {}
  std::vector<Result<dns::DnsMessage>> QueryAll(std::span<const dns::Probe> probes, dns::Deadline deadline) override {
    count += probes.size();
    return inner_.QueryAll(probes, deadline);
  }
  size_t count = 0;

 private:
  dns::Resolver& inner_;
};

void BM_DelegationSweep(benchmark::State& state) {
  auto roots = LoadRootHints(Env("DG_ROOT_HINTS"));
  if (!roots.ok()) {
    state.SkipWithError(roots.error().ToString().c_str());
    return;
  }
  std::vector<ZoneSpec> specs;
  for (int i = 0; i < g_zones; ++i) specs.push_back(ZoneSpec{ZoneName(i), {}, {}});
  const long rss_before = RssKb("VmRSS:");
  size_t queries = 0, healthy = 0, total_findings = 0;
  double seconds = 0;
  for (auto _ : state) {
    auto resolver = dns::AresResolver::Create(dns::AresOptions{
        .timeout = std::chrono::milliseconds(800), .tries = 3,
        .max_in_flight_per_server = static_cast<int>(state.range(0))});
    CountingResolver counting(**resolver);
    Walker walker(counting, *roots);
    Prober prober(counting, walker);
    const auto start = std::chrono::steady_clock::now();
    auto obs = prober.ObserveAll(specs, start + std::chrono::seconds(60));
    healthy = 0;
    total_findings = 0;
    for (size_t i = 0; i < obs.size(); ++i) {
      Verdict v = EvaluateDelegation(obs[i], specs[i], {}, Policy{1});
      // Every bench zone has both name servers under one TLD (net.) other than its own: SinglePointOfFailure
      // is the one expected finding; anything else is a failed probe.
      bool ok = true;
      for (const auto& f : v.findings) ok = ok && f.reason == "SinglePointOfFailure";
      healthy += ok ? 1 : 0;
      total_findings += v.findings.size();
      benchmark::DoNotOptimize(v);
    }
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    queries += counting.count;
  }
  state.counters["zones"] = static_cast<double>(g_zones);
  state.counters["healthy_zones"] = static_cast<double>(healthy);
  state.counters["findings"] = static_cast<double>(total_findings);
  state.counters["queries_per_sweep"] = static_cast<double>(queries) / static_cast<double>(state.iterations());
  state.counters["queries_per_s"] = static_cast<double>(queries) / seconds;
  state.counters["sweep_s"] = seconds / static_cast<double>(state.iterations());
  state.counters["rss_growth_MB"] = static_cast<double>(RssKb("VmRSS:") - rss_before) / 1024.0;
  state.counters["peak_rss_MB"] = static_cast<double>(RssKb("VmHWM:")) / 1024.0;
  if (healthy != static_cast<size_t>(g_zones)) {
    state.SkipWithError(("only " + std::to_string(healthy) + " of " + std::to_string(g_zones) +
                         " zones observed healthy").c_str());
  }
}

}  // namespace

BENCHMARK(BM_DelegationSweep)->Arg(25)->Arg(50)->Arg(100)->Arg(400)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

int main(int argc, char** argv) {
  if (Env("DG_ROOT_HINTS").empty() || Env("DG_PDNS_A_API").empty() || Env("DG_TLD_TSIG_SECRET").empty()) {
    std::cerr << "bench_delegation needs the test bed: hack/testbed.sh up && eval \"$(hack/testbed.sh env)\"\n";
    return 0;
  }
  if (!Env("DG_BENCH_ZONES").empty()) g_zones = std::atoi(Env("DG_BENCH_ZONES").c_str());
  const bool keep = Env("DG_BENCH_KEEP") == "1";
  const auto t0 = std::chrono::steady_clock::now();
  // DG_BENCH_SKIP_SETUP=1: the zones of a DG_BENCH_KEEP=1 run are still there.
  if (Env("DG_BENCH_SKIP_SETUP") != "1" &&
      (!CreateZones("A", g_zones) || !CreateZones("B", g_zones) || !Delegate(g_zones, true))) {
    return 1;
  }
  std::cerr << "setup: " << g_zones << " zones on PowerDNS A and B, delegated at both TLD servers, in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (!keep) {
    Delegate(g_zones, false);
    DeleteZones("A", g_zones);
    DeleteZones("B", g_zones);
  }
  return 0;
}
