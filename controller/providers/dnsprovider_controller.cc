#include "controller/providers/dnsprovider_controller.h"

#include <spdlog/spdlog.h>

#include "controller/api/conditions.h"
#include "controller/api/resources.h"
#include "controller/domain/domain_object.h"
#include "controller/domain/inputs.h"
#include "controller/domain/status_part.h"
#include "controller/kube/conditions.h"

namespace domainguard::providers {

using nlohmann::json;

DnsProviderController::DnsProviderController(domain::Context ctx, kube::Store& providers,
                                             ProviderRegistry& registry, DnsProviderControllerOptions options)
    : ctx_(ctx), providers_(providers), registry_(registry), options_(options) {}

kube::Condition DnsProviderController::ProbeReady(const json& obj) {
  const std::string key = kube::ObjectKey(obj);
  const int64_t generation = kube::Generation(obj);
  const MonotonicTime now = ctx_.clock.Monotonic();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = probes_.find(key);
    if (it != probes_.end() && it->second.generation == generation && now - it->second.at < options_.probe_reuse) {
      return it->second.ready;
    }
  }
  const std::string ns = kube::Namespace(obj);
  const std::string name = kube::Name(obj);
  kube::Condition ready;
  ready.type = std::string(api::kReady);
  ready.observed_generation = generation;
  ProviderRegistry::Entry built = registry_.Get(obj);
  std::optional<SerialPoller::Round> round = built.poller ? built.poller->LastRound() : std::nullopt;
  if (!built.provider) {
    ready.status = std::string(kube::kConditionFalse);
    ready.reason = std::string(kReasonInvalidSpec);
    ready.message = built.error;
  } else if (round && now - round->at < options_.interval) {
    // The serial poller asked this provider lately: its answer is the probe's.
    const bool answered = round->error.empty();
    ready.status = std::string(answered ? kube::kConditionTrue : kube::kConditionFalse);
    ready.reason = std::string(answered ? kReasonReachable : kReasonUnreachable);
    ready.message = answered ? "the provider answers" : round->error;
  } else {
    Result<uint32_t> probe = built.uncounted->Serial(kProbeZone);
    const bool answered = probe.ok() || probe.error().code == ErrorCode::kNotFound;
    ctx_.metrics.CountProviderRequest(ns, name, "probe", answered ? "ok" : std::string(ErrorCodeName(probe.error().code)));
    ready.status = std::string(answered ? kube::kConditionTrue : kube::kConditionFalse);
    ready.reason = std::string(answered ? kReasonReachable : kReasonUnreachable);
    ready.message = answered ? "the provider answers" : probe.error().ToString();
  }
  std::lock_guard<std::mutex> lock(mu_);
  probes_[key] = Probe{generation, now, ready};
  return ready;
}

kube::ReconcileResult DnsProviderController::Reconcile(const std::string& key) {
  std::optional<json> obj = providers_.Get(key);
  if (!obj) {
    const size_t slash = key.find('/');
    if (slash != std::string::npos) ctx_.metrics.ForgetProvider(key.substr(0, slash), key.substr(slash + 1));
    registry_.Forget(key);
    std::lock_guard<std::mutex> lock(mu_);
    probes_.erase(key);
    return {};
  }
  const std::string ns = kube::Namespace(*obj);
  const std::string name = kube::Name(*obj);
  const json spec = obj->value("spec", json::object());
  const std::string type = spec.is_object() && spec.contains("powerdns")  ? "powerdns"
                           : spec.is_object() && spec.contains("rfc2136") ? "rfc2136"
                                                                          : "";
  const kube::Condition ready = ProbeReady(*obj);

  const json status = obj->value("status", json::object());
  std::optional<kube::Condition> before = kube::FindCondition(status, api::kReady);
  domain::StatusPart part;
  part.field_manager = kDnsProviderFieldManager;
  part.fields["type"] = type;
  part.fields["zones"] = domain::DomainsUsingProvider(ctx_.domains, ns, name).size();
  part.fields["observedGeneration"] = kube::Generation(*obj);
  part.conditions.push_back(ready);
  Result<bool> wrote = domain::WriteStatusPart(ctx_.client, api::kDnsProviders, *obj, part, ctx_.clock);
  if (!wrote.ok()) {
    if (wrote.error().code == ErrorCode::kNotFound) return {};
    return {wrote.error(), std::nullopt};
  }
  if (!before || before->reason != ready.reason) {
    ctx_.events.Record(domain::EventSubject(*obj, api::kDnsProviders), ready.status == kube::kConditionTrue ? kube::kEventNormal : kube::kEventWarning,
                       ready.reason, ready.message);
    spdlog::info("dnsprovider provider={} decision=ready status={} reason={} message=\"{}\"", key, ready.status,
                 ready.reason, ready.message);
  }
  auto next = ready.status == kube::kConditionTrue ? options_.interval : options_.retry;
  return {OkStatus(), std::chrono::duration_cast<std::chrono::nanoseconds>(next)};
}

}  // namespace domainguard::providers
