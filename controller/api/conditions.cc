#include "controller/api/conditions.h"

#include <array>
#include <string>

namespace domainguard::api {

using kube::Condition;
using kube::kConditionFalse;
using kube::kConditionTrue;
using kube::kConditionUnknown;

kube::Condition SummarizeReady(const std::vector<kube::Condition>& conditions, int64_t generation) {
  auto find = [&](std::string_view type) -> const Condition* {
    for (const auto& c : conditions) {
      if (c.type == type) return &c;
    }
    return nullptr;
  };
  auto ready = [&](std::string_view status, std::string_view reason, std::string message) {
    Condition r;
    r.type = std::string(kReady);
    r.status = std::string(status);
    r.reason = std::string(reason);
    r.message = std::move(message);
    r.observed_generation = generation;
    return r;
  };
  auto explain = [](const Condition& c) {
    return c.message.empty() ? c.type + " is " + c.status : c.type + ": " + c.message;
  };

  if (const Condition* f = find(kFailoverActive); f != nullptr && f->status == kConditionTrue) {
    return ready(kConditionFalse, kReasonFailoverActivated, "served through the failover domain; " + explain(*f));
  }
  // Root causes first: a lost registration explains a missing delegation, which explains unserved records.
  static constexpr std::array<std::string_view, 3> kOrder = {kRegistrationHealthy, kDelegationHealthy, kRecordsSynced};
  for (auto type : kOrder) {
    const Condition* c = find(type);
    if (c != nullptr && c->status == kConditionFalse) return ready(kConditionFalse, c->reason, explain(*c));
  }
  for (auto type : kOrder) {
    if (find(type) == nullptr) {
      return ready(kConditionUnknown, kReasonChecksPending, std::string(type) + " has not been reported yet");
    }
  }
  for (auto type : kOrder) {
    const Condition* c = find(type);
    if (c->status != kConditionTrue) {
      return ready(kConditionUnknown, c->reason.empty() ? kReasonChecksPending : std::string_view(c->reason),
                   explain(*c));
    }
  }
  return ready(kConditionTrue, kReasonHealthy, "records synced, delegation and registration healthy");
}

}  // namespace domainguard::api
