// The failover state machine, pure: NextState(state, observation, params, now) -> the next state and the decision
// the controller carries out. Time comes in as `now`, so tests drive it.
//
//   state        observation                                        -> decision      next state
//   inactive     no trigger finding Critical                        -> kNone         streak 0
//   inactive     trigger Critical, streak+1 < confirmations          -> kPending      streak+1
//   inactive     trigger Critical, streak+1 >= confirmations, backup healthy   -> kActivate  active, since now
//   inactive     trigger Critical, streak+1 >= confirmations, backup unhealthy -> kBlocked   (nothing changes)
//   active       primary not healthy                                -> kNone         healthy_since cleared
//   active       healthy, Automatic, healthy < holdDown             -> kHolding      healthy_since kept
//   active       healthy, Automatic, healthy >= holdDown            -> kFailback     inactive
//   active       healthy, Manual, not approved                      -> kAwaitApproval
//   active       healthy, Manual, annotation approve                -> kFailback     inactive
//
// An evaluation counts towards `confirmations` only when at least 80% of an interval has passed since the last
// one counted: reconciles woken by other controllers' status writes in between do not confirm anything. What is
// persisted (active, since, trigger, evidence) lives in status.failover; the streak and healthy_since are kept in
// memory, so a restart can only delay a switch or a failback, never cause one.
//
// Thread-safety: pure functions over values.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "controller/base/clock.h"
#include "controller/api/failover_spec.h"

namespace domainguard::failover {

struct TriggerFinding {
  std::string reason;
  std::string message;
};

struct State {
  // Persisted in status.failover.
  bool active = false;
  std::optional<SystemTime> since;  // of the current active/inactive phase
  std::string trigger;              // the reason that activated it
  std::string evidence;             // what the findings said at the switch
  // Memory only.
  int streak = 0;
  std::optional<SystemTime> last_counted;
  std::optional<SystemTime> healthy_since;
};

struct Observation {
  std::vector<TriggerFinding> critical_triggers;  // the primary's Critical findings named in spec.failover.triggers
  bool primary_healthy = false;                   // no Critical finding of any reason
  bool backup_healthy = false;
  std::string backup_problem;                     // why not, naming the backup Domain
  bool failback_approved = false;                 // annotation domainguard.io/failback=approve
};

struct Params {
  int confirmations = 3;
  std::chrono::nanoseconds interval{std::chrono::minutes(1)};
  std::chrono::seconds hold_down{600};
  api::Failback failback = api::Failback::kAutomatic;
};

enum class Decision { kNone, kPending, kActivate, kBlocked, kHolding, kAwaitApproval, kFailback };

struct Step {
  State state;
  Decision decision = Decision::kNone;
  std::string message;  // for the condition and the log line
  // When to evaluate again at the latest (the interval, or what is left of the hold-down).
  std::chrono::nanoseconds requeue_after{0};
};

Step NextState(const State& state, const Observation& obs, const Params& params, SystemTime now);

std::string DecisionName(Decision d);

}  // namespace domainguard::failover
