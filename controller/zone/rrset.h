// RRset: one (owner name, type) with its TTL and values, in the one canonical form domainguard compares.
//
// Canonical form: the owner is lower case, absolute (trailing dot), IDN labels in punycode ("xn--"); the type is
// the upper-case mnemonic; each value is the rdata as ldns prints it after RFC 4034 §6.2 canonicalisation (names
// in rdata lower-cased and made absolute), so "10 MX1.Example.COM." and "10 mx1.example.com." compare equal;
// values sorted and without duplicates. Two RRsets are equal when all four parts are.
//
// Thread-safety: plain values and pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/base/result.h"

namespace domainguard::zone {

struct RRset {
  std::string name;                 // "www.example.com."
  std::string type;                 // "A"
  uint32_t ttl = 0;
  std::vector<std::string> values;  // canonical rdata, sorted, unique

  friend bool operator==(const RRset&, const RRset&) = default;
};

// Orders RRsets by name, then type: the stable order of zones, plans and status messages.
bool KeyLess(const RRset& a, const RRset& b);

// "www.example.com. A".
std::string KeyOf(const RRset& r);

// "www.example.com. 300 A 192.0.2.1,192.0.2.2" for messages and test tables.
std::string Describe(const RRset& r);

// Canonicalises a domain name. "@" and "" mean `origin`; a name without a trailing dot is relative to `origin`.
// Unicode labels become punycode (libidn2, IDNA 2008 non-transitional). Fails with kInvalidArgument (message
// without a field path; callers prefix it) on empty labels, labels over 63 octets, names over 253, or a name that
// IDNA rejects. `origin` must be canonical already (or "" for names that must be absolute).
Result<std::string> NormalizeName(std::string_view name, std::string_view origin);

// True when `name` is `zone` or below it. Both canonical.
bool IsInZone(std::string_view name, std::string_view zone);

// Canonicalises one value of `type` owned by `owner` (canonical). Names inside the value may be relative to
// `origin`. Fails with kInvalidArgument: `"300.1.1.1" is not an IPv4 address`, `"x" is not valid MX data (...)`.
Result<std::string> NormalizeValue(std::string_view type, std::string_view value, std::string_view owner,
                                   std::string_view origin);

// NormalizeValue without its fast path for plain values (base/plain_rdata.h): every value through ldns. The same
// results by contract (rrset_test.cc and zonefile_fuzz.cc compare the two); exposed for them and nothing else.
Result<std::string> NormalizeValueWithLdns(std::string_view type, std::string_view value, std::string_view owner,
                                           std::string_view origin);

// Canonicalises a type mnemonic ("a" -> "A"). Fails on types ldns does not know.
Result<std::string> NormalizeType(std::string_view type);

// True for types the DNS provider maintains itself (SOA, DNSSEC records): domainguard never writes or deletes them.
bool IsProviderManagedType(std::string_view type);

// Canonicalises a whole RRset: name (relative to `origin`), type, every value; sorts and de-duplicates values.
// Errors name the part: `name: ...`, `type: ...`, `values[2]: ...` (the caller prefixes the field path).
Result<RRset> NormalizeRRset(const RRset& raw, std::string_view origin);

// The SOA rdata `soa` in presentation form ("mname rname serial refresh retry expire minimum") with its serial
// replaced by `serial`; nullopt when `soa` does not have seven fields with a numeric third one. (A provider's
// RaiseSerial: records/serial.h says when.)
std::optional<std::string> SoaWithSerial(std::string_view soa, uint32_t serial);

}  // namespace domainguard::zone
