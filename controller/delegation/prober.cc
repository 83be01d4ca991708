// Prober: the staged, batched probes behind the delegation verdict. See prober.h.
#include "controller/delegation/prober.h"

#include <algorithm>
#include <map>
#include <iterator>
#include <set>
#include <tuple>

#include "controller/delegation/verdict.h"

namespace domainguard::delegation {
namespace {

using dns::CanonicalName;
using dns::DnsMessage;
using dns::IsSubdomain;

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool IsV6(const std::string& a) { return a.find(':') != std::string::npos; }

}  // namespace

ParentView ReadParentAnswer(const std::string& zone, const Result<DnsMessage>& answer) {
  ParentView p;
  if (!answer.ok()) {
    p.outcome = answer.error().code == ErrorCode::kUnavailable ? ParentOutcome::kUnreachable
                : answer.error().code == ErrorCode::kDeadlineExceeded ? ParentOutcome::kTimeout
                                                                      : ParentOutcome::kBadAnswer;
    p.detail = answer.error().message;
    return p;
  }
  const DnsMessage& m = *answer;
  p.detail = dns::RcodeName(m.rcode);
  // Decision table for "zone NS?" at a parent server:
  //   rcode     | AA | answer NS | authority NS for zone | reading
  //   NXDOMAIN  | -  | -         | -                     | kNoDelegation (the name does not exist)
  //   REFUSED   | -  | -         | -                     | kRefused
  //   SERVFAIL  | -  | -         | -                     | kServFail
  //   NOERROR   | no | no        | yes                   | kDelegation (a referral)
  //   NOERROR   | yes| yes       | -                     | kDelegation (the parent server also serves the child)
  //   NOERROR   | yes| no        | no                    | kNoDelegation (NODATA: name exists, no zone cut)
  //   other                                              | kBadAnswer
  auto fill = [&](const std::vector<dns::ResourceRecord>& section) {
    p.outcome = ParentOutcome::kDelegation;
    p.ns = m.NsTargets(section, zone);
    for (const std::string& ns : p.ns) {
      auto addrs = m.AddressesOf(ns);
      if (!addrs.empty()) p.glue[ns] = std::move(addrs);
    }
  };
  switch (m.rcode) {
    case dns::kRcodeNxDomain: p.outcome = ParentOutcome::kNoDelegation; return p;
    case dns::kRcodeRefused: p.outcome = ParentOutcome::kRefused; return p;
    case dns::kRcodeServFail: p.outcome = ParentOutcome::kServFail; return p;
    case dns::kRcodeNoError: break;
    default: p.outcome = ParentOutcome::kBadAnswer; return p;
  }
  if (m.IsReferral() && m.ReferralZone() == zone) {
    fill(m.authority);
    return p;
  }
  if (m.aa && !m.NsTargets(m.answer, zone).empty()) {
    fill(m.answer);
    return p;
  }
  if (m.aa && m.answer.empty()) {
    p.outcome = ParentOutcome::kNoDelegation;
    p.detail = "NODATA";
    return p;
  }
  p.outcome = ParentOutcome::kBadAnswer;
  p.detail = m.IsReferral() ? "referral to " + m.ReferralZone() : "NOERROR without AA or referral";
  return p;
}

void ReadSoaAnswer(const std::string& zone, const Result<DnsMessage>& answer, ServerView& view) {
  if (!answer.ok()) {
    view.outcome = answer.error().code == ErrorCode::kUnavailable ? ServerOutcome::kUnreachable
                   : answer.error().code == ErrorCode::kDeadlineExceeded ? ServerOutcome::kTimeout
                                                                         : ServerOutcome::kBadAnswer;
    view.detail = answer.error().message;
    return;
  }
  const DnsMessage& m = *answer;
  view.detail = dns::RcodeName(m.rcode);
  switch (m.rcode) {
    case dns::kRcodeRefused: view.outcome = ServerOutcome::kRefused; return;
    case dns::kRcodeServFail: view.outcome = ServerOutcome::kServFail; return;
    case dns::kRcodeNoError: break;
    default: view.outcome = ServerOutcome::kBadAnswer; return;
  }
  // Lame (RFC 1912 2.8): anything but an authoritative answer carrying the zone's own SOA.
  bool has_soa = false;
  for (const auto& rr : m.answer) {
    if (rr.type == dns::kTypeSOA && rr.name == zone) has_soa = true;
  }
  if (!m.aa || !has_soa) {
    view.outcome = ServerOutcome::kNotAuthoritative;
    view.detail = m.aa ? "no SOA for the zone" : (m.IsReferral() ? "referral to " + m.ReferralZone() : "no AA bit");
    return;
  }
  view.outcome = ServerOutcome::kAuthoritative;
  view.serial = m.SoaSerial();
}

bool ServesRecord(const DesiredRecord& record, const Result<DnsMessage>& answer) {
  if (!answer.ok() || answer->rcode != dns::kRcodeNoError || !answer->aa) return false;
  std::vector<std::string> served;
  for (const auto& rr : answer->answer) {
    if (rr.name == record.name && rr.type == record.type) served.push_back(rr.rdata);
  }
  SortUnique(served);
  std::vector<std::string> want = record.values;
  SortUnique(want);
  return served == want;
}

Prober::Prober(dns::Resolver& resolver, Walker& walker, ProberOptions options)
    : resolver_(resolver), walker_(walker), options_(options) {}

std::vector<Observation> Prober::ObserveAll(std::span<const ZoneSpec> specs, dns::Deadline deadline) {
  // In chunks: every parsed answer of a stage is held until the stage ends, so the chunk size bounds memory.
  // The Walker's cache carries over, so later chunks start at the TLD.
  const size_t chunk = std::max<size_t>(1, options_.batch_zones);
  std::vector<Observation> out;
  out.reserve(specs.size());
  for (size_t start = 0; start < specs.size(); start += chunk) {
    auto part = Observe(specs.subspan(start, std::min(chunk, specs.size() - start)), deadline,
                        options_.check_dependencies);
    std::move(part.begin(), part.end(), std::back_inserter(out));
  }
  return out;
}

std::vector<Observation> Prober::Observe(std::span<const ZoneSpec> specs, dns::Deadline deadline,
                                         bool dependencies) {
  std::vector<Observation> obs(specs.size());
  std::vector<std::string> zones;
  for (size_t i = 0; i < specs.size(); ++i) {
    obs[i].zone = CanonicalName(specs[i].zone);
    zones.push_back(obs[i].zone);
  }

  // 1. Parents.
  std::vector<std::optional<ParentAnswer>> walk_answers;
  auto parents = walker_.FindParents(zones, deadline, &walk_answers);

  // 2. "zone NS?" at every parent server address.
  //    The server that ended the parent walk already answered exactly this question: its answer is reused.
  std::vector<dns::Probe> probes;
  std::vector<std::pair<size_t, std::string>> parent_probe_owner;  // zone index, parent server name
  for (size_t i = 0; i < specs.size(); ++i) {
    if (!parents[i].ok()) {
      obs[i].discovery_error = "finding the parent of " + zones[i] + ": " + parents[i].error().message;
      continue;
    }
    obs[i].parent_zone = parents[i]->zone;
    for (const auto& [name, addr] : parents[i]->Addresses(options_.ipv6)) {
      obs[i].parent_servers.push_back(name + " " + addr);
      if (walk_answers[i] && walk_answers[i]->address == addr) {
        ParentView p = ReadParentAnswer(zones[i], walk_answers[i]->message);
        p.server_name = name;
        p.address = addr;
        obs[i].parents.push_back(std::move(p));
        continue;
      }
      probes.push_back(dns::Probe{addr, options_.port, zones[i], dns::kTypeNS, false});
      parent_probe_owner.emplace_back(i, name);
    }
  }
  auto parent_answers = resolver_.QueryAll(probes, deadline);
  for (size_t k = 0; k < parent_answers.size(); ++k) {
    const size_t i = parent_probe_owner[k].first;
    ParentView p = ReadParentAnswer(zones[i], parent_answers[k]);
    p.server_name = parent_probe_owner[k].second;
    p.address = probes[k].address;
    obs[i].parents.push_back(std::move(p));
  }
  walk_answers.clear();
  for (Observation& o : obs) {
    std::sort(o.parents.begin(), o.parents.end(), [](const ParentView& a, const ParentView& b) {
      return std::tie(a.server_name, a.address) < std::tie(b.server_name, b.address);
    });
  }

  // 3. Name servers to probe and their addresses.
  std::vector<std::map<std::string, std::vector<std::string>>> ns_addrs(specs.size());
  std::vector<std::string> to_resolve;
  for (size_t i = 0; i < specs.size(); ++i) {
    auto& m = ns_addrs[i];
    for (const NameserverSpec& d : specs[i].nameservers) {
      auto& a = m[CanonicalName(d.name)];
      a.insert(a.end(), d.addresses.begin(), d.addresses.end());
    }
    for (const ParentView& p : obs[i].parents) {
      for (const std::string& ns : p.ns) {
        auto& a = m[ns];
        auto g = p.glue.find(ns);
        if (g != p.glue.end()) a.insert(a.end(), g->second.begin(), g->second.end());
      }
    }
    for (auto& [name, a] : m) {
      SortUnique(a);
      if (a.empty() && !IsSubdomain(name, zones[i])) to_resolve.push_back(name);
    }
  }
  SortUnique(to_resolve);
  auto resolved = walker_.ResolveAddresses(to_resolve, deadline);
  std::map<std::string, std::vector<std::string>> resolved_by_name;
  for (size_t k = 0; k < to_resolve.size(); ++k) {
    if (resolved[k].ok()) resolved_by_name[to_resolve[k]] = *resolved[k];
  }

  // 4. SOA, NS and desired records at every name server address.
  probes.clear();
  struct ServerProbe {
    size_t zone;
    size_t server;   // index into obs[zone].servers
    int kind;        // 0 SOA, 1 NS, 2+ record index + 2
  };
  std::vector<ServerProbe> owners;
  for (size_t i = 0; i < specs.size(); ++i) {
    size_t sample = specs[i].records.size();
    if (options_.record_sample > 0) sample = std::min(sample, options_.record_sample);
    for (auto& [name, a] : ns_addrs[i]) {
      if (a.empty()) {
        auto r = resolved_by_name.find(name);
        if (r != resolved_by_name.end()) a = r->second;
      }
      std::vector<std::string> usable;
      for (const auto& addr : a) {
        if (options_.ipv6 || !IsV6(addr)) usable.push_back(addr);
      }
      if (usable.empty()) {
        obs[i].unresolvable_ns.push_back(name);
        continue;
      }
      for (const std::string& addr : usable) {
        ServerView v;
        v.ns_name = name;
        v.address = addr;
        obs[i].servers.push_back(v);
        const size_t s = obs[i].servers.size() - 1;
        probes.push_back(dns::Probe{addr, options_.port, zones[i], dns::kTypeSOA, false});
        owners.push_back({i, s, 0});
        probes.push_back(dns::Probe{addr, options_.port, zones[i], dns::kTypeNS, false});
        owners.push_back({i, s, 1});
        for (size_t r = 0; r < sample; ++r) {
          probes.push_back(dns::Probe{addr, options_.port, specs[i].records[r].name, specs[i].records[r].type, false});
          owners.push_back({i, s, static_cast<int>(r) + 2});
        }
      }
    }
  }
  auto server_answers = resolver_.QueryAll(probes, deadline);
  for (size_t k = 0; k < server_answers.size(); ++k) {
    const ServerProbe& o = owners[k];
    ServerView& v = obs[o.zone].servers[o.server];
    const auto& ans = server_answers[k];
    if (o.kind == 0) {
      ReadSoaAnswer(zones[o.zone], ans, v);
    } else if (o.kind == 1) {
      if (ans.ok() && ans->aa) v.ns = ans->NsTargets(ans->answer, zones[o.zone]);
    } else {
      const DesiredRecord& want = specs[o.zone].records[static_cast<size_t>(o.kind - 2)];
      ++v.records_checked;
      if (!ServesRecord(want, ans)) v.records_missing.push_back(want.name + " " + dns::TypeName(want.type));
    }
  }
  // A lame server's record answers say nothing about the records: only authoritative servers count.
  for (Observation& o : obs) {
    for (ServerView& v : o.servers) {
      if (v.outcome != ServerOutcome::kAuthoritative) {
        v.records_checked = 0;
        v.records_missing.clear();
      }
    }
  }

  // 5. Zones hosting out-of-zone name servers: observed without desired state, judged by the same verdict.
  if (dependencies) {
    std::vector<std::set<std::string>> deps(specs.size());
    std::set<std::string> all;
    for (size_t i = 0; i < specs.size(); ++i) {
      std::vector<std::string> names;
      for (const auto& d : specs[i].nameservers) names.push_back(CanonicalName(d.name));
      if (names.empty()) {
        for (const auto& p : obs[i].parents) names.insert(names.end(), p.ns.begin(), p.ns.end());
      }
      for (const std::string& n : names) {
        if (IsSubdomain(n, zones[i])) continue;
        const std::string dep = RegisteredDomain(n);
        if (dep.empty() || dep == zones[i]) continue;
        deps[i].insert(dep);
        all.insert(dep);
      }
    }
    std::vector<ZoneSpec> dep_specs;
    for (const std::string& z : all) dep_specs.push_back(ZoneSpec{z, {}, {}});
    auto dep_obs = Observe(dep_specs, deadline, false);
    std::map<std::string, DependencyView> judged;
    for (size_t k = 0; k < dep_specs.size(); ++k) {
      Verdict v = EvaluateDelegation(dep_obs[k], dep_specs[k], History{}, Policy{1});
      judged[dep_specs[k].zone] = JudgeDependency(dep_specs[k].zone, v);
    }
    for (size_t i = 0; i < specs.size(); ++i) {
      for (const std::string& d : deps[i]) obs[i].dependencies.push_back(judged[d]);
    }
  }
  return obs;
}

}  // namespace domainguard::delegation
