#include "controller/app/manager.h"

#include <chrono>
#include <future>

#include <spdlog/spdlog.h>

namespace domainguard::app {

namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace

http::ServerResponse ProbeResponse(const std::string& path, const ProbeState& s) {
  if (path == "/healthz" || path == "/livez") return {200, "text/plain; charset=utf-8", "ok\n"};
  if (path != "/readyz") return {404, "text/plain; charset=utf-8", "not found\n"};
  // Decision table, first match wins:
  //   stopping                                  503 (take this replica out of Service endpoints while it drains)
  //   not leading                               200 (a standby is ready, as in controller-runtime)
  //   leading, controllers not started yet      503
  //   leading, some informer has not listed     503 naming the informers
  //   leading, all synced                       200
  if (s.stopping) return {503, "text/plain; charset=utf-8", "shutting down\n"};
  if (!s.leading) return {200, "text/plain; charset=utf-8", "ok (standby)\n"};
  if (!s.controllers_started) return {503, "text/plain; charset=utf-8", "controllers starting\n"};
  if (!s.caches_synced) {
    return {503, "text/plain; charset=utf-8", "caches not synced: " + Join(s.unsynced) + "\n"};
  }
  return {200, "text/plain; charset=utf-8", "ok\n"};
}

Manager::Manager(ManagerOptions options, std::string lease_namespace, std::string identity, kube::Client& client,
                 kube::Client& election_client, const Clock& clock)
    : options_(std::move(options)),
      lease_namespace_(std::move(lease_namespace)),
      identity_(std::move(identity)),
      client_(client),
      election_client_(election_client),
      clock_(clock),
      domain_metrics_(registry_),
      controller_metrics_(registry_),
      workqueue_metrics_(registry_),
      informers_(client_, options_.namespace_) {}

Manager::~Manager() {
  for (auto& c : controllers_) c->ShutDown();
  informers_.Stop();
  controllers_.clear();
}

Controller& Manager::AddController(ControllerSpec spec) {
  controllers_.push_back(
      std::make_unique<Controller>(std::move(spec), informers_, clock_, &workqueue_metrics_, &controller_metrics_));
  return *controllers_.back();
}

ProbeState Manager::State() const {
  ProbeState s;
  s.leading = leading_.load();
  s.controllers_started = informers_started_.load();
  s.stopping = stopping_.load();
  if (s.controllers_started) {
    s.unsynced = informers_.Unsynced();
    s.caches_synced = s.unsynced.empty();
  }
  return s;
}

void Manager::StartLeading() {
  leading_.store(true);
  controller_metrics_.SetLeader(options_.leader_election_id, true);
  informers_.Start();
  informers_started_.store(true);
  if (!WaitForCacheSync()) return;  // stopping, or the Lease was lost: Run's loop ends
  for (auto& c : controllers_) c->Start(options_.workers);
  controllers_started_.store(true);
  spdlog::info("manager identity={} decision=controllers_started controllers={}", identity_, controllers_.size());
}

bool Manager::WaitForCacheSync() {
  const auto start = std::chrono::steady_clock::now();
  auto next_log = start + std::chrono::seconds(10);
  std::unique_lock<std::mutex> lock(mu_);
  while (!informers_.AllSynced()) {
    if (stop_requested_ || lost_) return false;
    cv_.wait_for(lock, std::chrono::milliseconds(20));
    if (std::chrono::steady_clock::now() >= next_log) {
      next_log += std::chrono::seconds(10);
      std::vector<std::string> unsynced = informers_.Unsynced();
      std::string names;
      for (const std::string& n : unsynced) names += (names.empty() ? "" : ",") + n;
      spdlog::warn("manager identity={} decision=wait-for-caches unsynced=[{}] waited={}s", identity_, names,
                   std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count());
    }
  }
  spdlog::info("manager identity={} decision=caches-synced took={}ms", identity_,
               std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
  return true;
}

void Manager::RequestStop() {
  std::lock_guard<std::mutex> lock(mu_);
  stop_requested_ = true;
  cv_.notify_all();
}

int Manager::Run() {
  if (!options_.probe_bind.disabled) {
    auto s = http::Serve(options_.probe_bind.host, options_.probe_bind.port,
                         [this](const http::ServerRequest& r) { return ProbeResponse(r.path, State()); });
    if (!s.ok()) {
      spdlog::error("manager decision=exit why=\"cannot serve probes on {}:{}\" error=\"{}\"", options_.probe_bind.host,
                    options_.probe_bind.port, s.error().ToString());
      return 1;
    }
    probe_server_ = std::move(s.value());
  }
  if (!options_.metrics_bind.disabled) {
    auto s = http::Serve(options_.metrics_bind.host, options_.metrics_bind.port, [this](const http::ServerRequest& r) {
      if (r.path != "/metrics") return http::ServerResponse{404, "text/plain; charset=utf-8", "not found\n"};
      return http::ServerResponse{200, "text/plain; version=0.0.4; charset=utf-8", registry_.Expose()};
    });
    if (!s.ok()) {
      spdlog::error("manager decision=exit why=\"cannot serve metrics on {}:{}\" error=\"{}\"",
                    options_.metrics_bind.host, options_.metrics_bind.port, s.error().ToString());
      return 1;
    }
    metrics_server_ = std::move(s.value());
  }
  spdlog::info("manager identity={} decision=serving probes={}:{} metrics={}:{} namespace={} controllers={}",
               identity_, options_.probe_bind.host, options_.probe_bind.port, options_.metrics_bind.host,
               options_.metrics_bind.port, options_.namespace_.empty() ? "*" : options_.namespace_,
               controllers_.size());

  controller_metrics_.SetLeader(options_.leader_election_id, false);
  std::unique_ptr<LeaseElector> elector;
  std::thread elector_thread;
  if (options_.leader_elect) {
    kube::LeaderElectionConfig cfg{identity_, options_.lease_duration, options_.renew_deadline, options_.retry_period};
    elector = std::make_unique<LeaseElector>(
        election_client_, lease_namespace_, options_.leader_election_id, cfg, clock_,
        LeaseElectorCallbacks{
            [this] {
              std::lock_guard<std::mutex> lock(mu_);
              became_leader_ = true;
              cv_.notify_all();
            },
            [this](const std::string&) {
              // Stop every queue now, on the elector's thread, before anything else can start a reconcile.
              leading_.store(false);
              for (auto& c : controllers_) c->ShutDown();
              std::lock_guard<std::mutex> lock(mu_);
              lost_ = true;
              cv_.notify_all();
            }});
    elector_thread = std::thread([&elector] { elector->Run(); });
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    became_leader_ = true;
  }

  {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_requested_ || lost_ || (became_leader_ && !controllers_started_.load()); });
      if (lost_ || stop_requested_) break;
      lock.unlock();
      StartLeading();
      lock.lock();
    }
  }

  bool lost;
  {
    std::lock_guard<std::mutex> lock(mu_);
    lost = lost_;
  }
  if (lost) {
    controller_metrics_.SetLeader(options_.leader_election_id, false);
    spdlog::error("manager identity={} decision=exit code=1 why=\"leadership lost; restarting to rebuild state\"",
                  identity_);
    if (elector_thread.joinable()) elector_thread.join();
    return 1;
  }

  // Graceful shutdown: the elector keeps renewing while in-flight reconciles finish, so no other replica starts
  // on the same objects meanwhile; only then is the Lease released.
  stopping_.store(true);
  spdlog::info("manager identity={} decision=shutdown step=drain timeout={}ms", identity_,
               options_.graceful_shutdown_timeout.count());
  std::packaged_task<void()> drain([this] {
    for (auto& c : controllers_) c->ShutDownWithDrain();
  });
  std::future<void> drained = drain.get_future();
  std::thread drain_thread(std::move(drain));
  if (drained.wait_for(options_.graceful_shutdown_timeout) == std::future_status::timeout) {
    spdlog::warn("manager identity={} decision=shutdown step=drain outcome=timeout", identity_);
    drain_thread.detach();  // the process exits next; the reconciles still running end with it
  } else {
    drain_thread.join();
  }
  informers_.Stop();
  if (elector) {
    elector->Stop();
    elector_thread.join();
    (void)elector->Release();  // logged inside; a failed release only delays the next leader by a lease duration
  }
  leading_.store(false);
  controller_metrics_.SetLeader(options_.leader_election_id, false);
  if (metrics_server_) metrics_server_->Stop();
  if (probe_server_) probe_server_->Stop();
  spdlog::info("manager identity={} decision=exit code=0", identity_);
  return 0;
}

}  // namespace domainguard::app
