// StatusPart: the share of a Domain's status that one controller owns: its fields (status.providers /
// status.delegation / status.registration ...), its condition (conditions are a list-map keyed by type) and its
// findings (a list-map keyed by reason), so the controllers never overwrite each other and never conflict on
// resourceVersion, whatever order they run in. In `domainguard run` the Domain controllers' parts go through the
// shared status writer (status_writer.h: one field manager, the parts of one moment in one apply); without it
// (DNSProvider and AlertChannel status, tests) a part is applied under its own `field_manager`.
//
// PlanStatusPart is the pure half (current status + part -> what to apply, or nothing when it is already there);
// WriteStatusPart sends it. A controller writes only when something it owns changed, so a steady state costs no
// status writes.
//
// Thread-safety: pure functions; WriteStatusPart uses the thread-safe kube::Client.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/clock.h"
#include "controller/base/result.h"
#include "controller/kube/client.h"
#include "controller/kube/conditions.h"

namespace domainguard::domain {

struct FindingEntry {
  std::string reason;    // api.md reason, unique within the Domain's findings
  std::string severity;  // "Critical", "Warning", "Info", "Unknown"
  std::string message;
};

struct StatusPart {
  std::string field_manager;                     // e.g. "domainguard-records"
  nlohmann::json fields = nlohmann::json::object();  // top-level status fields owned outright
  // Keys of `fields` (objects) that carry a "lastChangeTime": PlanStatusPart sets it to `now` when the rest of the
  // object differs from the status' (ignoring both stamps: an old object's "lastCheckTime" is dropped), else keeps
  // the status' own, as lastTransitionTime is kept for conditions. A check that observes the same again writes
  // nothing; its freshness is a metric (domainguard_check_last_success_timestamp_seconds), not a heartbeat here.
  std::vector<std::string> change_stamped;
  std::vector<kube::Condition> conditions;       // owned conditions (lastTransitionTime kept unless status moves)
  bool owns_findings = false;                    // the part owns the findings whose reasons `owns_reason` accepts
  std::vector<FindingEntry> findings;
  std::function<bool(std::string_view reason)> owns_reason;
};

// The status object to apply for `part`, given the Domain's `current_status` (may be null/absent); nullopt when
// every owned field, condition and finding already holds what `part` says. Findings keep their `since` from the
// current status when the same reason was already there, else `now`.
std::optional<nlohmann::json> PlanStatusPart(const nlohmann::json& current_status, const StatusPart& part,
                                             SystemTime now);

// The same status object whether or not it differs from `current_status` (`differs`, when given, says whether it
// does): what `part` makes of its keys, for a writer that applies every part's keys at once (status_merge.h).
nlohmann::json BuildStatusPart(const nlohmann::json& current_status, const StatusPart& part, SystemTime now,
                               bool* differs = nullptr);

// A status holding only `status`'s conditions: what kube::SetCondition needs to keep lastTransitionTime, without a
// copy of the rest (the merges below ran on whole copies: 2 + 2 per part for each status write, issue #14).
nlohmann::json ConditionsScratch(const nlohmann::json& status);

// Plans and, when needed, applies `part` to `obj` (the cached object of `resource`: apiVersion, kind, metadata,
// status). Returns true when a write was made. Errors are the client's (kNotFound: the object is gone).
Result<bool> WriteStatusPart(kube::Client& client, const kube::Resource& resource, const nlohmann::json& obj,
                             const StatusPart& part, const Clock& clock);

}  // namespace domainguard::domain
