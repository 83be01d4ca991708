// `domainguard check --discover-from-cluster [--kubeconfig FILE] [--discover-namespace NS]`: reads the cluster's
// Ingresses, HTTPRoutes (when the Gateway API is installed) and Domains through the kubeconfig (default as
// kubectl: $KUBECONFIG, ~/.kube/config, in-cluster), and checks every registrable domain they serve that no Domain
// covers, like a zone named on the command line, with a Warning finding UnmonitoredDomain naming the Ingress or
// HTTPRoute and host that use it.
//
// Thread-safety: the plug-in's functions are called by RunCheck from one thread.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/delegation/check_command.h"

namespace domainguard::discovery {

// What discovery found: registrable domain -> "Ingress ns/name (host)" / "HTTPRoute ns/name (host)" users.
using Discovered = std::map<std::string, std::vector<std::string>>;

// Pure: the uncovered registrable domains of `ingresses` and `routes`, and who serves each.
Discovered DiscoverUnmonitored(const std::vector<nlohmann::json>& ingresses, const std::vector<nlohmann::json>& routes,
                               const std::vector<nlohmann::json>& domains);

delegation::CheckPlugin MakeDiscoveryCheckPlugin();

}  // namespace domainguard::discovery
