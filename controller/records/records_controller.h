// The records controller: one Domain's desired zone onto each of its DNSProviders, and the RecordsSynced
// condition, status.providers, Events and pending-change metrics that say how it went. A pass, step by step:
//
//   claim     the Domain is gone -> forget it; its zone claimed by an older Domain -> ZoneConflict, touch nothing
//   trigger   what the pass is computed from (spec, approval, providers' spec and Ready, recordsFrom, extra
//             records); with the schedule (records/schedule.h) it says whether a full pass is due
//   providers each DNSProvider of spec.providers from the shared registry (built once, providers/provider_registry.h)
//   desired   the desired zone and the sync policy (ownership, maxDeletePercent, approval, withdrawn extra names)
//   sync      records::SyncZone: per provider, in parallel, read -> plan -> safety -> apply -> re-read
//   report    Events and log lines, what is still owed per provider (ZoneLedger, pendingChanges), the status part
//             (field manager domainguard-records) written only if changed
//   remember  the schedule, and each in-sync provider's serial poller armed with the serial the pass left there
//
// Drift is found cheaply: between full compares nothing is read per Domain. Each provider's poller asks for the
// serials of all its zones in one request per poll interval and calls OnSerialMoved for a zone whose serial moved;
// the caller enqueues the returned keys for a full pass.
//
// Events: one Synced Event per pass that applied changes, naming every provider written; one per outage, drift
// repair, held change or conflict.
//
// Thread-safety: Reconcile runs on several worker threads for different keys (never two at once for one key);
// OnZoneChanged, OnSerialMoved and ForceFullPass may be called from any thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "controller/api/full_domain_spec.h"
#include "controller/domain/context.h"
#include "controller/domain/inputs.h"
#include "controller/kube/predicate.h"
#include "controller/kube/store.h"
#include "controller/kube/workqueue.h"
#include "controller/providers/provider.h"
#include "controller/providers/provider_registry.h"
#include "controller/records/packed_zone.h"
#include "controller/records/schedule.h"
#include "controller/records/sync.h"
#include "controller/records/zone_ledger.h"

namespace domainguard::records {

inline constexpr const char* kRecordsFieldManager = "domainguard-records";

struct RecordsControllerOptions {
  ScheduleOptions schedule;  // poll_interval is the provider registry's; here it paces held changes
  // Where each pass leaves the zone's serial and pending rrsets per provider for the serving check; borrowed,
  // outlives the controller; null: not shared.
  ZoneLedger* ledger = nullptr;
};

// What of a Domain the records controller reads (its update filter): the spec and the approval annotation. The
// other controllers' status writes, and its own, do not wake it; DNSProviders, ConfigMaps and failover's objects
// wake it through their own watches.
kube::ReadParts RecordsReads();

// status.providers[] JSON <-> ProviderStatus (api.md shape, plus "reason").
nlohmann::json ProviderStatusJson(const ProviderStatus& s);
std::vector<ProviderStatus> ProviderStatusesFromJson(const nlohmann::json& status);

class RecordsController {
 public:
  // `providers`: the DNSProvider cache; `registry` builds and polls them (shared with the DNSProvider controller).
  // Borrowed; they outlive the controller.
  RecordsController(domain::Context ctx, kube::Store& providers, providers::ProviderRegistry& registry,
                    RecordsControllerOptions options);
  RecordsController(const RecordsController&) = delete;
  RecordsController& operator=(const RecordsController&) = delete;

  kube::ReconcileResult Reconcile(const std::string& key);

  // A hint that `zone` (canonical) changed at some provider (a DNS NOTIFY): the keys of the Domains serving it,
  // each marked for a full pass on its next reconcile. The caller enqueues them.
  std::vector<std::string> OnZoneChanged(const std::string& zone);

  // DNSProvider `provider_key`'s serial poller saw `zone` move (or could not read it): the keys of the Domains of
  // that provider's namespace serving it, each marked for a full pass. The caller enqueues them.
  std::vector<std::string> OnSerialMoved(const std::string& provider_key, const std::string& zone,
                                         const std::string& why);

  // Marks Domain `key` for a full pass (read every provider's zone, repair) on its next reconcile: the serving
  // check saw desired records missing at a name server (ZoneLedger::RequestRepair). The caller enqueues the key.
  void ForceFullPass(const std::string& key, const std::string& why);

 private:
  // What this controller keeps of a Domain between passes. Everything else of the last pass (each provider's
  // serial, pending changes, adoptions) is read back from the Domain's status: one source of truth.
  struct KeyState {
    std::string trigger;          // what the last full pass was computed from
    ScheduleState schedule;       // `changed` is set by hints (NOTIFY, serial poller, serving check)
    std::set<std::string> extra_names;  // names of the extra records (failover) the last pass wanted
    std::string zone;                   // the zone the last pass synced (canonical)
    std::set<std::string> armed;        // DNSProvider keys whose serial poller watches `zone`
    std::set<std::string> pending_providers;  // providers with pending-change metrics set by this Domain
    // provider -> the zone as last read there: while a provider is unreachable, what is pending is the plan
    // from the desired zone to this (status.providers[].pendingChanges). Packed: read rarely, held always; the
    // providers holding the same rrsets share one buffer.
    std::map<std::string, PackedZone> last_observed;
  };
  // One DNSProvider of the Domain through a pass, in spec order.
  struct Slot {
    std::string name;  // spec.providers[i].name
    std::string key;   // "ns/name"
    std::shared_ptr<providers::Provider> provider;  // null: unusable, `error` says why (names the field)
    std::string error;
    ProviderOutcome outcome;
    std::vector<std::string> owed;  // rrset keys not written there yet (the serving check: pending, not lost)
  };
  struct Desired {
    Result<zone::DesiredZone> zone = Error::Internal("not built");
    SyncPolicy policy;
    std::set<std::string> extra_names;
  };

  // The steps of a pass take the spec as read once at its start (`spec`), never the object's JSON spec.
  std::string Trigger(const nlohmann::json& domain, const api::FullDomainSpec& spec,
                      const std::vector<domain::ProviderRef>& refs,
                      const std::vector<nlohmann::json>& extra_records) const;
  std::vector<Slot> Providers(const nlohmann::json& domain, const std::vector<domain::ProviderRef>& refs);
  Result<Desired> DesiredOf(const std::string& key, const nlohmann::json& domain, const api::FullDomainSpec& spec,
                            const std::vector<domain::ProviderRef>& refs,
                            const std::vector<nlohmann::json>& extra_records);
  void Sync(const Desired& desired, const nlohmann::json& domain, std::vector<Slot>& slots);
  void Owed(const std::string& key, const Desired& desired, std::vector<Slot>& slots);
  void Report(const nlohmann::json& domain, const std::string& zone, const std::vector<ProviderStatus>& previous,
              const std::vector<Slot>& slots);
  Result<RecordsCondition> WriteStatus(const nlohmann::json& domain, const Desired& desired,
                                       const std::vector<Slot>& slots);
  kube::ReconcileResult Remember(const std::string& key, const std::string& zone, std::string trigger,
                                 MonotonicTime now, const RecordsCondition& summary, const Desired& desired,
                                 std::vector<Slot>& slots);
  void Forget(const std::string& key);
  void Disarm(const std::set<std::string>& provider_keys, const std::string& zone);
  void SetPendingMetric(const std::string& ns, const std::string& provider, const std::string& key, size_t n);
  kube::ReconcileResult WriteConflict(const nlohmann::json& domain, const std::string& zone, const std::string& winner);

  domain::Context ctx_;
  kube::Store& providers_;
  providers::ProviderRegistry& registry_;
  const RecordsControllerOptions options_;

  std::mutex mu_;
  std::map<std::string, KeyState> states_;                               // guarded by mu_
  std::map<std::string, std::map<std::string, size_t>> pending_;          // guarded by mu_; "ns/provider" -> key -> n
};

}  // namespace domainguard::records
