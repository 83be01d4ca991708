// The AlertChannel controller: delivers the findings of the Domains routed to a channel, and says in the
// channel's status whether it delivers. One reconcile of a channel:
//
//   1. parse spec, read its Secrets          -> unusable: Ready False InvalidSpec (message names the field)
//   2. routed Domains' findings (selection)  -> PlanNotices against status.tracked -> append to status.outbox
//   3. deliver the outbox in order, as the rate limit allows (messagesPerMinute, in memory per channel); stop at
//      the first failure (backoff 5 s, 10 s, 20 s ... 1 min before the next attempt, in memory per channel)
//   4. a test notice when the spec's generation has not been proven yet, and every spec.heartbeat
//   5. Alertmanager: re-send the firing alerts every hour (Alertmanager resolves alerts that are not refreshed)
//   6. write status once, only if it changed: Ready (Delivering / DeliveryFailed / InvalidSpec / NoDeliveryYet),
//      lastDeliveryTime, lastError, consecutiveFailures, tracked, outbox; an Event when Ready's reason changes;
//      domainguard_alert_deliveries_total{namespace,channel,result} per attempt.
//
// What was sent lives in the channel's status, not in memory, so a restart or a new leader sends nothing twice.
//
// Thread-safety: Reconcile runs on several worker threads for different keys (never two at once for one key).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "controller/api/resources.h"
#include "controller/domain/context.h"
#include "controller/kube/store.h"
#include "controller/kube/workqueue.h"
#include "controller/notify/delivery.h"

namespace domainguard::notify {

using api::kAlertChannels;

struct ChannelControllerOptions {
  std::chrono::milliseconds first_backoff{std::chrono::seconds(5)};
  std::chrono::milliseconds max_backoff{std::chrono::minutes(1)};  // alerts must resume soon after a receiver returns
  size_t outbox_cap = 200;  // notices kept while a receiver is down; the oldest are dropped beyond
  // Whether the Domain cache has listed every Domain; until then nothing is planned (an empty cache would read as
  // "every finding resolved"). Null: always synced (tests).
  std::function<bool()> domains_synced;
};

class ChannelController {
 public:
  // REQUIRES: everything borrowed outlives the controller.
  ChannelController(domain::Context ctx, kube::Store& channels, Deliverer& deliverer, ChannelControllerOptions options = {});

  kube::ReconcileResult Reconcile(const std::string& key);

  // The backoff before attempt number `failures + 1` (failures >= 1): first_backoff doubling, capped.
  std::chrono::milliseconds Backoff(int64_t failures) const;

 private:
  struct State {
    MonotonicTime next_attempt{};  // no delivery attempt before this (backoff after a failure)
    double tokens = -1;            // rate limit bucket; < 0: not yet initialised (full)
    MonotonicTime refilled{};
  };
  // Takes up to `want` tokens of the channel's bucket; returns how many were granted.
  int TakeTokens(const std::string& key, int per_minute, int want);

  domain::Context ctx_;
  kube::Store& channels_;
  Deliverer& deliverer_;
  const ChannelControllerOptions options_;
  std::mutex mu_;
  std::map<std::string, State> state_;  // guarded by mu_; by channel key
};

}  // namespace domainguard::notify
