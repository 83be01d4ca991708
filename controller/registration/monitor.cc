#include "controller/registration/monitor.h"

#include "controller/registration/registrable.h"
#include "controller/registration/schedule.h"

namespace domainguard::registration {
namespace {

// Same registration facts, ignoring when and where they were read.
bool SameFacts(const RegistrationRecord& a, const RegistrationRecord& b) {
  return a.registrar == b.registrar && a.registrar_iana_id == b.registrar_iana_id && a.expires_at == b.expires_at &&
         a.statuses == b.statuses && a.nameservers == b.nameservers;
}

}  // namespace

Observation RegistrationMonitor::Observe(const DomainSpec& spec,
                                         const std::optional<RegistrationRecord>& status_record) {
  Observation obs;
  Result<std::string> domain = RegistrableDomain(spec.zone);
  VerdictInput in;
  in.zone = spec.zone;
  in.now = clock_.Now();
  in.policy = spec.policy;
  in.desired_nameservers = spec.desired_nameservers;
  if (!domain.ok()) {
    in.lookup_error = domain.error().ToString();
    obs.verdict = EvaluateRegistration(in);
    obs.requeue_after = spec.interval;
    return obs;
  }

  State state;
  {
    std::lock_guard<std::mutex> lock(mu_);
    state = states_[*domain];
  }
  if (!state.current && status_record) state.current = status_record;  // after a restart

  bool changed = false;
  if (in.now >= state.next_lookup) {
    LookupOutcome out = checker_.Check(*domain);
    obs.looked_up = true;
    if (out.fresh) {
      changed = state.current && !SameFacts(*state.current, *out.record);
      // RegistrarChanged stays visible until the next lookup finds nothing new (one interval).
      if (changed) state.previous = state.current;
      else state.previous.reset();
      state.current = out.record;
      state.failures = 0;
      state.retry_after.reset();
      state.last_error.reset();
      state.not_registered = false;
    } else {
      ++state.failures;
      state.retry_after = out.error ? out.error->retry_after : std::nullopt;
      state.last_error = out.error ? out.error->ToString() : "lookup failed";
      state.not_registered = out.not_registered;
      obs.lookup_error = out.error;
      if (!state.current && out.record) state.current = out.record;
    }
    ScheduleInput s;
    s.now = in.now;
    s.interval = spec.interval;
    s.warn_before = spec.policy.warn_before;
    s.critical_before = spec.policy.critical_before;
    s.record = state.current;
    s.lookup_failed = !out.fresh;
    s.consecutive_failures = state.failures;
    s.retry_after = state.retry_after;
    s.changed = changed;
    s.random01 = random01_();
    state.next_lookup = in.now + NextCheckDelay(s);
  }

  in.record = state.not_registered ? std::nullopt : state.current;
  in.previous = state.previous;
  in.lookup_error = state.last_error;
  in.not_registered = state.not_registered;
  obs.verdict = EvaluateRegistration(in);
  // Come back at the next lookup, and no later than the interval (findings such as ExpiringSoon age with time).
  auto until_lookup = std::chrono::duration_cast<std::chrono::seconds>(state.next_lookup - in.now);
  obs.requeue_after = std::max(std::chrono::seconds(1), std::min(until_lookup, spec.interval));
  {
    std::lock_guard<std::mutex> lock(mu_);
    states_[*domain] = std::move(state);
  }
  return obs;
}

void RegistrationMonitor::Forget(const std::string& zone) {
  Result<std::string> domain = RegistrableDomain(zone);
  std::lock_guard<std::mutex> lock(mu_);
  if (domain.ok()) states_.erase(*domain);
}

}  // namespace domainguard::registration
