// The records controller: one Domain's desired zone onto each of its DNSProviders, and the RecordsSynced
// condition, status.providers, Events and pending-change metrics that say how it went.
//
//   1. cache read: gone -> forget; zone claimed by an older Domain -> ZoneConflict, touch nothing
//   2. decide whether a pass is due (the schedule below); if not, come back when it is
//   3. gather: DNSProviders of the Domain's namespace, their Secrets, the desired zone (domain/inputs.h)
//   4. records::SyncZone: per provider, in parallel, read -> plan -> safety -> apply -> re-read
//   5. status part (field manager domainguard-records) written only if changed; one Event per change applied,
//      drift repaired, outage and recovery
//
// Schedule, per Domain (drift is found cheaply, as the issue asks):
//   spec, approval annotation, a DNSProvider's spec or Ready status       -> full pass now
//   changed, or a NOTIFY came                                                (not its status.zones count)
//   last full pass older than full_compare_interval                       -> full pass (a provider can lose
//                                                                            records without moving its serial)
//   every poll_interval: each provider's SOA serial (one API call / one SOA query per provider)
//     serial equal to the one left by the last pass                        -> nothing more
//     serial moved, or unreadable                                          -> full pass
//   a provider not in sync                                                 -> full pass again after a backoff
//                                                                            (2 s doubling to max_backoff)
// Status writes by the other controllers re-trigger this reconcile; they find nothing due and cost nothing.
//
// Thread-safety: Reconcile runs on several worker threads for different keys (never two at once for one key);
// OnZoneChanged may be called from any thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "controller/domain/context.h"
#include "controller/http/transport.h"
#include "controller/kube/store.h"
#include "controller/kube/workqueue.h"
#include "controller/providers/provider.h"
#include "controller/records/sync.h"
#include "controller/records/zone_ledger.h"

namespace domainguard::records {

inline constexpr const char* kRecordsFieldManager = "domainguard-records";

struct RecordsControllerOptions {
  std::chrono::milliseconds poll_interval{std::chrono::seconds(30)};          // serial checks
  std::chrono::milliseconds full_compare_interval{std::chrono::hours(1)};     // whole-zone compare
  std::chrono::milliseconds provider_cache_ttl{std::chrono::minutes(5)};      // Secrets re-read after this
  std::chrono::milliseconds min_backoff{std::chrono::seconds(2)};
  std::chrono::milliseconds max_backoff{std::chrono::minutes(5)};
  // Where each pass leaves the zone's serial and pending rrsets per provider for the serving check; borrowed,
  // outlives the controller; null: not shared.
  ZoneLedger* ledger = nullptr;
};

// status.providers[] JSON <-> ProviderStatus (api.md shape, plus "reason").
nlohmann::json ProviderStatusJson(const ProviderStatus& s);
std::vector<ProviderStatus> ProviderStatusesFromJson(const nlohmann::json& status);

class RecordsController {
 public:
  // `providers`: the DNSProvider cache. `transport` for PowerDNS. All borrowed; they outlive the controller.
  RecordsController(domain::Context ctx, kube::Store& providers, http::Transport& transport,
                    RecordsControllerOptions options);
  RecordsController(const RecordsController&) = delete;
  RecordsController& operator=(const RecordsController&) = delete;

  kube::ReconcileResult Reconcile(const std::string& key);

  // A hint that `zone` (canonical) changed at some provider (a DNS NOTIFY): the keys of the Domains serving it,
  // each marked for a full pass on its next reconcile. The caller enqueues them.
  std::vector<std::string> OnZoneChanged(const std::string& zone);

  // Marks Domain `key` for a full pass (read every provider's zone, repair) on its next reconcile: the serving
  // check saw desired records missing at a name server (ZoneLedger::RequestRepair). The caller enqueues the key.
  void ForceFullPass(const std::string& key, const std::string& why);

 private:
  struct KeyState {
    std::string trigger;                      // what the last full pass was computed from
    MonotonicTime last_full{};
    MonotonicTime next_check{};               // next serial poll (or retry, when failures > 0)
    bool force = false;                       // a NOTIFY asked for a full pass
    int failures = 0;                         // consecutive passes with some provider not in sync
    std::map<std::string, uint32_t> serials;  // provider -> serial after the last pass
    std::set<std::string> extra_names;        // names of the extra records (failover) the last pass wanted
    std::vector<std::string> pending_providers;  // providers with pending-change metrics set by this Domain
    // provider -> the zone as last read there: while a provider is unreachable, what is pending is the plan
    // from the desired zone to this (status.providers[].pendingChanges).
    std::map<std::string, ObservedZone> last_observed;
  };
  struct BuiltProvider {
    std::string version;  // DNSProvider resourceVersion it was built from
    MonotonicTime built{};
    std::shared_ptr<providers::Provider> provider;
    std::string error;    // why it could not be built (names the field); provider null then
  };

  // The Provider for a DNSProvider object, built (with its Secret) or taken from the cache.
  BuiltProvider ProviderFor(const nlohmann::json& dns_provider);
  // True when every provider's serial still equals the one the last pass left.
  bool SerialsUnchanged(const std::string& zone, const std::vector<std::shared_ptr<providers::Provider>>& ps,
                        const KeyState& st);
  void SetPendingMetric(const std::string& ns, const std::string& provider, const std::string& key, size_t n);
  kube::ReconcileResult WriteConflict(const nlohmann::json& domain, const std::string& winner);

  domain::Context ctx_;
  kube::Store& providers_;
  http::Transport& transport_;
  const RecordsControllerOptions options_;

  std::mutex mu_;
  std::map<std::string, KeyState> states_;                               // guarded by mu_
  std::map<std::string, BuiltProvider> built_;                            // guarded by mu_; "ns/name"
  std::map<std::string, std::map<std::string, size_t>> pending_;          // guarded by mu_; "ns/provider" -> key -> n
};

}  // namespace domainguard::records
