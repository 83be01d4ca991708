// Parses an RDAP domain answer (RFC 9083 section 5.3) into a RegistrationRecord, plus the registrar's RDAP link
// (rel "related", thin registries). Input is untrusted: any shape is handled without exceptions.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/base/result.h"
#include "controller/registration/record.h"

namespace domainguard::registration {

struct RdapDomain {
  RegistrationRecord record;                      // source kRdap; server and checked_at left for the caller
  std::optional<SystemTime> registrar_expires_at; // eventAction "registrar expiration" (ICANN profile), if any
  std::vector<std::string> related_links;         // hrefs of links rel=related that are RDAP (registrar answers)
  std::vector<std::string> unknown_statuses;      // RDAP status strings with no RFC 8056 mapping (kept as said)
};

// Returns the parsed domain object. Fails with kInvalidArgument when the body is not JSON, not an object, an
// RDAP error object (errorCode), or not objectClassName "domain".
Result<RdapDomain> ParseRdapDomain(std::string_view body);

// Fills `into` with what `registrar` has and `into` lacks: expiry (the registrar's), registration and change
// dates, registrar name/ID, name servers, statuses. The registry's values win where both are set (the registry
// is authoritative for the registration; the registrar's expiry can differ, see field notes).
void MergeRegistrarAnswer(RdapDomain& into, const RdapDomain& registrar);

// True when a registry answer lacks what a registrar answer could add (thin registry): no expiry or no
// registrar name.
bool NeedsRegistrarAnswer(const RdapDomain& d);

}  // namespace domainguard::registration
