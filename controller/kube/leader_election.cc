#include "controller/kube/leader_election.h"

#include <cstdio>
#include <ctime>

#include "controller/base/log.h"
#include "controller/base/time_format.h"

namespace domainguard::kube {

namespace {

std::optional<SystemTime> TimeField(const nlohmann::json& spec, const char* name) {
  auto it = spec.find(name);
  if (it == spec.end() || !it->is_string()) return std::nullopt;
  auto t = ParseRfc3339(it->get<std::string>());
  if (!t.ok()) return std::nullopt;
  return *t;
}

int IntField(const nlohmann::json& spec, const char* name) {
  auto it = spec.find(name);
  return it != spec.end() && it->is_number_integer() ? it->get<int>() : 0;
}

int CeilSeconds(std::chrono::milliseconds d) {
  return static_cast<int>((d.count() + 999) / 1000);
}

}  // namespace

std::string FormatMicroTime(SystemTime t) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  int64_t secs = micros / 1000000;
  int64_t frac = micros % 1000000;
  if (frac < 0) {
    frac += 1000000;
    secs -= 1;
  }
  std::string whole = FormatRfc3339(SystemTime{} + std::chrono::seconds(secs));  // "...:55Z"
  char buf[16];
  std::snprintf(buf, sizeof buf, ".%06lldZ", static_cast<long long>(frac));
  whole.pop_back();  // the 'Z'
  return whole + buf;
}

LeaseRecord LeaseRecordFromJson(const nlohmann::json& lease) {
  LeaseRecord r;
  if (!lease.is_object()) return r;
  auto it = lease.find("spec");
  if (it == lease.end() || !it->is_object()) return r;
  const nlohmann::json& spec = *it;
  if (auto h = spec.find("holderIdentity"); h != spec.end() && h->is_string()) r.holder = h->get<std::string>();
  r.lease_duration_seconds = IntField(spec, "leaseDurationSeconds");
  r.acquire_time = TimeField(spec, "acquireTime");
  r.renew_time = TimeField(spec, "renewTime");
  r.lease_transitions = IntField(spec, "leaseTransitions");
  return r;
}

void ApplyLeaseRecord(nlohmann::json& lease, const LeaseRecord& r) {
  nlohmann::json& spec = lease["spec"];
  if (!spec.is_object()) spec = nlohmann::json::object();
  spec["holderIdentity"] = r.holder;
  spec["leaseDurationSeconds"] = r.lease_duration_seconds;
  if (r.acquire_time) {
    spec["acquireTime"] = FormatMicroTime(*r.acquire_time);
  } else {
    spec.erase("acquireTime");
  }
  if (r.renew_time) {
    spec["renewTime"] = FormatMicroTime(*r.renew_time);
  } else {
    spec.erase("renewTime");
  }
  spec["leaseTransitions"] = r.lease_transitions;
}

nlohmann::json NewLease(const std::string& ns, const std::string& name, const LeaseRecord& r) {
  nlohmann::json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                          {"kind", "Lease"},
                          {"metadata", {{"name", name}, {"namespace", ns}}}};
  ApplyLeaseRecord(lease, r);
  return lease;
}

Status ValidateLeaderElectionConfig(const LeaderElectionConfig& c) {
  if (c.identity.empty()) return Error::InvalidArgument("leader election: identity is empty");
  if (c.retry_period <= std::chrono::milliseconds::zero()) {
    return Error::InvalidArgument("leader election: retry period must be positive");
  }
  if (c.renew_deadline <= c.retry_period) {
    return Error::InvalidArgument("leader election: renew deadline must be longer than the retry period");
  }
  if (c.lease_duration <= c.renew_deadline) {
    return Error::InvalidArgument("leader election: lease duration must be longer than the renew deadline");
  }
  return OkStatus();
}

LeaderDecision DecideLeadership(const ElectionState& state, const LeaseObservation& observed, MonotonicTime mono,
                                SystemTime wall, const LeaderElectionConfig& config) {
  LeaderDecision d;
  d.next = state;

  if (state.leading && mono - state.last_renewed >= config.renew_deadline) {
    d.action = LeaderAction::kLost;
    d.next.leading = false;
    d.why = "could not renew within the renew deadline";
    return d;
  }
  if (observed.kind == LeaseObservation::Kind::kError) {
    d.action = LeaderAction::kStandBy;
    d.why = "reading the lease failed";
    return d;
  }
  const int duration_s = CeilSeconds(config.lease_duration);
  if (observed.kind == LeaseObservation::Kind::kNotFound) {
    d.action = LeaderAction::kCreate;
    d.write = LeaseRecord{config.identity, duration_s, wall, wall, 0};
    d.why = "no lease yet";
    return d;
  }

  const LeaseRecord& r = observed.record;
  if (!state.observed || *state.observed != r) {
    d.next.observed = r;
    d.next.observed_at = mono;  // the record changed: its holder is alive as of now, by our clock
  }
  if (r.holder == config.identity) {
    d.action = LeaderAction::kRenew;
    d.write = LeaseRecord{config.identity, duration_s, r.acquire_time.value_or(wall), wall, r.lease_transitions};
    d.why = "we hold the lease";
    return d;
  }
  const bool valid = !r.holder.empty() &&
                     d.next.observed_at + std::chrono::seconds(r.lease_duration_seconds) > mono;
  if (valid) {
    if (state.leading) {
      d.action = LeaderAction::kLost;
      d.next.leading = false;
      d.why = "the lease is held by " + r.holder;
    } else {
      d.action = LeaderAction::kStandBy;
      d.why = "the lease is held by " + r.holder;
    }
    return d;
  }
  d.action = LeaderAction::kAcquire;
  d.write = LeaseRecord{config.identity, duration_s, wall, wall, r.lease_transitions + 1};
  d.why = r.holder.empty() ? "the lease was released" : "the lease of " + r.holder + " expired";
  return d;
}

ElectionState AfterLeaseWrite(const LeaderDecision& decision, bool ok, MonotonicTime mono) {
  ElectionState next = decision.next;
  if (!ok) return next;
  next.leading = true;
  next.last_renewed = mono;
  next.observed = decision.write;
  next.observed_at = mono;
  return next;
}

LeaseRecord ReleasedRecord(const LeaseRecord& current, SystemTime wall) {
  return LeaseRecord{"", 1, wall, wall, current.lease_transitions};
}

const char* LeaderActionName(LeaderAction a) {
  switch (a) {
    case LeaderAction::kCreate: return "create";
    case LeaderAction::kAcquire: return "acquire";
    case LeaderAction::kRenew: return "renew";
    case LeaderAction::kStandBy: return "stand_by";
    case LeaderAction::kLost: return "lost";
  }
  return "unknown";
}

LeaderElector::LeaderElector(Client& client, std::string ns, std::string name, LeaderElectionConfig config,
                             const Clock& clock, Callbacks callbacks, metrics::ControllerMetrics* metrics)
    : client_(client),
      ns_(std::move(ns)),
      name_(std::move(name)),
      config_(std::move(config)),
      clock_(clock),
      callbacks_(std::move(callbacks)),
      metrics_(metrics) {
  if (metrics_ != nullptr) metrics_->SetLeader(name_, false);
}

LeaseObservation LeaderElector::Read(nlohmann::json& object) {
  auto got = client_.Get(kLeases, ns_, name_);
  if (got.ok()) {
    object = *got;
    return {LeaseObservation::Kind::kFound, LeaseRecordFromJson(object)};
  }
  if (got.error().code == ErrorCode::kNotFound) return {LeaseObservation::Kind::kNotFound, {}};
  spdlog::warn("leader-election lease={}/{} decision=read-failed error=\"{}\"", ns_, name_, got.error().ToString());
  return {LeaseObservation::Kind::kError, {}};
}

void LeaderElector::SetLeading(bool leading) {
  leading_.store(leading);
  if (metrics_ != nullptr) metrics_->SetLeader(name_, leading);
}

Status LeaderElector::Run() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) break;
    }
    nlohmann::json object;
    LeaseObservation observed = Read(object);
    MonotonicTime mono = clock_.Monotonic();
    LeaderDecision d = DecideLeadership(state_, observed, mono, clock_.Now(), config_);
    const bool was_leading = state_.leading;
    switch (d.action) {
      case LeaderAction::kCreate:
      case LeaderAction::kAcquire:
      case LeaderAction::kRenew: {
        Result<nlohmann::json> written = Error::Internal("not written");
        if (d.action == LeaderAction::kCreate) {
          written = client_.Create(kLeases, ns_, NewLease(ns_, name_, d.write));
        } else {
          ApplyLeaseRecord(object, d.write);  // keeps metadata.resourceVersion: a concurrent writer gets 409
          written = client_.Update(kLeases, object);
        }
        // `mono` is from before the request: the deadline counts from the earliest moment the write could have
        // happened, which errs on the side of giving up early rather than leading too long.
        state_ = AfterLeaseWrite(d, written.ok(), mono);
        if (!written.ok()) {
          spdlog::info("leader-election lease={}/{} identity={} decision={}-failed error=\"{}\"", ns_, name_,
                       config_.identity, LeaderActionName(d.action), written.error().ToString());
        } else if (!was_leading) {
          spdlog::info("leader-election lease={}/{} identity={} decision=leading why=\"{}\"", ns_, name_,
                       config_.identity, d.why);
          SetLeading(true);
          if (callbacks_.on_started_leading) callbacks_.on_started_leading();
        }
        break;
      }
      case LeaderAction::kStandBy:
        state_ = d.next;
        if (observed.kind == LeaseObservation::Kind::kFound && observed.record.holder != last_holder_ &&
            !observed.record.holder.empty()) {
          last_holder_ = observed.record.holder;
          spdlog::info("leader-election lease={}/{} identity={} decision=stand-by leader={}", ns_, name_,
                       config_.identity, last_holder_);
          if (callbacks_.on_new_leader) callbacks_.on_new_leader(last_holder_);
        }
        break;
      case LeaderAction::kLost:
        state_ = d.next;
        spdlog::error("leader-election lease={}/{} identity={} decision=lost why=\"{}\"", ns_, name_,
                      config_.identity, d.why);
        SetLeading(false);
        if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading();
        return Error::Aborted("leader election lost: " + d.why);
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, config_.retry_period, [this] { return stop_; });
  }
  if (state_.leading) Release();
  return OkStatus();
}

void LeaderElector::Release() {
  // Stop work first: once released, a standby may start reconciling within a second.
  SetLeading(false);
  state_.leading = false;
  if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading();
  nlohmann::json object;
  LeaseObservation observed = Read(object);
  if (observed.kind != LeaseObservation::Kind::kFound || observed.record.holder != config_.identity) return;
  ApplyLeaseRecord(object, ReleasedRecord(observed.record, clock_.Now()));
  auto written = client_.Update(kLeases, object);
  spdlog::info("leader-election lease={}/{} identity={} decision=released ok={}", ns_, name_, config_.identity,
               written.ok());
}

void LeaderElector::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stop_ = true;
  cv_.notify_all();
}

}  // namespace domainguard::kube
