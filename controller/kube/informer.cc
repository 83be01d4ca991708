// The informer (informer.h).
#include "controller/kube/informer.h"

#include <spdlog/spdlog.h>

namespace domainguard::kube {

namespace {

WatcherOptions WatcherOptionsOf(const InformerOptions& options) {
  WatcherOptions w = options.watcher;
  // Stripped anyway: left out while parsing, not built and then freed (pruned_json.h).
  if (options.strip_managed_fields) w.without_managed_fields = true;
  return w;
}

}  // namespace

Informer::Informer(Client& client, Resource resource, std::string ns, InformerOptions options)
    : options_(options),
      watcher_(client, resource, std::move(ns), WatcherOptionsOf(options),
               [this](WatcherEvent&& ev) { OnEvent(std::move(ev)); }) {}

Informer::~Informer() { Stop(); }

void Informer::AddHandlers(InformerHandlers h) { handlers_.push_back(std::move(h)); }

void Informer::Start() {
  watch_thread_ = std::thread([this] { watcher_.Run(); });
  if (options_.resync.count() > 0) resync_thread_ = std::thread([this] { ResyncLoop(); });
}

void Informer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  watcher_.Stop();
  if (watch_thread_.joinable()) watch_thread_.join();
  if (resync_thread_.joinable()) resync_thread_.join();
}

bool Informer::WaitForSync(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return synced_.load() || stopping_; }) && synced_.load();
}

void Informer::OnEvent(WatcherEvent&& ev) {
  // The event's object is moved out, not copied (issue #14: a deep copy of every watched object).
  auto prepared = [&]() {
    json obj = std::move(ev.object);
    if (options_.strip_managed_fields) StripManagedFields(obj);
    return obj;
  };
  switch (ev.type) {
    case WatcherEvent::Type::kInit:
      ++lists_started_;
      store_.BeginReplace();
      return;
    case WatcherEvent::Type::kInitApply:
      store_.ReplaceAdd(prepared());
      return;
    case WatcherEvent::Type::kInitDone: {
      auto changes = store_.CommitReplace();
      events_applied_ += changes.size();
      if (!synced_) {
        std::lock_guard<std::mutex> lock(mu_);
        synced_ = true;
        cv_.notify_all();
      }
      changes.ForEach([this](const StoreChange& c) { Dispatch(c); });
      return;
    }
    case WatcherEvent::Type::kApply: {
      // Shared with the store: the controllers woken by this event read this parse (Store::GetShared).
      auto obj = std::make_shared<const json>(prepared());
      std::shared_ptr<const json> old = store_.UpsertShared(obj);
      ++events_applied_;
      for (const auto& h : handlers_) {
        if (old) {
          if (h.on_update) h.on_update(*old, *obj);
        } else if (h.on_add) {
          h.on_add(*obj);
        }
      }
      return;
    }
    case WatcherEvent::Type::kDelete: {
      json obj = prepared();
      store_.Remove(obj);
      ++events_applied_;
      for (const auto& h : handlers_) {
        if (h.on_delete) h.on_delete(obj);
      }
      return;
    }
  }
}

void Informer::Dispatch(const StoreChange& c) {
  for (const auto& h : handlers_) {
    switch (c.type) {
      case StoreChange::Type::kAdded:
        if (h.on_add) h.on_add(*c.new_object);
        break;
      case StoreChange::Type::kUpdated:
        if (h.on_update) h.on_update(*c.old_object, *c.new_object);
        break;
      case StoreChange::Type::kDeleted:
        if (h.on_delete) h.on_delete(*c.old_object);
        break;
    }
  }
}

void Informer::ResyncLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (cv_.wait_for(lock, options_.resync, [&] { return stopping_; })) break;
    lock.unlock();
    for (const auto& obj : store_.List()) {
      for (const auto& h : handlers_) {
        if (h.on_update) h.on_update(obj, obj);
      }
    }
    lock.lock();
  }
}

}  // namespace domainguard::kube
