#include "controller/records/records_controller.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "controller/base/time_format.h"
#include "controller/domain/domain_object.h"
#include "controller/domain/inputs.h"
#include "controller/domain/status_part.h"
#include "controller/kube/conditions.h"
#include "controller/providers/counting_provider.h"
#include "controller/providers/provider_factory.h"
#include "controller/records/reasons.h"

namespace domainguard::records {

using nlohmann::json;

namespace {

std::string SpecOwnership(const json& spec) {
  return spec.is_object() && spec.contains("ownership") && spec["ownership"].is_string()
             ? spec["ownership"].get<std::string>()
             : "";
}

// What of a DNSProvider starts a records pass when it changes: its generation and its Ready status.
std::string ProviderTrigger(const json& provider) {
  std::optional<kube::Condition> ready = kube::FindCondition(domain::StatusOf(provider), kube::kReady);
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

RecordsController::RecordsController(domain::Context ctx, kube::Store& providers, http::Transport& transport,
                                     RecordsControllerOptions options)
    : ctx_(ctx), providers_(providers), transport_(transport), options_(options) {}

std::vector<std::string> RecordsController::OnZoneChanged(const std::string& zone) {
  std::vector<std::string> keys = ctx_.domains.KeysByIndex(domain::kZoneIndex, zone);
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& k : keys) states_[k].force = true;
  return keys;
}

void RecordsController::ForceFullPass(const std::string& key, const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    states_[key].force = true;
  }
  spdlog::info("records domain={} decision=full-pass-requested why=\"{}\"", key, why);
}

RecordsController::BuiltProvider RecordsController::ProviderFor(const json& dns_provider) {
  const std::string key = kube::ObjectKey(dns_provider);
  // The spec's generation, not the resourceVersion: the DNSProvider's own status writes change nothing here.
  const std::string version = std::to_string(kube::Generation(dns_provider));
  const MonotonicTime now = ctx_.clock.Monotonic();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = built_.find(key);
    if (it != built_.end() && it->second.provider && it->second.version == version &&
        now - it->second.built < options_.provider_cache_ttl) {
      return it->second;
    }
  }
  providers::SecretLookup lookup = domain::SecretLookupIn(ctx_.client, kube::Namespace(dns_provider));
  BuiltProvider b;
  b.version = version;
  b.built = now;
  Result<providers::BuiltProvider> made = providers::NewProviderFromSpec(
      kube::Name(dns_provider), dns_provider.value("spec", json::object()), lookup, &transport_, &ctx_.clock);
  if (made.ok()) {
    b.provider = providers::WithCallCounting(
        std::shared_ptr<providers::Provider>(std::move(made->provider)),
        [metrics = &ctx_.metrics, ns = kube::Namespace(dns_provider), name = kube::Name(dns_provider)](
            std::string_view operation, std::string_view outcome) {
          metrics->CountProviderRequest(ns, name, operation, outcome);
        });
  } else {
    b.error = "DNSProvider \"" + kube::Name(dns_provider) + "\": " + made.error().message;
  }
  std::lock_guard<std::mutex> lock(mu_);
  built_[key] = b;
  return b;
}

bool RecordsController::SerialsUnchanged(const std::string& zone,
                                         const std::vector<std::shared_ptr<providers::Provider>>& ps,
                                         const KeyState& st) {
  for (const auto& p : ps) {
    auto want = st.serials.find(p->Name());
    if (want == st.serials.end()) return false;
    Result<uint32_t> serial = p->Serial(zone);
    if (!serial.ok() || *serial != want->second) {
      spdlog::info("records zone={} provider={} decision=full-read why=\"serial {} -> {}\"", zone, p->Name(),
                   want->second, serial.ok() ? std::to_string(*serial) : serial.error().ToString());
      return false;
    }
  }
  return true;
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

kube::ReconcileResult RecordsController::WriteConflict(const json& domain, const std::string& winner) {
  const std::string key = kube::ObjectKey(domain);
  const std::string zone = domain::CanonicalZone(domain);
  kube::Condition c;
  c.type = std::string(kube::kRecordsSynced);
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
  Result<bool> wrote = domain::WriteStatusPart(ctx_.client, kube::kDomains, domain, part, ctx_.clock);
  if (!wrote.ok() && wrote.error().code != ErrorCode::kNotFound) return {wrote.error(), std::nullopt};
  if (wrote.ok() && *wrote) {
    ctx_.events.Record(domain::DomainRef(domain), kube::kEventWarning, reasons::kZoneConflict, c.message);
    spdlog::warn("records domain={} zone={} decision=zone-conflict winner={}", key, zone, winner);
  }
  // The winner's deletion does not touch this object: look again now and then.
  return {OkStatus(), std::chrono::duration_cast<std::chrono::nanoseconds>(options_.poll_interval)};
}

kube::ReconcileResult RecordsController::Reconcile(const std::string& key) {
  std::optional<json> domain = ctx_.domains.Get(key);
  if (!domain) {
    std::vector<std::string> pending;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = states_.find(key);
      if (it != states_.end()) pending = it->second.pending_providers;
      states_.erase(key);
    }
    const std::string ns = key.substr(0, key.find('/'));
    for (const std::string& p : pending) SetPendingMetric(ns, p, key, 0);
    if (options_.ledger) options_.ledger->Forget(key);
    return {};
  }
  const std::string ns = kube::Namespace(*domain);
  const std::string zone = domain::CanonicalZone(*domain);
  const int64_t generation = kube::Generation(*domain);
  const json spec = domain->value("spec", json::object());

  // 1. One zone, one owner.
  std::optional<std::string> winner = domain::ZoneClaimWinner(ctx_.domains.ByIndex(domain::kZoneIndex, zone));
  if (winner && *winner != key) return WriteConflict(*domain, *winner);

  // 2. Is a pass due?
  std::vector<domain::ProviderRef> refs = domain::ResolveProviders(*domain, providers_);
  std::string trigger = std::to_string(generation) + "|" +
                        domain::Annotation(*domain, std::string(reasons::kApproveChangeAnnotation)).value_or("");
  for (const domain::ProviderRef& r : refs) {
    // Its spec, and whether it answers (back up: retry now); not its status.zones count.
    trigger += "|" + r.name + "@" + (r.object ? ProviderTrigger(*r.object) : "-");
  }
  // An edit of the recordsFrom master file is an edit of the zone.
  if (const std::string cm = domain::RecordsFromConfigMap(*domain); !cm.empty() && ctx_.configmaps) {
    std::optional<json> obj = ctx_.configmaps->Get(kube::ObjectKey(ns, cm));
    trigger += "|cm@" + (obj ? kube::ResourceVersion(*obj) : "-");
  }
  // Records another part adds (failover's backup hosts) are part of the zone: a change of them is a change of it.
  const std::vector<json> extra_records = domain::ExtraRecords(ctx_, *domain);
  if (!extra_records.empty()) trigger += "|extra@" + json(extra_records).dump();
  const MonotonicTime now = ctx_.clock.Monotonic();
  KeyState st;  // the schedule only: the zones kept in last_observed are not copied on every trigger
  {
    std::lock_guard<std::mutex> lock(mu_);
    const KeyState& s = states_[key];
    st.trigger = s.trigger;
    st.last_full = s.last_full;
    st.next_check = s.next_check;
    st.force = s.force;
    st.failures = s.failures;
    st.serials = s.serials;
  }
  const bool changed = st.trigger != trigger || st.force;
  const bool full_due = now - st.last_full >= options_.full_compare_interval;
  if (!changed && !full_due && now < st.next_check) {
    return {OkStatus(), std::chrono::duration_cast<std::chrono::nanoseconds>(st.next_check - now)};
  }

  // 3. Providers.
  std::vector<std::shared_ptr<providers::Provider>> built;
  std::vector<ProviderOutcome> unbuilt;  // in spec order, with their index
  std::vector<size_t> unbuilt_index, built_index;
  for (size_t i = 0; i < refs.size(); ++i) {
    std::string error = refs[i].error;
    if (refs[i].object) {
      BuiltProvider b = ProviderFor(*refs[i].object);
      if (b.provider) {
        built.push_back(b.provider);
        built_index.push_back(i);
        continue;
      }
      error = "spec.providers[" + std::to_string(i) + "]: " + b.error;
    }
    ProviderOutcome o;
    o.status.name = refs[i].name;
    o.status.reason = std::string(reasons::kProviderUnavailable);
    o.status.message = error;
    unbuilt.push_back(std::move(o));
    unbuilt_index.push_back(i);
  }

  // A serial poll that finds nothing moved ends the pass here: no zone read, no write.
  if (!changed && !full_due && st.failures == 0 && unbuilt.empty() && SerialsUnchanged(zone, built, st)) {
    std::lock_guard<std::mutex> lock(mu_);
    states_[key].next_check = now + options_.poll_interval;
    return {OkStatus(), std::chrono::duration_cast<std::chrono::nanoseconds>(options_.poll_interval)};
  }

  // 4. Desired zone and sync.
  Result<zone::DesiredZone> desired = domain::BuildDomainZone(*domain, refs, ctx_.client, ctx_.configmaps, extra_records);
  if (!desired.ok() && desired.error().code != ErrorCode::kInvalidArgument) {
    // The apiserver could not be asked (the ConfigMap read failed): not the user's fault, nothing decided.
    spdlog::warn("records domain={} zone={} decision=retry error=\"{}\"", key, zone, desired.error().ToString());
    return {desired.error(), std::nullopt};
  }
  if (desired.ok() && desired->origin != zone) {
    desired = Error::InvalidArgument("spec.zone: \"" + zone + "\" does not name a zone apex");
  }
  SyncPolicy policy;
  policy.plan.owner = key;
  Result<OwnershipMode> mode = ParseOwnershipMode(SpecOwnership(spec));
  Result<int> max_delete = ParseMaxDeletePercent(spec);
  if (desired.ok() && !mode.ok()) desired = mode.error();
  if (desired.ok() && !max_delete.ok()) desired = max_delete.error();
  if (mode.ok()) policy.plan.mode = *mode;
  if (max_delete.ok()) policy.safety.max_delete_percent = *max_delete;
  policy.safety.generation = generation;
  policy.safety.approval = domain::Annotation(*domain, std::string(reasons::kApproveChangeAnnotation));
  // Extra records the last pass wanted and that are no longer wanted were withdrawn by their part (a failover's
  // failback): their removal is not held by maxDeletePercent.
  std::set<std::string> extra_names;
  for (const json& r : extra_records) extra_names.insert(r.value("name", ""));
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& n : states_[key].extra_names) {
      if (!extra_names.count(n)) policy.safety.withdrawn_names.insert(n);
    }
  }

  const json& status = domain::StatusOf(*domain);
  const std::vector<ProviderStatus> previous = ProviderStatusesFromJson(status);
  std::optional<kube::Condition> prev_cond = kube::FindCondition(status, kube::kRecordsSynced);
  const int64_t previous_generation = prev_cond ? prev_cond->observed_generation : 0;

  std::vector<providers::Provider*> raw;
  for (const auto& p : built) raw.push_back(p.get());
  std::vector<ProviderOutcome> synced = SyncZone(desired, raw, policy, previous, previous_generation, ctx_.clock);

  // An unreachable provider's pending changes: the plan against the zone it last served (the outage may have
  // started before any edit; it still owes every edit made since). The rrsets it owes are kept for the serving
  // check: a record never written there is pending, not lost (RecordsNotServed).
  // The same for every provider not in sync (a held change, a foreign rrset in the way): a desired rrset never
  // written there was not lost there either.
  std::map<std::string, std::vector<std::string>> pending_keys;  // provider -> rrsets not written there yet
  auto owed = [&](const std::string& provider) -> std::optional<Plan> {
    std::lock_guard<std::mutex> lock(mu_);
    const std::map<std::string, ObservedZone>& seen = states_[key].last_observed;
    auto last = seen.find(provider);
    if (last == seen.end()) return std::nullopt;
    return ComputePlan(*desired, last->second, policy.plan);
  };
  auto keys_of = [&](const std::optional<Plan>& p) {
    std::vector<std::string> out;
    if (!p) {  // never read there: everything desired is still owed
      for (const zone::RRset& r : desired->rrsets) out.push_back(zone::KeyOf(r));
      return out;
    }
    for (const zone::RRset& r : p->changes.creates) out.push_back(zone::KeyOf(r));
    for (const Update& u : p->changes.updates) out.push_back(zone::KeyOf(u.after));
    for (const Conflict& c : p->conflicts) {
      if (!c.key.empty()) out.push_back(c.key);
    }
    return out;
  };
  for (ProviderOutcome& o : synced) {
    if (o.status.synced || !desired.ok()) continue;
    // Read this pass (a held change, a conflict): what it holds now; unreadable: what it held when last read.
    std::optional<Plan> p =
        o.observed ? std::optional<Plan>(ComputePlan(*desired, *o.observed, policy.plan)) : owed(o.status.name);
    pending_keys[o.status.name] = keys_of(p);
    if (p && o.status.reason == reasons::kProviderUnavailable) o.status.pending_changes = p->changes.size();
  }
  if (desired.ok()) {
    for (const ProviderOutcome& o : unbuilt) pending_keys[o.status.name] = keys_of(owed(o.status.name));
  }

  // Back in spec order; unbuilt providers keep what was pending before.
  std::vector<ProviderOutcome> outcomes(refs.size());
  for (size_t j = 0; j < synced.size(); ++j) outcomes[built_index[j]] = std::move(synced[j]);
  for (size_t j = 0; j < unbuilt.size(); ++j) {
    ProviderOutcome& o = unbuilt[j];
    for (const ProviderStatus& p : previous) {
      if (p.name == o.status.name) {
        o.status.pending_changes = p.pending_changes;
        o.status.serial = p.serial;
        o.status.last_sync_time = p.last_sync_time;
        o.status.adopted = p.adopted;
      }
    }
    if (!desired.ok()) {  // the spec itself is the problem: say that, once
      o.status.reason = std::string(reasons::kInvalidRecord);
      o.status.message = desired.error().message;
    } else {
      o.events.push_back({o.status.reason, o.status.name + ": " + o.status.message, true});
    }
    outcomes[unbuilt_index[j]] = std::move(o);
  }
  if (!desired.ok() && built.empty() && !outcomes.empty()) {
    outcomes[0].events.push_back({std::string(reasons::kInvalidRecord), desired.error().message, true});
  }

  // What the serving check needs to know (ZoneLedger): each provider's serial as read now, and what it still owes.
  if (options_.ledger) {
    std::vector<std::string> names;
    for (const ProviderOutcome& o : outcomes) {
      names.push_back(o.status.name);
      std::optional<uint32_t> serial;
      if (o.observed) serial = o.observed->version.serial;
      auto pk = pending_keys.find(o.status.name);
      options_.ledger->Record(key, o.status.name, serial,
                              pk == pending_keys.end() ? std::vector<std::string>{} : pk->second);
    }
    options_.ledger->Retain(key, names);
  }

  // 5. Events and logs, one line per decision.
  const kube::ObjectRef ref = domain::DomainRef(*domain);
  for (const ProviderOutcome& o : outcomes) {
    const ProviderStatus* before = nullptr;
    for (const ProviderStatus& p : previous) {
      if (p.name == o.status.name) before = &p;
    }
    for (const SyncEvent& e : o.events) {
      ctx_.events.Record(ref, e.warning ? kube::kEventWarning : kube::kEventNormal, e.reason, e.message);
    }
    if (!o.applied.empty() && o.status.reason != reasons::kDriftRepaired) {
      ctx_.events.Record(ref, kube::kEventNormal, reasons::kSynced,
                         o.status.name + ": applied " + std::to_string(o.applied.size()) +
                             " changes: " + JoinSome(o.applied, 5));
    }
    if (o.status.synced && before && before->reason == reasons::kProviderUnavailable) {
      ctx_.events.Record(ref, kube::kEventNormal, reasons::kSynced,
                         o.status.name + ": provider answers again; the zone is in sync");
    }
    spdlog::info("records domain={} zone={} provider={} decision={} synced={} pending={} applied={} reason={} "
                 "message=\"{}\"",
                 key, zone, o.status.name, o.applied.empty() ? "observe" : "apply", o.status.synced,
                 o.status.pending_changes, o.applied.size(), o.status.reason, o.status.message);
  }

  // 6. Status: this controller's part only.
  RecordsCondition summary = SummarizeRecords(outcomes);
  if (outcomes.empty()) {
    summary.synced = false;
    summary.reason = std::string(reasons::kInvalidRecord);
    summary.message = "spec.providers: at least one DNSProvider is required";
  }
  // Information the spec's author should know, not a failure (e.g. whose TTL an rrset defined twice got).
  if (desired.ok() && !desired->notes.empty()) summary.message += "; note: " + JoinSome(desired->notes, 5);
  kube::Condition cond;
  cond.type = std::string(kube::kRecordsSynced);
  cond.status = std::string(summary.synced ? kube::kConditionTrue : kube::kConditionFalse);
  cond.reason = summary.reason;
  cond.message = summary.message;
  cond.observed_generation = generation;
  domain::StatusPart part;
  part.field_manager = kRecordsFieldManager;
  json list = json::array();
  for (const ProviderOutcome& o : outcomes) list.push_back(ProviderStatusJson(o.status));
  part.fields["providers"] = std::move(list);
  part.conditions.push_back(cond);
  Result<bool> wrote = domain::WriteStatusPart(ctx_.client, kube::kDomains, *domain, part, ctx_.clock);
  if (!wrote.ok()) {
    if (wrote.error().code == ErrorCode::kNotFound) return {};
    spdlog::warn("records domain={} zone={} decision=retry-status error=\"{}\"", key, zone, wrote.error().ToString());
    return {wrote.error(), std::nullopt};
  }

  // Metrics and the schedule.
  std::vector<std::string> pending_names;
  for (const ProviderOutcome& o : outcomes) {
    SetPendingMetric(ns, o.status.name, key, o.status.pending_changes);
    pending_names.push_back(o.status.name);
  }
  const bool all_synced = summary.synced;
  std::chrono::milliseconds next = options_.poll_interval;
  std::lock_guard<std::mutex> lock(mu_);
  KeyState& s = states_[key];
  s.trigger = trigger;
  s.force = false;
  s.last_full = now;
  s.pending_providers = pending_names;
  s.serials.clear();
  // Withdrawn extra names stay exempt until a pass in which every provider took the change.
  if (all_synced) {
    s.extra_names = extra_names;
  } else {
    s.extra_names.insert(extra_names.begin(), extra_names.end());
  }
  for (ProviderOutcome& o : outcomes) {
    if (o.status.synced) s.serials[o.status.name] = o.status.serial;
    if (o.observed) s.last_observed[o.status.name] = std::move(*o.observed);
  }
  if (all_synced) {
    s.failures = 0;
  } else {
    ++s.failures;
    // A held change (ChangeBlocked) or a bad spec waits for a person; the poll interval is soon enough.
    const bool waits_for_person = summary.reason == reasons::kChangeBlocked ||
                                  summary.reason == reasons::kInvalidRecord ||
                                  summary.reason == reasons::kZoneConflict ||
                                  summary.reason == reasons::kForeignRecordKept;
    if (!waits_for_person) {
      auto backoff = options_.min_backoff * (1LL << std::min(s.failures - 1, 16));
      next = std::min<std::chrono::milliseconds>(backoff, options_.max_backoff);
    }
  }
  s.next_check = now + next;
  return {OkStatus(), std::chrono::duration_cast<std::chrono::nanoseconds>(next)};
}

}  // namespace domainguard::records
