#include "controller/api/dnsprovider_spec.h"

namespace domainguard::api {

std::vector<std::string> DnsProviderNameservers(const nlohmann::json& provider) {
  std::vector<std::string> out;
  if (!provider.is_object()) return out;
  auto spec = provider.find("spec");
  if (spec == provider.end() || !spec->is_object()) return out;
  auto list = spec->find("nameservers");
  if (list == spec->end() || !list->is_array()) return out;
  for (const nlohmann::json& n : *list) {
    if (n.is_string()) out.push_back(n.get<std::string>());
  }
  return out;
}

}  // namespace domainguard::api
