// The objects and records failover adds, as pure functions of the user's objects: never an edit of the user's
// Ingress or HTTPRoute, always a sibling domainguard owns (labelled, annotated with its source, ownerReference to
// the primary Domain), in which every host X.<zone> becomes X.<failover zone>.
//
//   user's Ingress "web"                      sibling Ingress "web-failover" (owned by the Domain)
//     rules: app.shop.test, api.shop.test  ->   rules: app.shop-backup.net, api.shop-backup.net (same http paths)
//            other.example.org                      (hosts outside the zone are left out: not ours to serve)
//     tls: [app.shop.test] secret web-tls  ->   tls: [app.shop-backup.net] secret web-tls-failover
//     ingressClassName, cert-manager annotations -> the same
//
// Records for the sibling hosts point at the original's status.loadBalancer.ingress (A/AAAA for ip, CNAME for
// hostname); for an HTTPRoute at its parent Gateways' status.addresses.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace domainguard::failover {

// Labels and annotations every sibling carries.
inline constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr const char* kManagedByValue = "domainguard";
inline constexpr const char* kSiblingLabel = "domainguard.io/failover-sibling";
inline constexpr const char* kSourceAnnotation = "domainguard.io/failover-source";
inline constexpr const char* kZoneAnnotation = "domainguard.io/failover-zone";
inline constexpr const char* kPrimaryAnnotation = "domainguard.io/failover-primary";
// TTL of the backup records: short, so a later change of the load balancer address is seen soon.
inline constexpr int kBackupRecordTtl = 60;
// Gateway API: an HTTPRoute has at most 16 hostnames.
inline constexpr size_t kMaxRouteHostnames = 16;

// `host` ("app.shop.test", "*.shop.test", "shop.test"; any case, trailing dot or not) in `zone` rewritten into
// `backup` ("app.shop-backup.net"), without trailing dot; nullopt when the host is not in `zone`.
// `zone` and `backup` are canonical ("shop.test.").
std::optional<std::string> RewriteHost(const std::string& host, const std::string& zone, const std::string& backup);

// The sibling's name for an original named `name`: "<name>-failover" (cut to fit 253 characters).
std::string SiblingName(const std::string& name);

// The annotations carried from the user's object: all but those that tie an object to a tool that created it
// (kubectl's last-applied, Helm, Argo CD, Flux) or would make another controller act on the primary names
// (external-dns) or on domainguard's own keys.
nlohmann::json CarriedAnnotations(const nlohmann::json& original);

// True for an object domainguard created as a sibling (never selected as an original).
bool IsSibling(const nlohmann::json& obj);

struct Sibling {
  nlohmann::json object;           // the full object to create or to make the existing one equal to
  std::vector<std::string> hosts;  // the rewritten hosts, in order of first appearance
};

// The sibling of the user's Ingress `original` for the primary `domain` (its spec.zone) and `backup` zone;
// nullopt when no host of the Ingress is in the primary zone. Rules without a host, the default backend and
// hosts outside the zone are left out.
std::optional<Sibling> RenderIngressSibling(const nlohmann::json& original, const nlohmann::json& domain,
                                            const std::string& backup);

// The sibling of the user's HTTPRoute: spec.hostnames rewritten (at most kMaxRouteHostnames), parentRefs and rules
// the same; nullopt when no hostname is in the zone.
std::optional<Sibling> RenderRouteSibling(const nlohmann::json& original, const nlohmann::json& domain,
                                          const std::string& backup);

// The parts of a sibling that domainguard sets (labels, annotations, ownerReferences, spec): equal means no write.
bool SameSibling(const nlohmann::json& existing, const nlohmann::json& desired);

// Where the backup hosts must point.
struct LoadBalancer {
  std::vector<std::string> ips;        // sorted, unique
  std::vector<std::string> hostnames;  // sorted, unique
};

// An Ingress's status.loadBalancer.ingress.
LoadBalancer IngressLoadBalancer(const nlohmann::json& ingress);
// A Gateway's status.addresses (type IPAddress or absent: ip; Hostname: hostname).
LoadBalancer GatewayLoadBalancer(const nlohmann::json& gateway);

// The records for `hosts` pointing at `lb`, in spec.records form ({name: "app.shop-backup.net.", type, ttl,
// values}): A and AAAA for the ips, or one CNAME to the first hostname when there are no ips. Empty when `lb`
// has no address.
std::vector<nlohmann::json> BackupRecords(const std::vector<std::string>& hosts, const LoadBalancer& lb);

// The hosts a sibling serves (Ingress rules' hosts, or HTTPRoute hostnames).
std::vector<std::string> SiblingHosts(const nlohmann::json& sibling);

}  // namespace domainguard::failover
