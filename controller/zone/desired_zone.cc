#include "controller/zone/desired_zone.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "controller/zone/master_file.h"

namespace domainguard::zone {
namespace {

using nlohmann::json;

// BIND 9.18.28+ refuses larger RRsets by default (max-records-per-type); failing here names the field instead.
constexpr size_t kMaxValuesPerRRset = 100;

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

bool IsRegistryName(std::string_view name) {
  return name.starts_with(kRegistryLabel) &&
         (name.size() == kRegistryLabel.size() || name[kRegistryLabel.size()] == '.');
}

class Builder {
 public:
  explicit Builder(std::string origin) : origin_(std::move(origin)) {}

  void Fail(std::string msg) { errors_.push_back(std::move(msg)); }
  bool Failed() const { return !errors_.empty(); }
  const std::string& origin() const { return origin_; }

  // Checks what holds for one rrset on its own, then merges it. `source` is the field path used in messages.
  // `glue`: the addresses of an in-bailiwick name server from spec.nameservers, added after every record.
  void Add(RRset r, const std::string& source, bool glue = false) {
    if (IsProviderManagedType(r.type)) {
      Fail(source + ": " + r.type + " records are managed by the provider");
      return;
    }
    if (IsRegistryName(r.name)) {
      Fail(source + ": names starting with " + std::string(kRegistryLabel) + " are reserved for domainguard");
      return;
    }
    if (r.type == "CNAME" && r.name == origin_) {
      Fail(source + ": CNAME is not allowed at the zone apex (" + origin_ + ")");
      return;
    }
    auto key = std::make_pair(r.name, r.type);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      entries_.emplace(key, Entry{std::move(r), source});
      return;
    }
    Entry& e = it->second;
    if (glue) {
      // Glue from spec.nameservers meets an explicit record of the same name and type (a zone file converted by
      // hand lists both): one RRset. Equal addresses: the explicit record's TTL wins (a note says so); different
      // addresses: the parent's glue and the zone's data would disagree, so refuse.
      std::vector<std::string> want = r.values;
      std::vector<std::string> have = e.rrset.values;
      std::sort(want.begin(), want.end());
      std::sort(have.begin(), have.end());
      if (want != have) {
        Fail(source + ": " + KeyOf(r) + " glue " + Join(want) + " differs from " + e.source + " " + Join(have) +
             " (one RRset; the addresses must agree)");
      } else if (e.rrset.ttl != r.ttl) {
        notes_.push_back(KeyOf(r) + " TTL " + std::to_string(e.rrset.ttl) + " from " + e.source + " (the glue in " +
                         source + " has the same addresses)");
      }
      return;
    }
    if (e.rrset.ttl != r.ttl) {
      Fail(source + ": " + KeyOf(r) + " has TTL " + std::to_string(r.ttl) + " but " + e.source + " gives " +
           std::to_string(e.rrset.ttl) + " (one RRset has one TTL)");
      return;
    }
    for (std::string& v : r.values) e.rrset.values.push_back(std::move(v));
    std::sort(e.rrset.values.begin(), e.rrset.values.end());
    e.rrset.values.erase(std::unique(e.rrset.values.begin(), e.rrset.values.end()), e.rrset.values.end());
  }

  // Checks that need the whole zone, then returns it.
  Result<DesiredZone> Finish(std::vector<std::string> nameservers) {
    std::map<std::string, std::vector<const Entry*>> by_name;
    for (const auto& [key, e] : entries_) by_name[key.first].push_back(&e);
    for (const auto& [name, list] : by_name) {
      for (const Entry* e : list) {
        if (e->rrset.type == "CNAME" && e->rrset.values.size() > 1) {
          Fail(e->source + ": a CNAME has exactly one value, " + name + " has " +
               std::to_string(e->rrset.values.size()));
        }
        if (e->rrset.values.size() > kMaxValuesPerRRset) {
          Fail(e->source + ": " + KeyOf(e->rrset) + " has " + std::to_string(e->rrset.values.size()) +
               " values; at most 100 per RRset");
        }
      }
      auto cname = std::find_if(list.begin(), list.end(), [](const Entry* e) { return e->rrset.type == "CNAME"; });
      if (cname != list.end() && list.size() > 1) {
        std::string others;
        for (const Entry* e : list) {
          if (e == *cname) continue;
          if (!others.empty()) others += ", ";
          others += e->rrset.type + " from " + e->source;
        }
        Fail((*cname)->source + ": " + name + " has a CNAME and other records (" + others + ")");
      }
    }
    if (!errors_.empty()) {
      std::string msg;
      for (const std::string& e : errors_) {
        if (!msg.empty()) msg += "; ";
        msg += e;
      }
      return Error::InvalidArgument(msg);
    }
    DesiredZone z;
    z.origin = origin_;
    z.nameservers = std::move(nameservers);
    z.notes = std::move(notes_);
    for (auto& [key, e] : entries_) z.rrsets.push_back(std::move(e.rrset));
    std::sort(z.rrsets.begin(), z.rrsets.end(), KeyLess);
    return z;
  }

 private:
  struct Entry {
    RRset rrset;
    std::string source;
  };
  std::string origin_;
  std::map<std::pair<std::string, std::string>, Entry> entries_;
  std::vector<std::string> errors_;
  std::vector<std::string> notes_;
};

std::string Q(const std::string& s) { return "\"" + s + "\""; }

void AddSpecRecords(const std::vector<api::Checked<api::RecordSpec>>& records, Builder& b) {
  for (size_t i = 0; i < records.size(); ++i) {
    const std::string path = "spec.records[" + std::to_string(i) + "]";
    if (!records[i].ok()) {
      b.Fail(records[i].problem);
      continue;
    }
    const api::RecordSpec& r = records[i].value;
    RRset raw{r.name, r.type, r.ttl.value_or(kDefaultRecordTtl), r.values};
    Result<RRset> norm = NormalizeRRset(raw, b.origin());
    if (!norm.ok()) {
      b.Fail(path + "." + norm.error().message);
      continue;
    }
    if (!IsInZone(norm->name, b.origin())) {
      b.Fail(path + ".name: " + Q(raw.name) + " is outside zone " + b.origin());
      continue;
    }
    if (norm->type == "NS" && norm->name == b.origin()) {
      b.Fail(path + ": the apex NS set comes from spec.nameservers (or the providers' nameservers)");
      continue;
    }
    b.Add(std::move(*norm), path);
  }
}

void AddMasterFile(const std::string& text, Builder& b) {
  Result<std::vector<MasterRecord>> recs = ParseMasterFile(text, b.origin(), kDefaultRecordTtl);
  if (!recs.ok()) {
    b.Fail("spec.recordsFrom: " + recs.error().message);
    return;
  }
  for (MasterRecord& rec : *recs) {
    if (rec.rrset.type == "SOA") continue;                                   // the provider's
    if (rec.rrset.type == "NS" && rec.rrset.name == b.origin()) continue;  // from spec.nameservers
    b.Add(std::move(rec.rrset), "spec.recordsFrom line " + std::to_string(rec.line));
  }
}

// The apex NS set from spec.nameservers (glue added for in-bailiwick names), or the providers' name servers when
// it is empty. Returns the canonical NS names.
std::vector<std::string> AddNameservers(const api::ZoneSpec& spec, const ZoneSources& sources, Builder& b) {
  std::set<std::string> names;
  if (!spec.nameservers_problem.empty()) {
    b.Fail(spec.nameservers_problem);
    return {};
  }
  if (!spec.nameservers.empty()) {
    for (size_t i = 0; i < spec.nameservers.size(); ++i) {
      const std::string path = "spec.nameservers[" + std::to_string(i) + "]";
      if (!spec.nameservers[i].ok()) {
        b.Fail(spec.nameservers[i].problem);
        continue;
      }
      const api::NameserverEntry& ns = spec.nameservers[i].value;
      // Name server names are always absolute, with or without the trailing dot.
      Result<std::string> name = NormalizeName(ns.name, ".");
      if (!name.ok()) {
        b.Fail(path + ".name: " + name.error().message);
        continue;
      }
      names.insert(*name);
      const bool in_bailiwick = IsInZone(*name, b.origin()) && *name != b.origin();
      if (!ns.addresses_problem.empty()) {
        b.Fail(ns.addresses_problem);
        continue;
      }
      if (in_bailiwick && ns.addresses.empty()) {
        b.Fail(path + ".addresses: " + *name + " is inside the zone, so it needs glue addresses");
        continue;
      }
      RRset a{*name, "A", kDefaultNsTtl, {}}, aaaa{*name, "AAAA", kDefaultNsTtl, {}};
      for (size_t j = 0; j < ns.addresses.size(); ++j) {
        const std::string apath = path + ".addresses[" + std::to_string(j) + "]";
        if (!ns.addresses[j].ok()) {
          b.Fail(ns.addresses[j].problem);
          continue;
        }
        const std::string& addr = ns.addresses[j].value;
        const bool v6 = addr.find(':') != std::string::npos;
        Result<std::string> v = NormalizeValue(v6 ? "AAAA" : "A", addr, *name, b.origin());
        if (!v.ok()) {
          b.Fail(apath + ": " + v.error().message);
          continue;
        }
        (v6 ? aaaa : a).values.push_back(*v);
      }
      // Addresses of out-of-zone name servers are glue for the parent, not records of this zone.
      if (!in_bailiwick) continue;
      for (RRset* r : {&a, &aaaa}) {
        if (r->values.empty()) continue;
        std::sort(r->values.begin(), r->values.end());
        r->values.erase(std::unique(r->values.begin(), r->values.end()), r->values.end());
        b.Add(std::move(*r), path + ".addresses", /*glue=*/true);
      }
    }
  } else {
    for (const std::string& n : sources.provider_nameservers) {
      Result<std::string> name = NormalizeName(n, ".");
      if (!name.ok()) {
        b.Fail("provider nameservers: " + name.error().message);
        continue;
      }
      names.insert(*name);
    }
    if (names.empty() && !b.Failed()) {
      b.Fail("spec.nameservers: empty, and the providers name no nameservers; the zone needs an apex NS set");
    }
  }
  std::vector<std::string> out(names.begin(), names.end());
  if (!out.empty()) b.Add(RRset{b.origin(), "NS", kDefaultNsTtl, out}, "spec.nameservers");
  return out;
}

}  // namespace

const RRset* DesiredZone::Find(std::string_view name, std::string_view type) const {
  auto it = std::lower_bound(rrsets.begin(), rrsets.end(), std::make_pair(name, type),
                             [](const RRset& r, const std::pair<std::string_view, std::string_view>& k) {
                               return std::make_pair(std::string_view(r.name), std::string_view(r.type)) < k;
                             });
  if (it != rrsets.end() && it->name == name && it->type == type) return &*it;
  return nullptr;
}

size_t DesiredZone::RecordCount() const {
  size_t n = 0;
  for (const RRset& r : rrsets) n += r.values.size();
  return n;
}

Result<DesiredZone> BuildDesiredZone(const api::ZoneSpec& spec, const ZoneSources& sources) {
  if (spec.zone.empty()) return Error::InvalidArgument("spec.zone: required");
  Result<std::string> origin = NormalizeName(spec.zone, ".");
  if (!origin.ok()) return origin.error().Wrap("spec.zone");
  if (*origin == ".") return Error::InvalidArgument("spec.zone: the root zone is not a domain");
  Builder b(*origin);
  if (!spec.records_problem.empty()) b.Fail(spec.records_problem);
  AddSpecRecords(spec.records, b);
  if (sources.records_from) AddMasterFile(*sources.records_from, b);
  std::vector<std::string> ns = AddNameservers(spec, sources, b);
  return b.Finish(std::move(ns));
}

Result<DesiredZone> BuildDesiredZone(const json& spec, const ZoneSources& sources) {
  Result<api::ZoneSpec> parsed = api::ParseZoneSpec(spec);
  if (!parsed.ok()) return parsed.error();
  return BuildDesiredZone(*parsed, sources);
}

}  // namespace domainguard::zone
