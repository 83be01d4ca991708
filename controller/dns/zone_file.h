// Master-file (RFC 1035 section 5) reading and record-data normalisation with ldns, so callers outside
// controller/dns/ never see ldns. Used for root hints and to compare desired record values with served ones.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "controller/base/result.h"
#include "controller/dns/dns_message.h"

namespace domainguard::dns {

// Parses master-file text ($ORIGIN, $TTL, relative names, comments). `origin` is used for relative names
// ("." when empty). Fails with kInvalidArgument naming the line that does not parse.
Result<std::vector<ResourceRecord>> ParseZoneText(std::string_view text, std::string_view origin = ".");

// Reads and parses a master file. kNotFound when it cannot be opened.
Result<std::vector<ResourceRecord>> ParseZoneFile(const std::string& path, std::string_view origin = ".");

// Canonical presentation of one record value of `type`, as ParseDnsMessage prints served data, so desired and
// served values compare as strings: ("MX", "10 MX1.example.com.") -> "10 mx1.example.com."; relative names are
// made absolute under `origin`. kInvalidArgument when the value is not valid for the type.
// Plain values of the common types (addresses, host names, MX, quoted TXT) are canonicalised without ldns
// (base/plain_rdata.h): the delegation controller normalises every desired value of every new Domain.
Result<std::string> NormalizeRdata(uint16_t type, std::string_view value, std::string_view origin);

// The same, always through ldns (what the fast path must agree with: zone_file_test.cc).
Result<std::string> NormalizeRdataWithLdns(uint16_t type, std::string_view value, std::string_view origin);

}  // namespace domainguard::dns
