// What a Domain's spec says its zone holds: spec.zone, spec.records and spec.nameservers as written, each entry
// checked for its JSON shape here and for its DNS meaning by the zone builder (zone/desired_zone.h), which reports
// every problem of the spec in spec order, not only the first. So an entry is kept with its problem rather than
// failing the whole reading:
//   spec.records[2].type: required string
//   spec.nameservers[0].addresses[1]: must be a string
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/api/checked.h"
#include "controller/base/result.h"

namespace domainguard::api {

// spec.records[i].
struct RecordSpec {
  std::string name = "@";           // as written, relative to the zone unless it ends in a dot
  std::string type;                 // as written
  std::optional<uint32_t> ttl;      // unset: the zone builder's default
  std::vector<std::string> values;  // at least one

  bool operator==(const RecordSpec&) const = default;
};

// spec.nameservers[i]; `problem` of its Checked is "spec.nameservers[i].name: required string".
struct NameserverEntry {
  std::string name;                              // as written
  std::vector<Checked<std::string>> addresses;   // glue, each as written or "…addresses[j]: must be a string"
  std::string addresses_problem;                 // "spec.nameservers[i].addresses: must be a list"

  bool operator==(const NameserverEntry&) const = default;
};

struct ZoneSpec {
  std::string zone;                             // spec.zone as written; "" when absent or not a string
  std::vector<Checked<RecordSpec>> records;     // spec.records in order
  std::string records_problem;                  // "spec.records: must be a list" (`records` then empty)
  std::vector<Checked<NameserverEntry>> nameservers;  // spec.nameservers in order; empty: the providers' apply
  std::string nameservers_problem;              // "spec.nameservers: must be a list" (`nameservers` then empty)

  bool operator==(const ZoneSpec&) const = default;
};

// The zone sections of `spec` (the spec object). Fails only when `spec` is not an object ("spec: must be an
// object"); every other problem is kept beside its entry.
Result<ZoneSpec> ParseZoneSpec(const nlohmann::json& spec);

// Entries in spec.records form (`list` a JSON list), numbered from `first_index` in their problems: records another
// part adds after the user's (failover's backup hosts) are named as the entries they follow.
std::vector<Checked<RecordSpec>> ParseRecordList(const nlohmann::json& list, size_t first_index);

}  // namespace domainguard::api
