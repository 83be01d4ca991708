#include "controller/api/full_domain_spec.h"

#include "controller/api/spec_reads.h"
#include "controller/base/json_member.h"

namespace domainguard::api {

FullDomainSpec ReadFullDomainSpec(const nlohmann::json& domain) {
  CountSpecRead();
  static const nlohmann::json kNoSpec = nlohmann::json::object();
  // The zone builder tells a spec that is not an object apart ("spec: must be an object"); absent is empty.
  const nlohmann::json* member = Member(domain, "spec");
  const nlohmann::json& spec = member != nullptr ? *member : kNoSpec;
  FullDomainSpec out;
  out.common = ReadDomainSpecUncounted(domain);
  out.providers = ParseProviderEntriesUncounted(domain);
  out.zone = ParseZoneSpecUncounted(spec);
  out.records_policy = ParseRecordsPolicyUncounted(spec);
  out.registration_checks = ParseRegistrationChecksUncounted(spec);
  out.nameservers = ParseNameserversUncounted(spec);
  return out;
}

}  // namespace domainguard::api
