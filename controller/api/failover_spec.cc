#include "controller/api/failover_spec.h"

#include <algorithm>

#include "controller/base/json_member.h"
#include "controller/base/time_format.h"

namespace domainguard::api {

using nlohmann::json;

namespace {

const std::vector<std::string> kKnownTriggers = {"Expired",          "RegistryHold",       "PendingDelete",
                                                 "RedemptionPeriod", "DelegationMissing",  "NameserversChanged",
                                                 "DependencyBroken", "NotRegistered"};

}  // namespace

const std::vector<std::string>& DefaultTriggers() {
  static const std::vector<std::string> kDefault = {"Expired",           "RegistryHold",       "PendingDelete",
                                                     "RedemptionPeriod",  "DelegationMissing",  "NameserversChanged",
                                                     "DependencyBroken"};
  return kDefault;
}

std::string CanonicalZoneName(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!name.empty() && name.back() != '.') name += '.';
  return name;
}

std::string FailoverModeName(FailoverMode m) { return m == FailoverMode::kStandby ? "Standby" : "OnFailure"; }

std::string FailoverZoneOf(const json& domain) {
  const json* spec = NonNullMember(domain, "spec");
  const json* f = spec != nullptr ? NonNullMember(*spec, "failover") : nullptr;
  const json* zone = f != nullptr ? NonNullMember(*f, "domain") : nullptr;
  return zone != nullptr && zone->is_string() ? CanonicalZoneName(zone->get<std::string>()) : "";
}

Result<std::optional<FailoverSpec>> ParseFailoverSpec(const json& domain) {
  static const json kNoSpec = json::object();
  const json& spec = domain.is_object() && domain.contains("spec") ? domain["spec"] : kNoSpec;  // not copied
  if (!spec.is_object() || !spec.contains("failover") || spec["failover"].is_null()) {
    return std::optional<FailoverSpec>();
  }
  const json& f = spec["failover"];
  if (!f.is_object()) return Error::InvalidArgument("spec.failover: must be an object");
  FailoverSpec out;
  if (!f.contains("domain") || !f["domain"].is_string() || f["domain"].get<std::string>().empty()) {
    return Error::InvalidArgument("spec.failover.domain: required");
  }
  out.backup_zone = CanonicalZoneName(f["domain"].get<std::string>());
  if (spec.contains("zone") && spec["zone"].is_string() && CanonicalZoneName(spec["zone"].get<std::string>()) ==
                                                              out.backup_zone) {
    return Error::InvalidArgument("spec.failover.domain: must be another zone than spec.zone");
  }
  const std::string mode = f.value("mode", std::string("Standby"));
  if (mode == "Standby") {
    out.mode = FailoverMode::kStandby;
  } else if (mode == "OnFailure") {
    out.mode = FailoverMode::kOnFailure;
  } else {
    return Error::InvalidArgument("spec.failover.mode: \"" + mode + "\" is not Standby or OnFailure");
  }
  if (f.contains("ingressSelector") && !f["ingressSelector"].is_null()) {
    Result<kube::LabelSelector> s = kube::ParseLabelSelector(f["ingressSelector"], "spec.failover.ingressSelector");
    if (!s.ok()) return s.error();
    out.ingress_selector = std::move(*s);
  }
  if (f.contains("httpRouteSelector") && !f["httpRouteSelector"].is_null()) {
    Result<kube::LabelSelector> s =
        kube::ParseLabelSelector(f["httpRouteSelector"], "spec.failover.httpRouteSelector");
    if (!s.ok()) return s.error();
    out.httproute_selector = std::move(*s);
  }
  if (f.contains("holdDown")) {
    const std::string text = f["holdDown"].is_string() ? f["holdDown"].get<std::string>() : "";
    Result<std::chrono::nanoseconds> d = ParseDuration(text);
    if (!d.ok() || d->count() < 0) {
      return Error::InvalidArgument("spec.failover.holdDown: invalid duration \"" + text + "\"");
    }
    out.hold_down = std::chrono::duration_cast<std::chrono::seconds>(*d);
  }
  if (f.contains("triggers") && f["triggers"].is_array()) {
    for (size_t i = 0; i < f["triggers"].size(); ++i) {
      const json& t = f["triggers"][i];
      const std::string name = t.is_string() ? t.get<std::string>() : "";
      if (std::find(kKnownTriggers.begin(), kKnownTriggers.end(), name) == kKnownTriggers.end()) {
        return Error::InvalidArgument("spec.failover.triggers[" + std::to_string(i) + "]: \"" + name +
                                      "\" is not a trigger reason");
      }
      out.triggers.push_back(name);
    }
  }
  if (out.triggers.empty()) out.triggers = DefaultTriggers();
  if (f.contains("confirmations")) {
    if (!f["confirmations"].is_number_integer() || f["confirmations"].get<int64_t>() < 1 ||
        f["confirmations"].get<int64_t>() > 100) {
      return Error::InvalidArgument("spec.failover.confirmations: must be an integer from 1 to 100");
    }
    out.confirmations = static_cast<int>(f["confirmations"].get<int64_t>());
  }
  const std::string failback = f.value("failback", std::string("Automatic"));
  if (failback == "Automatic") {
    out.failback = Failback::kAutomatic;
  } else if (failback == "Manual") {
    out.failback = Failback::kManual;
  } else {
    return Error::InvalidArgument("spec.failover.failback: \"" + failback + "\" is not Automatic or Manual");
  }
  return std::optional<FailoverSpec>(std::move(out));
}

}  // namespace domainguard::api
