#include "controller/discovery/discovery_controller.h"

#include <spdlog/spdlog.h>

#include "controller/discovery/unmonitored.h"
#include "controller/domain/domain_object.h"

namespace domainguard::discovery {

using nlohmann::json;

kube::ReconcileResult DiscoveryController::Reconcile(const std::string& key) {
  if (synced_ && !synced_()) return {OkStatus(), std::chrono::nanoseconds(std::chrono::seconds(1))};
  const size_t slash = key.find('/');
  const std::string ns = slash == std::string::npos ? "" : key.substr(0, slash);
  const std::set<std::string> covered = CoveredDomains(ctx_.domains.List());

  // 1. This Ingress: an Event for each newly uncovered domain of its hosts.
  std::optional<json> ing = ingresses_.Get(key);
  std::set<std::string> mine;
  if (ing) {
    const std::vector<std::string> hosts = IngressHosts(*ing);
    mine = Uncovered(RegistrableDomains(hosts), covered);
    std::set<std::string> fresh;
    {
      std::lock_guard<std::mutex> lock(mu_);
      std::set<std::string>& told = told_[key];
      for (const std::string& d : mine) {
        if (!told.count(d)) fresh.insert(d);
      }
      told = mine;
    }
    for (const std::string& d : fresh) {
      std::string example;
      for (const std::string& h : hosts) {
        if (RegistrableDomains({h}).count(d)) {
          example = h;
          break;
        }
      }
      ctx_.events.Record(domain::EventSubject(*ing, kube::kIngresses), kube::kEventWarning, kReasonUnmonitoredDomain,
                         "host " + example + " is under " + d +
                             ", which no Domain monitors: its registration and delegation are not checked");
      spdlog::info("discovery ingress={} decision=unmonitored domain={} host={}", key, d, example);
    }
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    told_.erase(key);
  }

  ExportNamespace(ns, covered);
  return {};
}

kube::ReconcileResult DiscoveryController::ReconcileRoute(const std::string& key) {
  if (synced_ && !synced_()) return {OkStatus(), std::chrono::nanoseconds(std::chrono::seconds(1))};
  const size_t slash = key.find('/');
  ExportNamespace(slash == std::string::npos ? "" : key.substr(0, slash), CoveredDomains(ctx_.domains.List()));
  return {};
}

// 2. The namespace's metric: every Ingress and HTTPRoute of the namespace.
void DiscoveryController::ExportNamespace(const std::string& ns, const std::set<std::string>& covered) {
  std::vector<std::string> hosts;
  for (const json& i : ingresses_.ByIndex(kube::kNamespaceIndex, ns)) {
    for (std::string& h : IngressHosts(i)) hosts.push_back(std::move(h));
  }
  if (routes_ != nullptr) {
    for (const json& r : routes_->ByIndex(kube::kNamespaceIndex, ns)) {
      for (std::string& h : RouteHosts(r)) hosts.push_back(std::move(h));
    }
  }
  const std::set<std::string> now = Uncovered(RegistrableDomains(hosts), covered);
  std::set<std::string> before;
  {
    std::lock_guard<std::mutex> lock(mu_);
    before = exported_[ns];
    exported_[ns] = now;
  }
  for (const std::string& d : now) {
    if (!before.count(d)) ctx_.metrics.SetUnmonitored(ns, d, true);
  }
  for (const std::string& d : before) {
    if (!now.count(d)) {
      ctx_.metrics.SetUnmonitored(ns, d, false);
      spdlog::info("discovery namespace={} decision=covered-or-gone domain={}", ns, d);
    }
  }
}

}  // namespace domainguard::discovery
