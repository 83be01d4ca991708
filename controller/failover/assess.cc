#include "controller/failover/assess.h"

#include <algorithm>
#include <set>

#include "controller/api/conditions.h"
#include "controller/api/domain_spec.h"
#include "controller/domain/domain_object.h"
#include "controller/api/failover_spec.h"
#include "controller/kube/conditions.h"

namespace domainguard::failover {

using nlohmann::json;

namespace {

std::string Tld(const std::string& zone) {
  std::string z = api::CanonicalZoneName(zone);
  z.pop_back();
  const size_t dot = z.rfind('.');
  return dot == std::string::npos ? z : z.substr(dot + 1);
}

// Name server hosts the Domain is known to use: observed at the parent (status.delegation.nameservers) and desired.
std::set<std::string> NameserverHosts(const json& d, const api::DomainSpec& spec) {
  std::set<std::string> out;
  const json& status = domain::StatusOf(d);
  if (status.contains("delegation") && status["delegation"].is_object()) {
    const json list = status["delegation"].value("nameservers", json::array());
    for (const json& n : list.is_array() ? list : json::array()) {
      if (n.is_object() && n.contains("name") && n["name"].is_string()) out.insert(api::CanonicalZoneName(n["name"]));
      if (n.is_string()) out.insert(api::CanonicalZoneName(n.get<std::string>()));
    }
  }
  for (const api::NameserverSpec& n : spec.nameservers) out.insert(api::CanonicalZoneName(n.name));
  return out;
}

std::set<std::string> DependsOn(const json& d) {
  std::set<std::string> out;
  const json& status = domain::StatusOf(d);
  if (status.contains("dependsOn") && status["dependsOn"].is_array()) {
    for (const json& z : status["dependsOn"]) {
      if (z.is_string()) out.insert(api::CanonicalZoneName(z.get<std::string>()));
    }
  }
  return out;
}

bool Under(const std::string& name, const std::string& zone) {
  return name == zone || (name.size() > zone.size() && name.compare(name.size() - zone.size(), zone.size(), zone) == 0 &&
                          name[name.size() - zone.size() - 1] == '.');
}

std::vector<std::string> Providers(const api::DomainSpec& spec) {
  std::vector<std::string> out = spec.providers;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

std::vector<TriggerFinding> CriticalTriggers(const json& primary, const std::vector<std::string>& triggers) {
  std::vector<TriggerFinding> out;
  const json& status = domain::StatusOf(primary);
  if (!status.contains("findings") || !status["findings"].is_array()) return out;
  for (const json& f : status["findings"]) {
    if (!f.is_object() || f.value("severity", "") != "Critical") continue;
    const std::string reason = f.value("reason", "");
    if (std::find(triggers.begin(), triggers.end(), reason) == triggers.end()) continue;
    out.push_back({reason, f.value("message", "")});
  }
  return out;
}

bool NoCriticalFinding(const json& domain) {
  const json& status = domain::StatusOf(domain);
  if (!status.contains("findings") || !status["findings"].is_array()) return true;
  for (const json& f : status["findings"]) {
    if (f.is_object() && f.value("severity", "") == "Critical") return false;
  }
  return true;
}

BackupHealth AssessBackup(const std::optional<json>& backup, const std::string& backup_zone) {
  if (!backup) {
    return {false, "spec.failover.domain: no Domain for zone " + backup_zone + " in this namespace"};
  }
  const std::string who = "Domain " + kube::Name(*backup) + " (" + backup_zone + ")";
  const json& status = domain::StatusOf(*backup);
  if (status.contains("findings") && status["findings"].is_array()) {
    for (const json& f : status["findings"]) {
      if (f.is_object() && f.value("severity", "") == "Critical") {
        return {false, who + ": " + f.value("reason", "") + ": " + f.value("message", "")};
      }
    }
  }
  for (std::string_view type : {api::kRegistrationHealthy, api::kDelegationHealthy}) {
    std::optional<kube::Condition> c = kube::FindCondition(status, type);
    if (!c) return {false, who + ": " + std::string(type) + " not reported yet"};
    if (c->status == kube::kConditionFalse) {
      return {false, who + ": " + c->type + " False " + c->reason + (c->message.empty() ? "" : ": " + c->message)};
    }
  }
  return {true, ""};
}

std::vector<std::string> SharedWithBackup(const json& primary, const json& backup,
                                          const api::SpecReader& specs) {
  std::vector<std::string> shared;
  const json& ps = domain::StatusOf(primary);
  const json& bs = domain::StatusOf(backup);
  auto registrar_id = [](const json& s) -> std::string {
    if (!s.contains("registration") || !s["registration"].is_object()) return "";
    const json& id = s["registration"].contains("registrarIANAID") ? s["registration"]["registrarIANAID"] : json();
    if (id.is_string()) return id.get<std::string>();
    if (id.is_number_integer()) return std::to_string(id.get<int64_t>());
    return "";
  };
  const std::string pid = registrar_id(ps);
  if (!pid.empty() && pid == registrar_id(bs)) shared.push_back("registrar IANA ID " + pid);

  // Each Domain's spec read once for every comparison below.
  const api::DomainSpec pspec = specs.Common(primary);
  const api::DomainSpec bspec = specs.Common(backup);
  const std::string& pz = pspec.zone;
  const std::string& bz = bspec.zone;
  if (pz.size() > 1 && Tld(pz) == Tld(bz)) shared.push_back("TLD ." + Tld(pz));

  const std::set<std::string> pn = NameserverHosts(primary, pspec);
  const std::set<std::string> bn = NameserverHosts(backup, bspec);
  for (const std::string& n : pn) {
    if (bn.count(n)) shared.push_back("name server " + n);
  }
  std::set<std::string> hosting;
  const std::set<std::string> pd = DependsOn(primary);
  const std::set<std::string> bd = DependsOn(backup);
  for (const std::string& z : pd) {
    if (bd.count(z)) hosting.insert(z);
  }
  for (const std::string& n : bn) {
    if (Under(n, pz)) hosting.insert(pz);  // the primary's zone hosts a backup name server
  }
  for (const std::string& n : pn) {
    if (Under(n, bz)) hosting.insert(bz);
  }
  for (const std::string& z : hosting) shared.push_back("zone " + z + " hosting name servers of both");

  const std::vector<std::string> pp = Providers(pspec);
  const std::vector<std::string> bp = Providers(bspec);
  if (!bp.empty() && std::includes(pp.begin(), pp.end(), bp.begin(), bp.end())) {
    std::string list;
    for (const std::string& p : bp) list += (list.empty() ? "" : ", ") + p;
    shared.push_back("every DNS provider (" + list + ")");
  }
  return shared;
}

}  // namespace domainguard::failover
