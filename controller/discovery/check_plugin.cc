#include "controller/discovery/check_plugin.h"

#include <memory>

#include "controller/api/finding.h"
#include "controller/api/resources.h"
#include "controller/base/clock.h"
#include "controller/discovery/discovery_controller.h"
#include "controller/discovery/unmonitored.h"
#include "controller/http/transport.h"
#include "controller/kube/client.h"
#include "controller/kube/config.h"

namespace domainguard::discovery {

using nlohmann::json;

namespace {

constexpr kube::Resource kRoutes{"gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute", true};

// State shared by the plug-in's functions (RunCheck calls them in order on one thread).
struct State {
  Discovered found;
};

std::string Canonical(const std::string& d) { return d + "."; }

}  // namespace

Discovered DiscoverUnmonitored(const std::vector<json>& ingresses, const std::vector<json>& routes,
                               const std::vector<json>& domains) {
  const std::set<std::string> covered = CoveredDomains(domains);
  Discovered out;
  auto add = [&](const char* kind, const json& obj, const std::vector<std::string>& hosts) {
    for (const std::string& h : hosts) {
      for (const std::string& d : Uncovered(RegistrableDomains({h}), covered)) {
        out[d].push_back(std::string(kind) + " " + kube::ObjectKey(obj) + " (" + h + ")");
      }
    }
  };
  for (const json& i : ingresses) add("Ingress", i, IngressHosts(i));
  for (const json& r : routes) add("HTTPRoute", r, RouteHosts(r));
  return out;
}

delegation::CheckPlugin MakeDiscoveryCheckPlugin() {
  auto state = std::make_shared<State>();
  delegation::CheckPlugin p;
  p.key = "discovery";
  p.switch_flags = {"--discover-from-cluster"};
  p.value_flags = {"--kubeconfig", "--discover-namespace"};
  p.usage =
      "         [--discover-from-cluster] also check the registrable domains of the cluster's Ingress hosts and\n"
      "                                HTTPRoute hostnames that no Domain covers (UnmonitoredDomain, Warning)\n"
      "         [--kubeconfig FILE]     the cluster (default: $KUBECONFIG, ~/.kube/config, in-cluster)\n"
      "         [--discover-namespace NS] only this namespace's Ingresses and HTTPRoutes (Domains of all)\n";
  p.configure = [state](const std::map<std::string, std::string>& flags) -> std::string {
    if (!flags.count("--discover-from-cluster")) {
      if (flags.count("--kubeconfig") || flags.count("--discover-namespace")) {
        return "--kubeconfig and --discover-namespace need --discover-from-cluster";
      }
      return "";
    }
    const std::string kubeconfig = flags.count("--kubeconfig") ? flags.at("--kubeconfig") : "";
    const std::string ns = flags.count("--discover-namespace") ? flags.at("--discover-namespace") : "";
    Result<kube::RestConfig> config = kube::LoadDefaultConfig(kubeconfig);
    if (!config.ok()) return "--kubeconfig: " + config.error().message;
    Result<std::unique_ptr<http::Transport>> transport = http::NewTransport(config->tls);
    if (!transport.ok()) return "--kubeconfig: " + transport.error().message;
    RealClock clock;
    kube::Client client(**transport, *config, clock);
    Result<kube::ListPage> ingresses = client.ListAll(kube::kIngresses, ns);
    if (!ingresses.ok()) return "listing Ingresses: " + ingresses.error().message;
    Result<kube::ListPage> domains = client.ListAll(api::kDomains, "");
    std::vector<json> domain_items;
    if (domains.ok()) {
      domain_items = domains->items;
    } else if (domains.error().code != ErrorCode::kNotFound) {  // no Domain CRD: nothing is covered
      return "listing Domains: " + domains.error().message;
    }
    Result<kube::ListPage> routes = client.ListAll(kRoutes, ns);  // 404: no Gateway API
    state->found = DiscoverUnmonitored(ingresses->items, routes.ok() ? routes->items : std::vector<json>{},
                                       domain_items);
    return "";
  };
  p.extra_zones = [state] {
    std::vector<std::string> zones;
    for (const auto& [d, users] : state->found) zones.push_back(d);
    return zones;
  };
  p.check = [state](const std::string& zone) -> std::optional<delegation::CheckPart> {
    for (const auto& [d, users] : state->found) {
      if (Canonical(d) != zone) continue;
      delegation::CheckPart part;
      std::string who;
      for (const std::string& u : users) who += (who.empty() ? "" : ", ") + u;
      part.value = {{"unmonitored", true}, {"usedBy", users}};
      part.findings.push_back({std::string(kReasonUnmonitoredDomain), api::Severity::kWarning,
                               "served by " + who + ", and no Domain monitors it"});
      return part;
    }
    return std::nullopt;
  };
  return p;
}

}  // namespace domainguard::discovery
