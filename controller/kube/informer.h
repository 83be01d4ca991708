// Informer: a Watcher feeding a Store, with add/update/delete handlers and a periodic resync, as controllers
// use them: read from the cache, react to changes.
//
// Handlers run on the informer's watcher thread (resync on its own thread), in event order per object; they
// must be quick (enqueue a key and return). A relist after 410 Gone or a restart delivers exactly the
// differences: updates for changed objects, adds for new ones, deletes for ones that vanished meanwhile.
//
// Thread-safety: Start/Stop from the owning thread; store() and HasSynced from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "controller/kube/store.h"
#include "controller/kube/watcher.h"

namespace domainguard::kube {

struct InformerHandlers {
  std::function<void(const json& obj)> on_add;
  std::function<void(const json& old_obj, const json& new_obj)> on_update;
  std::function<void(const json& obj)> on_delete;
};

struct InformerOptions {
  WatcherOptions watcher;
  std::chrono::milliseconds resync{0};  // 0: no periodic resync; else on_update(obj, obj) for every object
  bool strip_managed_fields = true;     // drop metadata.managedFields before caching (see object.h)
};

class Informer {
 public:
  // REQUIRES: client outlives the Informer.
  Informer(Client& client, Resource resource, std::string ns, InformerOptions options = {});
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // REQUIRES: before Start.
  void AddHandlers(InformerHandlers h);
  Store& store() { return store_; }

  void Start();
  // Stops the threads and waits for them. Idempotent.
  void Stop();
  // True once the first full list is in the store.
  bool HasSynced() const { return synced_.load(); }
  // Waits for HasSynced; false when `timeout` passes first.
  bool WaitForSync(std::chrono::milliseconds timeout);
  // Counts of events applied, for tests and metrics.
  uint64_t events_applied() const { return events_applied_.load(); }
  // Full lists started (the first one included): more than 1 means a relist (410 Gone, unexpected state).
  uint64_t lists_started() const { return lists_started_.load(); }

 private:
  void OnEvent(WatcherEvent&& ev);
  void Dispatch(const StoreChange& change);
  void ResyncLoop();

  const InformerOptions options_;
  Store store_;
  Watcher watcher_;
  std::vector<InformerHandlers> handlers_;
  std::atomic<bool> synced_{false};
  std::atomic<uint64_t> events_applied_{0};
  std::atomic<uint64_t> lists_started_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread watch_thread_;
  std::thread resync_thread_;
};

}  // namespace domainguard::kube
