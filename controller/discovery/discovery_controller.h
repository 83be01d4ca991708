// The discovery controller: registrable domains served by Ingresses (and HTTPRoutes, when the Gateway API is
// installed) that no Domain covers (unmonitored.h). Per Ingress, a Warning Event "UnmonitoredDomain" on the Ingress
// naming the domain and the host, once per (Ingress, domain) while it stays uncovered; per namespace the metric
// domainguard_unmonitored_domain{namespace,domain} = 1 for each such domain, removed once a Domain covers it or no
// Ingress/HTTPRoute serves it any more. Reads caches only; writes no object.
//
// Thread-safety: Reconcile may run on several worker threads for different keys.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "controller/domain/context.h"
#include "controller/kube/store.h"
#include "controller/kube/workqueue.h"

namespace domainguard::discovery {

// The reason of the Event on an Ingress.
inline constexpr std::string_view kReasonUnmonitoredDomain = "UnmonitoredDomain";

class DiscoveryController {
 public:
  // `routes` may be null (no Gateway API). `synced` says whether the Ingress, Domain (and HTTPRoute) caches have
  // listed everything; until then nothing is decided. All borrowed; they outlive the controller.
  DiscoveryController(domain::Context ctx, kube::Store& ingresses, const kube::Store* routes,
                      std::function<bool()> synced = nullptr)
      : ctx_(ctx), ingresses_(ingresses), routes_(routes), synced_(std::move(synced)) {}

  // `key` is an Ingress key ("ns/name").
  kube::ReconcileResult Reconcile(const std::string& key);
  // `key` is an HTTPRoute key: only the namespace's metric (Events are for Ingresses).
  kube::ReconcileResult ReconcileRoute(const std::string& key);

 private:
  void ExportNamespace(const std::string& ns, const std::set<std::string>& covered);

  domain::Context ctx_;
  kube::Store& ingresses_;
  const kube::Store* routes_;
  const std::function<bool()> synced_;
  std::mutex mu_;
  std::map<std::string, std::set<std::string>> told_;       // guarded by mu_; Ingress key -> domains evented
  std::map<std::string, std::set<std::string>> exported_;   // guarded by mu_; namespace -> domains in the metric
};

}  // namespace domainguard::discovery
