// Kubernetes objects as nlohmann::json, and the descriptors of the built-in resources: small accessors so callers
// never spell metadata paths by hand. Pure functions; thread-safe on const objects.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace domainguard::kube {

using json = nlohmann::json;

// One REST resource: where it lives and what it is called.
struct Resource {
  std::string_view group;    // "" for the core group
  std::string_view version;  // "v1"
  std::string_view plural;   // "ingresses"
  std::string_view kind;     // "Ingress"
  bool namespaced = true;

  // "networking.k8s.io/v1", or "v1" for the core group.
  std::string ApiVersion() const;
  // "/apis/networking.k8s.io/v1" or "/api/v1".
  std::string BasePath() const;
  // The collection or object path: ns empty lists across all namespaces; name and subresource optional.
  std::string Path(std::string_view ns, std::string_view name = "", std::string_view subresource = "") const;
};

inline constexpr Resource kIngresses{"networking.k8s.io", "v1", "ingresses", "Ingress", true};
inline constexpr Resource kLeases{"coordination.k8s.io", "v1", "leases", "Lease", true};
inline constexpr Resource kEvents{"events.k8s.io", "v1", "events", "Event", true};
inline constexpr Resource kSecrets{"", "v1", "secrets", "Secret", true};
inline constexpr Resource kConfigMaps{"", "v1", "configmaps", "ConfigMap", true};
inline constexpr Resource kNamespaces{"", "v1", "namespaces", "Namespace", false};
inline constexpr Resource kServiceAccounts{"", "v1", "serviceaccounts", "ServiceAccount", true};
inline constexpr Resource kCustomResourceDefinitions{"apiextensions.k8s.io", "v1", "customresourcedefinitions",
                                                     "CustomResourceDefinition", false};

// metadata accessors; "" / 0 when absent or of the wrong type.
std::string Name(const json& obj);
std::string Namespace(const json& obj);
std::string ResourceVersion(const json& obj);
std::string Uid(const json& obj);
int64_t Generation(const json& obj);
// "namespace/name", or "name" for cluster-scoped objects (client-go's MetaNamespaceKey).
std::string ObjectKey(const json& obj);
std::string ObjectKey(std::string_view ns, std::string_view name);

// Removes metadata.managedFields (server-side apply bookkeeping: often half an object's size and of no use to
// a controller's cache). Returns obj for chaining.
json& StripManagedFields(json& obj);

}  // namespace domainguard::kube
