// LIBS: dg_kube_runtime dg_runtime_metrics
// WorkQueue throughput: adds per second (distinct keys, duplicates, with metrics), and keys processed per second
// end to end (Add -> Get -> reconcile -> Done) with 1, 2 and 4 workers.
#include <malloc.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "controller/base/clock.h"
#include "controller/kube/workqueue.h"
#include "controller/metrics/runtime_metrics.h"

namespace domainguard::kube {
namespace {

std::vector<std::string> Keys(int n) {
  std::vector<std::string> keys;
  keys.reserve(n);
  for (int i = 0; i < n; ++i) keys.push_back("namespace-" + std::to_string(i % 50) + "/domain-" + std::to_string(i));
  return keys;
}

// Distinct keys: each Add queues.
void BM_AddDistinct(benchmark::State& state) {
  RealClock clock;
  const auto keys = Keys(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    WorkQueue q("bench", clock);
    for (const auto& k : keys) q.Add(k);
    benchmark::DoNotOptimize(q.Len());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_AddDistinct)->Arg(10000);

// Same keys again and again: the de-duplication path (an informer resync storm).
void BM_AddDuplicate(benchmark::State& state) {
  RealClock clock;
  const auto keys = Keys(100);
  WorkQueue q("bench", clock);
  size_t i = 0;
  for (auto _ : state) {
    q.Add(keys[i++ % keys.size()]);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddDuplicate);

// Delayed keys, as 10,000 Domains wait for their next check: AddAfter of each (due times spread over a minute),
// half of them moved earlier (a hint), then every one taken once due.
void BM_AddAfterMoveAndTake(benchmark::State& state) {
  FakeClock clock;
  const auto keys = Keys(static_cast<int>(state.range(0)));
  double heap_per_key = 0;  // malloc's bytes in use per delayed key (the queue's share of the RSS at 10,000 Domains)
  for (auto _ : state) {
    const size_t heap_before = mallinfo2().uordblks;
    WorkQueue q("bench", clock);
    for (size_t i = 0; i < keys.size(); ++i) q.AddAfter(keys[i], std::chrono::milliseconds(1000 + (i * 7919) % 60000));
    for (size_t i = 0; i < keys.size(); i += 2) q.AddAfter(keys[i], std::chrono::milliseconds(500 + i % 400));
    heap_per_key = static_cast<double>(mallinfo2().uordblks - heap_before) / static_cast<double>(keys.size());
    clock.Advance(std::chrono::seconds(61));
    size_t taken = 0;
    while (auto k = q.TryGet()) {
      q.Done(*k);
      ++taken;
    }
    benchmark::DoNotOptimize(taken);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["heap_bytes_per_key"] = heap_per_key;
}
BENCHMARK(BM_AddAfterMoveAndTake)->Arg(10000);

// Distinct keys with the Prometheus metrics attached (depth gauge, adds counter, latency histogram on Get).
void BM_AddGetDoneWithMetrics(benchmark::State& state) {
  RealClock clock;
  metrics::Registry registry;
  metrics::WorkqueueMetrics m(registry);
  const auto keys = Keys(10000);
  for (auto _ : state) {
    WorkQueue q("bench", clock, &m);
    for (const auto& k : keys) q.Add(k);
    while (auto k = q.TryGet()) q.Done(*k);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(keys.size()));
}
BENCHMARK(BM_AddGetDoneWithMetrics);

// End to end with N workers and an empty reconcile: the queue's own overhead per key.
void BM_ProcessWithWorkers(benchmark::State& state) {
  RealClock clock;
  const int workers = static_cast<int>(state.range(0));
  const auto keys = Keys(20000);
  for (auto _ : state) {
    WorkQueue q("bench", clock);
    std::atomic<int> done{0};
    std::mutex mu;
    std::condition_variable cv;
    Workers w(
        q, "bench",
        [&](const std::string&) {
          if (done.fetch_add(1) + 1 == static_cast<int>(keys.size())) {
            std::lock_guard<std::mutex> lock(mu);
            cv.notify_all();
          }
          return ReconcileResult{};
        },
        clock);
    w.Start(workers);
    for (const auto& k : keys) q.Add(k);
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done.load() >= static_cast<int>(keys.size()); });
    lock.unlock();
    q.ShutDownWithDrain();
    w.Wait();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(keys.size()));
}
BENCHMARK(BM_ProcessWithWorkers)->Arg(1)->Arg(2)->Arg(4)->UseRealTime();

}  // namespace
}  // namespace domainguard::kube

BENCHMARK_MAIN();
