// RDAP status strings <-> EPP status codes (RFC 8056 section 2), and the groups of codes findings use.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace domainguard::registration {

// "client transfer prohibited" -> "clientTransferProhibited"; "active" -> "ok"(RFC 8056 maps ok<->active);
// case-insensitive. Unknown RDAP strings (registry extensions) return nullopt.
std::optional<std::string> EppFromRdapStatus(std::string_view rdap);
// "clientTransferProhibited" -> "client transfer prohibited"; unknown codes return nullopt.
std::optional<std::string> RdapFromEppStatus(std::string_view epp);
// Accepts an EPP code in any case ("CLIENTHOLD", "clienthold") and returns its canonical spelling, or nullopt.
std::optional<std::string> CanonicalEpp(std::string_view code);

// Statuses that take the domain out of the DNS by registry or registrar action: serverHold, clientHold, and the
// ccTLD word "Suspended" (any case). "inactive" (no name servers) is not a hold.
bool IsHoldStatus(std::string_view status);
bool IsTransferLock(std::string_view status);  // clientTransferProhibited | serverTransferProhibited

}  // namespace domainguard::registration
