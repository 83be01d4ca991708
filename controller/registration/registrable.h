// The registrable domain of a zone (what a registry registers): "www.shop.example.co.uk" -> "example.co.uk".
// ICANN rules of the Public Suffix List only (libpsl): private suffixes such as github.io do not count, since
// no registry's RDAP/WHOIS knows them (field notes). Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "controller/base/result.h"

namespace domainguard::registration {

// Returns the registrable domain, lower case without trailing dot. Fails with kInvalidArgument when `zone` is
// itself a public suffix ("co.uk", "com") or empty. A TLD missing from the list counts as a suffix (PSL "*").
Result<std::string> RegistrableDomain(std::string_view zone);

}  // namespace domainguard::registration
