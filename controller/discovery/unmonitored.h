// Unmonitored domains, pure: the hostnames an Ingress (rules[].host, tls[].hosts[]) or an HTTPRoute
// (spec.hostnames) serves, reduced to registrable domains with libpsl's ICANN section (registration/registrable.h:
// private suffixes such as herokuapp.com are not domains anyone here can renew), minus those some Domain covers.
// A Domain covers a registrable domain when its zone reduces to it (a Domain for shop.example.com covers
// example.com's hosts under shop.example.com only as far as the registration goes: the registration is what
// expires unnoticed).
//
// Thread-safety: pure functions over values.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace domainguard::discovery {

// The hostnames of an Ingress (rules and tls, de-duplicated, lower case, wildcard "*." removed).
std::vector<std::string> IngressHosts(const nlohmann::json& ingress);
// The hostnames of an HTTPRoute (spec.hostnames), the same way.
std::vector<std::string> RouteHosts(const nlohmann::json& route);

// The registrable domains of `hosts` (hosts that are public suffixes, IP addresses or malformed are skipped).
std::set<std::string> RegistrableDomains(const std::vector<std::string>& hosts);

// The registrable domains the Domains' zones reduce to.
std::set<std::string> CoveredDomains(const std::vector<nlohmann::json>& domains);

// `wanted` minus `covered`.
std::set<std::string> Uncovered(const std::set<std::string>& wanted, const std::set<std::string>& covered);

}  // namespace domainguard::discovery
