#include "controller/notify/routing.h"

#include <algorithm>

#include "controller/api/conditions.h"
#include "controller/api/domain_spec.h"
#include "controller/kube/conditions.h"
#include "controller/kube/object.h"
#include "controller/notify/reasons.h"

namespace domainguard::notify {

using nlohmann::json;

std::vector<std::string> NamedChannels(const json& domain) { return api::AlertChannelNames(domain); }

bool RoutesTo(const json& domain, const json& channel, const ChannelSpec& spec) {
  const std::vector<std::string> named = NamedChannels(domain);
  if (std::find(named.begin(), named.end(), kube::Name(channel)) != named.end()) return true;
  return spec.domain_selector.MatchesObject(domain);
}

std::string FailingReason(const json& channel) {
  const json status = channel.value("status", json::object());
  std::optional<kube::Condition> ready = kube::FindCondition(status, api::kReady);
  if (ready && ready->reason == kReasonInvalidSpec) return ready->message;
  const int64_t failures = status.is_object() ? status.value("consecutiveFailures", int64_t{0}) : 0;
  if (failures >= kFailingAfter) {
    return std::to_string(failures) + " deliveries failed in a row, last: " + status.value("lastError", "");
  }
  return "";
}

std::vector<domain::FindingEntry> AlertFindings(const json& domain, const std::vector<json>& channels) {
  std::vector<std::string> failing;
  int working = 0;
  const std::vector<std::string> named = NamedChannels(domain);
  for (const std::string& n : named) {
    const bool exists = std::any_of(channels.begin(), channels.end(),
                                    [&](const json& c) { return kube::Name(c) == n; });
    if (!exists) failing.push_back("AlertChannel " + n + ": not found (spec.alertChannels)");
  }
  for (const json& c : channels) {
    Result<ChannelSpec> spec = ParseChannelSpec(c.value("spec", json::object()));
    const bool is_named = std::find(named.begin(), named.end(), kube::Name(c)) != named.end();
    const bool routed = is_named || (spec.ok() && RoutesTo(domain, c, *spec));
    if (!routed) continue;
    std::string why = spec.ok() ? FailingReason(c) : spec.error().message;
    if (why.empty()) {
      ++working;
    } else {
      failing.push_back("AlertChannel " + kube::Name(c) + ": " + why);
    }
  }
  std::sort(failing.begin(), failing.end());
  std::vector<domain::FindingEntry> out;
  if (!failing.empty()) {
    std::string msg;
    for (const std::string& f : failing) msg += (msg.empty() ? "" : "; ") + f;
    out.push_back({std::string(kReasonAlertChannelFailing), "Critical", msg});
  }
  if (working == 0) {
    out.push_back({std::string(kReasonNoAlertChannel), "Warning",
                   failing.empty() ? "no AlertChannel of this namespace routes this Domain's findings "
                                     "(spec.domainSelector of an AlertChannel, or spec.alertChannels)"
                                   : "every AlertChannel routed to this Domain is failing"});
  }
  return out;
}

bool IsNotifyReason(std::string_view reason) {
  return reason == kReasonAlertChannelFailing || reason == kReasonNoAlertChannel || reason == kReasonNoticesToOwnDomain;
}

}  // namespace domainguard::notify
