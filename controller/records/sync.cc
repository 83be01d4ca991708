#include "controller/records/sync.h"

#include <algorithm>
#include <thread>

#include "controller/records/reasons.h"
#include "controller/records/serial.h"

namespace domainguard::records {
namespace {

constexpr int kMaxAttempts = 3;  // re-read and re-plan after kAborted (a concurrent change at the provider)
constexpr size_t kMaxListed = 5; // changes/rrsets listed in one message

std::string JoinFirst(const std::vector<std::string>& items, size_t n) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < n; ++i) {
    if (i > 0) out += "; ";
    out += items[i];
  }
  if (items.size() > n) out += "; and " + std::to_string(items.size() - n) + " more";
  return out;
}

bool IsProviderTrouble(ErrorCode c) {
  return c == ErrorCode::kUnavailable || c == ErrorCode::kDeadlineExceeded || c == ErrorCode::kUnauthenticated ||
         c == ErrorCode::kPermissionDenied || c == ErrorCode::kAborted || c == ErrorCode::kNotFound ||
         c == ErrorCode::kCancelled || c == ErrorCode::kInternal;
}

int Severity(std::string_view reason) {
  if (reason == reasons::kInvalidRecord) return 5;
  if (reason == reasons::kChangeBlocked) return 4;
  if (reason == reasons::kZoneConflict) return 3;
  if (reason == reasons::kForeignRecordKept) return 2;
  if (reason == reasons::kProviderUnavailable) return 1;
  return 0;
}

}  // namespace

Decision DecideProvider(const std::string& provider, const Result<zone::DesiredZone>& desired,
                        const Result<ObservedZone>& observed, const SyncPolicy& policy,
                        const std::optional<ProviderStatus>& previous, int64_t previous_generation) {
  Decision d;
  d.status.name = provider;
  if (previous) {
    d.status.last_sync_time = previous->last_sync_time;
    d.status.serial = previous->serial;
  }
  // 1. An invalid spec writes nothing anywhere: deleting what is served because of a typo would take a site down.
  if (!desired.ok()) {
    d.status.reason = std::string(reasons::kInvalidRecord);
    d.status.message = desired.error().message;
    d.events.push_back({d.status.reason, desired.error().message, true});
    return d;
  }
  // 2. An unreadable provider keeps whatever was pending; the next pass recomputes it from the desired state.
  if (!observed.ok()) {
    d.status.reason = std::string(reasons::kProviderUnavailable);
    d.status.message = "reading zone " + desired->origin + ": " + observed.error().ToString();
    d.status.pending_changes = previous ? previous->pending_changes : 0;
    if (previous) d.status.adopted = previous->adopted;
    d.events.push_back({d.status.reason, provider + ": " + d.status.message, true});
    return d;
  }
  // 3. Plan, with what this Domain adopted there earlier (status.providers[].adopted) counted as its own.
  ObservedZone seen = *observed;
  if (previous && !previous->adopted.empty()) {
    for (ObservedRRset& o : seen.rrsets) {
      if (o.owner.empty() &&
          std::binary_search(previous->adopted.begin(), previous->adopted.end(), zone::KeyOf(o.rrset))) {
        o.adopted = true;
      }
    }
  }
  Plan plan = ComputePlan(*desired, seen, policy.plan);
  d.status.adopted = plan.adopted;
  d.status.serial = observed->version.serial;
  std::vector<std::string> conflict_messages;
  for (const Conflict& c : plan.conflicts) {
    conflict_messages.push_back(c.message);
    d.events.push_back({c.reason, provider + ": " + c.message, true});
  }
  if (!plan.foreign_kept.empty()) {
    std::vector<std::string> kept;
    for (const ObservedRRset& o : plan.foreign_kept) kept.push_back(zone::KeyOf(o.rrset));
    d.events.push_back({std::string(reasons::kForeignRecordKept),
                        provider + ": kept " + std::to_string(kept.size()) +
                            " rrsets domainguard did not write (ownership Records): " + JoinFirst(kept, kMaxListed),
                        false});
  }
  const std::string conflict_text = JoinFirst(conflict_messages, kMaxListed);
  if (plan.changes.empty()) {
    d.status.pending_changes = 0;
    if (!plan.conflicts.empty()) {
      d.status.reason = plan.conflicts.front().reason;
      d.status.message = conflict_text;
    } else {
      d.status.synced = true;
      d.status.reason = std::string(reasons::kSynced);
    }
    return d;
  }
  d.changes = std::move(plan.changes);
  d.status.pending_changes = d.changes.size();
  // 4. Safety.
  SafetyVerdict v = EvaluateSafety(d.changes, seen, policy.plan, policy.safety);
  if (v.blocked) {
    d.action = Action::kHold;
    d.status.reason = std::string(reasons::kChangeBlocked);
    d.status.message = v.message;
    d.events.push_back({d.status.reason, provider + ": " + v.message, true});
    return d;
  }
  d.action = Action::kApply;
  const bool drift = previous && previous->synced && previous_generation == policy.safety.generation;
  d.status.reason = std::string(drift ? reasons::kDriftRepaired : reasons::kSynced);
  d.status.message = v.approved ? v.message : conflict_text;
  if (!plan.conflicts.empty()) d.status.reason = plan.conflicts.front().reason;
  return d;
}

bool CreateBeforeRead(bool provider_creates_zones, const std::optional<ProviderStatus>& previous) {
  return provider_creates_zones && !previous.has_value();
}

namespace {

// The outcome of a write the provider refused or could not take: the plan's changes stay pending.
ProviderOutcome WriteFailed(ProviderOutcome out, Decision d, const Error& error, const std::string& what) {
  const std::string name = d.status.name;
  out.status = std::move(d.status);
  out.status.synced = false;
  out.status.reason = std::string(IsProviderTrouble(error.code) ? reasons::kProviderUnavailable
                                                                : reasons::kInvalidRecord);
  out.status.message = what + ": " + error.ToString();
  out.events.push_back({out.status.reason, name + ": " + out.status.message, true});
  return out;
}

ProviderOutcome RunProvider(providers::Provider* p, const zone::DesiredZone& desired, const SyncPolicy& policy,
                            const std::optional<ProviderStatus>& previous, int64_t previous_generation,
                            const Clock& clock) {
  ProviderOutcome out;
  const std::string name = p->Name();
  for (int attempt = 1;; ++attempt) {
    // A zone nothing says is there is created at once (CreateBeforeRead); anything but success is read after.
    const bool create_first = attempt == 1 && CreateBeforeRead(p->CreatesZones(), previous);
    Result<ObservedZone> observed = create_first ? Result<ObservedZone>(Error::NotFound("created before reading"))
                                                 : p->ReadZone(desired.origin);
    // An absent zone is planned as an empty one and created with all of it in one call.
    const bool absent = !observed.ok() && observed.error().code == ErrorCode::kNotFound;
    if (absent) observed = ObservedZone{desired.origin, {}, {}};
    // A serial behind the one last seen there went backwards behind domainguard's back (a restore of old data, a
    // hand edit): secondaries stop transferring until it passes the highest one they hold. Raise it past that one
    // first; no record changes (records/serial.h).
    if (observed.ok() && !absent && attempt == 1 && previous) {
      if (std::optional<uint32_t> target = SerialRepairTarget(previous->serial, observed->version.serial)) {
        std::string msg = name + ": the zone's serial went back from " + std::to_string(previous->serial) + " to " +
                          std::to_string(observed->version.serial) +
                          " behind domainguard's back (secondaries stop transferring until it passes " +
                          std::to_string(previous->serial) + ")";
        Result<uint32_t> raised = p->RaiseSerial(desired.origin, *target, observed->version);
        if (raised.ok()) {
          observed = p->ReadZone(desired.origin);
          msg += "; raised to " + (observed.ok() ? std::to_string(observed->version.serial) : std::to_string(*target)) +
                 ", no record changed";
        } else {
          msg += "; raising it to " + std::to_string(*target) + " failed: " + raised.error().ToString();
        }
        out.events.push_back({std::string(reasons::kSerialDrift), msg, true});
        out.serial_repair = msg;
        if (!observed.ok() && observed.error().code == ErrorCode::kNotFound) continue;
      }
    }
    Decision d = DecideProvider(name, desired, observed, policy, previous, previous_generation);
    out.events.insert(out.events.end(), d.events.begin(), d.events.end());
    if (observed.ok() && !absent) out.observed = *observed;
    if (absent && d.action == Action::kNone && d.status.synced) d.action = Action::kApply;  // an empty zone, still
    if (d.action != Action::kApply) {
      out.status = std::move(d.status);
      // Found in sync without a write: still in sync since it last came into sync (lastSyncTime kept), or in
      // sync from now on.
      const bool stayed = previous && previous->synced && out.status.last_sync_time.has_value();
      if (out.status.synced && !stayed) out.status.last_sync_time = clock.Now();
      return out;
    }
    // 5. Write, then look at what the provider holds now.
    Result<ObservedZone> after = Error::Internal("not written");
    if (absent) {
      after = p->CreateZone(desired.origin, d.changes);
      if (!after.ok()) {
        // Created before reading and refused (409: the zone is there after all), or not answered: the read
        // decides, and reports what it finds, as for any zone.
        if (create_first) continue;
        if (after.error().code == ErrorCode::kAlreadyExists && attempt < kMaxAttempts) continue;  // read it
        const Error e = after.error().code == ErrorCode::kFailedPrecondition
                            ? Error::Unavailable(after.error().message)  // a person must add it; keep pending
                            : after.error();
        return WriteFailed(std::move(out), std::move(d), e,
                           "creating zone " + desired.origin + " with " + std::to_string(d.changes.size()) +
                               " rrsets");
      }
    } else {
      Result<uint32_t> applied = p->Apply(desired.origin, d.changes, observed->version);
      if (!applied.ok()) {
        if (applied.error().code == ErrorCode::kAborted && attempt < kMaxAttempts) continue;  // re-read, re-plan
        return WriteFailed(std::move(out), std::move(d), applied.error(),
                           "applying " + std::to_string(d.changes.size()) + " changes");
      }
      // 6. Re-read: servers may answer success yet ignore an update (field notes: BIND drops a CNAME beside other
      // data, or the last apex NS). What did not stick is reported, not assumed.
      after = p->ReadZone(desired.origin);
    }
    out.applied = DescribeChanges(d.changes);
    Decision check = DecideProvider(name, desired, after, policy, std::nullopt, 0);
    out.status = check.status;
    out.status.last_sync_time = d.status.last_sync_time;
    out.observed = after.ok() ? std::optional<ObservedZone>(*after) : std::nullopt;
    if (!after.ok()) {
      out.status.pending_changes = 0;
      out.status.message = "wrote " + std::to_string(d.changes.size()) + " changes, then " + out.status.message;
      return out;
    }
    if (check.action == Action::kNone && check.status.synced) {
      out.status.reason = d.status.reason;  // Synced or DriftRepaired
      out.status.message = d.status.message;
      out.status.last_sync_time = clock.Now();
      if (d.status.reason == reasons::kDriftRepaired) {
        out.events.push_back({std::string(reasons::kDriftRepaired),
                              name + ": repaired " + std::to_string(d.changes.size()) +
                                  " rrsets changed outside domainguard" + (absent ? " (the zone was gone)" : "") +
                                  ": " + JoinFirst(out.applied, kMaxListed),
                              false});
      }
      return out;
    }
    if (check.action == Action::kNone) return out;  // conflicts remain: status already says which
    out.status.synced = false;
    out.status.reason = std::string(reasons::kInvalidRecord);
    out.status.message = "the provider answered success but did not apply: " +
                         JoinFirst(DescribeChanges(check.changes), kMaxListed);
    out.events.push_back({out.status.reason, name + ": " + out.status.message, true});
    return out;
  }
}

}  // namespace

std::vector<ProviderOutcome> SyncZone(const Result<zone::DesiredZone>& desired,
                                      const std::vector<providers::Provider*>& providers, const SyncPolicy& policy,
                                      const std::vector<ProviderStatus>& previous, int64_t previous_generation,
                                      const Clock& clock) {
  std::vector<ProviderOutcome> outcomes(providers.size());
  auto previous_of = [&](const std::string& name) -> std::optional<ProviderStatus> {
    for (const ProviderStatus& s : previous) {
      if (s.name == name) return s;
    }
    return std::nullopt;
  };
  if (!desired.ok()) {
    for (size_t i = 0; i < providers.size(); ++i) {
      const std::string name = providers[i]->Name();
      Decision d = DecideProvider(name, desired, Error::Internal("not read"), policy, previous_of(name),
                                  previous_generation);
      outcomes[i].status = d.status;
      if (i == 0) outcomes[i].events = d.events;  // one event for the Domain, not one per provider
    }
    return outcomes;
  }
  auto run = [&](size_t i) {
    outcomes[i] =
        RunProvider(providers[i], *desired, policy, previous_of(providers[i]->Name()), previous_generation, clock);
  };
  // The first provider on the caller's thread, each other on its own: as independent as a thread each (the pass
  // waits for every one either way), one thread fewer to start per pass (issue #14: two per new Domain).
  std::vector<std::thread> threads;
  threads.reserve(providers.size());
  for (size_t i = 1; i < providers.size(); ++i) threads.emplace_back(run, i);
  if (!providers.empty()) run(0);
  for (std::thread& t : threads) t.join();
  return outcomes;
}

RecordsCondition SummarizeRecords(const std::vector<ProviderStatus>& statuses) {
  RecordsCondition c;
  c.synced = std::all_of(statuses.begin(), statuses.end(), [](const ProviderStatus& s) { return s.synced; });
  const ProviderStatus* worst = nullptr;
  for (const ProviderStatus& s : statuses) {
    if (s.synced) continue;
    if (!worst || Severity(s.reason) > Severity(worst->reason)) worst = &s;
  }
  if (worst) {
    c.reason = worst->reason;
    c.message = worst->name + ": " + worst->message;
    return c;
  }
  c.reason = std::string(reasons::kSynced);
  for (const ProviderStatus& s : statuses) {
    if (s.reason == reasons::kDriftRepaired) {
      c.reason = std::string(reasons::kDriftRepaired);
      c.message = s.name + ": records changed outside domainguard were repaired";
    }
  }
  if (c.message.empty()) c.message = "all " + std::to_string(statuses.size()) + " providers serve the desired zone";
  return c;
}

bool IsNews(const std::optional<ProviderStatus>& before, const ProviderOutcome& outcome) {
  if (!before || !outcome.applied.empty()) return true;
  const ProviderStatus& now = outcome.status;
  return before->synced != now.synced || before->reason != now.reason || before->message != now.message ||
         before->pending_changes != now.pending_changes;
}

}  // namespace domainguard::records
