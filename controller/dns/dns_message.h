// DnsMessage: a parsed DNS response as a plain value (header bits, rcode, question and the three record
// sections), so nothing outside controller/dns/ sees ldns or c-ares types.
//
// Names are canonical everywhere: lower case, absolute (trailing dot). Record data is in presentation format as
// ldns prints it ("10 mx1.example.com.", "192.0.2.1", SOA fields space-separated).
// Thread-safety: plain values and pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "controller/base/result.h"

namespace domainguard::dns {

// RR types and rcodes domainguard looks at; any other 16-bit value is carried as is.
enum RrType : uint16_t {
  kTypeA = 1,
  kTypeNS = 2,
  kTypeCNAME = 5,
  kTypeSOA = 6,
  kTypePTR = 12,
  kTypeMX = 15,
  kTypeTXT = 16,
  kTypeAAAA = 28,
  kTypeSRV = 33,
  kTypeDS = 43,
  kTypeCAA = 257,
};

enum Rcode : uint8_t {
  kRcodeNoError = 0,
  kRcodeFormErr = 1,
  kRcodeServFail = 2,
  kRcodeNxDomain = 3,
  kRcodeNotImp = 4,
  kRcodeRefused = 5,
  kRcodeNotAuth = 9,
};

struct ResourceRecord {
  std::string name;       // canonical owner name
  uint16_t type = 0;
  uint16_t rrclass = 1;   // IN
  uint32_t ttl = 0;
  std::string rdata;      // presentation format; names inside are lower-cased

  bool operator==(const ResourceRecord&) const = default;
};

struct DnsMessage {
  uint16_t id = 0;
  uint8_t opcode = 0;
  uint8_t rcode = kRcodeNoError;
  bool qr = true;
  bool aa = false;
  bool tc = false;
  bool rd = false;
  bool ra = false;
  std::string qname;      // canonical; empty when the message has no question
  uint16_t qtype = 0;
  std::vector<ResourceRecord> answer;
  std::vector<ResourceRecord> authority;
  std::vector<ResourceRecord> additional;

  // A referral (RFC 1034 4.3.2 step 3b): NOERROR, not authoritative, no answer, NS records in authority.
  bool IsReferral() const;
  // The zone a referral points to (the owner of the authority NS records), or "" when not a referral.
  std::string ReferralZone() const;
  // Targets of the NS records owned by `owner` in `section`, canonical, sorted, unique.
  std::vector<std::string> NsTargets(const std::vector<ResourceRecord>& section, std::string_view owner) const;
  // Addresses (A and AAAA rdata) for `host` found in the answer and additional sections, sorted, unique.
  std::vector<std::string> AddressesOf(std::string_view host) const;
  // The serial of the first SOA record in the answer section (or authority when `authority_too`).
  std::optional<uint32_t> SoaSerial(bool authority_too = false) const;
};

// Parses a wire-format DNS message. Fails with kInvalidArgument on anything ldns cannot parse; never crashes on
// hostile input (fuzzed by dns_message_fuzz).
Result<DnsMessage> ParseDnsMessage(std::span<const uint8_t> wire);

// Encodes `message` to wire format (used by the NOTIFY listener, fakes and test seeds). Record data must be valid
// presentation format for its type. Fails with kInvalidArgument naming the bad record.
Result<std::vector<uint8_t>> EncodeDnsMessage(const DnsMessage& message);

// "A", "NS", "TYPE65280" for unknown ones.
std::string TypeName(uint16_t type);
// "A" → 1, "type65280" → 65280; case-insensitive. kInvalidArgument for unknown mnemonics.
Result<uint16_t> ParseTypeName(std::string_view name);
// "NOERROR", "SERVFAIL", "NXDOMAIN", "REFUSED", "RCODE12".
std::string RcodeName(uint8_t rcode);

// Lower-cases and appends the trailing dot: "Example.COM" → "example.com.", "" or "." → ".".
std::string CanonicalName(std::string_view name);
// True when `name` equals `zone` or lies below it (both canonical).
bool IsSubdomain(std::string_view name, std::string_view zone);
// The parent name: "a.b.c." → "b.c.", "c." → ".", "." → ".".
std::string ParentName(std::string_view name);
// Number of labels: "." → 0, "example.com." → 2.
int LabelCount(std::string_view name);

}  // namespace domainguard::dns
