#include "controller/notify/channel_controller.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "controller/api/conditions.h"
#include "controller/base/time_format.h"
#include "controller/domain/domain_object.h"
#include "controller/domain/inputs.h"
#include "controller/domain/status_part.h"
#include "controller/kube/conditions.h"
#include "controller/notify/reasons.h"
#include "controller/notify/routing.h"

namespace domainguard::notify {

using nlohmann::json;

namespace {

std::chrono::nanoseconds Ns(std::chrono::milliseconds d) { return std::chrono::duration_cast<std::chrono::nanoseconds>(d); }

std::optional<SystemTime> TimeField(const json& status, const char* field) {
  if (!status.is_object() || !status.contains(field) || !status[field].is_string()) return std::nullopt;
  Result<SystemTime> t = ParseRfc3339(status[field].get<std::string>());
  return t.ok() ? std::optional<SystemTime>(*t) : std::nullopt;
}

// The findings of the Domains routed to this channel that it delivers.
std::vector<ObservedFinding> Observe(const std::vector<json>& domains, const json& channel, const ChannelSpec& spec) {
  std::vector<ObservedFinding> out;
  const std::string self_failing = "AlertChannel " + kube::Name(channel) + ":";
  for (const json& d : domains) {
    if (!RoutesTo(d, channel, spec)) continue;
    const json& status = domain::StatusOf(d);
    if (!status.contains("findings") || !status["findings"].is_array()) continue;
    for (const json& f : status["findings"]) {
      if (!f.is_object()) continue;
      const std::string reason = f.value("reason", "");
      const std::string severity = f.value("severity", "");
      const std::string message = f.value("message", "");
      // NoAlertChannel is only ever true of a Domain whose channels all fail, this one included: nothing to say.
      if (reason.empty() || reason == kReasonNoAlertChannel) continue;
      // Telling a channel that it is failing is noise once it works again; the other channels tell it.
      if (reason == kReasonAlertChannelFailing && message.rfind(self_failing, 0) == 0 &&
          message.find("; AlertChannel ") == std::string::npos) {
        continue;
      }
      if (!spec.Wants(reason, severity)) continue;
      std::string zone = domain::CanonicalZone(d);
      if (!zone.empty() && zone.back() == '.') zone.pop_back();  // people write example.com, not example.com.
      out.push_back({kube::Name(d), zone, reason, severity, message, f.value("since", "")});
    }
  }
  return out;
}

}  // namespace

ChannelController::ChannelController(domain::Context ctx, kube::Store& channels, Deliverer& deliverer,
                                     ChannelControllerOptions options)
    : ctx_(ctx), channels_(channels), deliverer_(deliverer), options_(options) {}

std::chrono::milliseconds ChannelController::Backoff(int64_t failures) const {
  std::chrono::milliseconds d = options_.first_backoff;
  for (int64_t i = 1; i < failures && d < options_.max_backoff; ++i) d *= 2;
  return std::min(d, options_.max_backoff);
}

int ChannelController::TakeTokens(const std::string& key, int per_minute, int want) {
  std::lock_guard<std::mutex> lock(mu_);
  State& s = state_[key];
  const MonotonicTime now = ctx_.clock.Monotonic();
  if (s.tokens < 0) {
    s.tokens = per_minute;
  } else {
    const double elapsed = std::chrono::duration<double>(now - s.refilled).count();
    s.tokens = std::min<double>(per_minute, s.tokens + elapsed * per_minute / 60.0);
  }
  s.refilled = now;
  const int granted = std::min(want, static_cast<int>(s.tokens));
  s.tokens -= granted;
  return granted;
}

kube::ReconcileResult ChannelController::Reconcile(const std::string& key) {
  std::optional<json> obj = channels_.Get(key);
  if (!obj) {
    std::lock_guard<std::mutex> lock(mu_);
    state_.erase(key);
    return {};
  }
  if (options_.domains_synced && !options_.domains_synced()) {
    return {OkStatus(), std::chrono::nanoseconds(std::chrono::seconds(1))};
  }
  const ChannelRef ref{kube::Namespace(*obj), kube::Name(*obj)};
  const int64_t generation = kube::Generation(*obj);
  const json status = obj->value("status", json::object());
  const SystemTime now = ctx_.clock.Now();

  int64_t failures = status.is_object() ? status.value("consecutiveFailures", int64_t{0}) : 0;
  std::string last_error = status.is_object() ? status.value("lastError", "") : "";
  std::optional<SystemTime> last_delivery = TimeField(status, "lastDeliveryTime");
  std::optional<SystemTime> last_test = TimeField(status, "lastTestTime");
  std::optional<SystemTime> last_refresh = TimeField(status, "lastRefreshTime");
  int64_t tested_generation = status.is_object() ? status.value("testedGeneration", int64_t{0}) : 0;
  int64_t dropped = status.is_object() ? status.value("droppedNotices", int64_t{0}) : 0;
  std::vector<TrackedFinding> tracked = TrackedFromStatus(status);
  std::vector<Notice> outbox = OutboxFromStatus(status);

  kube::Condition ready;
  ready.type = std::string(api::kReady);
  ready.observed_generation = generation;
  std::optional<std::chrono::milliseconds> requeue;
  std::string type_name;

  Result<ChannelSpec> spec = ParseChannelSpec(obj->value("spec", json::object()));
  Result<ChannelSecrets> secrets = Error::Internal("unset");
  if (spec.ok()) {
    type_name = std::string(ChannelTypeName(spec->type));
    providers::SecretLookup lookup = domain::SecretLookupIn(ctx_.client, ref.namespace_);
    secrets = ResolveSecrets(*spec, [&lookup](const std::string& n, const std::string& k) { return lookup(n, k); });
  }
  if (!spec.ok() || !secrets.ok()) {
    ready.status = std::string(kube::kConditionFalse);
    ready.reason = std::string(kReasonInvalidSpec);
    ready.message = spec.ok() ? secrets.error().message : spec.error().message;
    // Secrets are not watched: look again in a while (a missing one may be created).
    if (spec.ok()) requeue = std::chrono::seconds(30);
  } else {
    // 2. Findings -> outbox.
    std::vector<json> domains = ctx_.domains.ByIndex(kube::kNamespaceIndex, ref.namespace_);
    NoticePlan plan = PlanNotices(tracked, Observe(domains, *obj, *spec), now);
    tracked = std::move(plan.tracked);
    const int lost = AppendToOutbox(outbox, plan.notices, options_.outbox_cap);
    if (lost > 0) {
      dropped += lost;
      spdlog::warn("alertchannel channel={} decision=drop-oldest notices={} cap={}", key, lost, options_.outbox_cap);
    }
    for (const Notice& n : plan.notices) {
      spdlog::info("alertchannel channel={} domain={}/{} decision=queue status={} reason={} severity={}", key,
                   ref.namespace_, n.domain, n.status, n.reason, n.severity);
    }

    // 3-5. Deliver, unless backing off after a failure.
    const MonotonicTime mono = ctx_.clock.Monotonic();
    MonotonicTime next_attempt;
    {
      std::lock_guard<std::mutex> lock(mu_);
      next_attempt = state_[key].next_attempt;
    }
    const bool test_due = tested_generation != generation ||
                          (spec->heartbeat && (!last_test || now - *last_test >= *spec->heartbeat));
    const bool refresh_due = spec->type == ChannelType::kAlertmanager &&
                             (!last_refresh || now - *last_refresh >= kAlertmanagerRefresh) &&
                             !tracked.empty();
    bool failed = false;
    if (mono < next_attempt) {
      requeue = std::chrono::duration_cast<std::chrono::milliseconds>(next_attempt - mono) +
                std::chrono::milliseconds(10);
    } else {
      auto attempt = [&](const std::vector<Notice>& batch, const char* what) {
        Status s = deliverer_.Send(*spec, *secrets, ref, batch, now);
        ctx_.metrics.CountAlertDelivery(ref.namespace_, ref.name, s.ok() ? "success" : "failure");
        if (s.ok()) {
          failures = 0;
          last_delivery = now;
          spdlog::info("alertchannel channel={} type={} decision=delivered what={} id={}", key, type_name, what,
                       batch.front().id);
          return true;
        }
        ++failures;
        last_error = s.error().message;
        failed = true;
        const std::chrono::milliseconds wait = Backoff(failures);
        {
          std::lock_guard<std::mutex> lock(mu_);
          state_[key].next_attempt = ctx_.clock.Monotonic() + wait;
        }
        requeue = wait;
        spdlog::warn("alertchannel channel={} type={} decision=delivery-failed what={} failures={} retry_in_ms={} "
                     "error=\"{}\"",
                     key, type_name, what, failures, wait.count(), last_error);
        return false;
      };
      int budget = TakeTokens(key, spec->messages_per_minute,
                              static_cast<int>(outbox.size()) + (test_due ? 1 : 0) + (refresh_due ? 1 : 0));
      size_t sent = 0;
      while (sent < outbox.size() && budget > 0 && !failed) {
        if (!attempt({outbox[sent]}, "notice")) break;
        ++sent;
        --budget;
      }
      outbox.erase(outbox.begin(), outbox.begin() + static_cast<std::ptrdiff_t>(sent));
      if (!failed && test_due && budget > 0) {
        if (attempt({TestNotice(ref, now)}, "test")) {
          last_test = now;
          tested_generation = generation;
          --budget;
        }
      }
      if (!failed && refresh_due && budget > 0) {
        std::vector<Notice> firing;
        for (const TrackedFinding& t : tracked) {
          Notice n;
          n.status = "firing";
          n.domain = t.domain;
          n.zone = t.zone;
          n.reason = t.reason;
          n.severity = t.severity;
          n.since = t.since;
          n.message = t.reason + " still reported";
          n.id = t.domain + "/" + t.reason + "/refresh";
          firing.push_back(std::move(n));
        }
        if (attempt(firing, "refresh")) last_refresh = now;
      }
      if (!failed && (!outbox.empty() || (test_due && tested_generation != generation))) {
        requeue = std::chrono::seconds(60) / spec->messages_per_minute + std::chrono::milliseconds(10);
      }
    }
    if (!failed && !requeue) {
      std::optional<std::chrono::milliseconds> next;
      auto sooner = [&](std::chrono::milliseconds d) { next = next ? std::min(*next, d) : d; };
      if (spec->heartbeat && last_test) {
        sooner(std::chrono::duration_cast<std::chrono::milliseconds>(*last_test + *spec->heartbeat - now));
      }
      if (spec->type == ChannelType::kAlertmanager && !tracked.empty()) {
        sooner(std::chrono::duration_cast<std::chrono::milliseconds>(kAlertmanagerRefresh));
      }
      if (next) requeue = std::max(*next, std::chrono::milliseconds(1000));
    }

    if (failures > 0) {
      ready.status = std::string(kube::kConditionFalse);
      ready.reason = std::string(kReasonDeliveryFailed);
      ready.message = std::to_string(failures) + " attempt(s) failed in a row: " + last_error;
    } else if (last_delivery) {
      ready.status = std::string(kube::kConditionTrue);
      ready.reason = std::string(kReasonDelivering);
      ready.message = "last delivery " + FormatRfc3339(*last_delivery);
    } else {
      ready.status = std::string(kube::kConditionUnknown);
      ready.reason = std::string(kReasonNoDeliveryYet);
      ready.message = "nothing delivered yet";
    }
  }

  // 6. Status, once, if it changed.
  std::optional<kube::Condition> before = kube::FindCondition(status, api::kReady);
  domain::StatusPart part;
  part.field_manager = kAlertChannelFieldManager;
  part.fields["type"] = type_name;
  part.fields["observedGeneration"] = generation;
  part.fields["consecutiveFailures"] = failures;
  part.fields["lastError"] = last_error;
  if (last_delivery) part.fields["lastDeliveryTime"] = FormatRfc3339(*last_delivery);
  if (last_test) part.fields["lastTestTime"] = FormatRfc3339(*last_test);
  if (last_refresh) part.fields["lastRefreshTime"] = FormatRfc3339(*last_refresh);
  part.fields["testedGeneration"] = tested_generation;
  part.fields["droppedNotices"] = dropped;
  json tracked_json = json::array();
  for (const TrackedFinding& t : tracked) tracked_json.push_back(t.ToJson());
  part.fields["tracked"] = std::move(tracked_json);
  json outbox_json = json::array();
  for (const Notice& n : outbox) outbox_json.push_back(n.ToJson());
  part.fields["outbox"] = std::move(outbox_json);
  part.conditions.push_back(ready);
  Result<bool> wrote = domain::WriteStatusPart(ctx_.client, kAlertChannels, *obj, part, ctx_.clock);
  if (!wrote.ok()) {
    if (wrote.error().code == ErrorCode::kNotFound) return {};
    spdlog::warn("alertchannel channel={} decision=retry-status error=\"{}\"", key, wrote.error().ToString());
    return {wrote.error(), std::nullopt};
  }
  if (!before || before->reason != ready.reason) {
    ctx_.events.Record(domain::EventSubject(*obj, kAlertChannels),
                       ready.status == kube::kConditionFalse ? kube::kEventWarning : kube::kEventNormal, ready.reason,
                       ready.message);
    spdlog::info("alertchannel channel={} decision=ready status={} reason={} message=\"{}\"", key, ready.status,
                 ready.reason, ready.message);
  }
  if (!requeue) return {};
  return {OkStatus(), Ns(*requeue)};
}

}  // namespace domainguard::notify
