// WorkQueue: client-go's rate-limited delaying work queue, for reconcile keys ("namespace/name").
//
//   - De-duplicating: a key added twice before a worker takes it is processed once; a key added while a worker
//     processes it is queued again when that worker calls Done, so the new change is never lost and the key is
//     never processed by two workers at once.
//   - Delayed adds (AddAfter) for scheduled re-checks; an earlier time replaces a later one, never the reverse.
//   - Per-key exponential backoff (AddRateLimited): base * 2^failures, 5 ms ... 1000 s by default; Forget resets.
//   - Metrics through the hooks of runtime_metrics.h (exported as client-go / controller-runtime name them:
//     workqueue_depth{name}, ...).
//
// Shutdown differs on purpose from client-go, where Get keeps handing out queued items after ShutDown: here
// ShutDown discards queued and delayed keys and Get returns nullopt at once, because domainguard shuts a queue
// down when leadership is lost and then no further reconcile may start. In-flight keys still finish (Done is
// always allowed). ShutDownWithDrain additionally blocks until every in-flight key is Done.
//
// Time comes from a Clock. With a FakeClock nothing becomes due until the test advances the clock and calls
// Tick(); with a real clock Get wakes up by itself when the earliest delayed key is due.
//
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "controller/base/clock.h"
#include "controller/base/result.h"
#include "controller/kube/runtime_metrics.h"

namespace domainguard::kube {

struct BackoffConfig {
  std::chrono::nanoseconds base = std::chrono::milliseconds(5);
  std::chrono::nanoseconds max = std::chrono::seconds(1000);
};

// The delay before retry number `failures` + 1: base * 2^failures, capped at max. Pure.
std::chrono::nanoseconds BackoffDelay(int failures, const BackoffConfig& config);

class WorkQueue {
 public:
  // `name` labels the metrics. `metrics` may be null (no metrics); when given it must outlive the queue.
  // REQUIRES: clock outlives the queue.
  WorkQueue(std::string name, const Clock& clock, QueueMetricsProvider* metrics = nullptr,
            BackoffConfig backoff = {});
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  const std::string& name() const { return name_; }

  // Queues `key` unless it is already queued. Ignored after shutdown.
  void Add(const std::string& key);
  // Queues `key` once `delay` has passed; delay <= 0 is Add. If the key is already waiting, the earlier time wins.
  void AddAfter(const std::string& key, std::chrono::nanoseconds delay);
  // Queues `key` after its backoff delay and counts one more failure (workqueue_retries_total).
  void AddRateLimited(const std::string& key);
  // Clears the failure count of `key` (after a success). Does not remove it from the queue.
  void Forget(const std::string& key);
  // How many times `key` was AddRateLimited since the last Forget.
  int NumRequeues(const std::string& key) const;

  // Blocks until a key is ready and returns it, now owned by the caller until Done(key); nullopt once shut down.
  std::optional<std::string> Get();
  // A ready key (after moving due delayed keys), or nullopt at once. Same ownership as Get.
  std::optional<std::string> TryGet();
  // Marks `key` finished. If it was added again meanwhile, it is queued now.
  void Done(const std::string& key);

  // Stops the queue: adds are ignored, queued and delayed keys are dropped, blocked Gets return nullopt.
  void ShutDown();
  // ShutDown, then waits until every key handed out has been Done.
  void ShutDownWithDrain();
  bool ShuttingDown() const;

  // Moves delayed keys that are due into the queue and wakes waiting Gets. Get calls it itself; tests with a
  // FakeClock call it after Advance.
  void Tick();

  size_t Len() const;         // ready keys
  size_t NumWaiting() const;  // delayed keys
  size_t NumProcessing() const;

 private:
  void AddLocked(const std::string& key, MonotonicTime now);
  void MoveDueLocked(MonotonicTime now);
  std::optional<std::string> PopLocked(MonotonicTime now);
  void UpdateDepthLocked();
  InFlightWork InFlight() const;  // for the metrics' unfinished work / longest running, when gathered

  const std::string name_;
  const Clock& clock_;
  const BackoffConfig backoff_;
  // This queue's metrics (null: none). Reset first in the destructor: its gatherer calls InFlight().
  std::unique_ptr<QueueMetrics> metrics_;

  mutable std::mutex mu_;
  std::condition_variable ready_cv_;  // a key became ready, or shutdown
  std::condition_variable idle_cv_;   // processing_ became empty
  std::deque<std::string> queue_;                                 // guarded by mu_; ready, in order
  std::unordered_set<std::string> dirty_;                          // guarded by mu_; needs processing
  std::unordered_map<std::string, MonotonicTime> processing_;      // guarded by mu_; key -> when handed out
  std::unordered_map<std::string, MonotonicTime> enqueued_at_;     // guarded by mu_; for queue latency
  std::map<std::string, MonotonicTime> waiting_;                   // guarded by mu_; delayed key -> due time
  // The same keys by due time (then key), each pointing at its key in waiting_, whose nodes stay put until erased:
  // one copy of a delayed key, not two (issue #14: at 10,000 Domains most keys wait in several queues at once).
  using DueKey = std::pair<MonotonicTime, const std::string*>;
  struct DueThenKey {
    bool operator()(const DueKey& a, const DueKey& b) const {
      return a.first != b.first ? a.first < b.first : *a.second < *b.second;
    }
  };
  std::set<DueKey, DueThenKey> waiting_order_;  // guarded by mu_
  std::unordered_map<std::string, int> failures_;                  // guarded by mu_
  bool shutting_down_ = false;                                     // guarded by mu_
};

// What a reconcile asks for next.
struct ReconcileResult {
  Status status;  // an error: requeued with backoff (or after the error's retry_after)
  std::optional<std::chrono::nanoseconds> requeue_after;  // on success: come back after this (scheduled re-check)
};

// N worker threads taking keys from a WorkQueue and calling a reconcile function: the controller loop.
// Failure → AddRateLimited (or AddAfter(retry_after) when the error carries one); success → Forget, then
// AddAfter(requeue_after) if asked. Reports reconciles (controller_runtime_* metrics) when `metrics` is given.
//
// Thread-safety: Start and Wait from one owning thread; the reconcile function runs on the worker threads,
// never twice at once for one key.
class Workers {
 public:
  using Reconcile = std::function<ReconcileResult(const std::string& key)>;

  // REQUIRES: queue, clock (and metrics if given) outlive this object.
  Workers(WorkQueue& queue, std::string controller, Reconcile reconcile, const Clock& clock,
          ReconcileMetricsProvider* metrics = nullptr);
  // Shuts the queue down and joins the threads.
  ~Workers();
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  // Starts `n` threads. REQUIRES: n >= 1, called once.
  void Start(int n);
  // Returns once the queue is shut down and every worker has finished its current key.
  void Wait();

 private:
  void Loop();

  WorkQueue& queue_;
  const std::string controller_;
  const Reconcile reconcile_;
  const Clock& clock_;
  const std::unique_ptr<ReconcileMetrics> metrics_;  // null: none
  std::vector<std::thread> threads_;
};

}  // namespace domainguard::kube
