// The failover controller: owns the FailoverActive condition, status.failover and the FailoverNotIndependent
// finding of a Domain with spec.failover, and the sibling Ingresses/HTTPRoutes it creates (sibling.h). The backup
// records are not written here: the failover Domain's desired zone includes them (ExtraRecords, merged by
// domain::BuildDomainZone for the records and delegation controllers), so they are owned, verified and removed
// like every other record domainguard writes.
//
// Reconcile, as a story:
//   1. read the Domain; gone: delete the siblings that name it (no garbage collector needed), forget it;
//   2. parse spec.failover; none: remove what this controller left (siblings, its status part); invalid: say so
//      (condition + Event naming the field), change nothing;
//   3. observe: the primary's Critical trigger findings, its health, the backup Domain's health, the failback
//      annotation; persisted state from status.failover, the confirmation streak from memory;
//   4. decide (decision.h NextState); a switch or failback is written to status first, so a crash after it
//      resumes from the cluster, never from memory; Event FailoverActivated / FailbackCompleted / FailoverBlocked;
//   5. converge the siblings: wanted = Standby or active; created, updated or deleted (only objects labelled as
//      siblings, owned by this Domain), the user's objects never written;
//   6. readiness (backup healthy, siblings present, records served, TLS Secrets present) and independence;
//      the status part written only when it changed; come back after the delegation interval.
//
// Test-only: DG_FAILOVER_EXIT_AFTER_STEP=k makes the process exit (SIGKILL) right after step k of a switch or
// failback (1 status decision written, 2 first sibling written or deleted, 3 siblings converged, 4 final status),
// for the crash tests of tests/e2e/failover_e2e.sh.
//
// Thread-safety: Reconcile runs on several workers for different keys (never two at once for one key);
// ExtraRecords may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/domain/context.h"
#include "controller/failover/decision.h"
#include "controller/api/failover_spec.h"
#include "controller/kube/object.h"
#include "controller/kube/store.h"
#include "controller/kube/workqueue.h"

namespace domainguard::failover {

inline constexpr const char* kFailoverFieldManager = "domainguard-failover";
inline constexpr kube::Resource kHttpRoutes{"gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute", true};
inline constexpr kube::Resource kGateways{"gateway.networking.k8s.io", "v1", "gateways", "Gateway", true};

struct FailoverControllerOptions {
  std::chrono::seconds default_interval{60};  // when spec.checks.delegation.interval is absent
  int exit_after_step = 0;                    // test-only (DG_FAILOVER_EXIT_AFTER_STEP); 0: never
};

// The caches the controller reads. `routes` and `gateways` are null when the Gateway API CRDs are not installed.
struct FailoverStores {
  const kube::Store& ingresses;
  const kube::Store* routes = nullptr;
  const kube::Store* gateways = nullptr;
  // Waits until the caches above (and the Domains') have listed, at most `timeout`; false when they have not.
  // Before that an empty cache would read as "no Ingress selected" and delete siblings and records that must stay.
  // Null: always synced (tests).
  std::function<bool(std::chrono::milliseconds timeout)> wait_synced = nullptr;
};

// The records the failover Domain `backup` must serve for the siblings that point at it, in spec.records form:
// siblings of its namespace annotated with its zone and owned by a Domain of that namespace whose
// spec.failover.domain is that zone; values from the original's load balancer (Ingress) or parent Gateways'
// addresses (HTTPRoute). Sorted by name and type, one entry per name and type.
std::vector<nlohmann::json> ExtraRecords(const nlohmann::json& backup, const kube::Store& domains,
                                         const FailoverStores& stores);

// The Domain keys whose failover zone's records an Ingress/HTTPRoute/Gateway change may move: the Domains of
// the object's namespace named as spec.failover.domain by another Domain there.
std::vector<std::string> BackupDomainsOfNamespace(const kube::Store& domains, const std::string& ns);

// Whether the failover controller has anything to do for `domain` itself: it names spec.failover (valid or not),
// or its status still holds what this controller wrote (status.failover, FailoverActive, FailoverNotIndependent),
// which a Domain whose spec.failover went away must have removed. A Domain that is another's backup reaches its
// primaries through their own watch, not here. The add filter of `domain-failover` (issue #14: each new Domain of
// a batch was parsed only to find it has no failover).
bool ConcernsFailover(const nlohmann::json& domain);

// The update filter of `domain-failover`: a Domain that concerns failover before or after the update (its status,
// its failback annotation and its health all matter then), or a spec or deletion change of any Domain.
bool FailoverUpdateConcerns(const nlohmann::json& old_obj, const nlohmann::json& new_obj);

// The primary Domain keys an Ingress/HTTPRoute concerns: every Domain of its namespace with spec.failover (a
// sibling: the one it names).
std::vector<std::string> PrimaryDomainsOfNamespace(const kube::Store& domains, const nlohmann::json& obj);

// The informer index of Domains by "<namespace>/<canonical spec.failover.domain>" (none without spec.failover).
inline constexpr const char* kFailoverZoneIndex = "spec.failover.domain";
std::vector<std::string> FailoverZoneIndexValues(const nlohmann::json& domain);

// The keys of the Domains of `backup`'s namespace whose spec.failover.domain is its zone (its health moves their
// readiness and whether they may switch). REQUIRES: `domains` has kFailoverZoneIndex (no object is decoded: every
// Domain change calls this).
std::vector<std::string> PrimariesOfBackup(const kube::Store& domains, const nlohmann::json& backup);

class FailoverController {
 public:
  FailoverController(domain::Context ctx, FailoverStores stores, FailoverControllerOptions options);
  FailoverController(const FailoverController&) = delete;
  FailoverController& operator=(const FailoverController&) = delete;

  kube::ReconcileResult Reconcile(const std::string& key);

 private:
  struct Memory {
    std::string uid;
    State state;
    bool blocked = false;
    std::string failback_recorded;  // status.failover.since of the last failback whose Event was recorded
  };
  struct Converged {
    struct Selected {
      std::string kind, sibling, source;
    };
    std::vector<Selected> selected;       // what is (or at a switch would be) a sibling, with its original
    std::vector<nlohmann::json> objects;  // status.failover.objects
    std::vector<std::string> problems;    // for readiness (e.g. a name taken by a user's object)
    Status error;                         // an apiserver error: retry
  };

  Converged ConvergeSiblings(const nlohmann::json& domain, const api::FailoverSpec& spec, bool want, bool switching);
  void DeleteSiblingsOf(const std::string& ns, const std::string& primary_name, const std::string& uid);
  Status ClearStatus(const nlohmann::json& domain);
  void MaybeExit(int step, bool switching) const;

  domain::Context ctx_;
  FailoverStores stores_;
  const FailoverControllerOptions options_;
  std::mutex mu_;
  std::map<std::string, Memory> memory_;  // guarded by mu_
};

}  // namespace domainguard::failover
