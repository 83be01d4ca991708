#include "controller/app/controller.h"

#include <spdlog/spdlog.h>

namespace domainguard::app {

InformerSet::InformerSet(kube::Client& client, std::string ns, kube::InformerOptions options)
    : client_(client), ns_(std::move(ns)), options_(std::move(options)) {}

InformerSet::~InformerSet() { Stop(); }

kube::Informer& InformerSet::For(const ResourceType& r) {
  auto& slot = informers_[r.Id()];
  if (!slot) {
    slot = std::make_unique<Entry>();
    slot->type = r;
    // Cluster-scoped resources ignore the namespace restriction.
    slot->informer = std::make_unique<kube::Informer>(client_, slot->type.View(), r.namespaced ? ns_ : "", options_);
  }
  return *slot->informer;
}

void InformerSet::Start() {
  if (started_) return;
  started_ = true;
  for (auto& [id, e] : informers_) {
    spdlog::info("informer resource={} namespace={} decision=start", id, ns_.empty() ? "*" : ns_);
    e->informer->Start();
  }
}

void InformerSet::Stop() {
  for (auto& [id, e] : informers_) e->informer->Stop();
}

bool InformerSet::AllSynced() const {
  for (const auto& [id, e] : informers_) {
    if (!e->informer->HasSynced()) return false;
  }
  return true;
}

std::vector<std::string> InformerSet::Unsynced() const {
  std::vector<std::string> out;
  for (const auto& [id, e] : informers_) {
    if (!e->informer->HasSynced()) out.push_back(id);
  }
  return out;
}

bool GenerationChanged(const kube::json& old_obj, const kube::json& new_obj) {
  return kube::Generation(old_obj) != kube::Generation(new_obj);
}

MapFunc OwnerReferenceMap(std::string kind) {
  return [kind = std::move(kind)](const kube::json& obj) {
    std::vector<std::string> keys;
    const kube::json* refs = nullptr;
    if (obj.contains("metadata") && obj["metadata"].contains("ownerReferences")) {
      refs = &obj["metadata"]["ownerReferences"];
    }
    if (refs == nullptr || !refs->is_array()) return keys;
    for (const kube::json& ref : *refs) {
      if (ref.is_object() && ref.value("kind", "") == kind && ref.contains("name") && ref["name"].is_string()) {
        keys.push_back(kube::ObjectKey(kube::Namespace(obj), ref["name"].get<std::string>()));
      }
    }
    return keys;
  };
}

Controller::Controller(ControllerSpec spec, InformerSet& informers, const Clock& clock,
                       kube::QueueMetricsProvider* queue_metrics, kube::ReconcileMetricsProvider* controller_metrics)
    : spec_(std::move(spec)),
      primary_store_(informers.For(spec_.resource).store()),
      queue_(spec_.name, clock, queue_metrics, spec_.backoff) {
  workers_ = std::make_unique<kube::Workers>(queue_, spec_.name, spec_.reconcile, clock, controller_metrics);

  // Primary: every change enqueues the object's own key. Updates include the informer's relist differences.
  const std::chrono::milliseconds primary_delay = spec_.delay;
  informers.For(spec_.resource).AddHandlers(kube::InformerHandlers{
      [this, primary_delay, add_filter = spec_.add_filter](const kube::json& obj) {
        if (add_filter && !add_filter(obj)) return;
        Enqueue(kube::ObjectKey(obj), primary_delay);
      },
      [this, primary_delay, filter = spec_.update_filter](const kube::json& old_obj, const kube::json& obj) {
        if (filter && !filter(old_obj, obj)) return;
        Enqueue(kube::ObjectKey(obj), primary_delay);
      },
      [this, primary_delay](const kube::json& obj) { Enqueue(kube::ObjectKey(obj), primary_delay); },
  });
  // Secondary: both the old and the new object may concern a primary (a label moved from one to another).
  for (const WatchSpec& w : spec_.watches) {
    MapFunc map = w.map;
    UpdateFilter filter = w.update_filter;
    const std::chrono::milliseconds delay = w.delay;
    informers.For(w.resource).AddHandlers(kube::InformerHandlers{
        [this, map, delay](const kube::json& obj) {
          for (const std::string& k : map(obj)) Enqueue(k, delay);
        },
        [this, map, filter, delay](const kube::json& old_obj, const kube::json& obj) {
          if (filter && !filter(old_obj, obj)) return;
          for (const std::string& k : map(old_obj)) Enqueue(k, delay);
          for (const std::string& k : map(obj)) Enqueue(k, delay);
        },
        [this, map, delay](const kube::json& obj) {
          for (const std::string& k : map(obj)) Enqueue(k, delay);
        },
    });
  }
}

Controller::~Controller() {
  ShutDown();
  workers_.reset();  // joins the worker threads
  if (resync_thread_.joinable()) resync_thread_.join();
}

void Controller::Enqueue(const std::string& key, std::chrono::milliseconds delay) {
  if (key.empty()) return;
  if (delay.count() > 0) {
    queue_.AddAfter(key, delay);
  } else {
    queue_.Add(key);
  }
}

void Controller::Start(int workers) {
  int n = spec_.workers > 0 ? spec_.workers : std::max(1, workers);
  spdlog::info("controller={} resource={} decision=start workers={} resync={}ms watches={}", spec_.name,
               spec_.resource.Id(), n, spec_.resync.count(), spec_.watches.size());
  workers_->Start(n);
  if (spec_.resync.count() > 0) resync_thread_ = std::thread([this] { ResyncLoop(); });
}

void Controller::ResyncLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, spec_.resync, [&] { return stopping_; })) {
    lock.unlock();
    std::vector<std::string> keys = primary_store_.Keys();
    spdlog::debug("controller={} decision=resync keys={}", spec_.name, keys.size());
    for (const std::string& k : keys) Enqueue(k);
    lock.lock();
  }
}

void Controller::ShutDown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  queue_.ShutDown();
}

void Controller::ShutDownWithDrain() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  queue_.ShutDownWithDrain();
}

}  // namespace domainguard::app
