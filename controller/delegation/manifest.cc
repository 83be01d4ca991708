// Domain manifests with yaml-cpp. yaml-cpp throws; every exception is caught here and becomes an Error.
#include "controller/delegation/manifest.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "controller/dns/dns_message.h"
#include "controller/dns/zone_file.h"

namespace domainguard::delegation {
namespace {

std::vector<std::string> Strings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n || !n.IsSequence()) return out;
  for (const auto& e : n) out.push_back(e.as<std::string>());
  return out;
}

std::string DocName(const YAML::Node& doc, size_t index) {
  std::string name;
  try {
    if (doc["metadata"] && doc["metadata"]["name"]) name = doc["metadata"]["name"].as<std::string>();
  } catch (const YAML::Exception&) {
    name.clear();
  }
  return "document " + std::to_string(index + 1) + (name.empty() ? "" : " (" + name + ")");
}

}  // namespace

std::string AbsoluteOwner(std::string_view name, std::string_view zone) {
  const std::string z = dns::CanonicalName(zone);
  if (name.empty() || name == "@") return z;
  if (name.back() == '.') return dns::CanonicalName(name);
  return dns::CanonicalName(std::string(name) + "." + (z == "." ? "" : z));
}

Result<std::vector<ZoneSpec>> ParseDomainManifest(std::string_view yaml_text) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return Error::InvalidArgument(std::string("manifest is not valid YAML: ") + e.what());
  }
  // Providers first: a Domain may come before the DNSProvider it names.
  std::map<std::string, std::vector<std::string>> provider_ns;
  try {
    for (const auto& doc : docs) {
      if (!doc.IsMap() || !doc["kind"] || doc["kind"].as<std::string>() != "DNSProvider") continue;
      if (!doc["metadata"] || !doc["metadata"]["name"]) continue;
      provider_ns[doc["metadata"]["name"].as<std::string>()] = Strings(doc["spec"]["nameservers"]);
    }
  } catch (const YAML::Exception& e) {
    return Error::InvalidArgument(std::string("DNSProvider: ") + e.what());
  }

  std::vector<ZoneSpec> out;
  for (size_t i = 0; i < docs.size(); ++i) {
    const YAML::Node& doc = docs[i];
    if (!doc.IsMap() || !doc["kind"]) continue;
    try {
      if (doc["kind"].as<std::string>() != "Domain") continue;
      const std::string where = DocName(doc, i);
      const YAML::Node spec = doc["spec"];
      if (!spec || !spec["zone"]) return Error::InvalidArgument(where + ": spec.zone is required");
      ZoneSpec z;
      z.zone = dns::CanonicalName(spec["zone"].as<std::string>());
      std::vector<std::string> providers;
      if (spec["providers"] && spec["providers"].IsSequence()) {
        for (const auto& p : spec["providers"]) {
          if (p["name"]) providers.push_back(p["name"].as<std::string>());
        }
      }
      auto provider_of = [&](const std::string& ns) {
        for (const std::string& p : providers) {
          for (const std::string& n : provider_ns[p]) {
            if (dns::CanonicalName(n) == ns) return p;
          }
        }
        return std::string();
      };
      if (spec["nameservers"] && spec["nameservers"].IsSequence()) {
        for (const auto& n : spec["nameservers"]) {
          if (!n["name"]) return Error::InvalidArgument(where + ": spec.nameservers[].name is required");
          NameserverSpec ns;
          ns.name = dns::CanonicalName(n["name"].as<std::string>());
          ns.addresses = Strings(n["addresses"]);
          std::sort(ns.addresses.begin(), ns.addresses.end());
          ns.provider = provider_of(ns.name);
          z.nameservers.push_back(std::move(ns));
        }
      } else {
        std::map<std::string, std::string> seen;
        for (const std::string& p : providers) {
          for (const std::string& n : provider_ns[p]) seen.emplace(dns::CanonicalName(n), p);
        }
        for (const auto& [name, p] : seen) z.nameservers.push_back(NameserverSpec{name, {}, p});
      }
      if (spec["records"] && spec["records"].IsSequence()) {
        // Several entries for one name and type are one record set.
        std::map<std::pair<std::string, uint16_t>, DesiredRecord> sets;
        for (const auto& r : spec["records"]) {
          if (!r["name"] || !r["type"]) return Error::InvalidArgument(where + ": spec.records[] needs name and type");
          auto type = dns::ParseTypeName(r["type"].as<std::string>());
          if (!type.ok()) return type.error().Wrap(where);
          DesiredRecord& d = sets[{AbsoluteOwner(r["name"].as<std::string>(), z.zone), *type}];
          d.name = AbsoluteOwner(r["name"].as<std::string>(), z.zone);
          d.type = *type;
          for (const std::string& v : Strings(r["values"])) {
            auto norm = dns::NormalizeRdata(*type, v, z.zone);
            if (!norm.ok()) return norm.error().Wrap(where + ": record " + d.name);
            d.values.push_back(*norm);
          }
          std::sort(d.values.begin(), d.values.end());
        }
        for (auto& [key, d] : sets) z.records.push_back(std::move(d));
      }
      out.push_back(std::move(z));
    } catch (const YAML::Exception& e) {
      return Error::InvalidArgument(DocName(doc, i) + ": " + e.what());
    }
  }
  return out;
}

Result<std::vector<ZoneSpec>> LoadDomainManifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::NotFound("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = ParseDomainManifest(ss.str());
  if (!r.ok()) return r.error().Wrap(path);
  return r;
}

}  // namespace domainguard::delegation
