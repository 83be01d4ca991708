#include "controller/providers/rfc2136/rfc2136_update.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "controller/zone/desired_zone.h"

namespace domainguard::providers::rfc2136 {
namespace {

constexpr std::string_view kRegistryPrefix = "_dg-owner.";
static_assert(kRegistryPrefix.substr(0, zone::kRegistryLabel.size()) == zone::kRegistryLabel,
              "the label Domain specs may not use is the registry's");
constexpr std::string_view kHeritage = "heritage=domainguard,owner=";

}  // namespace

std::string RegistryName(std::string_view name) { return std::string(kRegistryPrefix) + std::string(name); }

std::optional<std::string> RegistryOwnerName(std::string_view name) {
  if (!name.starts_with(kRegistryPrefix)) return std::nullopt;
  return std::string(name.substr(kRegistryPrefix.size()));
}

std::string RegistryValue(std::string_view owner, std::string_view type) {
  return "\"" + std::string(kHeritage) + std::string(owner) + ",type=" + std::string(type) + "\"";
}

std::optional<RegistryEntry> ParseRegistryValue(std::string_view txt) {
  if (txt.size() < 2 || txt.front() != '"' || txt.back() != '"') return std::nullopt;
  txt = txt.substr(1, txt.size() - 2);
  if (!txt.starts_with(kHeritage)) return std::nullopt;
  txt.remove_prefix(kHeritage.size());
  size_t comma = txt.rfind(",type=");
  if (comma == std::string_view::npos || comma == 0) return std::nullopt;
  RegistryEntry e{std::string(txt.substr(0, comma)), std::string(txt.substr(comma + 6))};
  if (e.type.empty()) return std::nullopt;
  return e;
}

std::string Describe(const UpdateOp& op) {
  switch (op.kind) {
    case UpdateOp::Kind::kDeleteRRset:
      return "del-rrset " + op.name + " " + op.type;
    case UpdateOp::Kind::kDeleteRR:
      return "del " + op.name + " " + op.type + " " + op.rdata;
    case UpdateOp::Kind::kAdd:
      return "add " + op.name + " " + std::to_string(op.ttl) + " " + op.type + " " + op.rdata;
  }
  return "";
}

std::vector<std::vector<UpdateOp>> BuildUpdateOps(const Changes& changes, const std::string& zone) {
  using K = UpdateOp::Kind;
  // Per owner name: deletes first, then adds; registry ops for the same name travel in the same group.
  std::map<std::string, std::vector<UpdateOp>> dels, adds;
  auto registry_add = [&](const std::string& name, const std::string& type) {
    adds[name].push_back({K::kAdd, RegistryName(name), "TXT", kRegistryTtl,
                          RegistryValue(changes.owner, type)});
  };
  for (const ObservedRRset& d : changes.deletes) {
    dels[d.rrset.name].push_back({K::kDeleteRRset, d.rrset.name, d.rrset.type, 0, ""});
    if (!d.owner.empty()) {
      dels[d.rrset.name].push_back(
          {K::kDeleteRR, RegistryName(d.rrset.name), "TXT", 0, RegistryValue(d.owner, d.rrset.type)});
    }
  }
  for (const Update& u : changes.updates) {
    const zone::RRset& a = u.after;
    if (a.type == "NS" && a.name == zone) {
      for (const std::string& v : a.values) adds[a.name].push_back({K::kAdd, a.name, a.type, a.ttl, v});
      for (const std::string& v : u.before.rrset.values) {
        if (!std::binary_search(a.values.begin(), a.values.end(), v)) {
          adds[a.name].push_back({K::kDeleteRR, a.name, a.type, 0, v});
        }
      }
    } else {
      dels[a.name].push_back({K::kDeleteRRset, a.name, a.type, 0, ""});
      for (const std::string& v : a.values) adds[a.name].push_back({K::kAdd, a.name, a.type, a.ttl, v});
    }
    if (u.before.owner != changes.owner) registry_add(a.name, a.type);
  }
  for (const zone::RRset& c : changes.creates) {
    for (const std::string& v : c.values) adds[c.name].push_back({K::kAdd, c.name, c.type, c.ttl, v});
    registry_add(c.name, c.type);
  }
  std::map<std::string, std::vector<UpdateOp>> groups;
  for (auto& [n, ops] : dels) groups[n] = std::move(ops);
  for (auto& [n, ops] : adds) {
    std::vector<UpdateOp>& g = groups[n];
    g.insert(g.end(), ops.begin(), ops.end());
  }
  std::vector<std::vector<UpdateOp>> out;
  for (auto& [n, ops] : groups) out.push_back(std::move(ops));
  return out;
}

ObservedZone AssembleZone(const std::string& zone, const std::vector<WireRecord>& recs) {
  ObservedZone out;
  out.zone = zone;
  std::map<std::pair<std::string, std::string>, zone::RRset> sets;
  std::map<std::pair<std::string, std::string>, std::string> owners;
  for (const WireRecord& r : recs) {
    if (r.type == "SOA") {
      if (r.name != zone || !out.version.soa.empty()) continue;  // AXFR repeats the SOA at the end
      out.version.soa = r.rdata;
      out.version.soa_ttl = r.ttl;
      std::istringstream in(r.rdata);
      std::string mname, rname;
      uint64_t serial = 0;
      if (in >> mname >> rname >> serial) out.version.serial = static_cast<uint32_t>(serial);
      continue;
    }
    if (std::optional<std::string> owned = RegistryOwnerName(r.name)) {
      if (r.type == "TXT") {
        if (std::optional<RegistryEntry> e = ParseRegistryValue(r.rdata)) {
          owners.emplace(std::make_pair(*owned, e->type), e->owner);  // first mark wins
        }
      }
      continue;
    }
    zone::RRset& s = sets[{r.name, r.type}];
    s.name = r.name;
    s.type = r.type;
    s.ttl = r.ttl;
    s.values.push_back(r.rdata);
  }
  for (auto& [key, s] : sets) {
    std::sort(s.values.begin(), s.values.end());
    s.values.erase(std::unique(s.values.begin(), s.values.end()), s.values.end());
    auto o = owners.find(key);
    out.rrsets.push_back({std::move(s), o == owners.end() ? "" : o->second});
  }
  return out;  // std::map order is (name, type): already KeyLess-sorted
}

}  // namespace domainguard::providers::rfc2136
