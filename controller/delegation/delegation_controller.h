// The Domain delegation controller: on each Domain's own schedule (spec.checks.delegation.interval), probes the
// zone's delegation and serving (Prober), judges it (EvaluateDelegation, with the History kept here between
// probes), and writes its share of the status under the field manager "domainguard-delegation":
// status.delegation, status.dependsOn, the DelegationHealthy condition and the delegation findings. Events go
// out when the set of findings changes: one Warning per new or worsened finding, one Normal DelegationHealthy
// when the zone has recovered.
//
// Reconcile, as a story:
//   0. being probed in another worker's sweep, or probed, not yet due and unchanged in the cache (the same
//      resourceVersion): come back later, without parsing the Domain;
//   1. read the Domain from the cache; gone or deleting: forget what was kept about it, done;
//   2. the schedule, a pure function (schedule.h, NextDelegationCheck): not due yet and the spec unchanged: come
//      back when due, writing only a status the last attempt failed to write; a generation the records
//      controller has not reported on yet (no RecordsSynced for it): its changes are on their way to the
//      providers, so a probe now would report a zone not yet created or records not yet written, with Warning
//      Events that clear by themselves. Wait for that report (its status write re-triggers this), at most
//      options.records_wait;
//   3. build the desired zone (providers, records, apex NS); when that fails, probe the zone without
//      expectations (only spec.nameservers, if any). What to expect is kept per version of its inputs
//      (domain::ZoneInputsVersion: the Domain's generation, its DNSProviders, the recordsFrom ConfigMap, extra
//      records) and built again only when one moves. The same for every other cached Domain due within
//      options.batch_window, and every one never probed yet whose records are reported (a restart's first
//      round): they are probed in the same sweep (issue #14: due Domains probed together);
//   4. one sweep through the prober's concurrent path for the whole batch (the Prober is not thread-safe: one
//      sweep at a time), then for each Domain: judge, keep the next History; a DependencyBroken finding is
//      Critical only once seen on options.confirmations consecutive probes, like the parent-side findings
//      (ConfirmDependencies);
//   5. Events for the changes, then write the status part (with Ready, domain::AddReady) if it changed; come back
//      at the next round (NextRound: rounds start at every multiple of the interval, so every Domain of one
//      interval is probed in one round of back-to-back sweeps). A batched Domain's own reconcile, queued for its
//      due time, then finds it not due;
//   6. desired records missing at a name server (RecordsNotServed: applied once, not pending at an unavailable
//      provider): ask the records controller to re-read and repair the zone now (ZoneLedger::RequestRepair) —
//      a migration can lose records without moving the serial, which the records controller's serial poll
//      cannot see.
//
// Thread-safety: Reconcile may run on several worker threads at once (for different keys; a key in another
// worker's batch comes back a second later); the per-Domain state and the borrowed Prober are each guarded by
// their own mutex. The pure helpers below are thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/delegation/observation.h"
#include "controller/delegation/packed_spec.h"
#include "controller/delegation/prober.h"
#include "controller/delegation/schedule.h"
#include "controller/delegation/sweep_times.h"
#include "controller/delegation/verdict.h"
#include "controller/domain/batch_waiters.h"
#include "controller/domain/context.h"
#include "controller/domain/inputs.h"
#include "controller/domain/status_part.h"
#include "controller/kube/conditions.h"
#include "controller/kube/predicate.h"
#include "controller/kube/store.h"
#include "controller/kube/workqueue.h"
#include "controller/records/zone_ledger.h"
#include "controller/zone/desired_zone.h"

namespace domainguard::delegation {

inline constexpr const char* kDelegationFieldManager = "domainguard-delegation";

struct DelegationControllerOptions {
  std::chrono::seconds default_interval{60};  // when spec.checks.delegation.interval is absent or invalid
  int confirmations = 2;                      // Policy.confirmations: consecutive confirmed probes before Critical
  std::chrono::seconds sweep_timeout{20};     // the deadline of one Domain's probes
  // How long a new generation waits for the records controller's report (RecordsSynced for that generation)
  // before it is probed anyway; 0: never wait. As long as the status writer's first_pass_limit: 1,000 Domains
  // applied at once queue their records passes for up to a minute, and a probe before the report finds zones not
  // yet created (a Warning Event, a status apply, and both again when it clears: issue #14).
  std::chrono::seconds records_wait{120};
  // What the walker learned (zone cuts, name server addresses) is forgotten this often, so a changed TLD server
  // set or a name server address that moved (or vanished with its glue) is seen, as a resolver's TTL would.
  // Called under the prober's lock before a sweep; null: never forgotten.
  std::chrono::seconds cache_ttl{300};
  std::function<void()> forget_cache = nullptr;
  // What the records controller knows of each zone at its providers (serials, pending rrsets), and where to ask
  // for an immediate records pass when desired records are missing at a name server. Borrowed; null: neither.
  records::ZoneLedger* ledger = nullptr;
  // A due Domain's sweep also probes every other known Domain due within this window (a little early), so due
  // Domains go through the prober together, at most max_batch in one sweep.
  std::chrono::seconds batch_window{5};
  size_t max_batch = 2000;
  // Called after each sweep has been judged and written, with its size (app/: gives the memory the sweep freed back
  // to the system); null: nothing.
  std::function<void(size_t swept)> after_sweep = nullptr;
};

class DelegationController {
 public:
  // `providers` is the DNSProvider cache. `prober` is borrowed and not thread-safe: this controller runs one sweep
  // at a time through it, so nothing else may use it meanwhile.
  // REQUIRES: everything in `ctx`, `providers` and `prober` outlives the controller; options.confirmations >= 1.
  DelegationController(domain::Context ctx, kube::Store& providers, Prober& prober,
                       DelegationControllerOptions options = {});
  DelegationController(const DelegationController&) = delete;
  DelegationController& operator=(const DelegationController&) = delete;

  // Reconciles the Domain `key` ("namespace/name"). Success comes with requeue_after: the time until the next
  // probe is due. A failed status write is returned as the status (the queue retries with backoff); the probe
  // is not repeated for it, only the write.
  kube::ReconcileResult Reconcile(const std::string& key);

  // How a Domain's reconcile is queued now (the controller's own queue). With it, new Domains that wait for a
  // batch to end are parked and woken together when it ends (domain/batch_waiters.h); without it (null, the
  // default) each is requeued to the batch's end. Set before the first Reconcile.
  void SetRequeue(std::function<void(const std::string& key)> requeue) { requeue_ = std::move(requeue); }

 private:
  // What is remembered about one Domain between reconciles.
  // A generation waiting for the records controller's first report on it.
  struct RecordsWait {
    int64_t generation = 0;
    MonotonicTime since{};
  };
  struct ZoneState {
    std::string zone;
    int64_t generation = 0;
    MonotonicTime due{};                                // next probe (Clock::Monotonic)
    History history;                                    // for the next EvaluateDelegation
    std::vector<Finding> findings;                      // of the last verdict, for Events
    // The last probe's status part, when writing it failed. A pointer: rare, and ~170 bytes inline in every
    // Domain's state otherwise (issue #14, memory at 10,000 Domains).
    std::unique_ptr<domain::StatusPart> unwritten;
    // The cached Domain's resourceVersion when last read at this zone and generation, not deleting ("" unknown):
    // while the cache holds the same version, a reconcile before `due` waits without parsing the Domain.
    std::string resource_version;
  };

  // What a Domain is probed for.
  struct Expected {
    std::string version;                   // domain::ZoneInputsVersion it was built from
    ZoneSpec spec;                         // without `providers`: the ledger's facts are read at each sweep
    std::string expectations;              // "desired", or why only the zone is expected (for the log)
    std::chrono::nanoseconds interval{0};  // spec.checks.delegation.interval (the generation's)
  };
  // The same, kept per version of its inputs (domain::ZoneInputsVersion): building the desired zone and
  // normalising its records on every probe was most of a check's CPU (issue #14). Kept packed for every Domain
  // and unpacked only for the Domain being probed (~10 MB of heap at 10,000 Domains unpacked; issue #14).
  struct KeptExpected {
    std::string version;
    PackedZoneSpec spec;
    std::string expectations;
    std::chrono::nanoseconds interval{0};
  };

  // One Domain of a sweep: what it is probed for and what its verdict needs.
  struct Pending {
    std::string key, ns, name, zone, uid;
    int64_t generation = 0;
    std::chrono::nanoseconds interval{0};
    ZoneSpec spec;             // moved to the sweep's list before the probe
    std::string expectations;  // "desired", or why only the zone is expected (for the log)
    History history;
    std::optional<std::vector<Finding>> previous;  // the last verdict's findings, when remembered
  };

  // The Pending for `domain`, whose spec the pass read as `spec`; nullopt when it has no zone.
  std::optional<Pending> Prepare(const std::string& key, const nlohmann::json& domain,
                                 const api::FullDomainSpec& spec);
  // What `domain` (its spec read as `spec`) is probed for: kept in expected_ while its inputs' version holds,
  // else built.
  Expected ExpectationsOf(const std::string& key, const nlohmann::json& domain, const api::FullDomainSpec& spec);
  // Appends every other cached Domain not being probed that its own reconcile would probe within batch_window:
  // probed before with the spec unchanged and due, or never probed (after a restart: all) and not waiting for
  // the records controller's report. At most options.max_batch in all.
  void AddDueOthers(const std::string& key, std::vector<Pending>& batch);
  // Judges one observation of the batch, records Events, writes the status part; the Domain's reconcile result.
  // Adds the write's time and the counts to `times`.
  kube::ReconcileResult Finish(Pending& p, const ZoneSpec& spec, const Observation& observation, size_t batch_size,
                               SweepTimes& times);
  // Writes `part` for `domain`. kNotFound (the Domain is gone) reads as success without a write.
  Result<bool> Write(const nlohmann::json& domain, const domain::StatusPart& part);

  domain::Context ctx_;
  kube::Store& providers_;
  const DelegationControllerOptions options_;

  std::mutex prober_mu_;
  Prober& prober_;  // guarded by prober_mu_
  std::chrono::steady_clock::time_point cache_since_ = std::chrono::steady_clock::now();  // guarded by prober_mu_

  std::mutex mu_;
  std::map<std::string, ZoneState> states_;  // guarded by mu_; key -> state
  std::map<std::string, RecordsWait> records_waits_;  // guarded by mu_; key -> the generation waiting
  domain::BatchWaiters batch_waiters_;  // guarded by mu_; new Domains waiting for a batch to end
  std::function<void(const std::string&)> requeue_;
  std::set<std::string> probing_;                     // guarded by mu_; keys in a sweep right now
  std::map<std::string, KeptExpected> expected_;      // guarded by mu_; key -> its probe expectations
};

// --- Pure helpers (table-tested) ---

// The probe expectations from a desired zone:
//   nameservers: desired.nameservers, each with the addresses of the desired A/AAAA rrsets at its name when it is
//     inside the zone (glue), and provider = the first of `providers` whose spec.nameservers lists it ("" if none);
//   records: every desired rrset the zone's servers answer authoritatively: not SOA or other provider-managed
//     types, not the apex NS set, not a delegation below the apex (its NS set, names below it; a DS at the cut
//     stays). Types via dns::ParseTypeName (an rrset of an unknown type is left out); values re-normalised with
//     dns::NormalizeRdata, the form ServesRecord compares served data in, and sorted.
ZoneSpec ZoneSpecFromDesired(const zone::DesiredZone& desired, const std::vector<domain::ProviderRef>& providers);

// The probe expectations when the desired zone cannot be built: the zone and spec.nameservers (names canonical,
// addresses sorted, providers as above), no records. Malformed entries are skipped (`spec` is the lenient reading).
ZoneSpec ZoneSpecFromDomain(const api::DomainSpec& spec, const std::vector<domain::ProviderRef>& providers);

// The DelegationHealthy condition with `generation` as observedGeneration. SinglePointOfFailure is a risk of the
// zone's shape, not a failure of its delegation: it never decides the condition (the message names it).
//   no Warning/Critical finding but SinglePointOfFailure -> True    DelegationHealthy
//   v.unknown                   -> Unknown ParentUnreachable (the delegation could not be checked)
//   otherwise                   -> False   the reason and message of the worst such finding
kube::Condition DelegationCondition(const Verdict& v, int64_t generation);

// True for the reasons this controller owns (reasons.h), so its findings never touch another controller's.
bool IsDelegationReason(std::string_view reason);

// What of a Domain the delegation controller reads, for its informer's update predicate: the spec, and
// RecordsSynced (a new generation waits for the records controller's report on it). Other controllers' status
// writes do not wake it; its schedule comes back by itself (requeue_after).
kube::ReadParts DelegationReads();

// The delegation findings as the status holds them (status.findings whose reason IsDelegationReason; severities
// "Critical"/"Warning", anything else reads as Info). Used when no verdict is in memory (after a restart).
std::vector<Finding> FindingsFromStatus(const nlohmann::json& status);

using api::PlannedEvent;

// The Events for a change of verdict from `previous` to `current` findings:
//   a Warning/Critical finding not in `previous`, or more severe than there -> Warning, its reason and message
//   `previous` had a Warning/Critical finding, `current` has none          -> Normal DelegationHealthy
//   (SinglePointOfFailure not counted: it does not decide the condition)      "delegation healthy again"
// Nothing else: the same findings (or one getting milder, or an Info finding) raise no Event. `first_verdict`
// (the zone's first probe, nothing known before): SinglePointOfFailure, a risk of the zone's shape and no change
// of its health, is no Event either (issue #14: Events only for changes a person acts on); it stays a finding.
std::vector<PlannedEvent> VerdictChanges(const std::vector<Finding>& previous, const std::vector<Finding>& current,
                                            bool first_verdict = false);

// The confirmation rule for DependencyBroken. The prober judges the zones hosting our name servers on one probe
// (their own History is not kept), so a hosting zone's lost delegation would be Critical here at once while the
// same loss seen for that zone itself is only a Warning until confirmed. `v.history.streak["DependencyBroken"]`
// counts the consecutive verdicts with a Critical DependencyBroken (from `previous`); below `confirmations` the
// finding is a Warning, its message saying "(confirmation k of n)". Pure.
void ConfirmDependencies(Verdict& v, const History& previous, int confirmations);

// True when the records controller has reported on `generation`: the Domain's RecordsSynced condition has
// observedGeneration >= generation.
bool RecordsReported(const nlohmann::json& domain, int64_t generation);

// The ledger's facts as the verdict takes them (ZoneSpec::providers).
std::vector<ProviderZone> ProviderZonesFrom(const std::vector<records::ProviderZoneFacts>& facts);

// spec.checks.delegation.interval (a Go duration), or `fallback` when absent, malformed or not positive.
std::chrono::nanoseconds DelegationInterval(const api::DomainSpec& spec, std::chrono::nanoseconds fallback);

}  // namespace domainguard::delegation
