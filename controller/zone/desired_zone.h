// DesiredZone: the zone a Domain asks for, built from its spec (records, nameservers), its recordsFrom master file
// and its providers' name servers. Building it is where user input is validated: every error names the field, e.g.
//   spec.records[3].values[0]: "300.1.1.1" is not an IPv4 address
//   spec.records[0]: CNAME is not allowed at the zone apex (example.com.)
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/api/zone_spec.h"
#include "controller/base/result.h"
#include "controller/zone/rrset.h"

namespace domainguard::zone {

// Default TTLs when the spec gives none.
inline constexpr uint32_t kDefaultRecordTtl = 300;
inline constexpr uint32_t kDefaultNsTtl = 3600;
// Names under this first label are domainguard's ownership registry at RFC 2136 providers; users cannot use them.
inline constexpr std::string_view kRegistryLabel = "_dg-owner";

struct DesiredZone {
  std::string origin;          // canonical apex, "example.com."
  std::vector<RRset> rrsets;   // canonical, one per (name, type), sorted by KeyLess; includes apex NS and glue
  std::vector<std::string> nameservers;  // the apex NS set (canonical names), sorted
  // Information for the user, not errors: e.g. "ns1.example.com. A TTL 60 from spec.records[1] (the glue in
  // spec.nameservers[0].addresses has the same addresses)".
  std::vector<std::string> notes;

  // The rrset for (name, type), or nullptr. Names and type canonical.
  const RRset* Find(std::string_view name, std::string_view type) const;
  // Number of individual records (values) in the zone.
  size_t RecordCount() const;
};

struct ZoneSources {
  // The recordsFrom master file text, when the spec names one (the caller reads the ConfigMap).
  std::optional<std::string> records_from;
  // The union of the Domain's providers' spec.nameservers, used when spec.nameservers is empty.
  std::vector<std::string> provider_nameservers;
};

// Builds the desired zone from a Domain's zone sections (api/zone_spec.h: spec.zone, records, nameservers, with
// the problems of their JSON shape kept beside each entry). Records with the same
// name and type (from spec.records or recordsFrom) merge into one rrset when their TTLs agree. Glue addresses of an
// in-bailiwick name server meeting an explicit record of its name and type: equal addresses are one rrset with the
// explicit record's TTL (a note in `notes` when the TTLs differed); different addresses fail.
// SOA records in recordsFrom are ignored (the provider owns the SOA); so are apex NS records there (the apex NS
// set comes from spec.nameservers). Fails with kInvalidArgument listing every problem found, "; "-separated, each
// prefixed with its field path.
Result<DesiredZone> BuildDesiredZone(const api::ZoneSpec& spec, const ZoneSources& sources);

// The same from the JSON object under .spec, read with api::ParseZoneSpec ("spec: must be an object" when it is
// not one): for tests, benchmarks and tools that hold a spec and no Domain.
Result<DesiredZone> BuildDesiredZone(const nlohmann::json& spec, const ZoneSources& sources);

}  // namespace domainguard::zone
