// The controller-runtime and client-go metric families (controller_runtime_*, workqueue_*, leader election), as
// those projects name them so dashboards made for them work, and their implementation of kube/'s work queue and
// worker hooks (kube/runtime_metrics.h).
//
// Thread-safety: as Registry — every method may be called from several threads at once.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "controller/kube/runtime_metrics.h"
#include "controller/metrics/registry.h"

namespace domainguard::metrics {

// controller-runtime's own metrics, for dashboards made for controller-runtime operators.
// Also the Workers' ReconcileMetricsProvider.
class ControllerMetrics : public kube::ReconcileMetricsProvider {
 public:
  explicit ControllerMetrics(Registry& registry);
  ControllerMetrics(const ControllerMetrics&) = delete;
  ControllerMetrics& operator=(const ControllerMetrics&) = delete;

  CounterFamily& reconcile_total;         // controller_runtime_reconcile_total{controller,result}
  CounterFamily& reconcile_errors;        // controller_runtime_reconcile_errors_total{controller}
  HistogramFamily& reconcile_time;        // controller_runtime_reconcile_time_seconds{controller}
  GaugeFamily& active_workers;            // controller_runtime_active_workers{controller}
  GaugeFamily& max_concurrent_reconciles; // controller_runtime_max_concurrent_reconciles{controller}
  GaugeFamily& leader_election_status;    // leader_election_master_status{name}

  // result: "success", "error", "requeue", "requeue_after" (controller-runtime's values).
  void CountReconcile(std::string_view controller, std::string_view result, double seconds);
  void SetLeader(std::string_view lease_name, bool leading);

  // The controller_runtime_* series of `controller`, resolved once.
  std::unique_ptr<kube::ReconcileMetrics> ForController(const std::string& controller) override;
};

// client-go / controller-runtime work queue metrics, one series per queue `name`; the WorkQueue's
// QueueMetricsProvider.
class WorkqueueMetrics : public kube::QueueMetricsProvider {
 public:
  explicit WorkqueueMetrics(Registry& registry);
  WorkqueueMetrics(const WorkqueueMetrics&) = delete;
  WorkqueueMetrics& operator=(const WorkqueueMetrics&) = delete;

  GaugeFamily& depth;                  // workqueue_depth{name}
  CounterFamily& adds;                 // workqueue_adds_total{name}
  CounterFamily& retries;              // workqueue_retries_total{name}
  HistogramFamily& queue_duration;     // workqueue_queue_duration_seconds{name}
  HistogramFamily& work_duration;      // workqueue_work_duration_seconds{name}
  GaugeFamily& unfinished_work;        // workqueue_unfinished_work_seconds{name}
  GaugeFamily& longest_running;        // workqueue_longest_running_processor_seconds{name}
  Registry& registry;                  // for the queue's collect hook

  // The series of queue `name`, resolved once; `in_flight` refreshes unfinished_work and longest_running from a
  // registry collect hook, removed when the returned object is destroyed.
  std::unique_ptr<kube::QueueMetrics> ForQueue(const std::string& name,
                                               std::function<kube::InFlightWork()> in_flight) override;
};

}  // namespace domainguard::metrics
