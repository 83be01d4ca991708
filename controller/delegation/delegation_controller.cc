// The Domain delegation controller: schedule, probe, verdict, Events, status part. See delegation_controller.h.
#include "controller/delegation/delegation_controller.h"

#include <algorithm>
#include <array>
#include <span>

#include <spdlog/spdlog.h>

#include "controller/api/conditions.h"
#include "controller/api/dnsprovider_spec.h"
#include "controller/api/domain_spec.h"
#include "controller/api/resources.h"
#include "controller/base/time_format.h"
#include "controller/delegation/reasons.h"
#include "controller/delegation/report.h"
#include "controller/dns/dns_message.h"
#include "controller/dns/zone_file.h"
#include "controller/domain/domain_object.h"
#include "controller/domain/ready_controller.h"
#include "controller/domain/status_writer.h"
#include "controller/kube/event_recorder.h"
#include "controller/zone/rrset.h"

namespace domainguard::delegation {
namespace {

// A Domain parked for a batch of new Domains (Reconcile, step 0) is looked at again after this at the latest, should
// the parked Domain that keeps the batch's time be lost: longer than a 1,000-Domain apply lasts on a loaded 2-core
// machine (~15-30 s), shorter than the records wait a new Domain's probe is bounded by.
constexpr std::chrono::seconds kBatchParkFallback{30};

using nlohmann::json;

constexpr std::array<std::string_view, 11> kReasons = {
    reasons::kDelegationHealthy, reasons::kDelegationMissing, reasons::kNameserversChanged, reasons::kGlueMissing,
    reasons::kGlueMismatch,      reasons::kLameNameserver,    reasons::kSerialDrift,        reasons::kRecordsNotServed,
    reasons::kParentUnreachable, reasons::kDependencyBroken,  reasons::kSinglePointOfFailure,
};

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool IsProblem(const Finding& f) { return f.severity >= Severity::kWarning; }

// A problem with the delegation as it works now. SinglePointOfFailure is a risk of its shape (all name servers
// under one domain, TLD or provider), not a failure: it stays a finding (metric, alert, an Event when it
// appears) but neither makes the condition False nor stands in the way of recovery.
bool IsFailure(const Finding& f) { return IsProblem(f) && f.reason != reasons::kSinglePointOfFailure; }

// The DNSProvider (of those found) whose spec.nameservers lists `ns` (canonical); "" for none.
std::string ProviderOf(const std::string& ns, const std::vector<domain::ProviderRef>& providers) {
  for (const domain::ProviderRef& p : providers) {
    if (!p.object) continue;
    for (const std::string& n : api::DnsProviderNameservers(*p.object)) {
      if (dns::CanonicalName(n) == ns) return p.name;
    }
  }
  return "";
}

const json& StatusOf(const json& domain) {
  static const json kEmpty = json::object();
  auto it = domain.find("status");
  return it != domain.end() && it->is_object() ? *it : kEmpty;
}

bool IsDeleting(const json& domain) {
  auto m = domain.find("metadata");
  return m != domain.end() && m->is_object() && m->contains("deletionTimestamp") &&
         !(*m)["deletionTimestamp"].is_null();
}

std::string Describe(const std::vector<Finding>& findings) {
  if (findings.empty()) return "none";
  std::string out;
  for (const Finding& f : findings) {
    out += (out.empty() ? "" : ",") + f.reason + ":" + std::string(SeverityName(f.severity));
  }
  return out;
}

std::string Seconds(std::chrono::nanoseconds d) {
  return FormatDuration(std::chrono::duration_cast<std::chrono::seconds>(d));
}

}  // namespace

ZoneSpec ZoneSpecFromDesired(const zone::DesiredZone& desired, const std::vector<domain::ProviderRef>& providers) {
  ZoneSpec out;
  out.zone = desired.origin;
  for (const std::string& name : desired.nameservers) {
    NameserverSpec ns{name, {}, ProviderOf(name, providers)};
    // Glue exists only for names inside the zone; an out-of-zone server's addresses are found by resolving it.
    if (dns::IsSubdomain(name, desired.origin)) {
      for (const char* type : {"A", "AAAA"}) {
        if (const zone::RRset* r = desired.Find(name, type)) {
          ns.addresses.insert(ns.addresses.end(), r->values.begin(), r->values.end());
        }
      }
      SortUnique(ns.addresses);
    }
    out.nameservers.push_back(std::move(ns));
  }

  // Zone cuts below the apex: their servers answer for them with a referral (RFC 1034 4.3.2), not
  // authoritatively, so neither the cut's NS set nor names below it can be checked at this zone's servers. The DS
  // set at a cut belongs to this zone (RFC 4035 2.4) and stays.
  std::vector<std::string> cuts;
  for (const zone::RRset& r : desired.rrsets) {
    if (r.type == "NS" && r.name != desired.origin) cuts.push_back(r.name);
  }
  for (const zone::RRset& r : desired.rrsets) {
    if (zone::IsProviderManagedType(r.type)) continue;  // SOA and DNSSEC data are the provider's
    if (r.type == "NS" && r.name == desired.origin) continue;  // compared with the parent, not as a record
    bool at_cut = false, below_cut = false;
    for (const std::string& c : cuts) {
      if (r.name == c) {
        at_cut = true;
      } else if (dns::IsSubdomain(r.name, c)) {
        below_cut = true;
      }
    }
    if (below_cut || (at_cut && r.type != "DS")) continue;
    Result<uint16_t> type = dns::ParseTypeName(r.type);
    if (!type.ok()) continue;
    DesiredRecord d{r.name, *type, {}};
    for (const std::string& v : r.values) {
      // The desired zone's values are ldns-canonical already; this puts them in exactly the form served answers
      // are parsed into. A value ldns cannot read back is kept as is: the records controller reports it.
      Result<std::string> norm = dns::NormalizeRdata(*type, v, desired.origin);
      d.values.push_back(norm.ok() ? *norm : v);
    }
    SortUnique(d.values);
    out.records.push_back(std::move(d));
  }
  return out;
}

ZoneSpec ZoneSpecFromDomain(const api::DomainSpec& spec, const std::vector<domain::ProviderRef>& providers) {
  ZoneSpec out;
  out.zone = spec.zone;
  for (const api::NameserverSpec& n : spec.nameservers) {
    NameserverSpec ns;
    ns.name = dns::CanonicalName(n.name);
    ns.addresses = n.addresses;
    SortUnique(ns.addresses);
    ns.provider = ProviderOf(ns.name, providers);
    out.nameservers.push_back(std::move(ns));
  }
  return out;
}

kube::Condition DelegationCondition(const Verdict& v, int64_t generation) {
  kube::Condition c;
  c.type = std::string(api::kDelegationHealthy);
  c.observed_generation = generation;
  const auto problem = std::find_if(v.findings.begin(), v.findings.end(), IsFailure);  // the worst: sorted
  if (problem == v.findings.end()) {
    c.status = std::string(kube::kConditionTrue);
    c.reason = std::string(reasons::kDelegationHealthy);
    c.message = "the parent delegates the zone as desired and its name servers answer authoritatively";
    if (const Finding* risk = v.Find(reasons::kSinglePointOfFailure); risk != nullptr && IsProblem(*risk)) {
      c.message += "; risk: " + risk->message;
    }
    return c;
  }
  if (v.unknown) {
    // Without a parent answer the delegation is not known to be broken either; say so rather than guess.
    const Finding* why = v.Find(reasons::kParentUnreachable);
    c.status = std::string(kube::kConditionUnknown);
    c.reason = std::string(reasons::kParentUnreachable);
    c.message = why ? why->message : problem->message;
    return c;
  }
  c.status = std::string(kube::kConditionFalse);
  c.reason = problem->reason;
  c.message = problem->message;
  return c;
}

kube::ReadParts DelegationReads() { return kube::ReadParts{.conditions = {std::string(api::kRecordsSynced)}}; }

bool IsDelegationReason(std::string_view reason) {
  return std::find(kReasons.begin(), kReasons.end(), reason) != kReasons.end();
}

std::vector<Finding> FindingsFromStatus(const json& status) {
  std::vector<Finding> out;
  if (!status.is_object() || !status.contains("findings") || !status["findings"].is_array()) return out;
  for (const json& f : status["findings"]) {
    if (!f.is_object() || !f.contains("reason") || !f["reason"].is_string()) continue;
    const std::string reason = f["reason"].get<std::string>();
    if (!IsDelegationReason(reason)) continue;
    const std::string severity = f.contains("severity") && f["severity"].is_string() ? f["severity"].get<std::string>() : "";
    const std::string message = f.contains("message") && f["message"].is_string() ? f["message"].get<std::string>() : "";
    out.push_back(Finding{reason,
                          severity == "Critical"  ? Severity::kCritical
                          : severity == "Warning" ? Severity::kWarning
                                                  : Severity::kInfo,
                          message});
  }
  return out;
}

std::vector<PlannedEvent> VerdictChanges(const std::vector<Finding>& previous, const std::vector<Finding>& current,
                                            bool first_verdict) {
  std::map<std::string, Severity> before;
  for (const Finding& f : previous) {
    auto [it, added] = before.emplace(f.reason, f.severity);
    if (!added) it->second = std::max(it->second, f.severity);
  }
  std::vector<PlannedEvent> out;
  for (const Finding& f : current) {
    if (!IsProblem(f)) continue;
    if (first_verdict && f.reason == reasons::kSinglePointOfFailure) continue;
    auto it = before.find(f.reason);
    if (it == before.end() || it->second < f.severity) {
      out.push_back({std::string(kube::kEventWarning), f.reason, f.message});
    }
  }
  const bool was_bad = std::any_of(previous.begin(), previous.end(), IsFailure);
  const bool is_bad = std::any_of(current.begin(), current.end(), IsFailure);
  if (was_bad && !is_bad) {
    out.push_back({std::string(kube::kEventNormal), std::string(reasons::kDelegationHealthy),
                   "delegation healthy again"});
  }
  return out;
}

void ConfirmDependencies(Verdict& v, const History& previous, int confirmations) {
  const std::string key(reasons::kDependencyBroken);
  auto f = std::find_if(v.findings.begin(), v.findings.end(), [](const Finding& x) {
    return x.reason == reasons::kDependencyBroken && x.severity == Severity::kCritical;
  });
  if (f == v.findings.end()) {
    v.history.streak.erase(key);
    return;
  }
  auto it = previous.streak.find(key);
  const int streak = (it == previous.streak.end() ? 0 : it->second) + 1;
  v.history.streak[key] = streak;
  if (streak >= confirmations) return;
  f->severity = Severity::kWarning;
  f->message += " (confirmation " + std::to_string(streak) + " of " + std::to_string(confirmations) + ")";
  // Keep the verdict's order (FindingBefore): by severity, then cause before consequence.
  std::stable_sort(v.findings.begin(), v.findings.end(), FindingBefore);
}

bool RecordsReported(const json& domain, int64_t generation) {
  const std::optional<kube::Condition> c = kube::FindCondition(StatusOf(domain), api::kRecordsSynced);
  return c.has_value() && c->observed_generation >= generation;
}

std::vector<ProviderZone> ProviderZonesFrom(const std::vector<records::ProviderZoneFacts>& facts) {
  std::vector<ProviderZone> out;
  for (const records::ProviderZoneFacts& f : facts) {
    out.push_back(ProviderZone{f.provider, f.serial, f.recent_serials, f.pending});
  }
  return out;
}

std::chrono::nanoseconds DelegationInterval(const api::DomainSpec& spec, std::chrono::nanoseconds fallback) {
  return spec.delegation_interval.value_or(fallback);
}

DelegationController::DelegationController(domain::Context ctx, kube::Store& providers, Prober& prober,
                                           DelegationControllerOptions options)
    : ctx_(ctx), providers_(providers), options_(options), prober_(prober) {}

Result<bool> DelegationController::Write(const json& domain, const domain::StatusPart& part) {
  Result<bool> wrote = domain::WriteStatus(ctx_, domain, part);
  if (!wrote.ok() && wrote.error().code == ErrorCode::kNotFound) return false;  // deleted meanwhile
  return wrote;
}

std::optional<DelegationController::Pending> DelegationController::Prepare(const std::string& key, const json& domain,
                                                                          const api::FullDomainSpec& spec) {
  Pending p;
  p.key = key;
  p.ns = kube::Namespace(domain);
  p.name = kube::Name(domain);
  p.zone = spec.common.zone;
  if (p.zone.empty()) return std::nullopt;
  p.uid = kube::Uid(domain);
  p.generation = kube::Generation(domain);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = states_.find(key);
    if (it != states_.end() && it->second.zone == p.zone) {
      p.history = it->second.history;
      p.previous = it->second.findings;
    }
  }
  Expected expected = ExpectationsOf(key, domain, spec);
  p.interval = expected.interval;
  p.spec = std::move(expected.spec);
  p.expectations = std::move(expected.expectations);
  if (options_.ledger) p.spec.providers = ProviderZonesFrom(options_.ledger->Facts(key));
  return p;
}

DelegationController::Expected DelegationController::ExpectationsOf(const std::string& key, const json& domain,
                                                                   const api::FullDomainSpec& spec) {
  const std::string ns = kube::Namespace(domain);
  const std::vector<domain::ProviderRef> providers = domain::ResolveProviders(ns, spec.providers, providers_);
  const std::vector<json> extra = domain::ExtraRecords(ctx_, domain);
  const std::string version =
      domain::ZoneInputsVersion(domain, spec.common.records_from, providers, ctx_.configmaps, extra);
  if (!version.empty()) {
    std::optional<KeptExpected> kept;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = expected_.find(key); it != expected_.end() && it->second.version == version) kept = it->second;
    }
    if (kept) {
      Result<ZoneSpec> spec = kept->spec.Unpack();
      if (spec.ok()) return {std::move(kept->version), std::move(*spec), std::move(kept->expectations), kept->interval};
      // A bug: build it again below (and keep that instead).
      spdlog::error("delegation domain={} decision=rebuild-expectations error=\"{}\"", key, spec.error().message);
    }
  }
  // What to expect: the desired zone, or only the zone (and spec.nameservers) when it cannot be built.
  Expected e;
  e.version = version;
  e.interval = DelegationInterval(spec.common, options_.default_interval);
  Result<zone::DesiredZone> desired =
      spec.zone.ok() ? domain::BuildDomainZone(ns, *spec.zone, spec.common.records_from, providers, ctx_.client,
                                               ctx_.configmaps, extra)
                     : Result<zone::DesiredZone>(spec.zone.error());
  e.spec = desired.ok() ? ZoneSpecFromDesired(*desired, providers) : ZoneSpecFromDomain(spec.common, providers);
  e.expectations = desired.ok() ? "desired" : "none error=\"" + desired.error().message + "\"";
  // Kept only while nothing it was built from can change unseen: a failure to read (not a bad spec) is retried.
  if (!version.empty() && (desired.ok() || desired.error().code == ErrorCode::kInvalidArgument)) {
    KeptExpected kept{e.version, PackedZoneSpec(e.spec), e.expectations, e.interval};
    std::lock_guard<std::mutex> lock(mu_);
    expected_[key] = std::move(kept);
  }
  return e;
}

void DelegationController::AddDueOthers(const std::string& key, std::vector<Pending>& batch) {
  const MonotonicTime horizon = ctx_.clock.Monotonic() + options_.batch_window;
  // Every cached Domain, as its own reconcile would find it by then: probed before and due, or never probed and
  // not waiting for the records controller's report. The never probed are every Domain after a restart: probed
  // one sweep each, a restart's first round of 10,000 took 47 s and every later round kept its spread (52.8 s);
  // together they are a few sweeps of max_batch, and so is every round after. Each key is taken (probing_) before
  // it is read, so two workers preparing sweeps at once never take the same Domain.
  for (const std::string& other : ctx_.domains.Keys()) {
    if (batch.size() >= options_.max_batch) break;
    ScheduleState s;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (other == key || probing_.count(other) > 0) continue;
      if (auto it = states_.find(other); it != states_.end()) {
        if (it->second.unwritten) continue;  // its own reconcile writes that first
        s.last = ScheduleState::Probed{it->second.generation, it->second.due};
        s.generation = it->second.generation;
        if (NextDelegationCheck(s, horizon).action != NextCheck::Action::kProbe) continue;
      } else {
        s.records_wait = options_.records_wait;
        if (auto w = records_waits_.find(other); w != records_waits_.end()) s.records_wait_since = w->second.since;
      }
      probing_.insert(other);
    }
    // Only as the cache has it now: gone, deleting or edited Domains are left to their own reconcile.
    std::optional<Pending> p;
    if (std::shared_ptr<const json> domain = ctx_.domains.GetShared(other); domain && !IsDeleting(*domain)) {
      const int64_t generation = kube::Generation(*domain);
      bool due = generation == s.generation;
      if (!s.last) {
        s.generation = generation;
        s.records_reported = RecordsReported(domain::WithPendingStatus(ctx_, *domain), generation);
        due = NextDelegationCheck(s, horizon).action == NextCheck::Action::kProbe;
      }
      if (due) p = Prepare(other, *domain, domain::SpecsOf(ctx_).Full(*domain));
    }
    if (p) {
      batch.push_back(std::move(*p));
    } else {
      std::lock_guard<std::mutex> lock(mu_);
      probing_.erase(other);
    }
  }
}

kube::ReconcileResult DelegationController::Finish(Pending& p, const ZoneSpec& spec, const Observation& observation,
                                                   size_t batch_size, SweepTimes& times) {
  const std::string& ns = p.ns;
  const std::string& name = p.name;
  const std::string& zone = p.zone;
  Verdict verdict = EvaluateDelegation(observation, spec, p.history, Policy{std::max(1, options_.confirmations)});
  ConfirmDependencies(verdict, p.history, std::max(1, options_.confirmations));
  // The Domain as the cache has it now, not as it was before the sweep: Ready and the plan compare with the other
  // controllers' latest writes. (A batch keeps no parsed copy: 2,000 of them were ~40 MB.) Gone meanwhile: its
  // own reconcile forgets it.
  const std::shared_ptr<const json> domain = ctx_.domains.GetShared(p.key);
  if (!domain) {
    spdlog::info("delegation domain={}/{} zone={} decision=skip why=\"deleted during the sweep\"", ns, name, zone);
    return {};
  }
  const std::vector<Finding> before = p.previous ? *p.previous : FindingsFromStatus(StatusOf(*domain));
  const bool first = !p.previous && !StatusOf(*domain).contains("delegation");

  domain::StatusPart part;
  part.field_manager = kDelegationFieldManager;
  part.fields["delegation"] = ToJson(StatusFromObservation(observation));
  part.change_stamped = {"delegation"};
  part.fields["dependsOn"] = verdict.depends_on;
  const kube::Condition condition = DelegationCondition(verdict, p.generation);
  part.conditions.push_back(condition);
  part.owns_findings = true;
  part.owns_reason = IsDelegationReason;
  for (const Finding& f : verdict.findings) {
    part.findings.push_back({f.reason, std::string(SeverityName(f.severity)), f.message});
  }
  domain::AddReady(part, *domain);  // Ready in the same apply as the condition that moves it
  const MonotonicTime probed = ctx_.clock.Monotonic();
  const MonotonicTime due = NextRound(probed, p.interval);  // every Domain of this interval in one round
  {
    std::lock_guard<std::mutex> lock(mu_);
    ZoneState& st = states_[p.key] = ZoneState{zone, p.generation, due, verdict.history, verdict.findings,
                                               nullptr, ""};
    // Edited (a new generation), deleted and created again (a new uid) or being deleted since the sweep was
    // prepared: its own reconcile reads it. The same uid and generation are the same spec, so the same zone.
    if (kube::Generation(*domain) == p.generation && kube::Uid(*domain) == p.uid && !IsDeleting(*domain)) {
      st.resource_version = kube::ResourceVersion(*domain);
    }
  }

  // Events for what changed, then the status.
  const std::vector<PlannedEvent> events = VerdictChanges(before, verdict.findings, first);
  const kube::ObjectRef ref = domain::DomainRef(*domain);
  for (const PlannedEvent& e : events) ctx_.events.Record(ref, e.type, e.reason, e.note);
  times.events += events.size();

  // The parents answered (anything but Unknown: ParentUnreachable and the like): a successful check, for
  // domainguard_check_last_success_timestamp_seconds{check="delegation"}.
  if (condition.status != kube::kConditionUnknown) {
    ctx_.metrics.SetCheckSuccess(metrics::DomainRef{ns, name, zone}, "delegation", ctx_.clock.Now());
  }
  Result<bool> wrote = [&] {
    PhaseTimer timer(times.write);
    return Write(*domain, part);
  }();
  if (!wrote.ok()) {
    ++times.failed;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = states_.find(p.key);
      if (it != states_.end()) it->second.unwritten = std::make_unique<domain::StatusPart>(part);
    }
    spdlog::warn("delegation domain={}/{} zone={} decision=check status={} reason={} findings={} events={} "
                 "expectations={} wrote=failed batch={} error=\"{}\"",
                 ns, name, zone, condition.status, condition.reason, Describe(verdict.findings), events.size(),
                 p.expectations, batch_size, wrote.error().ToString());
    return {wrote.error(), std::nullopt};
  }
  spdlog::info("delegation domain={}/{} zone={} decision=check status={} reason={} findings={} events={} "
               "expectations={} wrote={} next={} batch={}",
               ns, name, zone, condition.status, condition.reason, Describe(verdict.findings), events.size(),
               p.expectations, *wrote, Seconds(due - probed), batch_size);
  if (*wrote) ++times.wrote;
  // Records lost at a provider without its serial moving: the records controller repairs them now.
  if (const Finding* lost = verdict.Find(reasons::kRecordsNotServed); lost != nullptr && options_.ledger) {
    const bool asked = options_.ledger->RequestRepair(p.key, lost->message);
    spdlog::info("delegation domain={}/{} zone={} decision=request-records-repair asked={}", ns, name, zone, asked);
  }
  return {OkStatus(), due - probed};
}

kube::ReconcileResult DelegationController::Reconcile(const std::string& key) {
  // 0. Without parsing the Domain, what the steps below would decide for most reconciles of a round:
  //    - being probed in another worker's sweep: its result lands in a moment. A Domain taken into a sweep before
  //      it was due comes back here every second until the sweep is done (sweeps of 2,000 took ~5 s at 10,000
  //      Domains), and each time parsed the Domain twice and copied it once to get here;
  //    - probed, not yet due, and the cache still holds the version read then (same generation and zone, not
  //      deleting): each batched Domain's own reconcile, come back after its sweep.
  //    - never probed while the user creates Domains in a batch (StatusWriter::BatchEndsAt): probed when it ends,
  //      in one sweep with the others, not one probe each beside the user's creates (issue #14: the apply ratio;
  //      its first status apply waits for the batch anyway).
  //      Parked (domain/batch_waiters.h): only one of them follows the batch's moving end, and the first to run
  //      once it is over wakes the others.
  const std::optional<std::string> rv = ctx_.domains.ResourceVersionOf(key);
  const std::optional<MonotonicTime> batch_end = ctx_.status ? ctx_.status->BatchEndsAt() : std::nullopt;
  // Domains parked for a batch now over, queued once mu_ is released.
  domain::QueueOnExit wake(requeue_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    const MonotonicTime now = ctx_.clock.Monotonic();
    const bool batch_on = batch_end && *batch_end > now;
    if (!batch_on && !batch_waiters_.empty()) {
      wake.keys = batch_waiters_.Release(key);
      spdlog::info("delegation domain={} decision=wake-after-batch woken={}", key, wake.keys.size());
    }
    if (probing_.count(key) > 0) return {OkStatus(), std::chrono::seconds(1)};
    auto it = states_.find(key);
    if (it == states_.end() && rv && batch_on) {
      const std::chrono::nanoseconds wait =
          requeue_ ? batch_waiters_.Park(key, *batch_end, now, kBatchParkFallback) : *batch_end - now;
      spdlog::debug("delegation domain={} decision=wait-batch next={}", key, Seconds(wait));
      return {OkStatus(), wait};
    }
    // Not waiting for the batch (any more: probed in another Domain's sweep): if it kept the batch's time, another
    // parked Domain takes over.
    if (batch_on && !batch_waiters_.empty()) {
      if (std::optional<std::string> next = batch_waiters_.Forget(key)) wake.keys.push_back(*next);
    }
    if (rv && it != states_.end() && !it->second.resource_version.empty() && it->second.resource_version == *rv &&
        !it->second.unwritten && now < it->second.due) {
      spdlog::debug("delegation domain={} zone={} decision=wait next={}", key, it->second.zone,
                    Seconds(it->second.due - now));
      return {OkStatus(), it->second.due - now};
    }
  }

  // 1. The Domain, or forget it.
  std::shared_ptr<const json> domain = ctx_.domains.GetShared(key);
  if (!domain || IsDeleting(*domain)) {
    std::lock_guard<std::mutex> lock(mu_);
    records_waits_.erase(key);
    expected_.erase(key);
    if (std::optional<std::string> next = batch_waiters_.Forget(key)) wake.keys.push_back(*next);
    if (states_.erase(key) > 0) spdlog::info("delegation domain={} decision=forget", key);
    return {};
  }
  const std::string ns = kube::Namespace(*domain);
  const std::string name = kube::Name(*domain);
  // The spec, read once for the whole pass (issue #14 item 1; was read 6 times: the zone twice, the providers,
  // the recordsFrom ConfigMap, the interval and the zone sections).
  const api::FullDomainSpec spec = domain::SpecsOf(ctx_).Full(*domain);
  const std::string& zone = spec.common.zone;
  if (zone.empty()) {
    // Nothing to probe; the records controller reports the invalid spec.
    spdlog::info("delegation domain={}/{} zone= decision=skip why=\"spec.zone is empty\"", ns, name);
    return {};
  }
  const int64_t generation = kube::Generation(*domain);

  // 2. The schedule (NextDelegationCheck): not due, or a new generation waiting for the records controller's
  //    report (its status write re-triggers us), or probe now.
  const MonotonicTime now = ctx_.clock.Monotonic();
  ScheduleState schedule;
  schedule.generation = generation;
  schedule.records_wait = options_.records_wait;
  std::optional<domain::StatusPart> unwritten;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Being probed in another worker's batch right now: its result lands in a moment.
    if (probing_.count(key) > 0) return {OkStatus(), std::chrono::seconds(1)};
    auto it = states_.find(key);
    if (it != states_.end() && it->second.zone == zone) {
      schedule.last = ScheduleState::Probed{it->second.generation, it->second.due};
      if (it->second.unwritten) unwritten = *it->second.unwritten;
    }
  }
  // Probed at this generation and not yet due: waiting whatever RecordsSynced says (NextDelegationCheck's first
  // rule), so it is not read. That is most reconciles of a round: each batched Domain's own comes back to find it
  // probed already, and reading RecordsSynced as it will be written costs a copy of the whole Domain.
  const bool not_due =
      schedule.last && schedule.last->generation == generation && now < schedule.last->due;
  if (!not_due) {
    // RecordsSynced as it will be written: the shared status writer may still hold the records part, to write it
    // together with this probe's.
    schedule.records_reported = RecordsReported(domain::WithPendingStatus(ctx_, *domain), generation);
    std::lock_guard<std::mutex> lock(mu_);
    if (schedule.records_reported) {
      records_waits_.erase(key);
    } else if (options_.records_wait.count() > 0) {
      auto w = records_waits_.find(key);
      if (w == records_waits_.end() || w->second.generation != generation) {
        w = records_waits_.insert_or_assign(key, RecordsWait{generation, now}).first;
      }
      schedule.records_wait_since = w->second.since;
    }
  }
  const NextCheck next = NextDelegationCheck(schedule, now);
  if (next.action == NextCheck::Action::kWaitForRecords) {
    spdlog::info("delegation domain={}/{} zone={} decision=wait-records generation={} next={}", ns, name, zone,
                 generation, Seconds(next.after));
    return {OkStatus(), next.after};
  }
  if (next.action == NextCheck::Action::kWait) {
    if (!unwritten) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = states_.find(key);
        if (it != states_.end() && it->second.zone == zone && it->second.generation == generation) {
          it->second.resource_version = kube::ResourceVersion(*domain);  // step 0 answers the next ones
        }
      }
      spdlog::debug("delegation domain={}/{} zone={} decision=wait next={}", ns, name, zone, Seconds(next.after));
      return {OkStatus(), next.after};
    }
    // The last probe's status could not be written: write it now, without probing again.
    Result<bool> wrote = Write(*domain, *unwritten);
    if (!wrote.ok()) {
      spdlog::warn("delegation domain={}/{} zone={} decision=retry-write error=\"{}\"", ns, name, zone,
                   wrote.error().ToString());
      return {wrote.error(), std::nullopt};
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = states_.find(key);
      if (it != states_.end()) it->second.unwritten.reset();
    }
    spdlog::info("delegation domain={}/{} zone={} decision=write-pending wrote={} next={}", ns, name, zone, *wrote,
                 Seconds(next.after));
    return {OkStatus(), next.after};
  }

  // 3. What to expect, for this Domain and every other one due within options_.batch_window: probed together.
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Taken by another worker's sweep meanwhile: its result lands in a moment.
    if (!probing_.insert(key).second) return {OkStatus(), std::chrono::seconds(1)};
  }
  SweepTimes times;
  std::vector<Pending> batch;
  std::vector<ZoneSpec> specs;  // moved out of the batch: the prober reads them, Finish judges against them
  {
    PhaseTimer timer(times.prepare);
    batch.push_back(*Prepare(key, *domain, spec));  // the zone is not empty: Prepare succeeds
    AddDueOthers(key, batch);                 // each one taken in probing_
    specs.reserve(batch.size());
    for (Pending& p : batch) specs.push_back(std::move(p.spec));
  }
  times.domains = batch.size();

  // 4. One sweep through the prober's concurrent path (queries of every zone in flight together).
  std::vector<Observation> observations;
  {
    std::unique_lock<std::mutex> lock(prober_mu_, std::defer_lock);
    {
      PhaseTimer timer(times.lock_wait);
      lock.lock();  // the Prober is not thread-safe; a sweep covers the whole batch
    }
    PhaseTimer timer(times.probe);
    // The Walker and the resolver measure deadlines on the machine's steady clock, not on ctx_.clock.
    const auto now_steady = std::chrono::steady_clock::now();
    if (options_.forget_cache && now_steady - cache_since_ >= options_.cache_ttl) {
      options_.forget_cache();
      cache_since_ = now_steady;
      spdlog::debug("delegation decision=forget-walker-cache ttl={}s", options_.cache_ttl.count());
    }
    observations = prober_.ObserveAll(specs, now_steady + options_.sweep_timeout);
  }

  // 5. Judge, Events, status: each Domain of the batch. The others' results wait for nothing: a failed write is
  //    kept as `unwritten` and retried at their own next reconcile (already queued for their due time).
  kube::ReconcileResult mine;
  std::chrono::nanoseconds finish{0};
  {
    PhaseTimer timer(finish);
    for (size_t i = 0; i < batch.size(); ++i) {
      kube::ReconcileResult r = Finish(batch[i], specs[i], observations[i], batch.size(), times);
      if (i == 0) mine = r;
    }
  }
  times.judge = finish - times.write;
  spdlog::info("delegation domain={} decision=sweep {}", key, SweepLine(times));
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Pending& p : batch) probing_.erase(p.key);
  }
  const size_t swept = batch.size();
  batch.clear();
  batch.shrink_to_fit();
  specs = {};
  observations = {};
  if (options_.after_sweep) options_.after_sweep(swept);
  return mine;
}

}  // namespace domainguard::delegation
