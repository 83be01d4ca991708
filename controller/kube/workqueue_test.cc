#include "controller/kube/workqueue.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::kube {
namespace {

using namespace std::chrono_literals;

// What the queue and the workers reported through the metrics hooks (the Prometheus side is tested in
// metrics/runtime_metrics_test.cc).
struct Reported {
  size_t depth = 0;
  int adds = 0, retries = 0;
  std::vector<double> queue_latencies, work_durations;
  int max_concurrent = 0, active_workers = 0;
  std::map<std::string, int> results;
};

class FakeMetrics : public QueueMetricsProvider, public ReconcileMetricsProvider {
 public:
  std::unique_ptr<QueueMetrics> ForQueue(const std::string& name, std::function<InFlightWork()> in_flight) override {
    queue_name = name;
    this->in_flight = std::move(in_flight);
    return std::make_unique<Queue>(*this);
  }
  std::unique_ptr<ReconcileMetrics> ForController(const std::string& controller) override {
    controller_name = controller;
    return std::make_unique<Controller>(*this);
  }
  Reported Get() {
    std::lock_guard<std::mutex> lock(mu_);
    return reported_;
  }

  std::string queue_name, controller_name;
  std::function<InFlightWork()> in_flight;

 private:
  template <typename F>
  void Update(F f) {
    std::lock_guard<std::mutex> lock(mu_);
    f(reported_);
  }
  struct Queue : QueueMetrics {
    explicit Queue(FakeMetrics& m) : m(m) {}
    void SetDepth(size_t n) override { m.Update([&](Reported& r) { r.depth = n; }); }
    void CountAdd() override { m.Update([](Reported& r) { r.adds++; }); }
    void CountRetry() override { m.Update([](Reported& r) { r.retries++; }); }
    void ObserveQueueLatency(double s) override { m.Update([&](Reported& r) { r.queue_latencies.push_back(s); }); }
    void ObserveWorkDuration(double s) override { m.Update([&](Reported& r) { r.work_durations.push_back(s); }); }
    FakeMetrics& m;
  };
  struct Controller : ReconcileMetrics {
    explicit Controller(FakeMetrics& m) : m(m) {}
    void SetMaxConcurrentReconciles(int n) override { m.Update([&](Reported& r) { r.max_concurrent = n; }); }
    void AddActiveWorkers(int d) override { m.Update([&](Reported& r) { r.active_workers += d; }); }
    void CountReconcile(std::string_view result, double) override {
      m.Update([&](Reported& r) { r.results[std::string(result)]++; });
    }
    FakeMetrics& m;
  };
  std::mutex mu_;
  Reported reported_;
};

struct BackoffCase {
  std::string name;
  int failures;
  std::chrono::nanoseconds want;
};
class BackoffTest : public ::testing::TestWithParam<BackoffCase> {};
TEST_P(BackoffTest, Delay) { EXPECT_EQ(BackoffDelay(GetParam().failures, BackoffConfig{}), GetParam().want); }
INSTANTIATE_TEST_SUITE_P(Default, BackoffTest,
                         ::testing::ValuesIn(std::vector<BackoffCase>{
                             {"first_retry_5ms", 0, 5ms},
                             {"second_10ms", 1, 10ms},
                             {"third_20ms", 2, 20ms},
                             {"tenth_2560ms", 9, 2560ms},
                             {"below_cap", 17, 655360ms},
                             {"capped_at_1000s", 18, 1000s},
                             {"huge_count_capped", 500, 1000s},
                             {"negative_treated_as_zero", -1, 5ms},
                         }),
                         [](const auto& info) { return info.param.name; });

TEST(WorkQueue, DuplicateAddsAreProcessedOnce) {
  FakeClock clock;
  WorkQueue q("t", clock);
  q.Add("web/a");
  q.Add("web/a");
  q.Add("web/b");
  EXPECT_EQ(q.Len(), 2u);
  EXPECT_EQ(q.TryGet(), "web/a");
  EXPECT_EQ(q.TryGet(), "web/b");
  EXPECT_EQ(q.TryGet(), std::nullopt);
}

TEST(WorkQueue, AddWhileProcessingRequeuesAfterDone) {
  FakeClock clock;
  WorkQueue q("t", clock);
  q.Add("web/a");
  ASSERT_EQ(q.TryGet(), "web/a");
  q.Add("web/a");
  q.Add("web/a");
  EXPECT_EQ(q.Len(), 0u) << "a key being processed must not be handed to another worker";
  EXPECT_EQ(q.TryGet(), std::nullopt);
  q.Done("web/a");
  EXPECT_EQ(q.Len(), 1u);
  EXPECT_EQ(q.TryGet(), "web/a");
  q.Done("web/a");
  EXPECT_EQ(q.TryGet(), std::nullopt);
}

TEST(WorkQueue, DoneWithoutReAddForgetsKey) {
  FakeClock clock;
  WorkQueue q("t", clock);
  q.Add("a");
  ASSERT_EQ(q.TryGet(), "a");
  q.Done("a");
  q.Done("a");  // twice: harmless
  EXPECT_EQ(q.Len(), 0u);
  EXPECT_EQ(q.NumProcessing(), 0u);
}

TEST(WorkQueue, AddAfterBecomesReadyOnlyWhenDue) {
  FakeClock clock;
  WorkQueue q("t", clock);
  q.AddAfter("a", 10s);
  EXPECT_EQ(q.NumWaiting(), 1u);
  EXPECT_EQ(q.TryGet(), std::nullopt);
  clock.Advance(9s);
  q.Tick();
  EXPECT_EQ(q.TryGet(), std::nullopt);
  clock.Advance(1s);
  q.Tick();
  EXPECT_EQ(q.TryGet(), "a");
  EXPECT_EQ(q.NumWaiting(), 0u);
}

TEST(WorkQueue, AddAfterEarlierTimeWinsLaterIsIgnored) {
  FakeClock clock;
  WorkQueue q("t", clock);
  q.AddAfter("a", 60s);
  q.AddAfter("a", 5s);   // earlier: replaces
  q.AddAfter("a", 30s);  // later: ignored
  EXPECT_EQ(q.NumWaiting(), 1u);
  clock.Advance(5s);
  EXPECT_EQ(q.TryGet(), "a");
  q.Done("a");
  clock.Advance(60s);
  EXPECT_EQ(q.TryGet(), std::nullopt) << "the replaced 60s entry must not fire as well";
}

TEST(WorkQueue, AddAfterZeroIsImmediate) {
  FakeClock clock;
  WorkQueue q("t", clock);
  q.AddAfter("a", 0s);
  EXPECT_EQ(q.Len(), 1u);
}

TEST(WorkQueue, DelayedKeysComeOutInDueOrder) {
  FakeClock clock;
  WorkQueue q("t", clock);
  q.AddAfter("late", 3s);
  q.AddAfter("early", 1s);
  q.AddAfter("middle", 2s);
  clock.Advance(3s);
  EXPECT_EQ(q.TryGet(), "early");
  EXPECT_EQ(q.TryGet(), "middle");
  EXPECT_EQ(q.TryGet(), "late");
}

// Keys due at the same time come out in key order; a key moved earlier leaves nothing at its old time (the
// due-time index points at the key kept once: a stale entry would hand the key out twice, or read freed memory).
TEST(WorkQueue, SameDueTimeInKeyOrderAndMovedKeysLeaveNoTrace) {
  FakeClock clock;
  WorkQueue q("t", clock);
  std::vector<std::string> keys;
  for (int i = 0; i < 200; ++i) keys.push_back("namespace-of-some-length/domain-" + std::to_string(i));
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) q.AddAfter(*it, 5s);
  for (size_t i = 0; i < keys.size(); i += 2) q.AddAfter(keys[i], 2s);  // moved earlier
  EXPECT_EQ(q.NumWaiting(), keys.size());
  clock.Advance(2s);
  std::vector<std::string> early, late;
  while (auto k = q.TryGet()) early.push_back(*k);
  clock.Advance(3s);
  while (auto k = q.TryGet()) late.push_back(*k);
  std::vector<std::string> want_early, want_late;
  for (size_t i = 0; i < keys.size(); ++i) (i % 2 == 0 ? want_early : want_late).push_back(keys[i]);
  std::sort(want_early.begin(), want_early.end());
  std::sort(want_late.begin(), want_late.end());
  EXPECT_EQ(early, want_early);
  EXPECT_EQ(late, want_late);
  EXPECT_EQ(q.NumWaiting(), 0u);
}

TEST(WorkQueue, RateLimitedBacksOffExponentiallyAndForgetResets) {
  FakeClock clock;
  WorkQueue q("t", clock);
  for (auto want : {5ms, 10ms, 20ms, 40ms}) {
    q.AddRateLimited("a");
    clock.Advance(want - 1ms);
    EXPECT_EQ(q.TryGet(), std::nullopt) << "ready before its backoff of " << want.count() << "ms";
    clock.Advance(1ms);
    ASSERT_EQ(q.TryGet(), "a");
    q.Done("a");
  }
  EXPECT_EQ(q.NumRequeues("a"), 4);
  q.Forget("a");
  EXPECT_EQ(q.NumRequeues("a"), 0);
  q.AddRateLimited("a");
  clock.Advance(5ms);
  EXPECT_EQ(q.TryGet(), "a");
}

TEST(WorkQueue, BackoffIsPerKey) {
  FakeClock clock;
  WorkQueue q("t", clock);
  q.AddRateLimited("a");
  q.AddRateLimited("a");  // same due time (5ms) is kept; count 2
  q.AddRateLimited("b");
  EXPECT_EQ(q.NumRequeues("a"), 2);
  EXPECT_EQ(q.NumRequeues("b"), 1);
}

TEST(WorkQueue, GetBlocksUntilFakeClockAdvancesAndTick) {
  FakeClock clock;
  WorkQueue q("t", clock);
  q.AddAfter("a", 30s);
  auto got = std::async(std::launch::async, [&] { return q.Get(); });
  EXPECT_EQ(got.wait_for(50ms), std::future_status::timeout);
  clock.Advance(30s);
  q.Tick();
  ASSERT_EQ(got.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(got.get(), "a");
}

TEST(WorkQueue, GetWakesOnAdd) {
  FakeClock clock;
  WorkQueue q("t", clock);
  auto got = std::async(std::launch::async, [&] { return q.Get(); });
  q.Add("a");
  ASSERT_EQ(got.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(got.get(), "a");
}

TEST(WorkQueue, RealClockDelayedAddWakesByItself) {
  RealClock clock;
  WorkQueue q("t", clock);
  auto start = std::chrono::steady_clock::now();
  q.AddAfter("a", 30ms);
  EXPECT_EQ(q.Get(), "a");
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 30ms);
  EXPECT_LT(waited, 900ms);
}

TEST(WorkQueue, RealClockGetAsleepForALaterKeyWakesForASoonerOne) {
  RealClock clock;
  WorkQueue q("t", clock);
  q.AddAfter("late", 30s);
  auto got = std::async(std::launch::async, [&] { return q.Get(); });
  EXPECT_EQ(got.wait_for(100ms), std::future_status::timeout);  // asleep until "late" (at most its 1 s idle wait)
  auto start = std::chrono::steady_clock::now();
  q.AddAfter("later", 60s);  // not sooner: no need to wake
  q.AddAfter("soon", 30ms);
  ASSERT_EQ(got.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(got.get(), "soon");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 700ms);  // woken, not the idle wait running out
}

TEST(WorkQueue, RealClockEveryWorkerAsleepGetsADelayedKeyDueTogether) {
  RealClock clock;
  WorkQueue q("t", clock);
  std::vector<std::future<std::optional<std::string>>> got;
  for (int i = 0; i < 3; ++i) got.push_back(std::async(std::launch::async, [&] { return q.Get(); }));
  std::this_thread::sleep_for(50ms);
  auto start = std::chrono::steady_clock::now();
  for (const char* k : {"a", "b", "c"}) q.AddAfter(k, 30ms);
  std::set<std::string> keys;
  for (auto& g : got) {
    ASSERT_EQ(g.wait_for(5s), std::future_status::ready);
    keys.insert(*g.get());
  }
  EXPECT_EQ(keys, (std::set<std::string>{"a", "b", "c"}));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 700ms);
}

TEST(WorkQueue, ShutDownUnblocksGetDropsQueuedAndIgnoresAdds) {
  FakeClock clock;
  WorkQueue q("t", clock);
  auto got = std::async(std::launch::async, [&] { return q.Get(); });
  std::this_thread::sleep_for(20ms);
  q.ShutDown();
  ASSERT_EQ(got.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(got.get(), std::nullopt);

  WorkQueue q2("t2", clock);
  q2.Add("a");
  q2.AddAfter("b", 1s);
  q2.ShutDown();
  q2.Add("c");
  q2.AddRateLimited("d");
  clock.Advance(2s);
  EXPECT_EQ(q2.TryGet(), std::nullopt);
  EXPECT_EQ(q2.Get(), std::nullopt);
  EXPECT_TRUE(q2.ShuttingDown());
}

TEST(WorkQueue, ShutDownWithDrainWaitsForInFlight) {
  FakeClock clock;
  WorkQueue q("t", clock);
  q.Add("a");
  ASSERT_EQ(q.TryGet(), "a");
  auto drained = std::async(std::launch::async, [&] { q.ShutDownWithDrain(); });
  EXPECT_EQ(drained.wait_for(50ms), std::future_status::timeout) << "returned while 'a' was still in flight";
  q.Add("a");  // ignored: shutting down
  q.Done("a");
  ASSERT_EQ(drained.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(q.Len(), 0u);
}

TEST(WorkQueue, ReportsDepthAddsRetriesLatencyAndInFlightWork) {
  FakeClock clock;
  FakeMetrics m;
  WorkQueue q("widgets", clock, &m);
  EXPECT_EQ(m.queue_name, "widgets");
  q.Add("a");
  q.Add("a");  // de-duplicated: not an add
  q.Add("b");
  EXPECT_EQ(m.Get().depth, 2u);
  EXPECT_EQ(m.Get().adds, 2);
  clock.Advance(2s);
  ASSERT_EQ(q.TryGet(), "a");
  EXPECT_EQ(m.Get().depth, 1u);
  EXPECT_EQ(m.Get().queue_latencies, std::vector<double>{2.0});

  clock.Advance(3s);
  InFlightWork w = m.in_flight();
  EXPECT_DOUBLE_EQ(w.total_seconds, 3.0);
  EXPECT_DOUBLE_EQ(w.longest_seconds, 3.0);
  q.AddRateLimited("a");
  q.Done("a");
  EXPECT_EQ(m.Get().work_durations, std::vector<double>{3.0});
  EXPECT_EQ(m.Get().retries, 1);
  EXPECT_DOUBLE_EQ(m.in_flight().longest_seconds, 0.0);
  EXPECT_EQ(m.Get().depth, 1u);
}

// Many workers, few keys, keys re-added constantly: no key may ever be processed by two workers at once, and
// every key added is processed at least once after its last add.
TEST(WorkQueue, NeverTwoWorkersOnOneKey) {
  RealClock clock;
  WorkQueue q("t", clock);
  constexpr int kKeys = 8;
  std::array<std::atomic<int>, kKeys> in_flight{};
  std::atomic<int> overlaps{0}, processed{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (auto key = q.Get()) {
        int k = std::stoi(*key);
        if (in_flight[k].fetch_add(1) != 0) overlaps++;
        std::this_thread::yield();
        in_flight[k].fetch_sub(1);
        processed++;
        q.Done(*key);
      }
    });
  }
  for (int i = 0; i < 20000; ++i) q.Add(std::to_string(i % kKeys));
  // Wait for the queue to settle, then stop.
  for (int i = 0; i < 500 && (q.Len() > 0 || q.NumProcessing() > 0); ++i) std::this_thread::sleep_for(2ms);
  q.ShutDownWithDrain();
  for (auto& t : workers) t.join();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_GE(processed.load(), kKeys);
  EXPECT_LE(processed.load(), 20000);
}

TEST(Workers, ErrorsRetryWithBackoffSuccessForgetsAndRequeueAfterSchedules) {
  FakeClock clock;
  FakeMetrics cm;
  WorkQueue q("records", clock);
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, int> calls;
  auto wait_calls = [&](const std::string& key, int n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, 5s, [&] { return calls[key] >= n; });
  };
  Workers workers(
      q, "records",
      [&](const std::string& key) {
        std::lock_guard<std::mutex> lock(mu);
        int n = ++calls[key];
        cv.notify_all();
        if (key == "flaky" && n <= 2) return ReconcileResult{Error::Unavailable("provider down"), std::nullopt};
        if (key == "throttled" && n == 1) return ReconcileResult{Error::Unavailable("429", std::chrono::seconds(30)), {}};
        if (key == "periodic") return ReconcileResult{OkStatus(), std::chrono::minutes(1)};
        return ReconcileResult{};
      },
      clock, &cm);
  workers.Start(2);
  q.Add("flaky");
  q.Add("throttled");
  q.Add("periodic");
  ASSERT_TRUE(wait_calls("flaky", 1));
  ASSERT_TRUE(wait_calls("throttled", 1));
  ASSERT_TRUE(wait_calls("periodic", 1));
  for (int i = 0; i < 200 && q.NumProcessing() > 0; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(q.NumRequeues("flaky"), 1);
  clock.Advance(5ms);  // first backoff
  q.Tick();
  ASSERT_TRUE(wait_calls("flaky", 2));
  for (int i = 0; i < 200 && q.NumProcessing() > 0; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(q.NumRequeues("flaky"), 2);
  clock.Advance(10ms);  // second backoff
  q.Tick();
  ASSERT_TRUE(wait_calls("flaky", 3));
  for (int i = 0; i < 200 && q.NumProcessing() > 0; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(q.NumRequeues("flaky"), 0) << "success must Forget the failures";
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(calls["throttled"], 1) << "Retry-After of 30s must be honoured, not the 5ms backoff";
    EXPECT_EQ(calls["periodic"], 1);
  }
  clock.Advance(30s);
  q.Tick();
  ASSERT_TRUE(wait_calls("throttled", 2));
  clock.Advance(31s);
  q.Tick();
  ASSERT_TRUE(wait_calls("periodic", 2));
  q.ShutDownWithDrain();
  workers.Wait();
  Reported r = cm.Get();
  EXPECT_EQ(cm.controller_name, "records");
  EXPECT_EQ(r.results["error"], 3);
  EXPECT_EQ(r.results["requeue_after"], 2);
  EXPECT_EQ(r.max_concurrent, 2);
  EXPECT_EQ(r.active_workers, 0);
}

TEST(Workers, ExceptionInReconcileIsAnErrorNotACrash) {
  FakeClock clock;
  WorkQueue q("t", clock);
  std::atomic<int> calls{0};
  Workers workers(q, "t", [&](const std::string&) -> ReconcileResult {
    calls++;
    throw std::runtime_error("boom");
  }, clock);
  workers.Start(1);
  q.Add("a");
  for (int i = 0; i < 500 && q.NumRequeues("a") == 0; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(q.NumRequeues("a"), 1);
  EXPECT_EQ(calls.load(), 1);
}

}  // namespace
}  // namespace domainguard::kube
