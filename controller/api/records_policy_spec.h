// spec.ownership and spec.safety of a Domain: which records domainguard may change at its providers, and how much
// it may delete before a person approves. The records controller acts on them (records/ownership.h, safety.h).
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "controller/base/result.h"

namespace domainguard::api {

enum class OwnershipMode {
  kRecords,  // default: change and delete only rrsets this Domain wrote
  kZone,     // also prune (and overwrite) rrsets nobody marked; the Domain owns the whole zone
};

// Used when spec.safety.maxDeletePercent is absent (the value of the API example).
inline constexpr int kDefaultMaxDeletePercent = 30;

struct RecordsPolicySpec {
  OwnershipMode ownership = OwnershipMode::kRecords;
  int max_delete_percent = kDefaultMaxDeletePercent;  // 0..100; 100 never holds

  bool operator==(const RecordsPolicySpec&) const = default;
};

// spec.ownership and spec.safety of `spec` (the spec object). An absent field (or a spec.ownership that is not a
// string, as the controller has always read it) takes its default. kInvalidArgument naming the first bad field:
//   spec.ownership: "zone" is not Records or Zone
//   spec.safety: must be an object
//   spec.safety.maxDeletePercent: must be an integer from 0 to 100
Result<RecordsPolicySpec> ParseRecordsPolicy(const nlohmann::json& spec);

}  // namespace domainguard::api
