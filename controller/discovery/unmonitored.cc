#include "controller/discovery/unmonitored.h"

#include <algorithm>
#include <cctype>

#include "controller/api/domain_spec.h"
#include "controller/registration/registrable.h"

namespace domainguard::discovery {

using nlohmann::json;

namespace {

std::string Normalize(std::string h) {
  for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (h.rfind("*.", 0) == 0) h = h.substr(2);
  while (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

void Add(std::vector<std::string>& out, const json& v) {
  if (!v.is_string()) return;
  std::string h = Normalize(v.get<std::string>());
  if (!h.empty() && std::find(out.begin(), out.end(), h) == out.end()) out.push_back(std::move(h));
}

bool LooksLikeIp(const std::string& h) {
  return h.find(':') != std::string::npos ||
         h.find_first_not_of("0123456789.") == std::string::npos;
}

}  // namespace

std::vector<std::string> IngressHosts(const json& ingress) {
  std::vector<std::string> out;
  const json spec = ingress.is_object() ? ingress.value("spec", json::object()) : json::object();
  if (!spec.is_object()) return out;
  if (spec.contains("rules") && spec["rules"].is_array()) {
    for (const json& r : spec["rules"]) {
      if (r.is_object() && r.contains("host")) Add(out, r["host"]);
    }
  }
  if (spec.contains("tls") && spec["tls"].is_array()) {
    for (const json& t : spec["tls"]) {
      if (!t.is_object() || !t.contains("hosts") || !t["hosts"].is_array()) continue;
      for (const json& h : t["hosts"]) Add(out, h);
    }
  }
  return out;
}

std::vector<std::string> RouteHosts(const json& route) {
  std::vector<std::string> out;
  const json spec = route.is_object() ? route.value("spec", json::object()) : json::object();
  if (spec.is_object() && spec.contains("hostnames") && spec["hostnames"].is_array()) {
    for (const json& h : spec["hostnames"]) Add(out, h);
  }
  return out;
}

std::set<std::string> RegistrableDomains(const std::vector<std::string>& hosts) {
  std::set<std::string> out;
  for (const std::string& h : hosts) {
    if (LooksLikeIp(h)) continue;
    Result<std::string> r = registration::RegistrableDomain(h);
    if (r.ok()) out.insert(*r);
  }
  return out;
}

std::set<std::string> CoveredDomains(const std::vector<json>& domains) {
  std::set<std::string> out;
  for (const json& d : domains) {
    // spec.zone as the Domain's controllers read it ("" when absent), as a host name (no trailing dot).
    const std::string zone = Normalize(api::CanonicalZoneOf(d));
    if (zone.empty()) continue;
    Result<std::string> r = registration::RegistrableDomain(zone);
    if (r.ok()) out.insert(*r);
  }
  return out;
}

std::set<std::string> Uncovered(const std::set<std::string>& wanted, const std::set<std::string>& covered) {
  std::set<std::string> out;
  std::set_difference(wanted.begin(), wanted.end(), covered.begin(), covered.end(), std::inserter(out, out.end()));
  return out;
}

}  // namespace domainguard::discovery
