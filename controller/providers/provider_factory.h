// Builds a Provider from a DNSProvider's spec (api.md), so the Domain controller can turn the object it reads into
// the thing SyncZone calls. Exactly one of spec.powerdns / spec.rfc2136 must be set. Secrets are looked up through
// the caller's function (the Secret in the DNSProvider's namespace) and never appear in errors.
//
// Thread-safety: pure apart from calling `secret`; the returned Provider is thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/clock.h"
#include "controller/base/result.h"
#include "controller/http/transport.h"
#include "controller/providers/provider.h"

namespace domainguard::providers {

// Returns the value of key `key` of Secret `name`, kNotFound when either is missing.
using SecretLookup = std::function<Result<std::string>(const std::string& name, const std::string& key)>;

struct BuiltProvider {
  std::unique_ptr<Provider> provider;
  std::vector<std::string> nameservers;  // spec.nameservers: the apex NS set for Domains naming none
};

// `name` is the DNSProvider's metadata.name. `transport` and `clock` must outlive the provider (PowerDNS only).
// Fails with kInvalidArgument naming the field (spec.powerdns.url, spec.rfc2136.tsig.secretRef, ...), or with the
// lookup's error for a missing Secret (message names the Secret and key, not the value).
Result<BuiltProvider> NewProviderFromSpec(const std::string& name, const nlohmann::json& spec,
                                          const SecretLookup& secret, http::Transport* transport,
                                          const Clock* clock);

}  // namespace domainguard::providers
