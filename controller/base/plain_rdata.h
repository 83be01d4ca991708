// DNS record values in the plain forms most zones are made of, canonicalised without ldns.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace domainguard {

// What ldns makes of `value` of `type` (zone::NormalizeValueWithLdns, dns::NormalizeRdataWithLdns: ldns_rr from a
// presentation line, canonical, printed), for the plain forms of the common types:
//   A, AAAA                 an address in the one form inet_pton takes (base/ip_address.h)
//   NS, CNAME, PTR, DNAME   a host name: letters, digits, '-' and '_' in dot-separated labels
//   MX                      "<preference> <host name>", one space between
//   TXT                     one character-string of printable ASCII, quoted or not, without '"', '\', ';', '(' or ')'
//                           (unquoted: as zone::NormalizeValue reads it, one string; dns::NormalizeRdata, where
//                           blanks separate strings, passes quoted values only)
// Relative names are completed with `origin` (canonical, not the root); names are lowercased, as ldns_rr2canonical
// does for these types. nullopt for every other type or form (escapes, '@', blanks, long names or strings, an MX
// preference over 65535, a relative name without an origin), which takes ldns's path: what is accepted and every
// error message stay ldns's. Why: ldns built a presentation line and a resource record for each value, ~8 % of the
// controller's CPU while 1,000 Domains arrived (issue #14). zone/rrset_test.cc, dns/zone_file_test.cc and
// zone/zonefile_fuzz.cc hold each path equal to ldns's. Shared by both normalisers, as ip_address.h is.
std::optional<std::string> CanonicalPlainRdata(std::string_view type, std::string_view value, std::string_view origin);

}  // namespace domainguard
