// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it, so only one
// domainguard replica reconciles at a time.
//
// The decision is a pure function (DecideLeadership): the Lease as just read, what this candidate remembers,
// and the time → create, acquire, renew, stand by, or lost. Expiry is judged by *our* clock from when we last saw
// the record change (client-go's observedTime), never by comparing the other holder's renewTime with our wall
// clock, so clock skew between nodes cannot make two leaders.
//
// app/lease_elector.h is the I/O loop over the Kubernetes client that applies those decisions.
//
// Thread-safety: pure functions on values.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "controller/base/clock.h"
#include "controller/base/result.h"

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

}  // namespace domainguard::kube
