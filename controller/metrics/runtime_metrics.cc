#include "controller/metrics/runtime_metrics.h"

#include <utility>
#include <vector>

namespace domainguard::metrics {

namespace {

// controller-runtime's reconcile_time buckets (pkg/internal/controller/metrics).
std::vector<double> ReconcileBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
          1.25,  1.5,  1.75,  2.0,  2.5, 3.0,  3.5, 4.0,  4.5, 5,    6,   7,    8,   9,   10,  15,  20,  25,
          30,    40,   50,    60};
}

class QueueSeries : public kube::QueueMetrics {
 public:
  QueueSeries(WorkqueueMetrics& m, const std::string& name, std::function<kube::InFlightWork()> in_flight)
      : registry_(m.registry),
        depth_(m.depth.WithLabels({name})),
        adds_(m.adds.WithLabels({name})),
        retries_(m.retries.WithLabels({name})),
        queue_latency_(m.queue_duration.WithLabels({name})),
        work_duration_(m.work_duration.WithLabels({name})),
        unfinished_(m.unfinished_work.WithLabels({name})),
        longest_(m.longest_running.WithLabels({name})) {
    hook_id_ = registry_.AddCollectHook([this, in_flight = std::move(in_flight)] {
      kube::InFlightWork w = in_flight();
      unfinished_->Set(w.total_seconds);
      longest_->Set(w.longest_seconds);
    });
  }
  ~QueueSeries() override { registry_.RemoveCollectHook(hook_id_); }
  QueueSeries(const QueueSeries&) = delete;
  QueueSeries& operator=(const QueueSeries&) = delete;

  void SetDepth(size_t ready_keys) override { depth_->Set(static_cast<double>(ready_keys)); }
  void CountAdd() override { adds_->Inc(); }
  void CountRetry() override { retries_->Inc(); }
  void ObserveQueueLatency(double seconds) override { queue_latency_->Observe(seconds); }
  void ObserveWorkDuration(double seconds) override { work_duration_->Observe(seconds); }

 private:
  Registry& registry_;
  std::shared_ptr<Gauge> depth_;
  std::shared_ptr<Counter> adds_, retries_;
  std::shared_ptr<Histogram> queue_latency_, work_duration_;
  std::shared_ptr<Gauge> unfinished_, longest_;
  int hook_id_ = 0;
};

class ControllerSeries : public kube::ReconcileMetrics {
 public:
  ControllerSeries(ControllerMetrics& m, std::string controller)
      : metrics_(m),
        controller_(std::move(controller)),
        active_(m.active_workers.WithLabels({controller_})),
        max_concurrent_(m.max_concurrent_reconciles.WithLabels({controller_})) {}

  void SetMaxConcurrentReconciles(int workers) override { max_concurrent_->Set(workers); }
  void AddActiveWorkers(int delta) override { active_->Inc(delta); }
  void CountReconcile(std::string_view result, double seconds) override {
    metrics_.CountReconcile(controller_, result, seconds);
  }

 private:
  ControllerMetrics& metrics_;
  const std::string controller_;
  std::shared_ptr<Gauge> active_, max_concurrent_;
};

}  // namespace

ControllerMetrics::ControllerMetrics(Registry& registry)
    : reconcile_total(registry.AddCounter("controller_runtime_reconcile_total",
                                          "Total number of reconciliations per controller", {"controller", "result"})),
      reconcile_errors(registry.AddCounter("controller_runtime_reconcile_errors_total",
                                           "Total number of reconciliation errors per controller", {"controller"})),
      reconcile_time(registry.AddHistogram("controller_runtime_reconcile_time_seconds",
                                           "Length of time per reconciliation per controller", {"controller"},
                                           ReconcileBuckets())),
      active_workers(registry.AddGauge("controller_runtime_active_workers",
                                       "Number of currently used workers per controller", {"controller"})),
      max_concurrent_reconciles(registry.AddGauge("controller_runtime_max_concurrent_reconciles",
                                                  "Maximum number of concurrent reconciles per controller",
                                                  {"controller"})),
      leader_election_status(registry.AddGauge("leader_election_master_status",
                                               "Gauge of if the reporting system is master of the relevant lease, 0 "
                                               "indicates backup, 1 indicates master. 'name' is the string used to "
                                               "identify the lease. Please make sure to group by name.",
                                               {"name"})) {}

void ControllerMetrics::CountReconcile(std::string_view controller, std::string_view result, double seconds) {
  std::string c(controller);
  reconcile_total.WithLabels({c, std::string(result)})->Inc();
  if (result == "error") reconcile_errors.WithLabels({c})->Inc();
  reconcile_time.WithLabels({c})->Observe(seconds);
}

void ControllerMetrics::SetLeader(std::string_view lease_name, bool leading) {
  leader_election_status.WithLabels({std::string(lease_name)})->Set(leading ? 1 : 0);
}

WorkqueueMetrics::WorkqueueMetrics(Registry& r)
    : depth(r.AddGauge("workqueue_depth", "Current depth of workqueue", {"name"})),
      adds(r.AddCounter("workqueue_adds_total", "Total number of adds handled by workqueue", {"name"})),
      retries(r.AddCounter("workqueue_retries_total", "Total number of retries handled by workqueue", {"name"})),
      // client-go's buckets: 10ns .. 1000s, x10.
      queue_duration(r.AddHistogram("workqueue_queue_duration_seconds",
                                    "How long in seconds an item stays in workqueue before being requested",
                                    {"name"}, ExponentialBuckets(10e-9, 10, 12))),
      work_duration(r.AddHistogram("workqueue_work_duration_seconds",
                                   "How long in seconds processing an item from workqueue takes.", {"name"},
                                   ExponentialBuckets(10e-9, 10, 12))),
      unfinished_work(r.AddGauge("workqueue_unfinished_work_seconds",
                                 "How many seconds of work has been done that is in progress and hasn't been "
                                 "observed by work_duration. Large values indicate stuck threads. One can deduce "
                                 "the number of stuck threads by observing the rate at which this increases.",
                                 {"name"})),
      longest_running(r.AddGauge("workqueue_longest_running_processor_seconds",
                                 "How many seconds has the longest running processor for workqueue been running.",
                                 {"name"})),
      registry(r) {}

std::unique_ptr<kube::ReconcileMetrics> ControllerMetrics::ForController(const std::string& controller) {
  return std::make_unique<ControllerSeries>(*this, controller);
}

std::unique_ptr<kube::QueueMetrics> WorkqueueMetrics::ForQueue(const std::string& name,
                                                               std::function<kube::InFlightWork()> in_flight) {
  return std::make_unique<QueueSeries>(*this, name, std::move(in_flight));
}

}  // namespace domainguard::metrics
