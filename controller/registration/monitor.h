// RegistrationMonitor: what the Domain controller calls on each reconcile for RegistrationHealthy. It decides
// whether a lookup is due (NextCheckDelay), looks up through the checker, keeps per-domain failure counts and
// the previous record, and returns the verdict plus when to come back. After a restart the Domain's
// status.registration seeds the last known good record, so a registry outage right after a restart still
// reports the known expiry with its original check time.
//
// Thread-safety: Observe may be called from several threads (the controller never observes one Domain twice
// at once; different Domains may run in parallel).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "controller/base/clock.h"
#include "controller/registration/checker.h"
#include "controller/registration/verdict.h"

namespace domainguard::registration {

struct DomainSpec {
  std::string zone;
  Policy policy;                                          // warnBefore, criticalBefore, expectTransferLock
  std::chrono::seconds interval{std::chrono::hours(12)};  // spec.checks.registration.interval
  std::vector<std::string> desired_nameservers;
};

struct Observation {
  Verdict verdict;
  std::chrono::seconds requeue_after{0};
  bool looked_up = false;           // a lookup was made on this call
  std::optional<Error> lookup_error;
};

class RegistrationMonitor {
 public:
  // `random01` returns uniform samples in [0,1) for schedule jitter. Borrowed references outlive the monitor.
  RegistrationMonitor(RegistrationChecker& checker, const Clock& clock, std::function<double()> random01)
      : checker_(checker), clock_(clock), random01_(std::move(random01)) {}

  // `status_record`: the Domain's status.registration as last written (nullopt when none).
  Observation Observe(const DomainSpec& spec, const std::optional<RegistrationRecord>& status_record);

  // Forgets a deleted Domain's state.
  void Forget(const std::string& zone);

 private:
  struct State {
    int failures = 0;
    std::optional<std::chrono::seconds> retry_after;
    std::optional<RegistrationRecord> previous;  // the good record before the current one
    std::optional<RegistrationRecord> current;   // the last good record
    std::optional<std::string> last_error;
    bool not_registered = false;
    SystemTime next_lookup{};                    // zero: due now
  };
  RegistrationChecker& checker_;
  const Clock& clock_;
  std::function<double()> random01_;
  std::mutex mu_;
  std::map<std::string, State> states_;  // guarded by mu_; key: registrable domain
};

}  // namespace domainguard::registration
