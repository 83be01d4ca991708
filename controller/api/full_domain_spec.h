// A Domain's spec as one pass of a controller reads it: parsed once at the start of the pass and handed to every
// step (claim, trigger, providers, desired zone, policy, report), so no step reads the JSON again. A records pass
// used to read the spec 8 times (zone thrice, providers, recordsFrom twice, the zone sections, the policy), a
// registration pass 4 times (zone twice, the checks, the name servers; 5 when the providers' name servers apply).
// Each section is checked on its own: a bad record does not stop the providers from being looked up and told.
// Nothing of it is kept between passes (no per-Domain memory).
//
// Thread-safety: a plain value; the reader is pure.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/api/checked.h"
#include "controller/api/domain_spec.h"
#include "controller/api/records_policy_spec.h"
#include "controller/api/zone_spec.h"
#include "controller/base/result.h"

namespace domainguard::api {

struct FullDomainSpec {
  DomainSpec common;                                         // ReadDomainSpec: zone, providers, nameservers, …
  std::vector<Checked<std::string>> providers;               // ParseProviderEntries
  Result<ZoneSpec> zone = ZoneSpec{};                        // ParseZoneSpec
  Result<RecordsPolicySpec> records_policy = RecordsPolicySpec{};  // ParseRecordsPolicy
  Result<RegistrationChecksSpec> registration_checks = RegistrationChecksSpec{};  // ParseRegistrationChecks
  Result<std::vector<NameserverSpec>> nameservers = std::vector<NameserverSpec>{};  // ParseNameservers (strict)
};

// Every section above, from the whole object `domain` (a controller reads it through its SpecReader,
// spec_reader.h).
FullDomainSpec ReadFullDomainSpec(const nlohmann::json& domain);

}  // namespace domainguard::api
