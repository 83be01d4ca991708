#include "controller/registration/check.h"

#include <memory>

#include "controller/registration/checker.h"
#include "controller/registration/registrable.h"

namespace domainguard::registration {

nlohmann::json RegistrationReport::ToJson() const {
  nlohmann::json j;
  j["zone"] = zone;
  j["findings"] = verdict.FindingsJson();
  j["registration"] = verdict.RegistrationJson();
  if (lookup_error) j["registration"]["error"] = lookup_error->ToString();
  return j;
}

int RegistrationReport::ExitCode() const {
  switch (verdict.worst) {
    case Severity::kCritical: return 2;
    case Severity::kUnknown: return 3;
    case Severity::kWarning: return 1;
    case Severity::kInfo: return 0;
  }
  return 3;
}

Result<RegistrationReport> CheckRegistration(const std::string& zone, const CheckOptions& options) {
  Result<std::string> domain = RegistrableDomain(zone);
  if (!domain.ok()) return domain.error();

  RealClock real_clock;
  const Clock& clock = options.clock != nullptr ? *options.clock : real_clock;

  std::optional<RdapBootstrap> loaded;
  const RdapBootstrap* bootstrap = options.bootstrap;
  if (bootstrap == nullptr && options.transport != nullptr) {
    Result<RdapBootstrap> b = RdapBootstrap::LoadFile(options.bootstrap_path);
    if (!b.ok()) return b.error();
    loaded = std::move(b).value();
    bootstrap = &*loaded;
  }

  RateLimiter limiter(clock, options.rate);
  std::optional<RdapClient> rdap;
  if (options.transport != nullptr && bootstrap != nullptr) {
    rdap.emplace(*options.transport, *bootstrap, limiter, clock, options.rdap_options);
  }
  std::optional<WhoisClient> whois;
  if (options.whois != nullptr) whois.emplace(*options.whois, limiter, clock, options.whois_options);
  RecordCache cache;
  RegistrationChecker checker(rdap ? &*rdap : nullptr, whois ? &*whois : nullptr, cache, clock);

  LookupOutcome outcome = checker.Check(*domain);
  VerdictInput in;
  in.zone = *domain;
  in.now = clock.Now();
  in.policy = options.policy;
  in.record = outcome.record;
  in.previous = outcome.previous;
  in.not_registered = outcome.not_registered;
  if (outcome.error) in.lookup_error = outcome.error->ToString();
  in.desired_nameservers = options.desired_nameservers;

  RegistrationReport report;
  report.zone = zone;
  report.domain = *domain;
  report.verdict = EvaluateRegistration(in);
  report.lookup_error = outcome.error;
  return report;
}

}  // namespace domainguard::registration
