#include "controller/api/finding.h"

namespace domainguard::api {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo: return "Info";
    case Severity::kWarning: return "Warning";
    case Severity::kUnknown: return "Unknown";
    case Severity::kCritical: return "Critical";
  }
  return "Unknown";
}

std::optional<Severity> ParseSeverity(std::string_view name) {
  for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kUnknown, Severity::kCritical}) {
    if (SeverityName(s) == name) return s;
  }
  return std::nullopt;
}

}  // namespace domainguard::api
