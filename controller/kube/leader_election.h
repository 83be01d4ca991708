// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it, so only one
// domainguard replica reconciles at a time.
//
// The decision is a pure function (DecideLeadership): the Lease as just read, what this candidate remembers,
// and the time → create, acquire, renew, stand by, or lost. Expiry is judged by *our* clock from when we last saw
// the record change (client-go's observedTime), never by comparing the other holder's renewTime with our wall
// clock, so clock skew between nodes cannot make two leaders.
//
// LeaderElector (below) is the I/O loop over the Kubernetes client that applies those decisions.
//
// Thread-safety: the pure functions work on values; LeaderElector's Stop/IsLeader may be called from any thread
// while Run runs on one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "controller/base/clock.h"
#include "controller/base/result.h"
#include "controller/kube/client.h"
#include "controller/metrics/domain_metrics.h"

namespace domainguard::kube {

// The Lease spec fields leader election uses.
struct LeaseRecord {
  std::string holder;                  // spec.holderIdentity; "" when released
  int lease_duration_seconds = 0;      // spec.leaseDurationSeconds
  std::optional<SystemTime> acquire_time;  // spec.acquireTime (MicroTime)
  std::optional<SystemTime> renew_time;    // spec.renewTime (MicroTime)
  int lease_transitions = 0;           // spec.leaseTransitions

  bool operator==(const LeaseRecord&) const = default;
};

// Reads spec.* of a Lease object; absent fields stay empty/0. Never fails (a bad time reads as absent).
LeaseRecord LeaseRecordFromJson(const nlohmann::json& lease);
// Writes `r` into lease["spec"], leaving metadata (resourceVersion!) and other spec fields alone.
void ApplyLeaseRecord(nlohmann::json& lease, const LeaseRecord& r);
// A new Lease object named ns/name holding `r`.
nlohmann::json NewLease(const std::string& ns, const std::string& name, const LeaseRecord& r);
// MicroTime text as the apiserver writes it: "2026-11-23T17:40:55.123456Z".
std::string FormatMicroTime(SystemTime t);

struct LeaderElectionConfig {
  std::string identity;  // unique per replica: pod name + random suffix
  std::chrono::milliseconds lease_duration{15000};  // others wait this long after our last renew before taking over
  std::chrono::milliseconds renew_deadline{10000};  // we give up leading if we could not renew for this long
  std::chrono::milliseconds retry_period{2000};     // time between attempts
};

// Checks the client-go invariants: identity set, lease_duration > renew_deadline > retry_period > 0.
Status ValidateLeaderElectionConfig(const LeaderElectionConfig& c);

// What a candidate remembers between attempts.
struct ElectionState {
  std::optional<LeaseRecord> observed;  // the record last read or written
  MonotonicTime observed_at{};          // when `observed` last changed, on our monotonic clock
  bool leading = false;
  MonotonicTime last_renewed{};         // our last successful write while leading
};

// What the Lease read returned.
struct LeaseObservation {
  enum class Kind { kFound, kNotFound, kError } kind = Kind::kError;
  LeaseRecord record;  // when kFound
};

enum class LeaderAction {
  kCreate,   // no Lease: create it holding it ourselves
  kAcquire,  // expired or released Lease of another holder: take it over (leaseTransitions + 1)
  kRenew,    // we hold it: bump renewTime
  kStandBy,  // someone else holds a valid Lease, or the read failed within our deadline: nothing to write
  kLost,     // we were leading and no longer are: stop all work now
};

struct LeaderDecision {
  LeaderAction action = LeaderAction::kStandBy;
  LeaseRecord write;   // the record to write for kCreate / kAcquire / kRenew
  ElectionState next;  // the state after this observation (before the write's outcome)
  std::string why;     // for the log line
};

// Decision table, first match wins:
//   leading and last successful renew older than renew_deadline   -> kLost    (client-go gives up the same way)
//   read failed                                                   -> kStandBy (leading: keep trying until then)
//   Lease not found                                               -> kCreate
//   holder == identity                                            -> kRenew   (acquireTime kept)
//   holder set and observed_at + leaseDurationSeconds > now       -> leading ? kLost : kStandBy
//   otherwise (released, or expired by our clock)                 -> kAcquire
// `mono` drives expiry, `wall` only fills acquireTime/renewTime.
LeaderDecision DecideLeadership(const ElectionState& state, const LeaseObservation& observed, MonotonicTime mono,
                                SystemTime wall, const LeaderElectionConfig& config);

// The state after trying to write `decision.write`: on success we lead, renewed now, and the written record is
// what we observed; on failure (409 conflict, timeout) nothing changes, so the deadline keeps running.
ElectionState AfterLeaseWrite(const LeaderDecision& decision, bool ok, MonotonicTime mono);

// The record to write on clean shutdown while leading (client-go ReleaseOnCancel): holder "", leaseDurationSeconds 1,
// times now, transitions kept, so a standby takes over within a second instead of waiting out the lease.
LeaseRecord ReleasedRecord(const LeaseRecord& current, SystemTime wall);

const char* LeaderActionName(LeaderAction a);

// Runs leader election for one candidate against Lease `ns`/`name`: read, DecideLeadership, write, wait
// retry_period, repeat. Becoming leader calls on_started_leading; losing it calls on_stopped_leading at once
// (which must stop all work: shut the work queues down) and Run returns kAborted — the manager then exits, as
// controller-runtime does, rather than trying to lead again with stale caches. Stop() makes Run release the Lease
// (if held), call on_stopped_leading and return OK.
//
// Callbacks run on Run's thread and must return quickly (start threads; do not reconcile in them).
class LeaderElector {
 public:
  struct Callbacks {
    std::function<void()> on_started_leading;
    std::function<void()> on_stopped_leading;
    std::function<void(const std::string& holder)> on_new_leader;  // optional: someone else leads now
  };

  // REQUIRES: client, clock (and metrics if given) outlive the elector; ValidateLeaderElectionConfig(config).ok().
  LeaderElector(Client& client, std::string ns, std::string name, LeaderElectionConfig config, const Clock& clock,
                Callbacks callbacks, metrics::ControllerMetrics* metrics = nullptr);
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Blocks until Stop() (returns OK, Lease released) or leadership is lost (returns kAborted).
  Status Run();
  // Asks Run to release and return; safe from any thread, idempotent.
  void Stop();
  bool IsLeader() const { return leading_.load(); }

 private:
  // Reads the Lease: the observation and, when found, the object (for its resourceVersion).
  LeaseObservation Read(nlohmann::json& object);
  void Release();
  void SetLeading(bool leading);

  Client& client_;
  const std::string ns_, name_;
  const LeaderElectionConfig config_;
  const Clock& clock_;
  const Callbacks callbacks_;
  metrics::ControllerMetrics* const metrics_;
  ElectionState state_;  // only touched by Run's thread
  std::string last_holder_;  // only touched by Run's thread
  std::atomic<bool> leading_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
};

}  // namespace domainguard::kube
