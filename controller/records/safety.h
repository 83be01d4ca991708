// Safety: hold a plan that deletes too much of what domainguard manages until a person approves it.
//
// A plan is held (ChangeBlocked) when the records it removes — values of deleted rrsets plus values dropped by
// updates — exceed spec.safety.maxDeletePercent of the observed records domainguard may change (its own, plus
// unmarked ones in Zone mode). The annotation domainguard.io/approve-change=<metadata.generation> approves the
// plan of that generation only: a later spec edit needs a new approval. Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "controller/api/records_policy_spec.h"
#include "controller/records/changes.h"
#include "controller/records/plan.h"

namespace domainguard::records {

struct SafetyPolicy {
  int max_delete_percent = api::kDefaultMaxDeletePercent;  // spec.safety.maxDeletePercent, 0..100; 100 never holds
  int64_t generation = 0;                             // the Domain's metadata.generation
  std::optional<std::string> approval;                // the approve-change annotation's value, if set
  // Names (canonical) of records another part added to the zone and has withdrawn (failover's backup hosts after
  // a failback): removing them is that part's decision, not a spec mistake, so they count neither as deleted nor
  // as manageable.
  std::set<std::string> withdrawn_names = {};
};

struct SafetyVerdict {
  bool blocked = false;
  bool approved = false;     // over the limit but approved for this generation
  size_t deleted = 0;        // records the plan removes
  size_t manageable = 0;     // observed records domainguard may change
  std::string message;       // set when blocked or approved
};

SafetyVerdict EvaluateSafety(const Changes& changes, const ObservedZone& observed, const PlanPolicy& policy,
                             const SafetyPolicy& safety);

}  // namespace domainguard::records
