// LeaseElector: the I/O loop of leader election on a coordination.k8s.io/v1 Lease. Every retry period it reads
// the Lease, asks the pure kube::DecideLeadership what to do, writes what it says (create, acquire, renew) with
// the read resourceVersion (a concurrent writer makes ours fail with a conflict, never two holders), and reports
// transitions through callbacks. One log line per decision that changes something.
//
// Run until Stop(). After Run returns, Release() hands the Lease over at once if we still lead (client-go's
// ReleaseOnCancel), so a standby takes over in about one retry period instead of a whole lease duration.
//
// Thread-safety: Run on one thread; Stop, leading() from any thread. Callbacks run on the Run thread and must
// be quick.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>

#include "controller/base/clock.h"
#include "controller/base/result.h"
#include "controller/kube/client.h"
#include "controller/kube/leader_election.h"

namespace domainguard::app {

struct LeaseElectorCallbacks {
  std::function<void()> on_started_leading;
  std::function<void(const std::string& why)> on_stopped_leading;  // leadership lost: Run returns right after
};

class LeaseElector {
 public:
  // REQUIRES: client and clock outlive the elector; ValidateLeaderElectionConfig(config) ok.
  LeaseElector(kube::Client& client, std::string ns, std::string name, kube::LeaderElectionConfig config,
               const Clock& clock, LeaseElectorCallbacks callbacks);
  LeaseElector(const LeaseElector&) = delete;
  LeaseElector& operator=(const LeaseElector&) = delete;

  // Loops until Stop() or until leadership is lost (after on_stopped_leading).
  void Run();
  // Makes Run return after its current attempt. Idempotent; any thread.
  void Stop();
  // Writes a released record if we lead. REQUIRES: Run has returned. kAborted when the Lease changed meanwhile
  // (someone else holds it: nothing to release).
  Status Release();

  bool leading() const { return leading_.load(); }
  const std::string& identity() const { return config_.identity; }

 private:
  // One read-decide-write round. Returns false when leadership was lost.
  bool Attempt();

  kube::Client& client_;
  const std::string ns_;
  const std::string name_;
  const kube::LeaderElectionConfig config_;
  const Clock& clock_;
  const LeaseElectorCallbacks callbacks_;

  kube::ElectionState state_;       // Run thread only
  kube::json last_lease_;           // Run thread only; the Lease as last read or written (resourceVersion)
  kube::LeaderAction last_action_ = kube::LeaderAction::kStandBy;  // Run thread only; for change-only logging
  std::string last_holder_;         // Run thread only
  std::atomic<bool> leading_{false};

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
};

}  // namespace domainguard::app
