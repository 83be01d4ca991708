// DelegationReport: status values and their JSON form (field names as in api.md, lowerCamelCase).
#include "controller/delegation/report.h"

#include <map>


namespace domainguard::delegation {

DelegationStatus StatusFromObservation(const Observation& o) {
  DelegationStatus s;
  s.parent_zone = o.parent_zone;
  s.parent_servers = o.parent_servers;
  std::map<std::string, NameserverSpec> ns;
  for (const ServerView& v : o.servers) {
    auto& n = ns[v.ns_name];
    n.name = v.ns_name;
    n.addresses.push_back(v.address);
    ServerStatus st;
    st.name = v.ns_name;
    st.address = v.address;
    st.authoritative = v.outcome == ServerOutcome::kAuthoritative;
    st.serial = v.serial;
    if (!st.authoritative) st.error = v.detail.empty() ? "not authoritative" : v.detail;
    s.servers.push_back(std::move(st));
  }
  for (const std::string& name : o.unresolvable_ns) ns[name].name = name;
  for (auto& [name, n] : ns) s.nameservers.push_back(std::move(n));
  return s;
}

nlohmann::json ToJson(const DelegationStatus& s) {
  nlohmann::json j;
  j["parentZone"] = s.parent_zone;
  j["parentServers"] = s.parent_servers;
  j["nameservers"] = nlohmann::json::array();
  for (const auto& n : s.nameservers) j["nameservers"].push_back({{"name", n.name}, {"addresses", n.addresses}});
  j["servers"] = nlohmann::json::array();
  for (const auto& v : s.servers) {
    nlohmann::json e = {{"name", v.name}, {"address", v.address}, {"authoritative", v.authoritative}};
    if (v.serial) e["serial"] = *v.serial;
    if (!v.error.empty()) e["error"] = v.error;
    j["servers"].push_back(std::move(e));
  }
  return j;
}

nlohmann::json ToJson(const Finding& f) {
  return {{"reason", f.reason}, {"severity", std::string(SeverityName(f.severity))}, {"message", f.message}};
}

nlohmann::json DelegationReport::ToJson() const {
  nlohmann::json j;
  j["zone"] = zone;
  j["findings"] = nlohmann::json::array();
  for (const Finding& f : verdict.findings) j["findings"].push_back(delegation::ToJson(f));
  j["delegation"] = delegation::ToJson(status);
  j["dependsOn"] = verdict.depends_on;
  return j;
}

}  // namespace domainguard::delegation
