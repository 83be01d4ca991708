#include "controller/failover/decision.h"

#include <algorithm>

#include "controller/base/time_format.h"

namespace domainguard::failover {

namespace {

std::string Seconds(std::chrono::nanoseconds d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + "s";
}

std::string Evidence(const std::vector<TriggerFinding>& findings) {
  std::string out;
  for (const TriggerFinding& f : findings) out += (out.empty() ? "" : "; ") + f.reason + ": " + f.message;
  return out;
}

}  // namespace

std::string DecisionName(Decision d) {
  switch (d) {
    case Decision::kNone: return "none";
    case Decision::kPending: return "pending";
    case Decision::kActivate: return "activate";
    case Decision::kBlocked: return "blocked";
    case Decision::kHolding: return "holding";
    case Decision::kAwaitApproval: return "await-approval";
    case Decision::kFailback: return "failback";
  }
  return "unknown";
}

Step NextState(const State& state, const Observation& obs, const Params& params, SystemTime now) {
  Step step;
  step.state = state;
  State& s = step.state;
  step.requeue_after = params.interval;

  if (!s.active) {
    if (obs.critical_triggers.empty()) {
      s.streak = 0;
      s.last_counted.reset();
      return step;
    }
    const auto min_gap = params.interval * 8 / 10;
    if (!s.last_counted || now - *s.last_counted >= min_gap) {
      ++s.streak;
      s.last_counted = now;
    }
    const std::string evidence = Evidence(obs.critical_triggers);
    if (s.streak < params.confirmations) {
      // Next confirmation one interval after the last counted one, whatever woke this evaluation.
      step.requeue_after = std::max<std::chrono::nanoseconds>(params.interval - (now - *s.last_counted),
                                                              std::chrono::seconds(1));
      step.decision = Decision::kPending;
      step.message = "trigger " + obs.critical_triggers.front().reason + " seen " + std::to_string(s.streak) +
                     " of " + std::to_string(params.confirmations) + " times: " + evidence;
      return step;
    }
    if (!obs.backup_healthy) {
      step.decision = Decision::kBlocked;
      step.message = "trigger " + obs.critical_triggers.front().reason + " confirmed (" + evidence +
                     ") but the backup is not healthy: " + obs.backup_problem + "; nothing was switched";
      return step;
    }
    s.active = true;
    s.since = now;
    s.trigger = obs.critical_triggers.front().reason;
    s.evidence = evidence;
    s.healthy_since.reset();
    step.decision = Decision::kActivate;
    step.message = "trigger " + s.trigger + " confirmed on " + std::to_string(s.streak) +
                   " consecutive checks: " + evidence;
    return step;
  }

  // Active.
  if (!obs.primary_healthy) {
    s.healthy_since.reset();
    return step;
  }
  if (!s.healthy_since) s.healthy_since = now;
  const auto healthy_for = now - *s.healthy_since;
  if (params.failback == api::Failback::kManual && !obs.failback_approved) {
    step.decision = Decision::kAwaitApproval;
    step.message = "the primary is healthy again; annotate domainguard.io/failback=approve to fail back";
    return step;
  }
  if (params.failback == api::Failback::kAutomatic && healthy_for < params.hold_down) {
    step.decision = Decision::kHolding;
    const auto left = params.hold_down - healthy_for;
    // Absolute times, not a countdown: the message (and so the status) does not change on every evaluation.
    step.message = "the primary is healthy since " + FormatRfc3339(*s.healthy_since) + "; failback at " +
                   FormatRfc3339(*s.healthy_since + params.hold_down) + " (holdDown " + Seconds(params.hold_down) +
                   ")";
    step.requeue_after = std::min<std::chrono::nanoseconds>(params.interval, left);
    return step;
  }
  step.decision = Decision::kFailback;
  step.message = params.failback == api::Failback::kManual
                     ? "failback approved; the primary is healthy"
                     : "the primary was healthy for the holdDown of " + Seconds(params.hold_down);
  s.active = false;
  s.since = now;
  s.trigger.clear();
  s.evidence.clear();
  s.streak = 0;
  s.last_counted.reset();
  s.healthy_since.reset();
  return step;
}

}  // namespace domainguard::failover
