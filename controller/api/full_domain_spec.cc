#include "controller/api/full_domain_spec.h"

#include "controller/base/json_member.h"

namespace domainguard::api {

FullDomainSpec ReadFullDomainSpec(const nlohmann::json& domain) {
  static const nlohmann::json kNoSpec = nlohmann::json::object();
  // The zone builder tells a spec that is not an object apart ("spec: must be an object"); absent is empty.
  const nlohmann::json* member = Member(domain, "spec");
  const nlohmann::json& spec = member != nullptr ? *member : kNoSpec;
  FullDomainSpec out;
  out.common = ReadDomainSpec(domain);
  out.providers = ParseProviderEntries(domain);
  out.zone = ParseZoneSpec(spec);
  out.records_policy = ParseRecordsPolicy(spec);
  out.registration_checks = ParseRegistrationChecks(spec);
  out.nameservers = ParseNameservers(spec);
  return out;
}

}  // namespace domainguard::api
