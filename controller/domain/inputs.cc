#include "controller/domain/inputs.h"

#include <algorithm>
#include <set>

#include "controller/api/dnsprovider_spec.h"
#include "controller/api/domain_spec.h"
#include "controller/api/full_domain_spec.h"
#include "controller/kube/config.h"
#include "controller/kube/object.h"

namespace domainguard::domain {

using nlohmann::json;

std::vector<ProviderRef> ResolveProviders(const std::string& ns, const std::vector<api::Checked<std::string>>& entries,
                                          const kube::Store& providers) {
  std::vector<ProviderRef> out;
  for (size_t i = 0; i < entries.size(); ++i) {
    ProviderRef ref;
    if (!entries[i].ok()) {
      ref.error = entries[i].problem;
      out.push_back(std::move(ref));
      continue;
    }
    ref.name = entries[i].value;
    ref.object = providers.GetShared(kube::ObjectKey(ns, ref.name));  // every Domain's pass reads the same few
    if (!ref.object) {
      ref.error = "spec.providers[" + std::to_string(i) + "].name: DNSProvider \"" + ref.name +
                  "\" not found in namespace \"" + ns + "\"";
    }
    out.push_back(std::move(ref));
  }
  return out;
}

std::vector<ProviderRef> ResolveProviders(const json& domain, const kube::Store& providers) {
  return ResolveProviders(kube::Namespace(domain), api::ParseProviderEntries(domain), providers);
}

std::vector<std::string> ProviderNames(const json& domain) { return api::ReadDomainSpec(domain).providers; }

std::vector<std::string> ProviderIndexValues(const json& domain) {
  std::vector<std::string> values;
  const std::string ns = kube::Namespace(domain);
  for (const std::string& name : ProviderNames(domain)) values.push_back(ns + "/" + name);
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

std::vector<std::string> DomainsUsingProvider(const kube::Store& domains, const std::string& ns,
                                              const std::string& provider) {
  return domains.KeysByIndex(kProviderIndex, ns + "/" + provider);
}

std::vector<std::string> ProviderNameservers(const std::vector<ProviderRef>& providers) {
  std::set<std::string> names;
  for (const ProviderRef& p : providers) {
    if (!p.object) continue;
    for (std::string& n : api::DnsProviderNameservers(*p.object)) names.insert(std::move(n));
  }
  return {names.begin(), names.end()};
}

providers::SecretLookup SecretLookupIn(kube::Client& client, std::string ns) {
  return [&client, ns = std::move(ns)](const std::string& name, const std::string& key) -> Result<std::string> {
    Result<json> secret = client.Get(kube::kSecrets, ns, name);
    if (!secret.ok()) {
      if (secret.error().code == ErrorCode::kNotFound) {
        return Error::NotFound("Secret \"" + name + "\" not found in namespace \"" + ns + "\"");
      }
      return secret.error().Wrap("reading Secret \"" + name + "\"");
    }
    const json data = secret->value("data", json::object());
    if (!data.is_object() || !data.contains(key) || !data[key].is_string()) {
      return Error::NotFound("Secret \"" + name + "\" has no key \"" + key + "\"");
    }
    Result<std::string> decoded = kube::DecodeBase64(data[key].get<std::string>());
    if (!decoded.ok()) return Error::InvalidArgument("Secret \"" + name + "\" key \"" + key + "\": not base64");
    return decoded;
  };
}

std::string RecordsFromConfigMap(const json& domain) {
  std::optional<api::ConfigMapKeyRef> ref = api::ReadDomainSpec(domain).records_from;
  return ref ? ref->name : "";
}

std::string ZoneInputsVersion(const json& domain, const std::optional<api::ConfigMapKeyRef>& records_from,
                              const std::vector<ProviderRef>& providers, const kube::Store* configmaps,
                              const std::vector<json>& extra_records) {
  std::string version = kube::Uid(domain) + "|" + std::to_string(kube::Generation(domain));
  for (const ProviderRef& p : providers) {
    version += "|" + p.name + "@" + (p.object ? kube::ResourceVersion(*p.object) : "-");
  }
  if (records_from) {
    const std::string& cm = records_from->name;
    if (!configmaps) return "";
    std::optional<json> obj = configmaps->Get(kube::ObjectKey(kube::Namespace(domain), cm));
    version += "|cm:" + cm + "@" + (obj ? kube::ResourceVersion(*obj) : "-");
  }
  if (!extra_records.empty()) version += "|extra:" + json(extra_records).dump();
  return version;
}

Result<zone::DesiredZone> BuildDomainZone(const std::string& ns, const api::ZoneSpec& spec,
                                          const std::optional<api::ConfigMapKeyRef>& records_from,
                                          const std::vector<ProviderRef>& providers, kube::Client& client,
                                          const kube::Store* configmaps, const std::vector<json>& extra_records) {
  if (spec.nameservers.empty()) {
    for (const ProviderRef& p : providers) {
      if (!p.object) {
        return Error::InvalidArgument(p.error + "; spec.nameservers is empty, so the apex NS set (the union of " +
                                      "the providers' name servers) cannot be known");
      }
    }
  }
  zone::ZoneSources sources;
  sources.provider_nameservers = ProviderNameservers(providers);
  if (records_from) {
    const std::string& name = records_from->name;
    const std::string& key = records_from->key;
    if (name.empty() || key.empty()) {
      return Error::InvalidArgument("spec.recordsFrom.configMapRef: name and key are required");
    }
    Result<json> cm = Error::NotFound("ConfigMap " + name);
    if (configmaps) {
      std::optional<json> cached = configmaps->Get(kube::ObjectKey(ns, name));
      if (cached) cm = std::move(*cached);
    } else {
      cm = client.Get(kube::kConfigMaps, ns, name);
    }
    if (!cm.ok()) {
      if (cm.error().code == ErrorCode::kNotFound) {
        return Error::InvalidArgument("spec.recordsFrom.configMapRef: ConfigMap \"" + name +
                                      "\" not found in namespace \"" + ns + "\"");
      }
      // The apiserver being unreachable is not the user's fault: say so, and the caller retries.
      return cm.error().Wrap("spec.recordsFrom.configMapRef: reading ConfigMap \"" + name + "\"");
    }
    const json data = cm->value("data", json::object());
    if (!data.is_object() || !data.contains(key) || !data[key].is_string()) {
      return Error::InvalidArgument("spec.recordsFrom.configMapRef: ConfigMap \"" + name + "\" has no key \"" +
                                    key + "\"");
    }
    sources.records_from = data[key].get<std::string>();
  }
  if (extra_records.empty()) return zone::BuildDesiredZone(spec, sources);
  // The extra records follow the user's, numbered after them (a spec.records that is not a list is replaced).
  api::ZoneSpec with_extra = spec;
  if (!with_extra.records_problem.empty()) with_extra.records_problem.clear();
  for (api::Checked<api::RecordSpec>& r : api::ParseRecordList(json(extra_records), with_extra.records.size())) {
    with_extra.records.push_back(std::move(r));
  }
  Result<zone::DesiredZone> merged = zone::BuildDesiredZone(with_extra, sources);
  if (merged.ok()) return merged;
  Result<zone::DesiredZone> plain = zone::BuildDesiredZone(spec, sources);
  if (plain.ok()) {
    plain->notes.push_back("failover records left out, they clash with this zone's own: " + merged.error().message);
  }
  return plain;
}

Result<zone::DesiredZone> BuildDomainZone(const json& domain, const std::vector<ProviderRef>& providers,
                                          kube::Client& client, const kube::Store* configmaps,
                                          const std::vector<json>& extra_records) {
  const api::FullDomainSpec spec = api::ReadFullDomainSpec(domain);
  if (!spec.zone.ok()) return spec.zone.error();
  return BuildDomainZone(kube::Namespace(domain), *spec.zone, spec.common.records_from, providers, client, configmaps,
                         extra_records);
}

}  // namespace domainguard::domain
