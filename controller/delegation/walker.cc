// Walker: iterative resolution from the root in batched rounds. See walker.h.
#include "controller/delegation/walker.h"

#include <algorithm>
#include <optional>
#include <set>

#include "controller/dns/zone_file.h"

namespace domainguard::delegation {
namespace {

using dns::CanonicalName;
using dns::DnsMessage;
using dns::IsSubdomain;
using dns::LabelCount;

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// The name one label below `zone` on the way to `name`: ("a.b.test.", "test.") -> "b.test.".
std::string NextLabel(const std::string& name, const std::string& zone) {
  std::string n = name;
  while (dns::LabelCount(n) > dns::LabelCount(zone) + 1) n = dns::ParentName(n);
  return n;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ZoneCut::Addresses(bool ipv6) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const NameserverSpec& s : servers) {
    for (const std::string& a : s.addresses) {
      if (!ipv6 && a.find(':') != std::string::npos) continue;
      out.emplace_back(s.name, a);
    }
  }
  return out;
}

Result<std::vector<NameserverSpec>> LoadRootHints(const std::string& path) {
  auto records = dns::ParseZoneFile(path, ".");
  if (!records.ok()) return records.error();
  std::map<std::string, NameserverSpec> by_name;
  for (const auto& r : *records) {
    if (r.type == dns::kTypeNS && r.name == ".") by_name[CanonicalName(r.rdata)].name = CanonicalName(r.rdata);
  }
  for (const auto& r : *records) {
    if ((r.type == dns::kTypeA || r.type == dns::kTypeAAAA) && by_name.count(r.name)) {
      by_name[r.name].addresses.push_back(r.rdata);
    }
  }
  std::vector<NameserverSpec> out;
  for (auto& [name, ns] : by_name) {
    if (ns.addresses.empty()) continue;
    SortUnique(ns.addresses);
    out.push_back(std::move(ns));
  }
  if (out.empty()) return Error::InvalidArgument(path + ": no root server with an address");
  return out;
}

struct Walker::Walk {
  std::string qname;
  uint16_t qtype = dns::kTypeNS;
  bool find_parent = false;     // stop at the referral to qname itself
  ZoneCut cut;
  size_t next_address = 0;      // which address of the cut to ask next (moves on after a failure)
  int steps = 0;
  std::optional<Result<ZoneCut>> parent;                      // result when find_parent
  std::optional<Result<std::vector<std::string>>> addresses;  // result otherwise
  std::string last_error;
  std::string final_address;                 // the server whose answer ended a find_parent walk
  std::optional<dns::DnsMessage> final_answer;

  bool done() const { return parent.has_value() || addresses.has_value(); }
  void Fail(Error e) {
    if (find_parent) {
      parent.emplace(std::move(e));
    } else {
      addresses.emplace(std::move(e));
    }
  }
};

Walker::Walker(dns::Resolver& resolver, std::vector<NameserverSpec> roots, WalkerOptions options)
    : resolver_(resolver), options_(options) {
  root_.zone = ".";
  root_.servers = std::move(roots);
}

const ZoneCut& Walker::DeepestCut(const std::string& name, bool strictly_above) const {
  std::string n = strictly_above ? dns::ParentName(name) : name;
  while (n != ".") {
    auto it = cuts_.find(n);
    if (it != cuts_.end()) return it->second;
    n = dns::ParentName(n);
  }
  return root_;
}

void Walker::RunWalks(std::vector<Walk>& walks, dns::Deadline deadline, int depth) {
  for (Walk& w : walks) w.cut = DeepestCut(w.qname, w.find_parent);
  while (true) {
    // 1. Choose who asks this round. Walks asking the same cut about the same next label wait for one leader:
    //    its referral fills the cache and the others start below it next round.
    std::vector<dns::Probe> probes;
    std::vector<size_t> owners;
    std::set<std::pair<std::string, std::string>> leaders;
    bool any_active = false;
    for (size_t i = 0; i < walks.size(); ++i) {
      Walk& w = walks[i];
      if (w.done()) continue;
      any_active = true;
      if (std::chrono::steady_clock::now() >= deadline) {
        w.Fail(Error::DeadlineExceeded("deadline passed while walking to " + w.qname));
        continue;
      }
      const auto addrs = w.cut.Addresses(options_.ipv6);
      if (w.next_address >= addrs.size()) {
        w.Fail(Error::Unavailable("no server of " + w.cut.zone + " answered for " + w.qname +
                                  (w.last_error.empty() ? "" : " (last: " + w.last_error + ")")));
        continue;
      }
      if (++w.steps > options_.max_steps) {
        w.Fail(Error::Unavailable("gave up walking to " + w.qname + " after " + std::to_string(options_.max_steps) +
                                  " queries"));
        continue;
      }
      const std::string next = NextLabel(w.qname, w.cut.zone);
      if (next != w.qname && !leaders.insert({w.cut.zone, next}).second) {
        --w.steps;  // waiting costs nothing
        continue;
      }
      probes.push_back(dns::Probe{addrs[w.next_address].second, options_.port, w.qname, w.qtype, false});
      owners.push_back(i);
    }
    if (!any_active) return;
    if (probes.empty()) {
      // Only followers left whose leaders finished this round: let them re-pick their cut.
      for (Walk& w : walks) {
        if (!w.done()) w.cut = DeepestCut(w.qname, w.find_parent);
      }
      continue;
    }
    queries_sent_ += probes.size();
    auto results = resolver_.QueryAll(probes, deadline);

    // 2. Read the answers; referrals to new cuts are collected, their missing addresses resolved in one batch.
    struct NewCut {
      size_t walk;
      ZoneCut cut;
    };
    std::vector<NewCut> new_cuts;
    for (size_t k = 0; k < results.size(); ++k) {
      Walk& w = walks[owners[k]];
      const auto& r = results[k];
      if (!r.ok()) {
        w.last_error = r.error().message;
        ++w.next_address;
        continue;
      }
      const DnsMessage& m = *r;
      if (m.IsReferral()) {
        const std::string child = m.ReferralZone();
        if (w.find_parent && child == w.qname) {
          w.parent.emplace(w.cut);
          w.final_address = probes[k].address;
          w.final_answer = m;
          continue;
        }
        if (IsSubdomain(w.qname, child) && LabelCount(child) > LabelCount(w.cut.zone)) {
          ZoneCut c;
          c.zone = child;
          for (const std::string& ns : m.NsTargets(m.authority, child)) {
            c.servers.push_back(NameserverSpec{ns, m.AddressesOf(ns), ""});
          }
          new_cuts.push_back(NewCut{owners[k], std::move(c)});
          continue;
        }
        w.last_error = "referral from " + w.cut.zone + " to unrelated " + child;
        ++w.next_address;
        continue;
      }
      if (m.rcode == dns::kRcodeNxDomain && m.aa) {
        if (w.find_parent) {
          w.parent.emplace(w.cut);
          w.final_address = probes[k].address;
          w.final_answer = m;
        } else {
          w.addresses.emplace(Error::NotFound(w.qname + " does not exist (NXDOMAIN from " + w.cut.zone + ")"));
        }
        continue;
      }
      if (m.rcode == dns::kRcodeNoError && m.aa) {
        if (w.find_parent) {
          // The server is authoritative for the name: either the zone is not delegated (NODATA) or the same
          // server also serves the child. Either way this cut is the parent.
          w.parent.emplace(w.cut);
          w.final_address = probes[k].address;
          w.final_answer = m;
        } else {
          std::vector<std::string> found;
          for (const auto& rr : m.answer) {
            if (rr.name == w.qname && rr.type == w.qtype) found.push_back(rr.rdata);
          }
          SortUnique(found);
          w.addresses.emplace(std::move(found));
        }
        continue;
      }
      w.last_error = w.cut.zone + " server answered " + dns::RcodeName(m.rcode) + (m.aa ? "" : " without AA");
      ++w.next_address;
    }

    // 3. Complete the new cuts: every server name without glue is resolved (one nested batch), so the parent
    //    server set is complete, not just the glued part.
    std::vector<std::string> missing;
    for (const NewCut& nc : new_cuts) {
      if (cuts_.count(nc.cut.zone)) continue;
      for (const auto& s : nc.cut.servers) {
        if (s.addresses.empty()) missing.push_back(s.name);
      }
    }
    SortUnique(missing);
    std::map<std::string, std::vector<std::string>> resolved;
    if (!missing.empty() && depth < options_.max_depth) {
      auto addrs = ResolveAt(missing, deadline, depth + 1);
      for (size_t i = 0; i < missing.size(); ++i) {
        if (addrs[i].ok()) resolved[missing[i]] = *addrs[i];
      }
    }
    for (NewCut& nc : new_cuts) {
      Walk& w = walks[nc.walk];
      auto cached = cuts_.find(nc.cut.zone);
      if (cached == cuts_.end()) {
        for (auto& s : nc.cut.servers) {
          if (s.addresses.empty() && resolved.count(s.name)) s.addresses = resolved[s.name];
        }
        cached = cuts_.emplace(nc.cut.zone, std::move(nc.cut)).first;
      }
      w.cut = cached->second;
      w.next_address = 0;
    }
    // Followers move below their leaders' new cuts.
    for (Walk& w : walks) {
      if (w.done()) continue;
      const ZoneCut& deeper = DeepestCut(w.qname, w.find_parent);
      if (LabelCount(deeper.zone) > LabelCount(w.cut.zone)) {
        w.cut = deeper;
        w.next_address = 0;
      }
    }
  }
}

std::vector<Result<ZoneCut>> Walker::FindParents(std::span<const std::string> zones, dns::Deadline deadline,
                                                 std::vector<std::optional<ParentAnswer>>* answers) {
  std::vector<Walk> walks(zones.size());
  for (size_t i = 0; i < zones.size(); ++i) {
    walks[i].qname = CanonicalName(zones[i]);
    walks[i].qtype = dns::kTypeNS;
    walks[i].find_parent = true;
  }
  std::vector<Result<ZoneCut>> out;
  out.reserve(zones.size());
  // The root has no parent.
  for (size_t i = 0; i < walks.size(); ++i) {
    if (walks[i].qname == ".") {
      walks[i].parent.emplace(Error::InvalidArgument("the root zone has no parent"));
    }
  }
  RunWalks(walks, deadline, 0);
  if (answers != nullptr) answers->assign(walks.size(), std::nullopt);
  for (size_t i = 0; i < walks.size(); ++i) {
    out.push_back(std::move(*walks[i].parent));
    if (answers != nullptr && walks[i].final_answer) {
      (*answers)[i] = ParentAnswer{walks[i].final_address, std::move(*walks[i].final_answer)};
    }
  }
  return out;
}

std::vector<Result<std::vector<std::string>>> Walker::ResolveAt(std::span<const std::string> hosts,
                                                                dns::Deadline deadline, int depth) {
  std::vector<Walk> walks;
  std::vector<std::string> names;
  for (const std::string& h : hosts) names.push_back(CanonicalName(h));
  for (const std::string& n : names) {
    if (addresses_.count(n)) continue;
    Walk a;
    a.qname = n;
    a.qtype = dns::kTypeA;
    walks.push_back(a);
    if (options_.ipv6) {
      a.qtype = dns::kTypeAAAA;
      walks.push_back(a);
    }
  }
  RunWalks(walks, deadline, depth);
  // Merge the A and AAAA walks of each host: an address of either kind is a success.
  struct Found {
    std::vector<std::string> addresses;
    std::string error;  // the first failure, reported when no address was found
    bool not_found = true;
  };
  std::map<std::string, Found> fresh;
  for (Walk& w : walks) {
    Found& f = fresh[w.qname];
    if (w.addresses->ok()) {
      const std::vector<std::string>& a = w.addresses->value();
      f.addresses.insert(f.addresses.end(), a.begin(), a.end());
    } else if (f.error.empty()) {
      f.error = w.addresses->error().message;
      f.not_found = w.addresses->error().code == ErrorCode::kNotFound;
    }
  }
  std::vector<Result<std::vector<std::string>>> out;
  out.reserve(names.size());
  for (const std::string& n : names) {
    auto cached = addresses_.find(n);
    if (cached == addresses_.end()) {
      auto it = fresh.find(n);
      if (it != fresh.end() && !it->second.addresses.empty()) {
        SortUnique(it->second.addresses);
        cached = addresses_.emplace(n, it->second.addresses).first;
      } else if (it != fresh.end() && (it->second.error.empty() || !it->second.not_found)) {
        out.emplace_back(it->second.error.empty() ? Error::NotFound(n + " has no address")
                                                  : Error::Unavailable(it->second.error));
        continue;
      } else {
        out.emplace_back(Error::NotFound(it == fresh.end() ? n + " was not resolved" : it->second.error));
        continue;
      }
    }
    out.emplace_back(cached->second);
  }
  return out;
}

std::vector<Result<std::vector<std::string>>> Walker::ResolveAddresses(std::span<const std::string> hosts,
                                                                       dns::Deadline deadline) {
  return ResolveAt(hosts, deadline, 0);
}

}  // namespace domainguard::delegation
