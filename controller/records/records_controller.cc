#include "controller/records/records_controller.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "controller/api/conditions.h"
#include "controller/api/records_policy_spec.h"
#include "controller/api/resources.h"
#include "controller/base/time_format.h"
#include "controller/domain/domain_object.h"
#include "controller/domain/inputs.h"
#include "controller/domain/status_part.h"
#include "controller/domain/status_writer.h"
#include "controller/kube/conditions.h"
#include "controller/records/reasons.h"

namespace domainguard::records {

using nlohmann::json;

namespace {

// What of a DNSProvider starts a records pass when it changes: its generation and its Ready status.
std::string ProviderTrigger(const json& provider) {
  std::optional<kube::Condition> ready = kube::FindCondition(domain::StatusOf(provider), api::kReady);
  return std::to_string(kube::Generation(provider)) + ":" + (ready ? ready->status : "");
}

// Joins at most `n` items for an Event note.
std::string JoinSome(const std::vector<std::string>& items, size_t n) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < n; ++i) out += (i ? "; " : "") + items[i];
  if (items.size() > n) out += "; and " + std::to_string(items.size() - n) + " more";
  return out;
}

}  // namespace

kube::ReadParts RecordsReads() {
  return kube::ReadParts{.annotations = {std::string(reasons::kApproveChangeAnnotation)}};
}

json ProviderStatusJson(const ProviderStatus& s) {
  json j = {{"name", s.name},
            {"synced", s.synced},
            {"serial", s.serial},
            {"pendingChanges", s.pending_changes},
            {"message", s.message},
            {"reason", s.reason}};
  if (s.last_sync_time) j["lastSyncTime"] = FormatRfc3339(*s.last_sync_time);
  if (!s.adopted.empty()) j["adopted"] = s.adopted;
  return j;
}

std::vector<ProviderStatus> ProviderStatusesFromJson(const json& status) {
  std::vector<ProviderStatus> out;
  if (!status.is_object() || !status.contains("providers") || !status["providers"].is_array()) return out;
  for (const json& p : status["providers"]) {
    if (!p.is_object()) continue;
    ProviderStatus s;
    s.name = p.value("name", "");
    s.synced = p.value("synced", false);
    if (p.contains("serial") && p["serial"].is_number_unsigned()) s.serial = p["serial"].get<uint32_t>();
    if (p.contains("pendingChanges") && p["pendingChanges"].is_number_unsigned()) {
      s.pending_changes = p["pendingChanges"].get<size_t>();
    }
    s.message = p.value("message", "");
    s.reason = p.value("reason", "");
    if (p.contains("adopted") && p["adopted"].is_array()) {
      for (const json& k : p["adopted"]) {
        if (k.is_string()) s.adopted.push_back(k.get<std::string>());
      }
      std::sort(s.adopted.begin(), s.adopted.end());
    }
    if (p.contains("lastSyncTime") && p["lastSyncTime"].is_string()) {
      Result<SystemTime> t = ParseRfc3339(p["lastSyncTime"].get<std::string>());
      if (t.ok()) s.last_sync_time = *t;
    }
    out.push_back(std::move(s));
  }
  return out;
}

RecordsController::RecordsController(domain::Context ctx, kube::Store& providers,
                                     providers::ProviderRegistry& registry, RecordsControllerOptions options)
    : ctx_(ctx), providers_(providers), registry_(registry), options_(options) {}

std::vector<std::string> RecordsController::OnZoneChanged(const std::string& zone) {
  std::vector<std::string> keys = ctx_.domains.KeysByIndex(domain::kZoneIndex, zone);
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& k : keys) states_[k].schedule.changed = true;
  return keys;
}

std::vector<std::string> RecordsController::OnSerialMoved(const std::string& provider_key, const std::string& zone,
                                                          const std::string& why) {
  const std::string ns = provider_key.substr(0, provider_key.find('/'));
  std::vector<std::string> keys;
  for (const std::string& k : ctx_.domains.KeysByIndex(domain::kZoneIndex, zone)) {
    if (k.substr(0, k.find('/')) == ns) keys.push_back(k);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& k : keys) states_[k].schedule.changed = true;
  }
  for (const std::string& k : keys) {
    spdlog::info("records domain={} zone={} provider={} decision=full-pass-requested why=\"{}\"", k, zone,
                 provider_key, why);
  }
  return keys;
}

void RecordsController::ForceFullPass(const std::string& key, const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    states_[key].schedule.changed = true;
  }
  spdlog::info("records domain={} decision=full-pass-requested why=\"{}\"", key, why);
}

void RecordsController::Disarm(const std::set<std::string>& provider_keys, const std::string& zone) {
  for (const std::string& p : provider_keys) {
    if (std::shared_ptr<providers::SerialPoller> poller = registry_.PollerOf(p)) poller->Unwatch(zone);
  }
}

void RecordsController::SetPendingMetric(const std::string& ns, const std::string& provider, const std::string& key,
                                         size_t n) {
  size_t total = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& per_domain = pending_[ns + "/" + provider];
    if (n == 0) {
      per_domain.erase(key);
    } else {
      per_domain[key] = n;
    }
    for (const auto& [k, v] : per_domain) total += v;
  }
  ctx_.metrics.SetPendingChanges(ns, provider, static_cast<int>(total));
}

kube::ReconcileResult RecordsController::WriteConflict(const json& domain, const std::string& zone,
                                                       const std::string& winner) {
  const std::string key = kube::ObjectKey(domain);
  kube::Condition c;
  c.type = std::string(api::kRecordsSynced);
  c.status = std::string(kube::kConditionFalse);
  c.reason = std::string(reasons::kZoneConflict);
  // A Domain of another namespace is not named: namespaces are the isolation boundary.
  const bool same_ns = winner.substr(0, winner.find('/')) == kube::Namespace(domain);
  c.message = "zone " + zone + " is already managed by " +
              (same_ns ? "Domain " + winner : std::string("a Domain of another namespace")) +
              " (the older claim wins); nothing is written for this Domain";
  c.observed_generation = kube::Generation(domain);
  domain::StatusPart part;
  part.field_manager = kRecordsFieldManager;
  part.fields["providers"] = json::array();
  part.conditions.push_back(c);
  Result<bool> wrote = domain::WriteStatus(ctx_, domain, part);
  if (!wrote.ok() && wrote.error().code != ErrorCode::kNotFound) return {wrote.error(), std::nullopt};
  if (wrote.ok() && *wrote) {
    ctx_.events.Record(domain::DomainRef(domain), kube::kEventWarning, reasons::kZoneConflict, c.message);
    spdlog::warn("records domain={} zone={} decision=zone-conflict winner={}", key, zone, winner);
  }
  // The winner's deletion does not touch this object: look again now and then.
  return {OkStatus(), std::chrono::duration_cast<std::chrono::nanoseconds>(options_.schedule.poll_interval)};
}

void RecordsController::Forget(const std::string& key) {
  KeyState gone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = states_.find(key); it != states_.end()) {
      gone = std::move(it->second);
      states_.erase(it);
    }
  }
  const std::string ns = key.substr(0, key.find('/'));
  for (const std::string& p : gone.pending_providers) SetPendingMetric(ns, p, key, 0);
  Disarm(gone.armed, gone.zone);
  if (options_.ledger) options_.ledger->Forget(key);
}

std::string RecordsController::Trigger(const json& domain, const api::FullDomainSpec& spec,
                                       const std::vector<domain::ProviderRef>& refs,
                                       const std::vector<json>& extra_records) const {
  std::string trigger = std::to_string(kube::Generation(domain)) + "|" +
                        domain::Annotation(domain, std::string(reasons::kApproveChangeAnnotation)).value_or("");
  for (const domain::ProviderRef& r : refs) {
    // Its spec, and whether it answers (back up: retry now); not its status.zones count.
    trigger += "|" + r.name + "@" + (r.object ? ProviderTrigger(*r.object) : "-");
  }
  // An edit of the recordsFrom master file is an edit of the zone.
  if (spec.common.records_from && !spec.common.records_from->name.empty() && ctx_.configmaps) {
    std::optional<json> obj =
        ctx_.configmaps->Get(kube::ObjectKey(kube::Namespace(domain), spec.common.records_from->name));
    trigger += "|cm@" + (obj ? kube::ResourceVersion(*obj) : "-");
  }
  // Records another part adds (failover's backup hosts) are part of the zone: a change of them is a change of it.
  if (!extra_records.empty()) trigger += "|extra@" + json(extra_records).dump();
  return trigger;
}

std::vector<RecordsController::Slot> RecordsController::Providers(const json& domain,
                                                                  const std::vector<domain::ProviderRef>& refs) {
  std::vector<Slot> slots;
  for (size_t i = 0; i < refs.size(); ++i) {
    Slot s;
    s.name = refs[i].name;
    s.key = kube::ObjectKey(kube::Namespace(domain), refs[i].name);
    s.error = refs[i].error;
    if (refs[i].object) {
      providers::ProviderRegistry::Entry e = registry_.Get(*refs[i].object);
      s.provider = e.provider;
      if (!e.provider) s.error = "spec.providers[" + std::to_string(i) + "]: DNSProvider \"" + s.name + "\": " + e.error;
    }
    slots.push_back(std::move(s));
  }
  return slots;
}

Result<RecordsController::Desired> RecordsController::DesiredOf(const std::string& key, const json& domain,
                                                                const api::FullDomainSpec& spec,
                                                                const std::vector<domain::ProviderRef>& refs,
                                                                const std::vector<json>& extra_records) {
  Desired d;
  if (spec.zone.ok()) {
    d.zone = domain::BuildDomainZone(kube::Namespace(domain), *spec.zone, spec.common.records_from, refs,
                                     ctx_.client, ctx_.configmaps, extra_records);
  } else {
    d.zone = spec.zone.error();
  }
  if (!d.zone.ok() && d.zone.error().code != ErrorCode::kInvalidArgument) {
    return d.zone.error();  // the apiserver could not be asked (the ConfigMap read failed): nothing decided
  }
  const std::string& zone = spec.common.zone;
  if (d.zone.ok() && d.zone->origin != zone) {
    d.zone = Error::InvalidArgument("spec.zone: \"" + zone + "\" does not name a zone apex");
  }
  d.policy.plan.owner = key;
  // A bad spec.ownership or spec.safety is reported as a bad record is (InvalidRecord): nothing is written.
  const Result<api::RecordsPolicySpec>& policy = spec.records_policy;
  if (d.zone.ok() && !policy.ok()) d.zone = policy.error();
  if (policy.ok()) {
    d.policy.plan.mode = policy->ownership;
    d.policy.safety.max_delete_percent = policy->max_delete_percent;
  }
  d.policy.safety.generation = kube::Generation(domain);
  d.policy.safety.approval = domain::Annotation(domain, std::string(reasons::kApproveChangeAnnotation));
  // Extra records the last pass wanted and that are no longer wanted were withdrawn by their part (a failover's
  // failback): their removal is not held by maxDeletePercent.
  for (const json& r : extra_records) d.extra_names.insert(r.value("name", ""));
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& n : states_[key].extra_names) {
    if (!d.extra_names.count(n)) d.policy.safety.withdrawn_names.insert(n);
  }
  return d;
}

void RecordsController::Sync(const Desired& desired, const json& domain, std::vector<Slot>& slots) {
  const json& status = domain::StatusOf(domain);
  const std::vector<ProviderStatus> previous = ProviderStatusesFromJson(status);
  std::optional<kube::Condition> prev_cond = kube::FindCondition(status, api::kRecordsSynced);
  const int64_t previous_generation = prev_cond ? prev_cond->observed_generation : 0;
  std::vector<Slot*> usable;
  std::vector<providers::Provider*> raw;
  for (Slot& s : slots) {
    if (!s.provider) continue;
    usable.push_back(&s);
    raw.push_back(s.provider.get());
  }
  std::vector<ProviderOutcome> synced =
      SyncZone(desired.zone, raw, desired.policy, previous, previous_generation, ctx_.clock);
  for (size_t i = 0; i < usable.size(); ++i) usable[i]->outcome = std::move(synced[i]);
  // An unusable provider keeps what status said was pending there.
  for (Slot& s : slots) {
    if (s.provider) continue;
    ProviderOutcome& o = s.outcome;
    o.status.name = s.name;
    for (const ProviderStatus& p : previous) {
      if (p.name != s.name) continue;
      o.status.pending_changes = p.pending_changes;
      o.status.serial = p.serial;
      o.status.last_sync_time = p.last_sync_time;
      o.status.adopted = p.adopted;
    }
    if (!desired.zone.ok()) {  // the spec itself is the problem: say that, once
      o.status.reason = std::string(reasons::kInvalidRecord);
      o.status.message = desired.zone.error().message;
    } else {
      o.status.reason = std::string(reasons::kProviderUnavailable);
      o.status.message = s.error;
      o.events.push_back({o.status.reason, s.name + ": " + s.error, true});
    }
  }
  if (!desired.zone.ok() && usable.empty() && !slots.empty()) {
    slots[0].outcome.events.push_back({std::string(reasons::kInvalidRecord), desired.zone.error().message, true});
  }
}

void RecordsController::Owed(const std::string& key, const Desired& desired, std::vector<Slot>& slots) {
  if (!desired.zone.ok()) return;
  // An unreachable provider's pending changes: the plan against the zone it last served (the outage may have
  // started before any edit; it still owes every edit made since). The rrsets it owes are kept for the serving
  // check: a record never written there is pending, not lost (RecordsNotServed). The same for every provider not
  // in sync (a held change, a foreign rrset in the way).
  auto keys_of = [&](const std::optional<Plan>& p) {
    std::vector<std::string> out;
    if (!p) {  // never read there: everything desired is still owed
      for (const zone::RRset& r : desired.zone->rrsets) out.push_back(zone::KeyOf(r));
      return out;
    }
    for (const zone::RRset& r : p->changes.creates) out.push_back(zone::KeyOf(r));
    for (const Update& u : p->changes.updates) out.push_back(zone::KeyOf(u.after));
    for (const Conflict& c : p->conflicts) {
      if (!c.key.empty()) out.push_back(c.key);
    }
    return out;
  };
  for (Slot& s : slots) {
    ProviderOutcome& o = s.outcome;
    if (o.status.synced) continue;
    std::optional<Plan> p;
    if (o.observed) {  // read this pass (a held change, a conflict): what it holds now
      p = ComputePlan(*desired.zone, *o.observed, desired.policy.plan);
    } else {  // unreadable: what it held when last read
      std::lock_guard<std::mutex> lock(mu_);
      const std::map<std::string, PackedZone>& seen = states_[key].last_observed;
      if (auto last = seen.find(s.name); last != seen.end()) {
        if (Result<ObservedZone> held = last->second.Unpack(); held.ok()) {
          p = ComputePlan(*desired.zone, *held, desired.policy.plan);
        } else {
          spdlog::warn("records domain={} provider={} decision=owed-all error=\"{}\"", key, s.name,
                       held.error().ToString());
        }
      }
    }
    s.owed = keys_of(p);
    if (s.provider && p && o.status.reason == reasons::kProviderUnavailable) o.status.pending_changes = p->changes.size();
  }
}

void RecordsController::Report(const json& domain, const std::string& zone,
                               const std::vector<ProviderStatus>& previous, const std::vector<Slot>& slots) {
  const std::string key = kube::ObjectKey(domain);
  const kube::ObjectRef ref = domain::DomainRef(domain);
  std::vector<std::string> written;  // "pdns-a (3 changes)"
  std::vector<std::string> applied;  // what was written, from the first provider that took it
  for (const Slot& s : slots) {
    const ProviderOutcome& o = s.outcome;
    auto before = std::find_if(previous.begin(), previous.end(),
                               [&](const ProviderStatus& p) { return p.name == o.status.name; });
    const bool news = IsNews(before == previous.end() ? std::nullopt : std::optional<ProviderStatus>(*before), o);
    // The same state again (an InvalidRecord spec, an outage) was told when it began and its condition still says
    // it: an Event per poll would be a series write per poll for nothing a person can act on anew. Events about
    // something else (ForeignRecordKept beside Synced) are not the state, and are recorded as before.
    for (const SyncEvent& e : o.events) {
      if (!news && e.reason == o.status.reason) continue;
      ctx_.events.Record(ref, e.warning ? kube::kEventWarning : kube::kEventNormal, e.reason, e.message);
    }
    if (!o.applied.empty() && o.status.reason != reasons::kDriftRepaired) {
      written.push_back(o.status.name + " (" + std::to_string(o.applied.size()) + " changes)");
      if (applied.empty()) applied = o.applied;
    }
    if (o.status.synced && before != previous.end() && before->reason == reasons::kProviderUnavailable) {
      ctx_.events.Record(ref, kube::kEventNormal, reasons::kSynced,
                         o.status.name + ": provider answers again; the zone is in sync");
    }
    spdlog::log(news ? spdlog::level::info : spdlog::level::debug,
                "records domain={} zone={} provider={} decision={} synced={} pending={} applied={} reason={} "
                "message=\"{}\"",
                key, zone, o.status.name, o.applied.empty() ? "observe" : "apply", o.status.synced,
                o.status.pending_changes, o.applied.size(), o.status.reason, o.status.message);
  }
  // One Event for what this pass wrote, naming every provider written, not one per provider.
  // A new Domain's goes out with its first status apply, which waits while the user creates Domains in a batch.
  if (!written.empty()) {
    domain::RecordEvent(ctx_, domain,
                        kube::EventSpec{ref, std::string(kube::kEventNormal), std::string(reasons::kSynced),
                                        "applied at " + JoinSome(written, written.size()) + ": " + JoinSome(applied, 5)});
  }
}

Result<RecordsCondition> RecordsController::WriteStatus(const json& domain, const Desired& desired,
                                                        const std::vector<Slot>& slots) {
  std::vector<ProviderStatus> statuses;
  for (const Slot& s : slots) statuses.push_back(s.outcome.status);
  RecordsCondition summary = SummarizeRecords(statuses);
  if (slots.empty()) {
    summary.synced = false;
    summary.reason = std::string(reasons::kInvalidRecord);
    summary.message = "spec.providers: at least one DNSProvider is required";
  }
  // Information the spec's author should know, not a failure (e.g. whose TTL an rrset defined twice got).
  if (desired.zone.ok() && !desired.zone->notes.empty()) {
    summary.message += "; note: " + JoinSome(desired.zone->notes, 5);
  }
  kube::Condition cond;
  cond.type = std::string(api::kRecordsSynced);
  cond.status = std::string(summary.synced ? kube::kConditionTrue : kube::kConditionFalse);
  cond.reason = summary.reason;
  cond.message = summary.message;
  cond.observed_generation = kube::Generation(domain);
  domain::StatusPart part;
  part.field_manager = kRecordsFieldManager;
  json list = json::array();
  for (const Slot& s : slots) list.push_back(ProviderStatusJson(s.outcome.status));
  part.fields["providers"] = std::move(list);
  part.conditions.push_back(cond);
  Result<bool> wrote = domain::WriteStatus(ctx_, domain, part);
  if (!wrote.ok()) return wrote.error();
  return summary;
}

kube::ReconcileResult RecordsController::Remember(const std::string& key, const std::string& zone,
                                                  std::string trigger, MonotonicTime now,
                                                  const RecordsCondition& summary, const Desired& desired,
                                                  std::vector<Slot>& slots) {
  const std::string ns = key.substr(0, key.find('/'));
  std::set<std::string> names;
  for (const Slot& s : slots) {
    SetPendingMetric(ns, s.name, key, s.outcome.status.pending_changes);
    names.insert(s.name);
  }
  // The serial pollers watch the zone where it is in sync, from the serial this pass left there.
  std::set<std::string> armed;
  for (const Slot& s : slots) {
    if (!s.outcome.status.synced || !s.provider) continue;
    if (std::shared_ptr<providers::SerialPoller> poller = registry_.PollerOf(s.key)) {
      poller->Watch(zone, s.outcome.status.serial);
      armed.insert(s.key);
    }
  }
  std::set<std::string> disarm;
  Check next;
  {
    std::lock_guard<std::mutex> lock(mu_);
    KeyState& st = states_[key];
    for (const std::string& p : st.armed) {
      if (!armed.count(p)) disarm.insert(p);
    }
    st.armed = std::move(armed);
    st.zone = zone;
    st.trigger = std::move(trigger);
    st.pending_providers = std::move(names);
    // Withdrawn extra names stay exempt until a pass in which every provider took the change.
    if (summary.synced) {
      st.extra_names = desired.extra_names;
    } else {
      st.extra_names.insert(desired.extra_names.begin(), desired.extra_names.end());
    }
    const PackedZone* first = nullptr;  // providers holding the same rrsets share one buffer
    for (Slot& s : slots) {
      if (!s.outcome.observed) continue;
      PackedZone packed(*s.outcome.observed);
      PackedZone& kept = st.last_observed[s.name];
      kept = first ? packed.Share(*first) : std::move(packed);
      if (!first) first = &kept;
    }
    // A held change (ChangeBlocked) or a bad spec waits for a person; the poll interval is soon enough.
    const bool waits_for_person =
        summary.reason == reasons::kChangeBlocked || summary.reason == reasons::kInvalidRecord ||
        summary.reason == reasons::kZoneConflict || summary.reason == reasons::kForeignRecordKept;
    st.schedule = AfterPass(st.schedule, now, summary.synced, waits_for_person);
    next = NextCheck(st.schedule, now, options_.schedule);
  }
  Disarm(disarm, zone);
  return {OkStatus(), std::chrono::duration_cast<std::chrono::nanoseconds>(next.at - now)};
}

kube::ReconcileResult RecordsController::Reconcile(const std::string& key) {
  // Claim.
  std::shared_ptr<const json> domain = ctx_.domains.GetShared(key);
  if (!domain) {
    Forget(key);
    return {};
  }
  // The spec, read once for the whole pass.
  const api::FullDomainSpec spec = domain::SpecsOf(ctx_).Full(*domain);
  const std::string& zone = spec.common.zone;
  std::optional<std::string> winner = domain::ZoneClaimWinner(ctx_.domains.SharedByIndex(domain::kZoneIndex, zone));
  if (winner && *winner != key) return WriteConflict(*domain, zone, *winner);

  // Trigger: is a full pass due?
  const std::vector<domain::ProviderRef> refs =
      domain::ResolveProviders(kube::Namespace(*domain), spec.providers, providers_);
  const std::vector<json> extra_records = domain::ExtraRecords(ctx_, *domain);
  std::string trigger = Trigger(*domain, spec, refs, extra_records);
  const MonotonicTime now = ctx_.clock.Monotonic();
  {
    std::lock_guard<std::mutex> lock(mu_);
    KeyState& st = states_[key];
    ScheduleState sc = st.schedule;
    sc.changed = sc.changed || st.trigger != trigger;
    Check check = NextCheck(sc, now, options_.schedule);
    if (!check.due) return {OkStatus(), std::chrono::duration_cast<std::chrono::nanoseconds>(check.at - now)};
  }

  // Providers, desired zone, sync.
  std::vector<Slot> slots = Providers(*domain, refs);
  Result<Desired> desired = DesiredOf(key, *domain, spec, refs, extra_records);
  if (!desired.ok()) {
    spdlog::warn("records domain={} zone={} decision=retry error=\"{}\"", key, zone, desired.error().ToString());
    return {desired.error(), std::nullopt};
  }
  Sync(*desired, *domain, slots);
  Owed(key, *desired, slots);

  // Report: the serving check's ledger, Events, status.
  if (options_.ledger) {
    std::vector<std::string> names;
    for (const Slot& s : slots) {
      names.push_back(s.name);
      std::optional<uint32_t> serial;
      if (s.outcome.observed) serial = s.outcome.observed->version.serial;
      options_.ledger->Record(key, s.name, serial, s.owed);
    }
    options_.ledger->Retain(key, names);
  }
  Report(*domain, zone, ProviderStatusesFromJson(domain::StatusOf(*domain)), slots);
  Result<RecordsCondition> summary = WriteStatus(*domain, *desired, slots);
  if (!summary.ok()) {
    if (summary.error().code == ErrorCode::kNotFound) return {};
    spdlog::warn("records domain={} zone={} decision=retry-status error=\"{}\"", key, zone,
                 summary.error().ToString());
    return {summary.error(), std::nullopt};
  }
  return Remember(key, zone, std::move(trigger), now, *summary, *desired, slots);
}

}  // namespace domainguard::records
