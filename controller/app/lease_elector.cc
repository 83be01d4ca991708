#include "controller/app/lease_elector.h"

#include <spdlog/spdlog.h>

namespace domainguard::app {

LeaseElector::LeaseElector(kube::Client& client, std::string ns, std::string name, kube::LeaderElectionConfig config,
                           const Clock& clock, LeaseElectorCallbacks callbacks)
    : client_(client),
      ns_(std::move(ns)),
      name_(std::move(name)),
      config_(std::move(config)),
      clock_(clock),
      callbacks_(std::move(callbacks)) {}

void LeaseElector::Run() {
  spdlog::info("leader-election lease={}/{} identity={} decision=start lease_duration={}ms renew_deadline={}ms "
               "retry_period={}ms",
               ns_, name_, config_.identity, config_.lease_duration.count(), config_.renew_deadline.count(),
               config_.retry_period.count());
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
    }
    if (!Attempt()) return;
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, config_.retry_period, [&] { return stop_; })) return;
  }
}

void LeaseElector::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stop_ = true;
  cv_.notify_all();
}

bool LeaseElector::Attempt() {
  kube::LeaseObservation obs;
  Result<kube::json> got = client_.Get(kube::kLeases, ns_, name_);
  if (got.ok()) {
    obs.kind = kube::LeaseObservation::Kind::kFound;
    obs.record = kube::LeaseRecordFromJson(*got);
    last_lease_ = std::move(got.value());
  } else if (got.error().code == ErrorCode::kNotFound) {
    obs.kind = kube::LeaseObservation::Kind::kNotFound;
  } else {
    obs.kind = kube::LeaseObservation::Kind::kError;
    spdlog::warn("leader-election lease={}/{} decision=read_failed error=\"{}\"", ns_, name_, got.error().ToString());
  }

  const bool was_leading = state_.leading;
  kube::LeaderDecision d = kube::DecideLeadership(state_, obs, clock_.Monotonic(), clock_.Now(), config_);

  bool write_ok = false;
  std::string write_error;
  switch (d.action) {
    case kube::LeaderAction::kCreate: {
      Result<kube::json> created = client_.Create(kube::kLeases, ns_, kube::NewLease(ns_, name_, d.write));
      write_ok = created.ok();
      if (created.ok()) last_lease_ = std::move(created.value());
      else write_error = created.error().ToString();
      break;
    }
    case kube::LeaderAction::kAcquire:
    case kube::LeaderAction::kRenew: {
      kube::json lease = last_lease_;
      kube::ApplyLeaseRecord(lease, d.write);
      Result<kube::json> updated = client_.Update(kube::kLeases, lease);
      write_ok = updated.ok();
      if (updated.ok()) last_lease_ = std::move(updated.value());
      else write_error = updated.error().ToString();
      break;
    }
    case kube::LeaderAction::kStandBy:
    case kube::LeaderAction::kLost:
      break;
  }

  const bool writes = d.action == kube::LeaderAction::kCreate || d.action == kube::LeaderAction::kAcquire ||
                      d.action == kube::LeaderAction::kRenew;
  state_ = writes ? kube::AfterLeaseWrite(d, write_ok, clock_.Monotonic()) : d.next;

  // One line per decision that changes something: renewals and steady standby are quiet (debug).
  const std::string holder = obs.kind == kube::LeaseObservation::Kind::kFound ? obs.record.holder : "";
  const bool changed = d.action != last_action_ || holder != last_holder_ || (writes && !write_ok);
  last_action_ = d.action;
  last_holder_ = holder;
  if (writes && !write_ok) {
    spdlog::warn("leader-election lease={}/{} identity={} decision={} outcome=write_failed why=\"{}\" error=\"{}\"",
                 ns_, name_, config_.identity, kube::LeaderActionName(d.action), d.why, write_error);
  } else if (changed && d.action != kube::LeaderAction::kRenew) {
    spdlog::info("leader-election lease={}/{} identity={} decision={} holder={} why=\"{}\"", ns_, name_,
                 config_.identity, kube::LeaderActionName(d.action), holder.empty() ? "-" : holder, d.why);
  } else {
    spdlog::debug("leader-election lease={}/{} identity={} decision={} why=\"{}\"", ns_, name_, config_.identity,
                  kube::LeaderActionName(d.action), d.why);
  }

  if (d.action == kube::LeaderAction::kLost) {
    leading_.store(false);
    spdlog::error("leader-election lease={}/{} identity={} decision=lost why=\"{}\"", ns_, name_, config_.identity,
                  d.why);
    if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading(d.why);
    return false;
  }
  if (!was_leading && state_.leading) {
    leading_.store(true);
    spdlog::info("leader-election lease={}/{} identity={} decision=leading transitions={}", ns_, name_,
                 config_.identity, d.write.lease_transitions);
    if (callbacks_.on_started_leading) callbacks_.on_started_leading();
  }
  return true;
}

Status LeaseElector::Release() {
  if (!state_.leading) return OkStatus();
  kube::json lease = last_lease_;
  kube::LeaseRecord current = kube::LeaseRecordFromJson(lease);
  kube::ApplyLeaseRecord(lease, kube::ReleasedRecord(current, clock_.Now()));
  Result<kube::json> updated = client_.Update(kube::kLeases, lease);
  state_.leading = false;
  leading_.store(false);
  if (!updated.ok()) {
    spdlog::warn("leader-election lease={}/{} identity={} decision=release outcome=failed error=\"{}\"", ns_, name_,
                 config_.identity, updated.error().ToString());
    return updated.error();
  }
  spdlog::info("leader-election lease={}/{} identity={} decision=released", ns_, name_, config_.identity);
  return OkStatus();
}

}  // namespace domainguard::app
