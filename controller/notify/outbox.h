// The delivery plan of one AlertChannel, pure: what the channel has told its receivers so far (`tracked`, kept in
// the channel's status so a restart or a new leader knows it) against the findings routed to it now gives the
// notices to send. Decision table per (Domain, reason):
//
//   tracked   now        severity                  -> notice      tracked after
//   -         finding    -                         -> firing      added
//   finding   finding    rank rose (Warning->Crit) -> firing (escalated, previousSeverity set)   updated
//   finding   finding    same or lower             -> nothing     kept at its highest severity (a flap
//                                                                   Critical -> Warning -> Critical is one incident)
//   finding   -          -                         -> resolved    removed
//
// Notices wait in an outbox, also kept in status, until delivered in order: a receiver that is down gets every
// notice once it returns, and a notice delivered is removed before anything else is sent, so none is sent twice
// (short of a crash between the send and the status write: delivery is at least once, each notice carries a
// stable id receivers may deduplicate on).
//
// Thread-safety: pure functions over values.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/clock.h"

namespace domainguard::notify {

// A finding of a routed Domain, as the channel sees it now (already filtered by the channel's selection).
struct ObservedFinding {
  std::string domain;  // the Domain's name (same namespace as the channel)
  std::string zone;
  std::string reason;
  std::string severity;
  std::string message;
  std::string since;   // RFC 3339, from the Domain's status
};

// What the channel last said about one finding.
struct TrackedFinding {
  std::string domain;
  std::string zone;
  std::string reason;
  std::string severity;
  std::string since;

  nlohmann::json ToJson() const;
  static TrackedFinding FromJson(const nlohmann::json& j);
  bool operator==(const TrackedFinding&) const = default;
};

struct Notice {
  std::string id;      // stable: domain/reason/status/severity/since
  std::string status;  // "firing", "resolved", or "test" (a heartbeat, never queued)
  std::string domain;
  std::string zone;
  std::string reason;
  std::string severity;
  std::string previous_severity;  // set on an escalation
  std::string message;
  std::string since;   // when the finding started
  std::string at;      // when the notice was queued

  nlohmann::json ToJson() const;
  static Notice FromJson(const nlohmann::json& j);
};

struct NoticePlan {
  std::vector<TrackedFinding> tracked;  // the new tracked set, sorted by (domain, reason)
  std::vector<Notice> notices;          // to append to the outbox, in (domain, reason) order
};

// Severity order: Critical 3, Warning 2, Info 1, anything else 0.
int SeverityRank(const std::string& severity);

// The notices that move `tracked` to `now_findings` (table above). `now` stamps the notices.
NoticePlan PlanNotices(const std::vector<TrackedFinding>& tracked, const std::vector<ObservedFinding>& now_findings,
                       SystemTime now);

// Appends `more` to `outbox`, keeping at most `cap` notices (the oldest dropped). Returns how many were dropped.
int AppendToOutbox(std::vector<Notice>& outbox, const std::vector<Notice>& more, size_t cap);

// Reads a list of objects from `status[field]` (missing or malformed: empty).
std::vector<TrackedFinding> TrackedFromStatus(const nlohmann::json& status);
std::vector<Notice> OutboxFromStatus(const nlohmann::json& status);

}  // namespace domainguard::notify
