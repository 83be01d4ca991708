// The e-mail addresses a registration publishes for its contacts (registrant, administrative, technical,
// billing), from an RDAP domain answer (entities' jCard "email", nested entities included) or a WHOIS answer
// ("Registrant Email:", "Admin Email:", "Tech Email:", "Billing Email:" and their e-mail spellings). Redacted
// contacts ("REDACTED FOR PRIVACY", "Please query the RDDS service ...") are not addresses and are left out: an
// empty list means "nothing published", never a guess. Kept apart from the record parsers on purpose: only the
// dead-mailbox check (notify's NoticesToOwnDomain) reads it.
//
// Pure functions; thread-safe. Input is untrusted: any shape is handled without exceptions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace domainguard::registration {

// Lower-case, sorted, unique addresses of the contact roles above in an RDAP domain answer (the raw body).
std::vector<std::string> RdapContactEmails(std::string_view body);

// The same from a WHOIS answer's text.
std::vector<std::string> WhoisContactEmails(std::string_view text);

// The part after '@' of an address, lower case, no trailing dot; "" when `address` is not an address.
std::string EmailDomain(std::string_view address);

}  // namespace domainguard::registration
