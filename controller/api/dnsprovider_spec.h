// What the Domain's controllers read of a DNSProvider's spec. The provider's connection settings (powerdns,
// rfc2136, rateLimit) are parsed where the provider is built (providers/provider_factory.h).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace domainguard::api {

// spec.nameservers of a DNSProvider object (the whole object): its string entries, as written, in spec order;
// empty when absent or not a list. Never fails.
std::vector<std::string> DnsProviderNameservers(const nlohmann::json& provider);

}  // namespace domainguard::api
