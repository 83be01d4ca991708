#include "controller/records/plan.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "controller/records/reasons.h"

namespace domainguard::records {
namespace {

using Key = std::pair<std::string, std::string>;  // (name, type)

std::string Values(const zone::RRset& r) {
  std::string out;
  for (const std::string& v : r.values) {
    if (!out.empty()) out += ',';
    out += v;
  }
  return out;
}

}  // namespace

std::vector<std::string> DescribeChanges(const Changes& c) {
  std::vector<std::string> out;
  for (const ObservedRRset& d : c.deletes) out.push_back("delete " + zone::KeyOf(d.rrset));
  for (const Update& u : c.updates) {
    std::string line;
    if (u.before.rrset.values != u.after.values) line += " values " + Values(u.before.rrset) + "->" + Values(u.after);
    if (u.before.rrset.ttl != u.after.ttl) {
      line += " ttl " + std::to_string(u.before.rrset.ttl) + "->" + std::to_string(u.after.ttl);
    }
    out.push_back(line.empty() ? "claim " + zone::KeyOf(u.after) : "update " + zone::KeyOf(u.after) + line);
  }
  for (const zone::RRset& r : c.creates) out.push_back("create " + zone::KeyOf(r) + " " + Values(r));
  return out;
}

Plan ComputePlan(const zone::DesiredZone& desired, const ObservedZone& observed, const PlanPolicy& policy) {
  Plan plan;
  plan.changes.owner = policy.owner;
  const bool zone_mode = policy.mode == OwnershipMode::kZone;

  std::map<Key, const ObservedRRset*> seen;
  for (const ObservedRRset& o : observed.rrsets) {
    if (zone::IsProviderManagedType(o.rrset.type)) continue;
    seen[{o.rrset.name, o.rrset.type}] = &o;
  }
  // What remains at each name after the plan, to keep CNAMEs alone at their names.
  std::map<std::string, std::set<std::string>> remaining;
  std::vector<zone::RRset> creates;
  std::vector<Update> adoptions;  // unmarked rrsets equal to desired: claimed only if the plan writes anyway

  auto keep = [&](const ObservedRRset& o) { remaining[o.rrset.name].insert(o.rrset.type); };

  for (const zone::RRset& want : desired.rrsets) {
    auto it = seen.find({want.name, want.type});
    if (it == seen.end()) {
      creates.push_back(want);
      continue;
    }
    const ObservedRRset& have = *it->second;
    seen.erase(it);
    switch (ClaimOf(have, desired.origin, policy.owner)) {
      case Claim::kOurs:
        if (have.rrset != want) {
          plan.changes.updates.push_back({have, want});
        } else if (have.owner.empty() && have.adopted) {
          adoptions.push_back({have, want});  // adopted earlier, still unmarked there
        }
        remaining[want.name].insert(want.type);
        break;
      case Claim::kUnmarked:
        if (have.rrset == want) {
          adoptions.push_back({have, want});  // adoption: served already as desired
          remaining[want.name].insert(want.type);
        } else if (have.rrset.values == want.values || zone_mode) {
          plan.changes.updates.push_back({have, want});  // a TTL fix with our mark, or an overwrite in Zone mode
          remaining[want.name].insert(want.type);
        } else {
          plan.conflicts.push_back({std::string(reasons::kForeignRecordKept),
                                    zone::KeyOf(have.rrset) + " is not domainguard's (ownership Records): kept " +
                                        Values(have.rrset) + ", wanted " + Values(want),
                                    zone::KeyOf(want)});
          keep(have);
        }
        break;
      case Claim::kOtherDomain:
        plan.conflicts.push_back({std::string(reasons::kZoneConflict),
                                  zone::KeyOf(have.rrset) + " belongs to Domain " + have.owner + ": kept",
                                  zone::KeyOf(want)});
        keep(have);
        break;
    }
  }
  // Observed rrsets nobody wants.
  for (const auto& [key, have] : seen) {
    switch (ClaimOf(*have, desired.origin, policy.owner)) {
      case Claim::kOurs:
        plan.changes.deletes.push_back(*have);
        break;
      case Claim::kUnmarked:
        if (zone_mode) {
          plan.changes.deletes.push_back(*have);
        } else {
          plan.foreign_kept.push_back(*have);
          keep(*have);
        }
        break;
      case Claim::kOtherDomain:
        keep(*have);
        break;
    }
  }
  // Creates last, so a CNAME is refused only when a kept rrset would really sit beside it.
  for (const zone::RRset& c : creates) remaining[c.name].insert(c.type);
  for (zone::RRset& c : creates) {
    const std::set<std::string>& at = remaining[c.name];
    const bool cname_clash = at.size() > 1 && at.count("CNAME") > 0;
    if (cname_clash) {
      std::string others;
      for (const std::string& t : at) {
        if (t == c.type) continue;
        if (!others.empty()) others += ",";
        others += t;
      }
      plan.conflicts.push_back({std::string(reasons::kForeignRecordKept),
                                "cannot create " + zone::KeyOf(c) + ": " + c.name +
                                    " keeps records domainguard may not remove (" + others + ")",
                                zone::KeyOf(c)});
      continue;
    }
    plan.changes.creates.push_back(std::move(c));
  }
  for (Update& a : adoptions) plan.adopted.push_back(zone::KeyOf(a.after));
  if (!plan.changes.empty()) {
    for (Update& a : adoptions) plan.changes.updates.push_back(std::move(a));
  }
  std::sort(plan.adopted.begin(), plan.adopted.end());
  std::sort(plan.changes.deletes.begin(), plan.changes.deletes.end(),
            [](const ObservedRRset& a, const ObservedRRset& b) { return zone::KeyLess(a.rrset, b.rrset); });
  std::sort(plan.changes.updates.begin(), plan.changes.updates.end(),
            [](const Update& a, const Update& b) { return zone::KeyLess(a.after, b.after); });
  std::sort(plan.changes.creates.begin(), plan.changes.creates.end(), zone::KeyLess);
  std::sort(plan.foreign_kept.begin(), plan.foreign_kept.end(),
            [](const ObservedRRset& a, const ObservedRRset& b) { return zone::KeyLess(a.rrset, b.rrset); });
  return plan;
}

}  // namespace domainguard::records
