// Manager: the body of `domainguard run`. It owns the metrics registry, the probe and metrics servers, the shared
// informers and the controllers, and runs them under leader election:
//
//   start   → serve /healthz, /readyz (probe address) and /metrics (metrics address); campaign for the Lease
//   leading → start informers; once every informer has synced (listed), the controllers' workers (as
//             controller-runtime's WaitForCacheSync: a Domain reconciled before the DNSProviders were listed would
//             be judged against providers "not found", written, and written again a moment later); /readyz turns
//             200 then
//   lost    → shut every queue down at once (no new reconcile starts) and return 1: the pod restarts, as with
//             controller-runtime, because a replica that lost the Lease cannot know what it missed
//   stop    → (SIGTERM/SIGINT via RequestStop) no new work, in-flight reconciles finish (bounded by the graceful
//             shutdown timeout), informers stop, the Lease is released, return 0
//
// Readiness follows controller-runtime: a standby is ready (it serves probes and waits), the leader is ready when
// the caches of its started controllers have synced.
//
// Thread-safety: AddController and Run from the owning thread; RequestStop from any thread (the signal thread).
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "controller/app/controller.h"
#include "controller/app/lease_elector.h"
#include "controller/app/options.h"
#include "controller/base/clock.h"
#include "controller/http/server.h"
#include "controller/kube/client.h"
#include "controller/metrics/domain_metrics.h"
#include "controller/metrics/registry.h"
#include "controller/metrics/runtime_metrics.h"

namespace domainguard::app {

// What a probe endpoint answers, as a pure function of the manager's state (table-tested).
struct ProbeState {
  bool leading = false;        // holds the Lease (or leader election is off)
  bool controllers_started = false;  // their informers started (the workers follow once these have synced)
  bool caches_synced = false;  // every informer of the started controllers has listed
  bool stopping = false;
  std::vector<std::string> unsynced;  // informer ids, for the explanation
};
http::ServerResponse ProbeResponse(const std::string& path, const ProbeState& s);

class Manager {
 public:
  // `client` talks to the apiserver for informers; `election_client` for the Lease (its own, with a short
  // request timeout so a hung request cannot outlast the renew deadline). REQUIRES: both and clock outlive the
  // Manager. `identity` is this replica's Lease holder identity.
  Manager(ManagerOptions options, std::string lease_namespace, std::string identity, kube::Client& client,
          kube::Client& election_client, const Clock& clock);
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  metrics::Registry& registry() { return registry_; }
  metrics::DomainMetrics& domain_metrics() { return domain_metrics_; }
  const std::string& identity() const { return identity_; }
  InformerSet& informers() { return informers_; }

  // Registers a controller; it starts when this replica leads. REQUIRES: before Run. The reference lives as long
  // as the Manager (for enqueueing keys from outside the informers, e.g. on a DNS NOTIFY).
  Controller& AddController(ControllerSpec spec);

  // Runs until RequestStop (returns 0) or leadership is lost (returns 1). Returns 1 at once when a server
  // cannot bind its address.
  int Run();
  // Asks Run to shut down gracefully. Safe from any thread, more than once.
  void RequestStop();

 private:
  ProbeState State() const;
  void StartLeading();
  // Waits until every informer has synced; false when stopped or the Lease was lost meanwhile.
  bool WaitForCacheSync();

  const ManagerOptions options_;
  const std::string lease_namespace_;
  const std::string identity_;
  kube::Client& client_;
  kube::Client& election_client_;
  const Clock& clock_;

  metrics::Registry registry_;
  metrics::DomainMetrics domain_metrics_;
  metrics::ControllerMetrics controller_metrics_;
  metrics::WorkqueueMetrics workqueue_metrics_;
  InformerSet informers_;
  std::vector<std::unique_ptr<Controller>> controllers_;
  std::unique_ptr<http::Server> probe_server_;
  std::unique_ptr<http::Server> metrics_server_;

  std::atomic<bool> leading_{false};
  std::atomic<bool> informers_started_{false};
  std::atomic<bool> controllers_started_{false};
  std::atomic<bool> stopping_{false};

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_requested_ = false;  // guarded by mu_
  bool lost_ = false;            // guarded by mu_
  bool became_leader_ = false;   // guarded by mu_; Run starts the controllers on its own thread
};

}  // namespace domainguard::app
