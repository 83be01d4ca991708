// Parses a WHOIS (RFC 3912) answer into a RegistrationRecord. WHOIS has no schema: this reads the layouts
// registries actually use ("Key: value" gTLD style, indented ccTLD blocks, "[Key] value" JPRS style, RIPN
// "key: value") by normalising keys and matching them by meaning, and dates with the tolerant ParseLooseDate.
// Throttling and "not found" answers are recognised as such, never read as data.
// Pure functions; thread-safe. Input is untrusted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "controller/registration/record.h"

namespace domainguard::registration {

struct WhoisAnswer {
  enum class Kind {
    kData,       // a registration record (possibly with unknown fields)
    kNotFound,   // the server says the name is not registered
    kThrottled,  // the server refused to answer now (query limit)
    kEmpty,      // nothing usable: empty, or no recognisable field
  };
  Kind kind = Kind::kEmpty;
  RegistrationRecord record;                   // source kWhois; server and checked_at left for the caller
  std::optional<SystemTime> registrar_expires_at;  // "Registrar Registration Expiration Date"
  std::string referral;                        // "Registrar WHOIS Server:" / IANA "refer:"; host[:port], may be ""
  std::vector<std::string> notes;              // what could not be read, e.g. an expiry date in an unknown layout
};

std::string_view WhoisKindName(WhoisAnswer::Kind k);

// Parses `text` (the full answer) for `domain`.
WhoisAnswer ParseWhoisAnswer(std::string_view text);

}  // namespace domainguard::registration
