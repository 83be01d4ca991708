#include "controller/failover/sibling.h"

#include <algorithm>
#include <set>

#include "controller/api/domain_spec.h"
#include "controller/api/resources.h"

namespace domainguard::failover {

using nlohmann::json;

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string NoDot(const std::string& s) { return !s.empty() && s.back() == '.' ? s.substr(0, s.size() - 1) : s; }

const json& Meta(const json& obj) {
  static const json kEmpty = json::object();
  if (obj.is_object() && obj.contains("metadata") && obj["metadata"].is_object()) return obj["metadata"];
  return kEmpty;
}

// Annotation key prefixes that are not the user's intent for the sibling (see CarriedAnnotations).
const std::vector<std::string> kDroppedPrefixes = {
    "kubectl.kubernetes.io/", "meta.helm.sh/",        "argocd.argoproj.io/",  "kustomize.toolkit.fluxcd.io/",
    "helm.toolkit.fluxcd.io/", "external-dns.alpha.kubernetes.io/", "domainguard.io/",
};

json Metadata(const json& original, const json& domain, const std::string& backup) {
  json annotations = CarriedAnnotations(original);
  annotations[kSourceAnnotation] = Meta(original).value("name", "");
  annotations[kZoneAnnotation] = backup;
  annotations[kPrimaryAnnotation] = Meta(domain).value("name", "");
  const json& dm = Meta(domain);
  return {{"name", SiblingName(Meta(original).value("name", ""))},
          {"namespace", Meta(original).value("namespace", "")},
          {"labels", {{kManagedByLabel, kManagedByValue}, {kSiblingLabel, "true"}}},
          {"annotations", std::move(annotations)},
          {"ownerReferences",
           json::array({{{"apiVersion", api::kDomains.ApiVersion()},
                         {"kind", std::string(api::kDomains.kind)},
                         {"name", dm.value("name", "")},
                         {"uid", dm.value("uid", "")},
                         {"controller", true},
                         {"blockOwnerDeletion", false}}})}};
}

void AddUnique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

std::optional<std::string> RewriteHost(const std::string& host, const std::string& zone, const std::string& backup) {
  const std::string h = NoDot(Lower(host));
  const std::string z = NoDot(zone);
  const std::string b = NoDot(backup);
  if (h.empty() || z.empty() || b.empty()) return std::nullopt;
  if (h == z) return b;
  if (h.size() > z.size() + 1 && h.compare(h.size() - z.size(), z.size(), z) == 0 &&
      h[h.size() - z.size() - 1] == '.') {
    return h.substr(0, h.size() - z.size()) + b;
  }
  return std::nullopt;
}

std::string SiblingName(const std::string& name) {
  static constexpr size_t kMax = 253;
  const std::string suffix = "-failover";
  std::string base = name.substr(0, std::min(name.size(), kMax - suffix.size()));
  while (!base.empty() && (base.back() == '-' || base.back() == '.')) base.pop_back();
  return base + suffix;
}

json CarriedAnnotations(const json& original) {
  json out = json::object();
  const json& meta = Meta(original);
  if (!meta.contains("annotations") || !meta["annotations"].is_object()) return out;
  for (auto it = meta["annotations"].begin(); it != meta["annotations"].end(); ++it) {
    if (!it.value().is_string()) continue;
    const std::string& key = it.key();
    bool dropped = false;
    for (const std::string& p : kDroppedPrefixes) dropped = dropped || key.rfind(p, 0) == 0;
    if (!dropped) out[key] = it.value();
  }
  return out;
}

bool IsSibling(const json& obj) {
  const json& meta = Meta(obj);
  return meta.contains("labels") && meta["labels"].is_object() && meta["labels"].value(kSiblingLabel, "") == "true";
}

std::optional<Sibling> RenderIngressSibling(const json& original, const json& domain, const std::string& backup) {
  const std::string zone = api::CanonicalZoneOf(domain);
  const json spec = original.is_object() ? original.value("spec", json::object()) : json::object();
  if (!spec.is_object()) return std::nullopt;
  Sibling s;
  json out_spec = json::object();
  if (spec.contains("ingressClassName")) out_spec["ingressClassName"] = spec["ingressClassName"];
  json rules = json::array();
  if (spec.contains("rules") && spec["rules"].is_array()) {
    for (const json& r : spec["rules"]) {
      if (!r.is_object() || !r.contains("host") || !r["host"].is_string()) continue;
      std::optional<std::string> h = RewriteHost(r["host"].get<std::string>(), zone, backup);
      if (!h) continue;
      json rule = r;
      rule["host"] = *h;
      rules.push_back(std::move(rule));
      AddUnique(s.hosts, *h);
    }
  }
  if (rules.empty()) return std::nullopt;
  out_spec["rules"] = std::move(rules);
  json tls = json::array();
  if (spec.contains("tls") && spec["tls"].is_array()) {
    for (const json& t : spec["tls"]) {
      if (!t.is_object() || !t.contains("hosts") || !t["hosts"].is_array()) continue;
      json hosts = json::array();
      for (const json& h : t["hosts"]) {
        if (!h.is_string()) continue;
        if (std::optional<std::string> nh = RewriteHost(h.get<std::string>(), zone, backup)) hosts.push_back(*nh);
      }
      if (hosts.empty()) continue;
      json entry = {{"hosts", std::move(hosts)}};
      // A secret of its own: the original's certificate does not cover the backup names, and cert-manager
      // (carried annotations) issues one for the sibling under this name.
      if (t.contains("secretName") && t["secretName"].is_string()) {
        entry["secretName"] = SiblingName(t["secretName"].get<std::string>());
      }
      tls.push_back(std::move(entry));
    }
  }
  if (!tls.empty()) out_spec["tls"] = std::move(tls);
  s.object = {{"apiVersion", "networking.k8s.io/v1"},
              {"kind", "Ingress"},
              {"metadata", Metadata(original, domain, backup)},
              {"spec", std::move(out_spec)}};
  return s;
}

std::optional<Sibling> RenderRouteSibling(const json& original, const json& domain, const std::string& backup) {
  const std::string zone = api::CanonicalZoneOf(domain);
  const json spec = original.is_object() ? original.value("spec", json::object()) : json::object();
  if (!spec.is_object() || !spec.contains("hostnames") || !spec["hostnames"].is_array()) return std::nullopt;
  Sibling s;
  for (const json& h : spec["hostnames"]) {
    if (!h.is_string()) continue;
    std::optional<std::string> nh = RewriteHost(h.get<std::string>(), zone, backup);
    if (nh && s.hosts.size() < kMaxRouteHostnames) AddUnique(s.hosts, *nh);
  }
  if (s.hosts.empty()) return std::nullopt;
  json out_spec = spec;
  out_spec["hostnames"] = s.hosts;
  s.object = {{"apiVersion", original.value("apiVersion", "gateway.networking.k8s.io/v1")},
              {"kind", "HTTPRoute"},
              {"metadata", Metadata(original, domain, backup)},
              {"spec", std::move(out_spec)}};
  return s;
}

bool SameSibling(const json& existing, const json& desired) {
  const json& em = Meta(existing);
  const json& dm = Meta(desired);
  for (const char* key : {"labels", "annotations", "ownerReferences"}) {
    const json want = dm.contains(key) ? dm[key] : json();
    // Only the keys we set must match; other controllers may add labels/annotations of their own.
    if (want.is_object()) {
      if (!em.contains(key) || !em[key].is_object()) return false;
      for (auto it = want.begin(); it != want.end(); ++it) {
        if (!em[key].contains(it.key()) || em[key][it.key()] != it.value()) return false;
      }
    } else if (!em.contains(key) || em[key] != want) {
      return false;
    }
  }
  return existing.value("spec", json::object()) == desired.value("spec", json::object());
}

LoadBalancer IngressLoadBalancer(const json& ingress) {
  std::set<std::string> ips, names;
  const json status = ingress.is_object() ? ingress.value("status", json::object()) : json::object();
  const json lb = status.is_object() ? status.value("loadBalancer", json::object()) : json::object();
  if (lb.is_object() && lb.contains("ingress") && lb["ingress"].is_array()) {
    for (const json& e : lb["ingress"]) {
      if (!e.is_object()) continue;
      if (e.contains("ip") && e["ip"].is_string() && !e["ip"].get<std::string>().empty()) {
        ips.insert(e["ip"].get<std::string>());
      }
      if (e.contains("hostname") && e["hostname"].is_string() && !e["hostname"].get<std::string>().empty()) {
        names.insert(Lower(e["hostname"].get<std::string>()));
      }
    }
  }
  return {{ips.begin(), ips.end()}, {names.begin(), names.end()}};
}

LoadBalancer GatewayLoadBalancer(const json& gateway) {
  std::set<std::string> ips, names;
  const json status = gateway.is_object() ? gateway.value("status", json::object()) : json::object();
  if (status.is_object() && status.contains("addresses") && status["addresses"].is_array()) {
    for (const json& a : status["addresses"]) {
      if (!a.is_object() || !a.contains("value") || !a["value"].is_string()) continue;
      const std::string type = a.value("type", "IPAddress");
      if (type == "IPAddress") ips.insert(a["value"].get<std::string>());
      if (type == "Hostname") names.insert(Lower(a["value"].get<std::string>()));
    }
  }
  return {{ips.begin(), ips.end()}, {names.begin(), names.end()}};
}

std::vector<json> BackupRecords(const std::vector<std::string>& hosts, const LoadBalancer& lb) {
  std::vector<json> out;
  json v4 = json::array(), v6 = json::array();
  for (const std::string& ip : lb.ips) (ip.find(':') == std::string::npos ? v4 : v6).push_back(ip);
  for (const std::string& h : hosts) {
    const std::string name = NoDot(Lower(h)) + ".";
    if (!v4.empty()) out.push_back({{"name", name}, {"type", "A"}, {"ttl", kBackupRecordTtl}, {"values", v4}});
    if (!v6.empty()) out.push_back({{"name", name}, {"type", "AAAA"}, {"ttl", kBackupRecordTtl}, {"values", v6}});
    if (v4.empty() && v6.empty() && !lb.hostnames.empty()) {
      out.push_back({{"name", name},
                     {"type", "CNAME"},
                     {"ttl", kBackupRecordTtl},
                     {"values", json::array({NoDot(lb.hostnames.front()) + "."})}});
    }
  }
  return out;
}

std::vector<std::string> SiblingHosts(const json& sibling) {
  std::vector<std::string> out;
  const json spec = sibling.is_object() ? sibling.value("spec", json::object()) : json::object();
  if (!spec.is_object()) return out;
  if (spec.contains("rules") && spec["rules"].is_array()) {
    for (const json& r : spec["rules"]) {
      if (r.is_object() && r.contains("host") && r["host"].is_string()) AddUnique(out, r["host"].get<std::string>());
    }
  }
  if (spec.contains("hostnames") && spec["hostnames"].is_array()) {
    for (const json& h : spec["hostnames"]) {
      if (h.is_string()) AddUnique(out, h.get<std::string>());
    }
  }
  return out;
}

}  // namespace domainguard::failover
