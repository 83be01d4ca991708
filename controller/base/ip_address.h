// IP addresses in text, canonicalised the way ldns prints A and AAAA rdata.
#ifndef DOMAINGUARD_BASE_IP_ADDRESS_H_
#define DOMAINGUARD_BASE_IP_ADDRESS_H_

#include <optional>
#include <string>
#include <string_view>

namespace domainguard {

// `text` as inet_ntop prints it, when it is an address of `family` (AF_INET, AF_INET6) in the one form inet_pton
// takes: "2001:DB8:0::1" -> "2001:db8::1". ldns's A and AAAA parsers are inet_pton and its printers inet_ntop, so
// this is what ldns makes of such a value, without building a presentation line and a resource record (most
// record values are addresses: ldns was ~5 % of the controller's CPU while 1,000 Domains arrived, issue #14).
// nullopt for anything else, including what ldns may still accept (a trailing comment, surrounding blanks) or
// refuse with its own message (a NUL inside): callers then take ldns's path, so what is accepted stays ldns's.
std::optional<std::string> CanonicalIpAddress(int family, std::string_view text);

}  // namespace domainguard

#endif  // DOMAINGUARD_BASE_IP_ADDRESS_H_
