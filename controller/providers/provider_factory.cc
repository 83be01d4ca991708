#include "controller/providers/provider_factory.h"

#include "controller/providers/powerdns/powerdns_provider.h"
#include "controller/providers/rfc2136/rfc2136_provider.h"

namespace domainguard::providers {
namespace {

using nlohmann::json;

Result<std::string> RequiredString(const json& obj, const std::string& key, const std::string& path) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string() || obj[key].get<std::string>().empty()) {
    return Error::InvalidArgument(path + "." + key + ": required");
  }
  return obj[key].get<std::string>();
}

Result<std::string> ReadSecret(const json& ref, const std::string& path, const SecretLookup& secret) {
  Result<std::string> name = RequiredString(ref, "name", path);
  if (!name.ok()) return name.error();
  Result<std::string> key = RequiredString(ref, "key", path);
  if (!key.ok()) return key.error();
  Result<std::string> v = secret(*name, *key);
  if (!v.ok()) return v.error().Wrap(path + " (Secret " + *name + ", key " + *key + ")");
  return v;
}

}  // namespace

Result<BuiltProvider> NewProviderFromSpec(const std::string& name, const json& spec, const SecretLookup& secret,
                                          http::Transport* transport, const Clock* clock) {
  if (!spec.is_object()) return Error::InvalidArgument("spec: must be an object");
  const bool pdns = spec.contains("powerdns") && !spec["powerdns"].is_null();
  const bool rfc = spec.contains("rfc2136") && !spec["rfc2136"].is_null();
  if (pdns == rfc) return Error::InvalidArgument("spec: exactly one of powerdns and rfc2136 must be set");
  BuiltProvider out;
  if (spec.contains("nameservers") && spec["nameservers"].is_array()) {
    for (const json& n : spec["nameservers"]) {
      if (n.is_string()) out.nameservers.push_back(n.get<std::string>());
    }
  }
  double qps = 20;
  int burst = 40;
  if (spec.contains("rateLimit") && spec["rateLimit"].is_object()) {
    const json& rl = spec["rateLimit"];
    if (rl.contains("qps")) {
      if (!rl["qps"].is_number() || rl["qps"].get<double>() < 0) {
        return Error::InvalidArgument("spec.rateLimit.qps: must be a number >= 0");
      }
      qps = rl["qps"].get<double>();
    }
    if (rl.contains("burst")) {
      if (!rl["burst"].is_number_integer() || rl["burst"].get<int64_t>() < 1 || rl["burst"].get<int64_t>() > 100000) {
        return Error::InvalidArgument("spec.rateLimit.burst: must be an integer from 1 to 100000");
      }
      burst = static_cast<int>(rl["burst"].get<int64_t>());
    }
  }
  if (pdns) {
    const json& p = spec["powerdns"];
    powerdns::Config c;
    c.name = name;
    c.qps = qps;
    c.burst = burst;
    Result<std::string> url = RequiredString(p, "url", "spec.powerdns");
    if (!url.ok()) return url.error();
    if (!url->starts_with("http://") && !url->starts_with("https://")) {
      return Error::InvalidArgument("spec.powerdns.url: \"" + *url + "\" is not an http(s) URL");
    }
    c.url = *url;
    if (p.contains("serverID") && p["serverID"].is_string() && !p["serverID"].get<std::string>().empty()) {
      c.server_id = p["serverID"].get<std::string>();
    }
    if (!p.contains("apiKeySecretRef")) return Error::InvalidArgument("spec.powerdns.apiKeySecretRef: required");
    Result<std::string> key = ReadSecret(p["apiKeySecretRef"], "spec.powerdns.apiKeySecretRef", secret);
    if (!key.ok()) return key.error();
    c.api_key = *key;
    out.provider = powerdns::NewPowerDnsProvider(std::move(c), transport, clock);
    return out;
  }
  const json& r = spec["rfc2136"];
  rfc2136::Config c;
  c.name = name;
  Result<std::string> server = RequiredString(r, "server", "spec.rfc2136");
  if (!server.ok()) return server.error();
  c.server = *server;
  if (r.contains("tsig") && !r["tsig"].is_null()) {
    const json& t = r["tsig"];
    Result<std::string> key_name = RequiredString(t, "keyName", "spec.rfc2136.tsig");
    if (!key_name.ok()) return key_name.error();
    c.tsig_name = *key_name;
    if (t.contains("algorithm") && t["algorithm"].is_string()) c.tsig_algorithm = t["algorithm"].get<std::string>();
    if (!t.contains("secretRef")) return Error::InvalidArgument("spec.rfc2136.tsig.secretRef: required");
    Result<std::string> s = ReadSecret(t["secretRef"], "spec.rfc2136.tsig.secretRef", secret);
    if (!s.ok()) return s.error();
    c.tsig_secret = *s;
  }
  Result<std::unique_ptr<Provider>> p = rfc2136::NewRfc2136Provider(std::move(c));
  if (!p.ok()) return p.error().Wrap("spec");
  out.provider = std::move(*p);
  return out;
}

}  // namespace domainguard::providers
