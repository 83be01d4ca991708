// LIBS: dg_kube dg_http_testing dg_base
// Informer cache benchmarks (fake transport with realistic Domain JSON, no apiserver needed):
//   BM_StoreMemoryPerDomain   bytes held per cached Domain vs its JSON size (and vs a parsed nlohmann::json)
//   BM_WatchEventsThroughInformer  MODIFIED events/s from a watch stream through store + handler + a queue
//                             (/0: RealisticDomain, /1: AppliedDomain, with kubectl's and the status writer's fields)
//   BM_ListAndCache10kDomains  10,000 Domains listed in pages of 500 and cached until synced
//   BM_WriteAnswer            a status apply's answer parsed whole (0) or as the status writer reads it (1, kStatus)
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <deque>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "controller/api/resources.h"
#include "controller/http/testing/fake_transport.h"
#include "controller/kube/answer.h"
#include "controller/kube/informer.h"

namespace domainguard::kube {
namespace {

using namespace std::chrono_literals;

// A Domain as the apiserver returns it: metadata with managedFields, spec with records, status with conditions.
json RealisticDomain(int i, int rv) {
  std::string name = "example-" + std::to_string(i);
  json d = {
      {"apiVersion", "domainguard.io/v1alpha1"},
      {"kind", "Domain"},
      {"metadata",
       {{"name", name},
        {"namespace", "web"},
        {"uid", "3f8e2b1c-5d4a-4e6f-9a8b-" + std::to_string(100000000000 + i)},
        {"resourceVersion", std::to_string(rv)},
        {"generation", 4},
        {"creationTimestamp", "2026-11-23T17:40:55Z"},
        {"labels", {{"team", "web"}, {"tier", "prod"}}},
        {"managedFields",
         {{{"manager", "kubectl"}, {"operation", "Apply"}, {"apiVersion", "domainguard.io/v1alpha1"},
           {"time", "2026-11-23T17:40:55Z"}, {"fieldsType", "FieldsV1"},
           {"fieldsV1", {{"f:spec", {{"f:zone", json::object()}, {"f:records", json::object()}}}}}}}}}},
      {"spec",
       {{"zone", name + ".com"},
        {"providers", {{{"name", "pdns-a"}}, {{"name", "bind-b"}}}},
        {"ownership", "Records"},
        {"safety", {{"maxDeletePercent", 30}}},
        {"checks", {{"delegation", {{"interval", "1m"}}}, {"registration", {{"interval", "12h"}}}}},
        {"records", json::array()}}},
      {"status",
       {{"observedGeneration", 4},
        {"conditions", json::array()},
        {"providers", {{{"name", "pdns-a"}, {"synced", true}, {"serial", 2026112301}, {"pendingChanges", 0}}}},
        {"registration", {{"source", "rdap"}, {"registrar", "Example Registrar"}, {"expiresAt", "2027-11-23T00:00:00Z"}}}}}};
  for (int r = 0; r < 8; ++r) {
    d["spec"]["records"].push_back({{"name", "host" + std::to_string(r)}, {"type", "A"}, {"ttl", 300},
                                    {"values", {"192.0.2." + std::to_string(r + 1)}}});
  }
  for (const char* t : {"Ready", "RecordsSynced", "DelegationHealthy", "RegistrationHealthy", "FailoverActive"}) {
    d["status"]["conditions"].push_back({{"type", t}, {"status", "True"}, {"reason", "Synced"},
                                         {"message", "all good"}, {"observedGeneration", 4},
                                         {"lastTransitionTime", "2026-11-23T17:40:55Z"}});
  }
  return d;
}

// RealisticDomain as a cluster holds it after `kubectl apply` and domainguard's status applies: kubectl's
// last-applied annotation repeats the spec, managedFields lists every field of the spec (kubectl) and of the
// status' conditions (domainguard).
json AppliedDomain(int i, int rv) {
  json d = RealisticDomain(i, rv);
  d["metadata"]["annotations"] = {{"kubectl.kubernetes.io/last-applied-configuration",
                                   json{{"spec", d["spec"]}}.dump()}};
  json records = json::object();
  for (const json& r : d["spec"]["records"]) {
    records["k:{\"name\":\"" + r["name"].get<std::string>() + "\",\"type\":\"A\"}"] =
        {{".", json::object()}, {"f:name", json::object()}, {"f:ttl", json::object()}, {"f:type", json::object()},
         {"f:values", json::object()}};
  }
  d["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]["f:records"] = records;
  json conditions = json::object();
  for (const json& c : d["status"]["conditions"]) {
    conditions["k:{\"type\":\"" + c["type"].get<std::string>() + "\"}"] =
        {{".", json::object()}, {"f:message", json::object()}, {"f:reason", json::object()},
         {"f:status", json::object()}, {"f:type", json::object()}};
  }
  d["metadata"]["managedFields"].push_back({{"manager", "domainguard"}, {"operation", "Apply"},
                                            {"subresource", "status"}, {"fieldsType", "FieldsV1"},
                                            {"fieldsV1", {{"f:status", {{"f:conditions", conditions}}}}}});
  return d;
}

long RssBytes() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

void BM_StoreMemoryPerDomain(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::vector<json> objs;
  size_t json_bytes = 0;
  for (int i = 0; i < n; ++i) {
    objs.push_back(RealisticDomain(i, 1000 + i));
    StripManagedFields(objs.back());
    json_bytes += objs.back().dump().size();
  }
  size_t store_bytes = 0;
  long rss_store = 0;
  for (auto _ : state) {
    long before = RssBytes();
    auto s = std::make_unique<Store>();
    s->AddIndex("zone", [](const json& d) { return std::vector<std::string>{d["spec"].value("zone", "")}; });
    for (const auto& o : objs) s->Upsert(o);
    rss_store = RssBytes() - before;
    store_bytes = s->ApproxBytes();
    benchmark::DoNotOptimize(s->size());
  }
  // For comparison: the same objects kept as parsed nlohmann::json.
  long before = RssBytes();
  auto parsed = std::make_unique<std::vector<json>>();
  for (const auto& o : objs) parsed->push_back(json::parse(o.dump()));
  long rss_parsed = RssBytes() - before;
  state.counters["json_bytes_per_obj"] = static_cast<double>(json_bytes) / n;
  state.counters["store_bytes_per_obj"] = static_cast<double>(store_bytes) / n;
  state.counters["store_rss_per_obj"] = static_cast<double>(rss_store) / n;
  state.counters["store_x_json"] = static_cast<double>(store_bytes) / json_bytes;
  state.counters["store_rss_x_json"] = static_cast<double>(rss_store) / json_bytes;
  state.counters["parsed_rss_x_json"] = static_cast<double>(rss_parsed) / json_bytes;
}
BENCHMARK(BM_StoreMemoryPerDomain)->Arg(10000)->Iterations(1)->Unit(benchmark::kMillisecond);

RestConfig FakeConfig() {
  RestConfig c;
  c.server = "https://fake";
  return c;
}

void BM_WatchEventsThroughInformer(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const bool applied = state.range(1) == 1;  // 1: Domains as kubectl and the status writer leave them
  std::vector<std::string> lines;
  for (int i = 0; i < n; ++i) {
    const json d = applied ? AppliedDomain(i % 1000, 5000 + i) : RealisticDomain(i % 1000, 5000 + i);
    lines.push_back(json{{"type", "MODIFIED"}, {"object", d}}.dump());
  }
  for (auto _ : state) {
    state.PauseTiming();
    http::FakeTransport t;
    RealClock clock;
    Client client(t, FakeConfig(), clock);
    t.ExpectJson("GET", "limit=", 200, json{{"metadata", {{"resourceVersion", "5000"}}}, {"items", json::array()}}.dump());
    auto stream = t.ExpectStream("watch=1");
    for (const auto& l : lines) stream->Push(l);
    std::mutex qmu;
    std::deque<std::string> queue;  // what a controller's workqueue would receive
    Informer inf(client, api::kDomains, "web");
    inf.AddHandlers({[&](const json& o) {
                       std::lock_guard<std::mutex> lock(qmu);
                       queue.push_back(ObjectKey(o));
                     },
                     [&](const json&, const json& o) {
                       std::lock_guard<std::mutex> lock(qmu);
                       queue.push_back(ObjectKey(o));
                     },
                     nullptr});
    state.ResumeTiming();
    inf.Start();
    while (inf.events_applied() < static_cast<uint64_t>(n)) std::this_thread::sleep_for(100us);
    state.PauseTiming();
    inf.Stop();
    benchmark::DoNotOptimize(queue.size());
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_WatchEventsThroughInformer)->Args({20000, 0})->Args({20000, 1})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ListAndCache10kDomains(benchmark::State& state) {
  constexpr int kTotal = 10000, kPage = 500;
  std::vector<std::string> pages;
  for (int p = 0; p < kTotal / kPage; ++p) {
    json page{{"metadata", {{"resourceVersion", "90000"}}}, {"items", json::array()}};
    if (p + 1 < kTotal / kPage) page["metadata"]["continue"] = "c" + std::to_string(p + 1);
    for (int i = p * kPage; i < (p + 1) * kPage; ++i) page["items"].push_back(RealisticDomain(i, 1000 + i));
    pages.push_back(page.dump());
  }
  size_t bytes = 0;
  double heap = 0;  // malloc's bytes in use once synced less once the informer is gone: its cache and indexes
  for (auto _ : state) {
    state.PauseTiming();
    http::FakeTransport t;
    RealClock clock;
    Client client(t, FakeConfig(), clock);
    for (size_t p = 0; p < pages.size(); ++p) {
      t.ExpectJson("GET", p == 0 ? "limit=500" : "continue=c" + std::to_string(p), 200, pages[p]);
    }
    t.ExpectStream("watch=1");
    InformerOptions o;
    o.watcher.page_size = kPage;
    std::optional<Informer> inf(std::in_place, client, api::kDomains, "", o);
    state.ResumeTiming();
    inf->Start();
    if (!inf->WaitForSync(120s)) state.SkipWithError("never synced");
    state.PauseTiming();
    const size_t heap_synced = mallinfo2().uordblks;
    bytes = inf->store().ApproxBytes();
    if (inf->store().size() != kTotal) state.SkipWithError("wrong object count");
    inf->Stop();
    inf.reset();
    heap = static_cast<double>(heap_synced) - static_cast<double>(mallinfo2().uordblks);
    state.ResumeTiming();
  }
  state.counters["objects"] = kTotal;
  state.counters["store_MB"] = static_cast<double>(bytes) / 1e6;
  state.counters["heap_MB"] = heap / 1e6;
  state.SetItemsProcessed(state.iterations() * kTotal);
}
BENCHMARK(BM_ListAndCache10kDomains)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_WriteAnswer(benchmark::State& state) {
  const Answer answer = state.range(0) == 0 ? Answer::kWhole : Answer::kStatus;
  // What a status apply returns for a Domain created by `kubectl apply` (AppliedDomain).
  const json d = AppliedDomain(1, 5000);
  const std::string body = d.dump();
  for (auto _ : state) {
    std::optional<json> j = ParseAnswer(body, answer);
    benchmark::DoNotOptimize(j);
  }
  state.counters["answer_bytes"] = static_cast<double>(body.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WriteAnswer)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace domainguard::kube

BENCHMARK_MAIN();
