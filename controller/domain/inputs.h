// The inputs a Domain's controllers share: its DNSProviders (looked up in the Domain's own namespace only) and its
// desired zone (spec.records + spec.recordsFrom's ConfigMap + the apex NS set). Every problem names the field:
//   spec.providers[1].name: DNSProvider "bind-b" not found in namespace "web"
//   spec.recordsFrom.configMapRef: ConfigMap "example-zone" has no key "zone"
//
// Thread-safety: pure apart from the client call for the ConfigMap; safe from several threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/api/checked.h"
#include "controller/api/domain_spec.h"
#include "controller/api/zone_spec.h"
#include "controller/base/result.h"
#include "controller/kube/client.h"
#include "controller/kube/store.h"
#include "controller/providers/provider_factory.h"
#include "controller/zone/desired_zone.h"

namespace domainguard::domain {

struct ProviderRef {
  std::string name;                    // spec.providers[i].name
  std::shared_ptr<const nlohmann::json> object;  // the DNSProvider of the Domain's namespace (shared parse); null:
                                                // not found
  std::string error;                   // why `object` is absent, naming the field
};

// Resolves spec.providers against the DNSProvider cache, in spec order. A provider of another namespace is never
// used: the lookup key is always "<the Domain's namespace>/<name>".
std::vector<ProviderRef> ResolveProviders(const nlohmann::json& domain, const kube::Store& providers);

// The same for spec.providers already read (api::ParseProviderEntries / FullDomainSpec::providers) of a Domain of
// namespace `ns`: an entry's problem is its ProviderRef's error.
std::vector<ProviderRef> ResolveProviders(const std::string& ns, const std::vector<api::Checked<std::string>>& entries,
                                          const kube::Store& providers);

// The names in spec.providers, in spec order (entries without a string name skipped).
std::vector<std::string> ProviderNames(const nlohmann::json& domain);

// The informer index of Domains by the DNSProviders they name: "<namespace>/<provider>" per spec.providers entry.
inline constexpr const char* kProviderIndex = "spec.providers";

// The index function for kProviderIndex.
std::vector<std::string> ProviderIndexValues(const nlohmann::json& domain);

// Keys of the Domains of namespace `ns` whose spec.providers name `provider`, from the Domain cache's
// kProviderIndex (REQUIRES: `domains` has it): no object is decoded, so the DNSProvider watches and zone counts
// stay cheap with thousands of Domains.
std::vector<std::string> DomainsUsingProvider(const kube::Store& domains, const std::string& ns,
                                              const std::string& provider);

// The union of the found providers' spec.nameservers.
std::vector<std::string> ProviderNameservers(const std::vector<ProviderRef>& providers);

// Looks up Secret keys in namespace `ns` only (a DNSProvider may only use Secrets of its own namespace). Errors
// name the Secret and key, never the value. `client` must outlive the returned function.
providers::SecretLookup SecretLookupIn(kube::Client& client, std::string ns);

// Builds the desired zone. When spec.nameservers is empty the apex NS set is the providers' name servers, so a
// missing provider makes the zone unknowable: that is an error (kInvalidArgument naming the provider), never a
// smaller NS set that would remove the missing provider's name servers everywhere else.
// The recordsFrom ConfigMap is read from the Domain's namespace: from `configmaps` (the informer cache) when given,
// else with `client`.
// `extra_records` (spec.records form, e.g. failover's backup hosts) join spec.records; when they make the zone
// invalid (a user's record of the same name and type with another TTL, a CNAME beside the user's data) the zone is
// built without them and a note says which were left out: an addition never breaks a user's zone.
Result<zone::DesiredZone> BuildDomainZone(const nlohmann::json& domain, const std::vector<ProviderRef>& providers,
                                          kube::Client& client, const kube::Store* configmaps = nullptr,
                                          const std::vector<nlohmann::json>& extra_records = {});

// The same for a spec already read (api::FullDomainSpec: its zone sections and recordsFrom) of a Domain of
// namespace `ns`.
Result<zone::DesiredZone> BuildDomainZone(const std::string& ns, const api::ZoneSpec& spec,
                                          const std::optional<api::ConfigMapKeyRef>& records_from,
                                          const std::vector<ProviderRef>& providers, kube::Client& client,
                                          const kube::Store* configmaps,
                                          const std::vector<nlohmann::json>& extra_records);

// The recordsFrom ConfigMap's name, "" when the Domain has none.
std::string RecordsFromConfigMap(const nlohmann::json& domain);

// Everything BuildDomainZone reads, as one string: the Domain's uid and generation (its spec), each provider's
// name and resourceVersion ("-" when not found), the recordsFrom ConfigMap's resourceVersion in `configmaps`, and
// the extra records. Two equal strings mean BuildDomainZone builds the same zone, so a controller keeps the zone
// (or what it derives from it) per version instead of building it on every pass (issue #14: ~2.6 ms of CPU per
// delegation check at 10,000 Domains). "" when it cannot be known: recordsFrom without a ConfigMap cache (read
// from the apiserver on every build).
// `records_from` is the Domain's spec.recordsFrom as the caller read it.
std::string ZoneInputsVersion(const nlohmann::json& domain, const std::optional<api::ConfigMapKeyRef>& records_from,
                              const std::vector<ProviderRef>& providers, const kube::Store* configmaps,
                              const std::vector<nlohmann::json>& extra_records);

}  // namespace domainguard::domain
