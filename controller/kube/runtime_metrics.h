// The hooks through which a WorkQueue and its Workers report metrics, as client-go's workqueue.MetricsProvider:
// kube/ defines what it reports, not how it is exported, so it carries no metrics catalogue of its own. The
// Prometheus implementation (workqueue_*, controller_runtime_* families) is metrics/runtime_metrics.h, handed in
// by app/.
//
// Thread-safety: implementations are called from several threads at once (queue methods run under the queue's
// lock: they must be quick and never call back into the queue).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace domainguard::kube {

// Work handed out by a queue and not yet Done, at the moment asked.
struct InFlightWork {
  double total_seconds = 0;    // summed over the keys in processing
  double longest_seconds = 0;  // the key in processing the longest
};

// The metrics of one queue.
class QueueMetrics {
 public:
  virtual ~QueueMetrics() = default;
  virtual void SetDepth(size_t ready_keys) = 0;
  virtual void CountAdd() = 0;    // a key queued (de-duplicated adds do not count)
  virtual void CountRetry() = 0;  // an AddRateLimited
  virtual void ObserveQueueLatency(double seconds) = 0;  // from queued to handed out
  virtual void ObserveWorkDuration(double seconds) = 0;  // from handed out to Done
};

class QueueMetricsProvider {
 public:
  virtual ~QueueMetricsProvider() = default;
  // The metrics of queue `name`. `in_flight` is called when metrics are gathered (from the gathering thread),
  // until the returned object is destroyed; the queue destroys it before what `in_flight` captures.
  virtual std::unique_ptr<QueueMetrics> ForQueue(const std::string& name,
                                                 std::function<InFlightWork()> in_flight) = 0;
};

// The metrics of one controller's worker pool.
class ReconcileMetrics {
 public:
  virtual ~ReconcileMetrics() = default;
  virtual void SetMaxConcurrentReconciles(int workers) = 0;
  virtual void AddActiveWorkers(int delta) = 0;
  // result: "success", "error", "requeue", "requeue_after" (controller-runtime's values).
  virtual void CountReconcile(std::string_view result, double seconds) = 0;
};

class ReconcileMetricsProvider {
 public:
  virtual ~ReconcileMetricsProvider() = default;
  virtual std::unique_ptr<ReconcileMetrics> ForController(const std::string& controller) = 0;
};

}  // namespace domainguard::kube
