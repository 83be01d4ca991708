// The dead-mailbox check, pure: NoticesToOwnDomain (Warning) when a registration contact address
// (status.registration.contactEmails, from RDAP/WHOIS; redacted contacts are simply absent, and then nothing is
// said) lives on the Domain's own registrable domain — renewal notices would die with the domain — or on the
// registrable domain of another Domain that is not Ready (Ready False): a mailbox that is already unreachable.
//
// Thread-safety: pure functions over values.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/domain/status_part.h"

namespace domainguard::notify {

// Domains whose spec.zone is `canonical_zone` ("example.com."), e.g. from the Domain cache's zone index.
using DomainsOfZone = std::function<std::vector<nlohmann::json>(const std::string& canonical_zone)>;

// The NoticesToOwnDomain finding of `domain`, or nullopt.
std::optional<domain::FindingEntry> OwnMailboxFinding(const nlohmann::json& domain, const DomainsOfZone& domains_of_zone);

}  // namespace domainguard::notify
