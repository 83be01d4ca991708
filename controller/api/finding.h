// A finding: one thing a check found about a Domain's zone, as status.findings lists it (api.md: reason, severity,
// message). One type for every check (delegation, registration, discovery), so severities compare and merge the
// same way everywhere; and the Event a controller plans to record when findings change.
//
// Thread-safety: values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace domainguard::api {

// Ordered by how bad it is, so <, >= and std::max compare severities: Info < Warning < Unknown < Critical (not
// knowing is worse than a warning, better than a known emergency). Only the registration check reports Unknown.
enum class Severity { kInfo = 0, kWarning = 1, kUnknown = 2, kCritical = 3 };

// "Info", "Warning", "Unknown", "Critical" (api.md's words).
std::string_view SeverityName(Severity s);
// Reads a severity word, exactly as SeverityName spells it; nullopt for anything else.
std::optional<Severity> ParseSeverity(std::string_view name);
// The severity's place in the order above: 0 (Info) .. 3 (Critical).
inline int SeverityRank(Severity s) { return static_cast<int>(s); }

struct Finding {
  std::string reason;  // a reason constant of the check's reasons.h, as api.md spells it
  Severity severity = Severity::kWarning;
  std::string message;  // for people: names what was seen and where; never a secret

  bool operator==(const Finding&) const = default;
};

// One Event a controller decided to record about a Domain (the pure planning step's output; the controller hands
// it to the kube::EventRecorder).
struct PlannedEvent {
  std::string type;  // kube::kEventWarning or kube::kEventNormal
  std::string reason;
  std::string note;

  bool operator==(const PlannedEvent&) const = default;
};

}  // namespace domainguard::api
