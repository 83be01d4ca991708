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

}  // namespace domainguard::kube
