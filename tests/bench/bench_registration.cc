// LIBS: dg_registration dg_http
// Registration checks for 10,000 domains: the per-server rate limit is never exceeded (max requests in any
// 1-second window <= qps + burst), and the record cache stays under 20 MB. Runs against an in-process fake
// RDAP server (the Python test server cannot serve thousands of requests a second on a shared 2-core box);
// when DG_RDAP_URL is set, also 400 domains against the local registry server through the real transport.
//
//   build-*/tests/bench_registration --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>

#include "controller/http/transport.h"
#include "controller/registration/checker.h"
#include "controller/registration/record_cache.h"

namespace {

using namespace domainguard;
using namespace domainguard::registration;
using namespace std::chrono_literals;

constexpr char kAnswer[] = R"({"objectClassName":"domain","ldhName":"%s","status":["client transfer prohibited"],
 "entities":[{"objectClassName":"entity","roles":["registrar"],"publicIds":[{"type":"IANA Registrar ID","identifier":"1111"}],
   "vcardArray":["vcard",[["version",{},"text","4.0"],["fn",{},"text","Example Registrar, LLC"]]]}],
 "events":[{"eventAction":"registration","eventDate":"2002-03-19T18:23:05Z"},{"eventAction":"expiration","eventDate":"2027-06-01T00:00:00Z"},
   {"eventAction":"last changed","eventDate":"2025-02-12T09:11:42Z"}],
 "nameservers":[{"objectClassName":"nameserver","ldhName":"ns1.pdns-a.net"},{"objectClassName":"nameserver","ldhName":"ns1.pdns-b.net"}],
 "rdapConformance":["rdap_level_0"]})";

// Wraps a transport (or answers itself) and stamps every request's send time.
class StampingTransport final : public http::Transport {
 public:
  explicit StampingTransport(http::Transport* inner) : inner_(inner) {}
  Result<http::HttpResponse> Send(const http::HttpRequest& req) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stamps_.push_back(std::chrono::steady_clock::now());
    }
    if (inner_ != nullptr) return inner_->Send(req);
    http::HttpResponse r;
    r.status = 200;
    std::string domain = req.url.substr(req.url.rfind('/') + 1);
    r.body.resize(sizeof(kAnswer) + domain.size());
    r.body.resize(static_cast<size_t>(std::snprintf(r.body.data(), r.body.size(), kAnswer, domain.c_str())));
    return r;
  }
  Result<std::unique_ptr<http::LineStream>> OpenStream(const http::HttpRequest&) override {
    return Error::Internal("not used");
  }
  // The most requests sent within any window of `w`.
  size_t MaxInWindow(std::chrono::steady_clock::duration w) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::chrono::steady_clock::time_point> s(stamps_.begin(), stamps_.end());
    std::sort(s.begin(), s.end());
    size_t best = 0, lo = 0;
    for (size_t hi = 0; hi < s.size(); ++hi) {
      while (s[hi] - s[lo] >= w) ++lo;
      best = std::max(best, hi - lo + 1);
    }
    return best;
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return stamps_.size();
  }

 private:
  http::Transport* inner_;
  std::mutex mu_;
  std::deque<std::chrono::steady_clock::time_point> stamps_;
};

void Run(benchmark::State& state, http::Transport* inner, const std::string& base, int domains, double qps,
         double burst, int threads) {
  for (auto _ : state) {
    StampingTransport transport(inner);
    auto bootstrap = *RdapBootstrap::Parse(R"({"services":[[["test"],[")" + base + R"("]]]})");
    RealClock clock;
    RateLimiter limiter(clock, {.qps = qps, .burst = burst});
    RdapClient rdap(transport, bootstrap, limiter, clock, {.timeout = 5000ms, .max_rate_wait = 600000ms});
    RecordCache cache(20u << 20);
    RegistrationChecker checker(&rdap, nullptr, cache, clock);
    std::atomic<int> next{0}, ok{0};
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        for (int i = next++; i < domains; i = next++) {
          LookupOutcome o = checker.Check("bench-" + std::to_string(i) + ".test");
          if (o.fresh) ++ok;
        }
      });
    }
    for (auto& t : pool) t.join();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    size_t max_1s = transport.MaxInWindow(1s);
    state.counters["domains_ok"] = ok.load();
    state.counters["requests"] = static_cast<double>(transport.count());
    state.counters["configured_qps"] = qps;
    state.counters["achieved_qps"] = static_cast<double>(transport.count()) / secs;
    state.counters["max_req_in_1s"] = static_cast<double>(max_1s);
    state.counters["allowed_in_1s"] = qps + burst;
    state.counters["cache_MB"] = static_cast<double>(cache.bytes()) / (1 << 20);
    state.counters["cache_entries"] = static_cast<double>(cache.entries());
    if (static_cast<double>(max_1s) > qps + burst) state.SkipWithError("per-server rate limit exceeded");
    if (cache.bytes() > (20u << 20)) state.SkipWithError("cache over 20 MB");
    if (ok.load() != domains) state.SkipWithError("some lookups failed");
  }
}

void BM_TenThousandDomainsFakeServer(benchmark::State& state) {
  Run(state, nullptr, "http://127.0.0.1:1/", 10000, 2000, 20, 8);
}
BENCHMARK(BM_TenThousandDomainsFakeServer)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_LocalRegistryServer(benchmark::State& state) {
  const char* url = std::getenv("DG_RDAP_URL");
  if (url == nullptr || *url == '\0') {
    state.SkipWithError("DG_RDAP_URL unset (start the test bed)");
    for (auto _ : state) {
    }
    return;
  }
  auto t = http::NewTransport({});
  if (!t.ok()) {
    state.SkipWithError(t.error().ToString().c_str());
    for (auto _ : state) {
    }
    return;
  }
  std::string base = url;
  if (base.back() != '/') base += '/';
  Run(state, t->get(), base, 400, 50, 5, 8);
}
BENCHMARK(BM_LocalRegistryServer)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ParseAndCacheOneRecord(benchmark::State& state) {
  RecordCache cache(20u << 20);
  RegistrationRecord r;
  r.registrar = "Example Registrar, LLC";
  r.statuses = {"clientTransferProhibited"};
  r.nameservers = {"ns1.pdns-a.net.", "ns1.pdns-b.net."};
  r.server = "http://127.0.0.1:18480/domain/bench-0.test";
  int i = 0;
  for (auto _ : state) cache.Put("bench-" + std::to_string(i++ % 10000) + ".test", r);
  state.counters["bytes_per_record"] = static_cast<double>(cache.bytes()) / static_cast<double>(cache.entries());
}
BENCHMARK(BM_ParseAndCacheOneRecord);

}  // namespace

BENCHMARK_MAIN();
