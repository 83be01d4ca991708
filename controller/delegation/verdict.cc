// The delegation verdict: an ordered set of pure checks over one Observation. See verdict.h.
#include "controller/delegation/verdict.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <set>

#include <libpsl.h>

#include "controller/delegation/reasons.h"
#include "controller/dns/dns_message.h"

namespace domainguard::delegation {
namespace {

using dns::IsSubdomain;

std::string Join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += sep;
    out += v[i];
  }
  return out;
}

std::string JoinSet(const std::set<std::string>& s) { return Join(std::vector<std::string>(s.begin(), s.end())); }

std::string Plural(size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

// Collects findings and the parent-side streaks while the checks run.
class Collector {
 public:
  Collector(const History& previous, const Policy& policy, size_t parent_count)
      : previous_(previous), policy_(policy), parent_count_(parent_count) {}

  void Add(std::string_view reason, Severity severity, std::string message) {
    findings_.push_back(Finding{std::string(reason), severity, std::move(message)});
  }

  // A parent-side finding seen from `seen` parent server addresses out of `parent_count_`. `critical_kind` says
  // whether this kind of finding is critical once confirmed. Decision table:
  //   seen >= needed | streak >= confirmations | critical_kind | severity
  //   no             | -                       | -             | Warning  (one stale server; streak resets)
  //   yes            | no                      | -             | Warning  (streak grows)
  //   yes            | yes                     | no            | Warning
  //   yes            | yes                     | yes           | Critical
  void AddParentSide(std::string_view reason, size_t seen, bool critical_kind, const std::string& message) {
    if (seen == 0) return;
    const size_t needed = std::min<size_t>(2, std::max<size_t>(1, parent_count_));
    Severity severity = Severity::kWarning;
    std::string note;
    if (seen >= needed) {
      const std::string key(reason);
      auto it = previous_.streak.find(key);
      const int streak = (it == previous_.streak.end() ? 0 : it->second) + 1;
      next_.streak[key] = std::max(next_.streak[key], streak);
      if (critical_kind && streak >= policy_.confirmations) {
        severity = Severity::kCritical;
      } else if (critical_kind) {
        note = " (confirmation " + std::to_string(streak) + " of " + std::to_string(policy_.confirmations) + ")";
      }
    } else if (critical_kind) {
      note = " (seen from " + std::to_string(seen) + " of " + std::to_string(parent_count_) +
             " parent servers; not confirmed)";
    }
    // Several checks may add the same reason (e.g. glue of two names); keep the worst.
    for (Finding& f : findings_) {
      if (f.reason == reason) {
        if (severity > f.severity) f.severity = severity;
        f.message += "; " + message + note;
        return;
      }
    }
    Add(reason, severity, message + note);
  }

  // A serving-side finding that must be seen on `policy.confirmations` consecutive probes before it is reported at
  // all; true when it now has been. Keeps the streak for the next evaluation.
  bool Confirmed(std::string_view reason) {
    const std::string key(reason);
    auto it = previous_.streak.find(key);
    const int streak = (it == previous_.streak.end() ? 0 : it->second) + 1;
    next_.streak[key] = streak;
    return streak >= policy_.confirmations;
  }

  std::vector<Finding> TakeFindings() { return std::move(findings_); }
  History TakeHistory() { return std::move(next_); }

 private:
  const History& previous_;
  const Policy& policy_;
  size_t parent_count_;
  std::vector<Finding> findings_;
  History next_;
};

bool Responded(const ParentView& p) {
  return p.outcome == ParentOutcome::kDelegation || p.outcome == ParentOutcome::kNoDelegation;
}

std::string Describe(const ParentView& p) { return p.server_name.empty() ? p.address : p.server_name + " (" + p.address + ")"; }

std::vector<std::string> Names(const std::vector<NameserverSpec>& ns) {
  std::vector<std::string> out;
  for (const auto& n : ns) out.push_back(dns::CanonicalName(n.name));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string Tld(std::string_view name) {
  const int labels = dns::LabelCount(name);
  std::string n(name);
  for (int i = 1; i < labels; ++i) n = dns::ParentName(n);
  return n;
}

std::string DescribeServer(const ServerView& s) { return s.ns_name + " (" + s.address + ")"; }

std::string OutcomeText(const ServerView& s) {
  switch (s.outcome) {
    case ServerOutcome::kAuthoritative: return "authoritative";
    case ServerOutcome::kNotAuthoritative: return "answers without AA";
    case ServerOutcome::kRefused: return "REFUSED";
    case ServerOutcome::kServFail: return "SERVFAIL";
    case ServerOutcome::kTimeout: return "timeout";
    case ServerOutcome::kUnreachable: return "unreachable";
    case ServerOutcome::kBadAnswer: return "bad answer" + (s.detail.empty() ? "" : " " + s.detail);
  }
  return "?";
}

// --- The checks, in order. Each reads the observation and adds findings. ---

// Parent side: delegation present, NS set as desired, glue present and right.
void CheckParent(const Observation& o, const ZoneSpec& spec, Collector& c) {
  std::vector<const ParentView*> delegating, missing;
  for (const ParentView& p : o.parents) {
    if (p.outcome == ParentOutcome::kDelegation) delegating.push_back(&p);
    if (p.outcome == ParentOutcome::kNoDelegation) missing.push_back(&p);
  }
  if (!missing.empty()) {
    std::vector<std::string> who;
    for (const ParentView* p : missing) who.push_back(Describe(*p) + ": " + p->detail);
    c.AddParentSide(reasons::kDelegationMissing, missing.size(), true,
                    "parent " + o.parent_zone + " does not delegate " + o.zone + " (" + Join(who) + ")");
  }

  const std::vector<std::string> desired = Names(spec.nameservers);
  if (!desired.empty()) {
    // Per parent server: the listed set vs the desired set.
    size_t disjoint = 0, partial = 0;
    std::set<std::string> extra, absent;
    for (const ParentView* p : delegating) {
      if (p->ns == desired) continue;
      std::vector<std::string> common;
      std::set_intersection(p->ns.begin(), p->ns.end(), desired.begin(), desired.end(), std::back_inserter(common));
      (common.empty() ? disjoint : partial)++;
      for (const auto& n : p->ns) {
        if (!std::binary_search(desired.begin(), desired.end(), n)) extra.insert(n);
      }
      for (const auto& n : desired) {
        if (!std::binary_search(p->ns.begin(), p->ns.end(), n)) absent.insert(n);
      }
    }
    if (disjoint + partial > 0) {
      std::string msg = "parent " + o.parent_zone;
      if (!extra.empty()) msg += " lists name servers not desired: " + JoinSet(extra);
      if (!extra.empty() && !absent.empty()) msg += ";";
      if (!absent.empty()) msg += " lacks desired " + JoinSet(absent);
      msg += " (" + std::string(disjoint > 0 ? "none of the desired set, " : "") + "seen from " +
             Plural(disjoint + partial, "parent server") + ")";
      // Disjoint: the zone is served by someone else entirely (parking, hijack): critical once confirmed.
      // A partial overlap still resolves through the desired servers: a warning.
      if (disjoint > 0) {
        c.AddParentSide(reasons::kNameserversChanged, disjoint, true, msg);
      } else {
        c.AddParentSide(reasons::kNameserversChanged, partial, false, msg);
      }
    }
  }

  // Glue for in-bailiwick names (RFC 9471: required for resolution).
  std::map<std::string, size_t> glue_missing_seen;
  std::map<std::string, size_t> glue_wrong_seen, glue_fully_wrong_seen;
  std::map<std::string, std::string> glue_wrong_text;
  for (const ParentView* p : delegating) {
    for (const std::string& ns : p->ns) {
      if (!IsSubdomain(ns, o.zone)) continue;
      auto g = p->glue.find(ns);
      if (g == p->glue.end() || g->second.empty()) {
        glue_missing_seen[ns]++;
        continue;
      }
      auto want = std::find_if(spec.nameservers.begin(), spec.nameservers.end(),
                               [&](const NameserverSpec& d) { return dns::CanonicalName(d.name) == ns; });
      if (want == spec.nameservers.end() || want->addresses.empty()) continue;
      std::vector<std::string> w = want->addresses;
      std::sort(w.begin(), w.end());
      std::vector<std::string> got = g->second;
      std::sort(got.begin(), got.end());
      if (got == w) continue;
      std::vector<std::string> common;
      std::set_intersection(got.begin(), got.end(), w.begin(), w.end(), std::back_inserter(common));
      glue_wrong_seen[ns]++;
      if (common.empty()) glue_fully_wrong_seen[ns]++;
      glue_wrong_text[ns] = ns + " glue " + Join(got) + " at " + Describe(*p) + ", desired " + Join(w);
    }
  }
  if (!glue_missing_seen.empty()) {
    // Critical only when no name server stays reachable: every listed NS is in-bailiwick without glue.
    bool any_usable = false;
    for (const ParentView* p : delegating) {
      for (const std::string& ns : p->ns) {
        if (!glue_missing_seen.count(ns)) any_usable = true;
      }
    }
    size_t seen = 0;
    std::vector<std::string> names;
    for (const auto& [ns, n] : glue_missing_seen) {
      seen = std::max(seen, n);
      names.push_back(ns);
    }
    c.AddParentSide(reasons::kGlueMissing, seen, !any_usable,
                    "parent " + o.parent_zone + " has no glue for " + Join(names) +
                        (any_usable ? "" : "; no name server of the zone is reachable"));
  }
  for (const auto& [ns, n] : glue_wrong_seen) {
    const bool fully = glue_fully_wrong_seen.count(ns) > 0;
    c.AddParentSide(reasons::kGlueMismatch, fully ? glue_fully_wrong_seen.at(ns) : n, fully, glue_wrong_text[ns]);
  }
}

// Without a desired set, the parent's NS set is checked against the apex NS the authoritative servers serve.
void CheckParentChildNs(const Observation& o, const ZoneSpec& spec, Collector& c) {
  if (!spec.nameservers.empty()) return;
  std::set<std::vector<std::string>> parent_sets, child_sets;
  for (const ParentView& p : o.parents) {
    if (p.outcome == ParentOutcome::kDelegation) parent_sets.insert(p.ns);
  }
  for (const ServerView& s : o.servers) {
    if (s.outcome == ServerOutcome::kAuthoritative && !s.ns.empty()) child_sets.insert(s.ns);
  }
  if (parent_sets.size() != 1 || child_sets.size() != 1) return;
  const auto& parent = *parent_sets.begin();
  const auto& child = *child_sets.begin();
  if (parent == child) return;
  c.Add(reasons::kNameserversChanged, Severity::kWarning,
        "parent " + o.parent_zone + " lists " + Join(parent) + " but the zone's servers list " + Join(child));
}

// RFC 1982 §3.2: `a` is behind `b`.
bool SerialBehind(uint32_t a, uint32_t b) { return a != b && static_cast<uint32_t>(b - a) < (1u << 31); }

bool KnownSerials(const ZoneSpec& spec) {
  return std::any_of(spec.providers.begin(), spec.providers.end(), [](const ProviderZone& p) { return p.serial; });
}

using ProviderOfServer = std::function<std::string(const std::string&)>;

// Without domainguard's knowledge of the providers' serials: the servers of one provider (or all servers of no
// known provider, one group) should agree; comparing across providers would always "drift" (PowerDNS date-based,
// BIND counting).
std::vector<std::string> SerialGroupsDiffering(const Observation& o, const ProviderOfServer& provider_of) {
  std::map<std::string, std::map<uint32_t, std::vector<std::string>>> by_provider;
  for (const ServerView& s : o.servers) {
    if (s.outcome == ServerOutcome::kAuthoritative && s.serial) {
      by_provider[provider_of(s.ns_name)][*s.serial].push_back(DescribeServer(s));
    }
  }
  std::vector<std::string> drift;
  for (const auto& [provider, by_serial] : by_provider) {
    if (by_serial.size() <= 1) continue;
    std::vector<std::string> parts;
    for (const auto& [serial, who] : by_serial) parts.push_back(std::to_string(serial) + " at " + Join(who));
    drift.push_back((provider.empty() ? "" : provider + ": ") + Join(parts, "; "));
  }
  return drift;
}

// With the providers' serials known (the records controller read them): each server against the provider that
// answers as it. Decision table, per authoritative server with serial s:
//   server's provider known, its serial P known | s == P or s one of its recent serials  -> fine
//                                               | s behind P (RFC 1982)                  -> behind
//                                               | s ahead of P (it moved since the read)  -> fine
//   provider unknown (no DNSProvider lists it)  | s any provider's current or recent      -> fine
//                                               | otherwise                              -> behind
std::vector<std::string> ServersBehind(const Observation& o, const ZoneSpec& spec, const ProviderOfServer& provider_of) {
  std::set<uint32_t> any;
  std::vector<std::string> current;
  for (const ProviderZone& p : spec.providers) {
    if (!p.serial) continue;
    any.insert(*p.serial);
    any.insert(p.recent_serials.begin(), p.recent_serials.end());
    current.push_back(p.provider + " " + std::to_string(*p.serial));
  }
  std::vector<std::string> behind;
  for (const ServerView& s : o.servers) {
    if (s.outcome != ServerOutcome::kAuthoritative || !s.serial) continue;
    const std::string provider = provider_of(s.ns_name);
    auto p = std::find_if(spec.providers.begin(), spec.providers.end(),
                          [&](const ProviderZone& z) { return !provider.empty() && z.provider == provider; });
    if (p != spec.providers.end() && p->serial) {
      const bool recent = std::find(p->recent_serials.begin(), p->recent_serials.end(), *s.serial) !=
                          p->recent_serials.end();
      if (!recent && SerialBehind(*s.serial, *p->serial)) {
        behind.push_back(DescribeServer(s) + " serves serial " + std::to_string(*s.serial) + ", behind " +
                         p->provider + "'s " + std::to_string(*p->serial));
      }
      continue;
    }
    if (any.count(*s.serial) == 0) {
      behind.push_back(DescribeServer(s) + " serves serial " + std::to_string(*s.serial) +
                       ", which no provider of the zone has (" + Join(current) + ")");
    }
  }
  return behind;
}

// True when `rrset` ("www.example.test. A") is waiting at a provider that could not be written (its
// pendingChanges): at `provider` when the server's provider is known, else at any.
bool PendingAt(const ZoneSpec& spec, const std::string& provider, const std::string& rrset) {
  for (const ProviderZone& p : spec.providers) {
    if (!provider.empty() && p.provider != provider) continue;
    if (std::find(p.pending.begin(), p.pending.end(), rrset) != p.pending.end()) return true;
  }
  return false;
}

void CheckServers(const Observation& o, const ZoneSpec& spec, Collector& c) {
  std::vector<std::string> lame;
  size_t authoritative = 0;
  for (const ServerView& s : o.servers) {
    if (s.outcome == ServerOutcome::kAuthoritative) {
      ++authoritative;
    } else {
      lame.push_back(DescribeServer(s) + ": " + OutcomeText(s));
    }
  }
  for (const std::string& ns : o.unresolvable_ns) lame.push_back(ns + ": no address");
  if (!lame.empty() && !(o.servers.empty() && o.unresolvable_ns.empty())) {
    // All lame: nobody can resolve the zone. Some lame: resolvers retry elsewhere, slower.
    const Severity sev = authoritative == 0 ? Severity::kCritical : Severity::kWarning;
    c.Add(reasons::kLameNameserver, sev,
          (authoritative == 0 ? "no name server answers authoritatively for " + o.zone + ": "
                              : Plural(lame.size(), "name server") + " of " + o.zone + " not authoritative: ") +
              Join(lame));
  }

  // Serial drift among authoritative answers of one provider. Different providers of a multi-provider zone keep
  // serials of their own (PowerDNS date-based, BIND counting): comparing across them would always "drift".
  // Servers of no known provider form one group, so a plain zone (or `check` without a manifest) is compared whole.
  auto provider_of = [&spec](const std::string& ns_name) {
    for (const NameserverSpec& n : spec.nameservers) {
      if (dns::CanonicalName(n.name) == dns::CanonicalName(ns_name)) return n.provider;
    }
    return std::string();
  };
  // With the providers' serials known, a server is judged against them; the records controller learns a serial that
  // moved behind its back only at its next poll, so a server "behind" is reported once seen on `confirmations`
  // consecutive probes (a zone re-signed or edited by hand between two polls is not drift).
  const bool known = KnownSerials(spec);
  const std::vector<std::string> drift = known ? ServersBehind(o, spec, provider_of)
                                               : SerialGroupsDiffering(o, provider_of);
  if (!drift.empty() && (!known || c.Confirmed(reasons::kSerialDrift))) {
    c.Add(reasons::kSerialDrift, Severity::kWarning, "SOA serials differ: " + Join(drift, "; "));
  }

  // Desired records.
  if (!spec.records.empty()) {
    std::map<std::string, std::vector<std::string>> missing_at;  // rrset -> servers
    size_t checked_servers = 0;
    for (const ServerView& s : o.servers) {
      if (s.outcome != ServerOutcome::kAuthoritative || s.records_checked == 0) continue;
      ++checked_servers;
      for (const std::string& r : s.records_missing) {
        // Never written there because its provider is unavailable: pending (the provider's pendingChanges), not
        // a record that was applied and is no longer served.
        if (PendingAt(spec, provider_of(s.ns_name), r)) continue;
        missing_at[r].push_back(DescribeServer(s));
      }
    }
    if (!missing_at.empty()) {
      bool everywhere = false;
      std::vector<std::string> parts;
      for (const auto& [rrset, who] : missing_at) {
        if (who.size() == checked_servers) everywhere = true;
        parts.push_back(rrset + " at " + Join(who));
      }
      c.Add(reasons::kRecordsNotServed, everywhere ? Severity::kCritical : Severity::kWarning,
            "desired records not served: " + Join(parts, "; "));
    }
  }
}

// DependencyBroken follows the failed state of every zone hosting our name servers, at the severity its cause
// justifies: Critical when one lost its delegation, Warning when one cannot be checked or is degraded.
void CheckDependencies(const Observation& o, Collector& c) {
  std::vector<std::string> broken;
  bool critical = false;
  for (const DependencyView& d : o.dependencies) {
    if (!d.broken) continue;
    critical = critical || d.critical;
    broken.push_back(d.zone + (d.detail.empty() ? "" : " (" + d.detail + ")"));
  }
  if (!broken.empty()) {
    c.Add(reasons::kDependencyBroken, critical ? Severity::kCritical : Severity::kWarning,
          "name servers of " + o.zone + " depend on zones " +
              (critical ? "that lost their delegation: " : "in a failed state: ") + Join(broken));
  }
}

// The effective NS set: desired if given, else what the parent servers list.
std::vector<NameserverSpec> EffectiveNameservers(const Observation& o, const ZoneSpec& spec) {
  if (!spec.nameservers.empty()) return spec.nameservers;
  std::set<std::string> names;
  for (const ParentView& p : o.parents) {
    if (p.outcome == ParentOutcome::kDelegation) names.insert(p.ns.begin(), p.ns.end());
  }
  std::vector<NameserverSpec> out;
  for (const auto& n : names) out.push_back(NameserverSpec{n, {}, ""});
  return out;
}

void CheckSinglePointOfFailure(const Observation& o, const ZoneSpec& spec, Collector& c) {
  const std::vector<NameserverSpec> ns = EffectiveNameservers(o, spec);
  if (ns.empty()) return;
  if (ns.size() == 1) {
    c.Add(reasons::kSinglePointOfFailure, Severity::kWarning, o.zone + " has only one name server: " + ns[0].name);
    return;
  }
  // In-bailiwick names add no dependency beyond the zone itself; the rules below look at foreign ones only.
  std::set<std::string> registered, tlds, providers;
  bool all_foreign = true, all_have_provider = true;
  for (const NameserverSpec& n : ns) {
    const std::string name = dns::CanonicalName(n.name);
    if (IsSubdomain(name, o.zone)) all_foreign = false;
    registered.insert(RegisteredDomain(name));
    tlds.insert(Tld(name));
    if (n.provider.empty()) all_have_provider = false;
    providers.insert(n.provider);
  }
  if (all_foreign && registered.size() == 1 && !registered.begin()->empty()) {
    c.Add(reasons::kSinglePointOfFailure, Severity::kWarning,
          "all name servers of " + o.zone + " are under one domain, " + *registered.begin());
  } else if (all_foreign && tlds.size() == 1 && *tlds.begin() != Tld(o.zone)) {
    c.Add(reasons::kSinglePointOfFailure, Severity::kWarning,
          "all name servers of " + o.zone + " are under one TLD, " + *tlds.begin());
  } else if (all_have_provider && providers.size() == 1) {
    c.Add(reasons::kSinglePointOfFailure, Severity::kWarning,
          "all name servers of " + o.zone + " are served by one provider, " + *providers.begin());
  }
}

std::vector<std::string> DependsOn(const Observation& o) {
  std::vector<std::string> out;
  for (const DependencyView& d : o.dependencies) out.push_back(d.zone);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

struct PslFree {
  void operator()(psl_ctx_t* p) const { psl_free(p); }
};

}  // namespace

Severity Verdict::Worst() const {
  Severity worst = Severity::kInfo;
  for (const Finding& f : findings) worst = std::max(worst, f.severity);
  return worst;
}

bool FindingBefore(const Finding& a, const Finding& b) {
  static constexpr std::string_view kCauseOrder[] = {
      reasons::kDelegationMissing, reasons::kNameserversChanged, reasons::kGlueMissing,
      reasons::kGlueMismatch,      reasons::kDependencyBroken,   reasons::kParentUnreachable,
      reasons::kLameNameserver,    reasons::kRecordsNotServed,   reasons::kSerialDrift,
      reasons::kSinglePointOfFailure};
  auto rank = [](std::string_view r) {
    for (size_t i = 0; i < std::size(kCauseOrder); ++i) {
      if (kCauseOrder[i] == r) return i;
    }
    return std::size(kCauseOrder);
  };
  if (a.severity != b.severity) return a.severity > b.severity;
  if (rank(a.reason) != rank(b.reason)) return rank(a.reason) < rank(b.reason);
  return a.reason < b.reason;
}

std::string Verdict::ConditionReason() const {
  for (const Finding& f : findings) {
    if (f.severity != Severity::kInfo) return f.reason;
  }
  return std::string(reasons::kDelegationHealthy);
}

bool Verdict::Has(std::string_view reason) const { return Find(reason) != nullptr; }

const Finding* Verdict::Find(std::string_view reason) const {
  for (const Finding& f : findings) {
    if (f.reason == reason) return &f;
  }
  return nullptr;
}

DependencyView JudgeDependency(const std::string& zone, const Verdict& v) {
  DependencyView d{zone, false, false, ""};
  for (const Finding& f : v.findings) {  // sorted: the worst, cause first
    if (f.severity < Severity::kWarning || f.reason == reasons::kSerialDrift ||
        f.reason == reasons::kRecordsNotServed || f.reason == reasons::kSinglePointOfFailure) {
      continue;
    }
    d.broken = true;
    d.critical = f.severity == Severity::kCritical;
    d.detail = f.reason + ": " + f.message;
    break;
  }
  return d;
}

std::string RegisteredDomain(std::string_view name) {
  // The built-in list is static data in libpsl; psl_builtin() returns a shared read-only context.
  const psl_ctx_t* psl = psl_builtin();
  std::string n = dns::CanonicalName(name);
  if (n == ".") return "";
  std::string bare = n.substr(0, n.size() - 1);
  // Longest ICANN public suffix of the name: walk from the TLD down while the suffix is public.
  std::vector<size_t> starts = {0};
  for (size_t i = 0; i < bare.size(); ++i) {
    if (bare[i] == '.') starts.push_back(i + 1);
  }
  // starts: label beginnings, left to right. Suffix from starts[k] has (labels - k) labels.
  size_t suffix_index = starts.size() - 1;  // the TLD counts as a suffix even when the list lacks it
  for (size_t k = starts.size(); k-- > 0;) {
    const std::string suffix = bare.substr(starts[k]);
    if (psl != nullptr && psl_is_public_suffix2(psl, suffix.c_str(), PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE)) {
      suffix_index = k;
    } else if (k != starts.size() - 1) {
      break;
    }
  }
  if (suffix_index == 0) return "";  // the name is itself a public suffix
  return bare.substr(starts[suffix_index - 1]) + ".";
}

Verdict EvaluateDelegation(const Observation& observation, const ZoneSpec& spec, const History& previous,
                           const Policy& policy) {
  Verdict v;
  size_t responded = 0;
  for (const ParentView& p : observation.parents) responded += Responded(p) ? 1 : 0;
  Collector c(previous, policy, observation.parents.size());

  // 1. Parent side. With no answering parent server there is nothing to judge there: unknown, not healthy.
  if (responded == 0) {
    v.unknown = true;
    std::string why = !observation.discovery_error.empty()
                          ? observation.discovery_error
                          : "none of " + Plural(observation.parents.size(), "parent server") + " of " +
                                observation.parent_zone + " answered";
    c.Add(reasons::kParentUnreachable, Severity::kWarning, "cannot check the delegation of " + observation.zone + ": " + why);
  } else {
    CheckParent(observation, spec, c);
  }
  // 2. Serving side, 3. what the zone depends on, 4. its shape.
  CheckServers(observation, spec, c);
  if (responded > 0) CheckParentChildNs(observation, spec, c);
  CheckDependencies(observation, c);
  CheckSinglePointOfFailure(observation, spec, c);

  v.findings = c.TakeFindings();
  std::stable_sort(v.findings.begin(), v.findings.end(), FindingBefore);
  v.history = c.TakeHistory();
  v.depends_on = DependsOn(observation);
  return v;
}

}  // namespace domainguard::delegation
