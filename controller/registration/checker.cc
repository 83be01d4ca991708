#include "controller/registration/checker.h"

#include <cctype>

namespace domainguard::registration {

LookupOutcome RegistrationChecker::Check(const std::string& raw, std::chrono::seconds max_age) {
  std::string domain;
  for (char c : raw) domain += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!domain.empty() && domain.back() == '.') domain.pop_back();

  LookupOutcome out;
  std::optional<RegistrationRecord> known = cache_.Get(domain);
  if (known && max_age > std::chrono::seconds(0) && clock_.Now() - known->checked_at < max_age) {
    out.record = known;
    out.from_cache = true;
    return out;
  }

  Result<RegistrationRecord> r = Error::FailedPrecondition("no registration source is configured for " + domain);
  if (rdap_ != nullptr && rdap_->Serves(domain)) {
    r = rdap_->Lookup(domain);
  } else if (whois_ != nullptr) {
    r = whois_->Lookup(domain);
  }
  if (r.ok()) {
    out.previous = known;
    out.record = *r;
    out.fresh = true;
    cache_.Put(domain, std::move(r).value());
    return out;
  }
  out.error = r.error();
  out.not_registered = r.error().code == ErrorCode::kNotFound;
  out.record = known;  // last known good, with its own checked_at
  return out;
}

}  // namespace domainguard::registration
