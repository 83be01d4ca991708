// The generic controller harness (cert-manager's shape): a ControllerSpec names a primary resource, a reconcile
// function of a "namespace/name" key, and watches of secondary resources that map their objects to primary keys.
// The harness wires shared informers → handlers enqueueing keys → kube::WorkQueue → kube::Workers (N workers,
// never two at once for one key), plus a periodic resync that enqueues every cached primary key.
//
//   informer(primary)    add/update/delete ──► key "ns/name" ──┐
//   informer(secondary)  add/update/delete ──► map(obj) keys ──┼──► WorkQueue ──► Workers ──► reconcile(key)
//   resync ticker        every `resync`    ──► all cached keys ┘        ▲                         │
//                                            error: AddRateLimited ─────┴── requeue_after ────────┘
//
// Reconcile reads the object from the cache (InformerSet::For(resource).store()), captured when the spec is
// built; a key absent from the cache means the object was deleted.
//
// Thread-safety: InformerSet and Controller are built and started from one owning thread; the reconcile function
// runs on worker threads (concurrently for different keys); AllSynced and the stores may be read from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "controller/base/clock.h"
#include "controller/kube/client.h"
#include "controller/kube/informer.h"
#include "controller/kube/workqueue.h"
#include "controller/kube/runtime_metrics.h"

namespace domainguard::app {

// A resource by name, owning its strings (kube::Resource only views them).
struct ResourceType {
  std::string group;    // "" for the core group
  std::string version;
  std::string plural;
  std::string kind;
  bool namespaced = true;

  static ResourceType From(const kube::Resource& r) {
    return {std::string(r.group), std::string(r.version), std::string(r.plural), std::string(r.kind), r.namespaced};
  }
  // A view valid while this object lives.
  kube::Resource View() const { return kube::Resource{group, version, plural, kind, namespaced}; }
  // "group/version/plural", the informer key.
  std::string Id() const { return group + "/" + version + "/" + plural; }
};

// Shared informers, one per resource, so controllers watching the same resource share one watch and one cache.
class InformerSet {
 public:
  // `ns` empty: all namespaces. REQUIRES: client outlives the set.
  InformerSet(kube::Client& client, std::string ns, kube::InformerOptions options = {});
  ~InformerSet();
  InformerSet(const InformerSet&) = delete;
  InformerSet& operator=(const InformerSet&) = delete;

  // The informer for `r`, created on first use. REQUIRES: before Start. The reference lives as long as the set.
  kube::Informer& For(const ResourceType& r);
  // Starts every informer. Idempotent.
  void Start();
  // Stops every informer and waits for their threads. Idempotent.
  void Stop();
  // True once every informer has listed its resource (vacuously true when there are none).
  bool AllSynced() const;
  // Ids of informers not yet synced, for /readyz's explanation.
  std::vector<std::string> Unsynced() const;

 private:
  struct Entry {
    ResourceType type;  // owns the strings the informer's Resource views
    std::unique_ptr<kube::Informer> informer;
  };
  kube::Client& client_;
  const std::string ns_;
  const kube::InformerOptions options_;
  std::map<std::string, std::unique_ptr<Entry>> informers_;  // fixed after Start
  bool started_ = false;
};

// Maps a secondary object to the primary keys it concerns. Empty result: nothing to do.
using MapFunc = std::function<std::vector<std::string>(const kube::json& obj)>;

// Primary keys from the secondary object's ownerReferences of `kind` (with the object's namespace).
MapFunc OwnerReferenceMap(std::string kind);

// Whether an update of a secondary object (old, new) concerns the primaries at all (controller-runtime's
// predicates): a DNSProvider's status write need not wake every Domain that uses it.
using UpdateFilter = std::function<bool(const kube::json& old_obj, const kube::json& new_obj)>;

// metadata.generation moved: the spec changed (status writes and relists of an unchanged object do not count).
bool GenerationChanged(const kube::json& old_obj, const kube::json& new_obj);

// Whether an added object concerns a controller (ControllerSpec::add_filter).
using AddFilter = std::function<bool(const kube::json& obj)>;

struct WatchSpec {
  ResourceType resource;
  MapFunc map;
  UpdateFilter update_filter = nullptr;  // null: every update is mapped; adds and deletes always are
  // Mapped keys are enqueued this much later: a burst of changes (a thousand Domains applied at once) becomes one
  // reconcile of the primary per delay instead of one per change. 0: at once.
  std::chrono::milliseconds delay{0};
};

struct ControllerSpec {
  std::string name;       // the queue's and metrics' name, e.g. "domain-records"
  ResourceType resource;  // the primary resource
  std::function<kube::ReconcileResult(const std::string& key)> reconcile;
  std::vector<WatchSpec> watches;
  std::chrono::milliseconds resync{std::chrono::minutes(10)};  // 0: no periodic resync
  int workers = 0;                                             // 0: the manager's --workers
  kube::BackoffConfig backoff;                                 // per-key error backoff
  // Changes of the primary are enqueued this much later, so a burst of them (several controllers writing their
  // parts of one new object) is reconciled once. 0: at once.
  std::chrono::milliseconds delay{0};
  // Whether an update of the primary concerns this controller (e.g. kube::ChangesReadParts of what it reads), so
  // another controller's status write to the same object does not wake it. null: every update does; adds,
  // deletes and the periodic resync always do.
  UpdateFilter update_filter = nullptr;
  // Whether a new object (an add of the primary, the informer's first list included) concerns this controller yet,
  // so a controller that cannot act on a new Domain (Ready before any condition, failover without spec.failover)
  // does not parse it for nothing; its first update that passes update_filter wakes it. null: every add does;
  // deletes and the periodic resync always do.
  AddFilter add_filter = nullptr;
};

class Controller {
 public:
  // Adds handlers to the informers of the primary and watched resources. REQUIRES: informers not started;
  // informers, clock and metrics (when non-null) outlive the controller.
  Controller(ControllerSpec spec, InformerSet& informers, const Clock& clock,
             kube::QueueMetricsProvider* queue_metrics, kube::ReconcileMetricsProvider* controller_metrics);
  // Shuts the queue down and joins workers and the resync thread.
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  const std::string& name() const { return spec_.name; }
  kube::WorkQueue& queue() { return queue_; }

  // Starts `workers` reconcile threads (the spec's own count wins when set) and the resync ticker. Keys enqueued
  // before (the informers' initial adds) are processed now.
  void Start(int workers);
  // No new reconcile starts; in-flight ones finish on their own (leadership lost: stop at once).
  void ShutDown();
  // No new reconcile starts; waits until in-flight ones finish (SIGTERM).
  void ShutDownWithDrain();

 private:
  void Enqueue(const std::string& key, std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  void ResyncLoop();

  const ControllerSpec spec_;
  kube::Store& primary_store_;
  kube::WorkQueue queue_;
  std::unique_ptr<kube::Workers> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread resync_thread_;
};

}  // namespace domainguard::app
