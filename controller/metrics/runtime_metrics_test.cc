#include "controller/metrics/runtime_metrics.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/kube/workqueue.h"

namespace domainguard::metrics {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

TEST(ControllerMetrics, ReconcileCountsErrorsSeparately) {
  Registry r;
  ControllerMetrics m(r);
  m.CountReconcile("records", "success", 0.02);
  m.CountReconcile("records", "error", 0.3);
  m.SetLeader("domainguard-leader", true);
  std::string text = r.Expose();
  EXPECT_THAT(text, HasSubstr("controller_runtime_reconcile_total{controller=\"records\",result=\"success\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("controller_runtime_reconcile_total{controller=\"records\",result=\"error\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("controller_runtime_reconcile_errors_total{controller=\"records\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("controller_runtime_reconcile_time_seconds_bucket{controller=\"records\",le=\"0.025\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("controller_runtime_reconcile_time_seconds_count{controller=\"records\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("leader_election_master_status{name=\"domainguard-leader\"} 1\n"));
}

TEST(WorkqueueMetrics, NamesMatchClientGo) {
  Registry r;
  WorkqueueMetrics m(r);
  m.depth.WithLabels({"domain"})->Set(2);
  m.adds.WithLabels({"domain"})->Inc();
  m.retries.WithLabels({"domain"})->Inc();
  m.queue_duration.WithLabels({"domain"})->Observe(0.001);
  m.work_duration.WithLabels({"domain"})->Observe(0.001);
  m.unfinished_work.WithLabels({"domain"})->Set(0);
  m.longest_running.WithLabels({"domain"})->Set(0);
  std::string text = r.Expose();
  for (const char* name : {"workqueue_depth{", "workqueue_adds_total{", "workqueue_retries_total{",
                           "workqueue_queue_duration_seconds_bucket{name=\"domain\",le=\"1e-08\"} 0",
                           "workqueue_work_duration_seconds_count{", "workqueue_unfinished_work_seconds{",
                           "workqueue_longest_running_processor_seconds{"}) {
    EXPECT_THAT(text, HasSubstr(name));
  }
}

// A kube::WorkQueue wired to the Prometheus families: the series client-go would export.
TEST(WorkqueueMetrics, QueueReportsDepthAddsRetriesAndLatency) {
  FakeClock clock;
  Registry registry;
  WorkqueueMetrics m(registry);
  kube::WorkQueue q("domain", clock, &m);
  q.Add("a");
  q.Add("a");  // de-duplicated: not an add
  q.Add("b");
  EXPECT_EQ(m.depth.WithLabels({"domain"})->Value(), 2);
  EXPECT_EQ(m.adds.WithLabels({"domain"})->Value(), 2);
  clock.Advance(2s);
  ASSERT_EQ(q.TryGet(), "a");
  EXPECT_EQ(m.depth.WithLabels({"domain"})->Value(), 1);
  auto latency = m.queue_duration.WithLabels({"domain"})->Read();
  EXPECT_EQ(latency.count, 1u);
  EXPECT_DOUBLE_EQ(latency.sum, 2.0);

  clock.Advance(3s);
  std::string text = registry.Expose();
  EXPECT_THAT(text, HasSubstr("workqueue_longest_running_processor_seconds{name=\"domain\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_unfinished_work_seconds{name=\"domain\"} 3\n"));
  q.AddRateLimited("a");
  q.Done("a");
  auto work = m.work_duration.WithLabels({"domain"})->Read();
  EXPECT_EQ(work.count, 1u);
  EXPECT_DOUBLE_EQ(work.sum, 3.0);
  EXPECT_EQ(m.retries.WithLabels({"domain"})->Value(), 1);
  text = registry.Expose();
  EXPECT_THAT(text, HasSubstr("workqueue_longest_running_processor_seconds{name=\"domain\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_depth{name=\"domain\"} 1\n"));
}

// kube::Workers wired to the Prometheus families: controller_runtime_* per controller.
TEST(ControllerMetrics, WorkersReportReconcilesAndWorkers) {
  FakeClock clock;
  Registry registry;
  ControllerMetrics cm(registry);
  kube::WorkQueue q("records", clock);
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;
  kube::Workers workers(
      q, "records",
      [&](const std::string& key) {
        std::lock_guard<std::mutex> lock(mu);
        ++calls;
        cv.notify_all();
        if (key == "bad") return kube::ReconcileResult{Error::Unavailable("down"), std::nullopt};
        return kube::ReconcileResult{OkStatus(), std::chrono::minutes(1)};
      },
      clock, &cm);
  workers.Start(2);
  q.Add("bad");
  q.Add("good");
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return calls >= 2; }));
  }
  for (int i = 0; i < 500 && q.NumProcessing() > 0; ++i) std::this_thread::sleep_for(1ms);
  q.ShutDownWithDrain();
  workers.Wait();
  std::string text = registry.Expose();
  EXPECT_THAT(text, HasSubstr("controller_runtime_reconcile_errors_total{controller=\"records\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("controller_runtime_reconcile_total{controller=\"records\",result=\"requeue_after\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("controller_runtime_max_concurrent_reconciles{controller=\"records\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("controller_runtime_active_workers{controller=\"records\"} 0\n"));
}

}  // namespace
}  // namespace domainguard::metrics
