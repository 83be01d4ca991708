#include "controller/registration/verdict.h"

#include <algorithm>
#include <set>

#include "controller/base/time_format.h"
#include "controller/registration/epp_status.h"
#include "controller/registration/reasons.h"

namespace domainguard::registration {
namespace {

bool HasStatus(const RegistrationRecord& r, std::string_view s) {
  return std::find(r.statuses.begin(), r.statuses.end(), s) != r.statuses.end();
}

std::string Days(std::chrono::seconds d) {
  auto h = std::chrono::duration_cast<std::chrono::hours>(d).count();
  if (h >= 48 || h <= -48) return std::to_string(h / 24) + " days";
  return std::to_string(h) + " hours";
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(none)" : out;
}

}  // namespace

Verdict EvaluateRegistration(const VerdictInput& in) {
  Verdict v;
  v.record = in.record;
  auto add = [&](std::string_view reason, Severity sev, std::string msg) {
    v.findings.push_back({std::string(reason), sev, std::move(msg)});
  };

  if (in.not_registered) {
    add(kNotRegistered, Severity::kCritical,
        "the registry has no record of " + in.zone + ": it is not registered and anyone can register it" +
            (in.lookup_error ? " (" + *in.lookup_error + ")" : ""));
  } else if (!in.record) {
    add(kRegistrationUnknown, Severity::kUnknown,
        "no registration source answered for " + in.zone + (in.lookup_error ? ": " + *in.lookup_error : ""));
  }

  if (in.record && !in.not_registered) {
    const RegistrationRecord& r = *in.record;
    const std::string src = std::string(SourceName(r.source)) + (r.server.empty() ? "" : " " + r.server);
    bool deleting = HasStatus(r, "pendingDelete") || HasStatus(r, "redemptionPeriod");
    if (HasStatus(r, "pendingDelete")) {
      add(kPendingDelete, Severity::kCritical, "the registry is deleting " + in.zone + " (pendingDelete, " + src + ")");
    }
    if (HasStatus(r, "redemptionPeriod")) {
      add(kRedemptionPeriod, Severity::kCritical,
          in.zone + " is in the redemption period: restorable only through the registrar, at a fee (" + src + ")");
    }
    std::vector<std::string> holds;
    for (const auto& s : r.statuses) {
      if (IsHoldStatus(s)) holds.push_back(s);
    }
    if (!holds.empty()) {
      add(kRegistryHold, Severity::kCritical,
          in.zone + " is on hold and out of the DNS: status " + Join(holds) + " (" + src + ")");
    }
    if (r.expires_at) {
      auto left = std::chrono::duration_cast<std::chrono::seconds>(*r.expires_at - in.now);
      std::string when = FormatRfc3339(*r.expires_at);
      if (left <= std::chrono::seconds(0)) {
        add(kExpired, Severity::kCritical, in.zone + " expired at " + when + ", " + Days(-left) + " ago (" + src + ")");
      } else if (left <= in.policy.critical_before) {
        add(kExpiryCritical, Severity::kCritical, in.zone + " expires at " + when + ", in " + Days(left) + " (" + src + ")");
      } else if (left <= in.policy.warn_before) {
        add(kExpiringSoon, Severity::kWarning, in.zone + " expires at " + when + ", in " + Days(left) + " (" + src + ")");
      }
    } else {
      add(kRegistrationUnknown, Severity::kUnknown,
          "the registry publishes no expiry date for " + in.zone + "; statuses and name servers are still checked (" +
              src + ")");
    }
    if (!in.desired_nameservers.empty() && !r.nameservers.empty()) {
      std::vector<std::string> want;
      for (const auto& n : in.desired_nameservers) want.push_back(NormaliseHost(n));
      SortHosts(want);
      if (want != r.nameservers) {
        add(kRegistryNameserversDiffer, Severity::kCritical,
            "the registry lists name servers " + Join(r.nameservers) + " but the desired set is " + Join(want) + " (" +
                src + ")");
      }
    }
    if (in.previous) {
      const RegistrationRecord& p = *in.previous;
      bool id_changed = !p.registrar_iana_id.empty() && !r.registrar_iana_id.empty() &&
                        p.registrar_iana_id != r.registrar_iana_id;
      bool name_changed = (p.registrar_iana_id.empty() || r.registrar_iana_id.empty()) && !p.registrar.empty() &&
                          !r.registrar.empty() && p.registrar != r.registrar;
      if (id_changed || name_changed) {
        add(kRegistrarChanged, Severity::kWarning,
            "the registrar changed from " + p.registrar + (p.registrar_iana_id.empty() ? "" : " (IANA " + p.registrar_iana_id + ")") +
                " to " + r.registrar + (r.registrar_iana_id.empty() ? "" : " (IANA " + r.registrar_iana_id + ")"));
      }
    }
    if (in.policy.expect_transfer_lock && !deleting &&
        std::none_of(r.statuses.begin(), r.statuses.end(), [](const std::string& s) { return IsTransferLock(s); })) {
      add(kTransferLockMissing, Severity::kWarning,
          in.zone + " has no transfer lock (clientTransferProhibited); statuses: " + Join(r.statuses));
    }
    if (in.lookup_error && in.now - r.checked_at > in.policy.stale_after) {
      add(kRegistrationUnknown, Severity::kUnknown,
          "registration lookups have failed since " + FormatRfc3339(r.checked_at) + " (" + *in.lookup_error +
              "); findings are from that last good record");
    }
  }

  std::stable_sort(v.findings.begin(), v.findings.end(),
                   [](const Finding& a, const Finding& b) { return SeverityRank(a.severity) > SeverityRank(b.severity); });
  for (const auto& f : v.findings) {
    if (SeverityRank(f.severity) > SeverityRank(v.worst)) v.worst = f.severity;
  }
  v.healthy = v.findings.empty();
  v.reason = v.findings.empty() ? std::string(kRegistered) : v.findings.front().reason;
  return v;
}

nlohmann::json Verdict::RegistrationJson() const {
  nlohmann::json j = record ? ToJson(*record) : nlohmann::json::object();
  return j;
}

nlohmann::json Verdict::FindingsJson() const {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& f : findings) {
    a.push_back({{"reason", f.reason}, {"severity", SeverityName(f.severity)}, {"message", f.message}});
  }
  return a;
}

}  // namespace domainguard::registration
