#include "controller/notify/outbox.h"

#include <algorithm>
#include <map>
#include <utility>

#include "controller/base/time_format.h"

namespace domainguard::notify {

using nlohmann::json;

namespace {

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Notice MakeNotice(std::string status, const std::string& domain, const std::string& zone, const std::string& reason,
                  const std::string& severity, const std::string& message, const std::string& since,
                  SystemTime now) {
  Notice n;
  n.status = std::move(status);
  n.domain = domain;
  n.zone = zone;
  n.reason = reason;
  n.severity = severity;
  n.message = message;
  n.since = since;
  n.at = FormatRfc3339(now);
  n.id = domain + "/" + reason + "/" + n.status + "/" + severity + "/" + since;
  return n;
}

}  // namespace

json TrackedFinding::ToJson() const {
  return {{"domain", domain}, {"zone", zone}, {"reason", reason}, {"severity", severity}, {"since", since}};
}

TrackedFinding TrackedFinding::FromJson(const json& j) {
  return {Str(j, "domain"), Str(j, "zone"), Str(j, "reason"), Str(j, "severity"), Str(j, "since")};
}

json Notice::ToJson() const {
  json j = {{"id", id},         {"status", status},   {"domain", domain}, {"zone", zone}, {"reason", reason},
            {"severity", severity}, {"message", message}, {"since", since},   {"at", at}};
  if (!previous_severity.empty()) j["previousSeverity"] = previous_severity;
  return j;
}

Notice Notice::FromJson(const json& j) {
  Notice n;
  n.id = Str(j, "id");
  n.status = Str(j, "status");
  n.domain = Str(j, "domain");
  n.zone = Str(j, "zone");
  n.reason = Str(j, "reason");
  n.severity = Str(j, "severity");
  n.previous_severity = Str(j, "previousSeverity");
  n.message = Str(j, "message");
  n.since = Str(j, "since");
  n.at = Str(j, "at");
  return n;
}

int SeverityRank(const std::string& severity) {
  if (severity == "Critical") return 3;
  if (severity == "Warning") return 2;
  if (severity == "Info") return 1;
  return 0;
}

NoticePlan PlanNotices(const std::vector<TrackedFinding>& tracked, const std::vector<ObservedFinding>& now_findings,
                       SystemTime now) {
  using Key = std::pair<std::string, std::string>;
  std::map<Key, const TrackedFinding*> before;
  for (const TrackedFinding& t : tracked) before[{t.domain, t.reason}] = &t;
  std::map<Key, const ObservedFinding*> after;
  for (const ObservedFinding& f : now_findings) after.emplace(Key{f.domain, f.reason}, &f);

  NoticePlan plan;
  // Both maps are ordered by key: walk them together.
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    const bool take_before = a == after.end() || (b != before.end() && b->first < a->first);
    const bool take_after = b == before.end() || (a != after.end() && a->first < b->first);
    if (take_before) {
      const TrackedFinding& t = *b->second;
      plan.notices.push_back(MakeNotice("resolved", t.domain, t.zone, t.reason, t.severity,
                                        t.reason + " no longer reported", t.since, now));
      ++b;
      continue;
    }
    const ObservedFinding& f = *a->second;
    const std::string b_prev_severity = take_after ? std::string() : b->second->severity;
    if (take_after) {
      plan.notices.push_back(MakeNotice("firing", f.domain, f.zone, f.reason, f.severity, f.message, f.since, now));
    } else {
      const TrackedFinding& t = *b->second;
      if (SeverityRank(f.severity) > SeverityRank(t.severity)) {
        Notice n = MakeNotice("firing", f.domain, f.zone, f.reason, f.severity, f.message, f.since, now);
        n.previous_severity = t.severity;
        plan.notices.push_back(std::move(n));
      }
      ++b;
    }
    // A finding that steps down keeps its highest severity while it lasts: a flap back up (a restarted prober
    // confirming again) is the same incident, not a new escalation.
    std::string severity = f.severity;
    if (!take_after && SeverityRank(b_prev_severity) > SeverityRank(severity)) severity = b_prev_severity;
    plan.tracked.push_back({f.domain, f.zone, f.reason, severity, f.since});
    ++a;
  }
  return plan;
}

int AppendToOutbox(std::vector<Notice>& outbox, const std::vector<Notice>& more, size_t cap) {
  outbox.insert(outbox.end(), more.begin(), more.end());
  if (outbox.size() <= cap) return 0;
  const size_t drop = outbox.size() - cap;
  outbox.erase(outbox.begin(), outbox.begin() + static_cast<std::ptrdiff_t>(drop));
  return static_cast<int>(drop);
}

std::vector<TrackedFinding> TrackedFromStatus(const json& status) {
  std::vector<TrackedFinding> out;
  if (!status.is_object() || !status.contains("tracked") || !status["tracked"].is_array()) return out;
  for (const json& j : status["tracked"]) {
    if (j.is_object()) out.push_back(TrackedFinding::FromJson(j));
  }
  return out;
}

std::vector<Notice> OutboxFromStatus(const json& status) {
  std::vector<Notice> out;
  if (!status.is_object() || !status.contains("outbox") || !status["outbox"].is_array()) return out;
  for (const json& j : status["outbox"]) {
    if (j.is_object()) out.push_back(Notice::FromJson(j));
  }
  return out;
}

}  // namespace domainguard::notify
