// RFC 2136 dynamic update, the pure part: Changes -> update operations (with the TXT ownership registry kept in
// the same message), and AXFR records -> ObservedZone (registry folded into owners). The ldns wire work lives in
// rfc2136_provider.cc. Thread-safety: pure functions.
//
// Operations per change (RFC 2136 §2.5):
//   delete rrset          delete RRset (class ANY) + delete our registry value (class NONE)
//   update rrset          delete RRset + add every value (so TTL changes apply to the whole set)
//   update apex NS        add the wanted values first, then delete unwanted ones one by one: a server ignores
//                         "delete RRset" for the apex NS (§3.4.2.4) and refuses to remove the last NS
//   create rrset          add every value
//   create/update         add registry TXT "_dg-owner.<name>" "heritage=domainguard,owner=<id>,type=<T>"
// Deletes come before adds within a name, so A -> CNAME never has the CNAME meet the A.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/providers/changes.h"

namespace domainguard::providers::rfc2136 {

inline constexpr uint32_t kRegistryTtl = 300;

// Ownership (records/ownership.h) at an RFC 2136 server: a TXT registry record per owner name, like external-dns's
// TXT registry, one value per owned type, added and removed in the same UPDATE message as the data:
//   _dg-owner.<name> TXT "heritage=domainguard,owner=<namespace>/<name>,type=<TYPE>"
std::string RegistryName(std::string_view name);  // "_dg-owner.www.example.com."
// The owner name a registry name stands for, or nullopt when `name` is not a registry name.
std::optional<std::string> RegistryOwnerName(std::string_view name);
// The TXT rdata (quoted, canonical as ldns prints it) marking `type` at a name as `owner`'s.
std::string RegistryValue(std::string_view owner, std::string_view type);
struct RegistryEntry {
  std::string owner;
  std::string type;
};
// Parses a TXT rdata written by RegistryValue; nullopt for anything else.
std::optional<RegistryEntry> ParseRegistryValue(std::string_view txt_rdata);

struct UpdateOp {
  enum class Kind { kDeleteRRset, kDeleteRR, kAdd };
  Kind kind;
  std::string name;
  std::string type;
  uint32_t ttl = 0;
  std::string rdata;  // empty for kDeleteRRset

  friend bool operator==(const UpdateOp&, const UpdateOp&) = default;
};

// "del-rrset www.example.com. A", "del www.example.com. A 192.0.2.1", "add www.example.com. 300 A 192.0.2.1".
std::string Describe(const UpdateOp& op);

// The operations for `changes` in `zone`, grouped by owner name (each group must travel in one message), groups
// in name order.
std::vector<std::vector<UpdateOp>> BuildUpdateOps(const Changes& changes, const std::string& zone);

// One record as AXFR returned it, in canonical presentation form.
struct WireRecord {
  std::string name;
  std::string type;
  uint32_t ttl = 0;
  std::string rdata;
};

// Groups AXFR records into rrsets, takes the SOA into `version`, folds the _dg-owner registry into owners and
// hides it. The serial is read from the SOA rdata (0 when unreadable).
ObservedZone AssembleZone(const std::string& zone, const std::vector<WireRecord>& records);

}  // namespace domainguard::providers::rfc2136
