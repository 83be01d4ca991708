// The metrics catalogue of domainguard's own families (domainguard_*), declared in one place: every family's name,
// help and labels as api.md spells them, plus small setters that keep the per-Domain series consistent (one
// condition status at 1, the others at 0; findings replaced as a set; all series gone when a Domain is deleted).
// The controller-runtime and client-go families are in runtime_metrics.h.
//
// Parts receive a DomainMetrics& from app/ (built on the manager's Registry) and never register families
// themselves, so names cannot drift.
//
// Thread-safety: as Registry — every method may be called from several threads at once. The setters that
// replace a set of series (SetFindings) are not atomic with respect to a concurrent scrape: a scrape may see the
// old set, the new set, or briefly a subset; the next scrape is right.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/base/clock.h"
#include "controller/metrics/registry.h"
#include "controller/metrics/state_set.h"

namespace domainguard::metrics {

// Identifies the Domain a series describes: labels namespace, domain (the Domain object's name) and zone.
struct DomainRef {
  std::string namespace_;
  std::string name;
  std::string zone;
};

struct FindingSample {
  std::string reason;    // e.g. "GlueMissing", as api.md spells it
  std::string severity;  // "Critical", "Warning", "Info"
};

class DomainMetrics {
 public:
  explicit DomainMetrics(Registry& registry);
  DomainMetrics(const DomainMetrics&) = delete;
  DomainMetrics& operator=(const DomainMetrics&) = delete;

  // The families, for callers that need more than the setters below.
  GaugeFamily& expiry_timestamp;  // domainguard_domain_expiry_timestamp_seconds{namespace,domain,zone}
  GaugeFamily& finding;           // domainguard_domain_finding{namespace,domain,zone,reason,severity}
  StateSetFamily& condition;      // domainguard_domain_condition{namespace,domain,zone,type,status}
  CounterFamily& provider_requests;     // domainguard_provider_requests_total{namespace,provider,method,code}
  GaugeFamily& provider_pending_changes;  // domainguard_provider_pending_changes{namespace,provider}
  GaugeFamily& failover_active;           // domainguard_failover_active{namespace,domain,zone}
  GaugeFamily& failover_ready;            // domainguard_failover_ready{namespace,domain,zone}
  GaugeFamily& unmonitored_domain;        // domainguard_unmonitored_domain{namespace,domain}
  CounterFamily& dns_queries;             // domainguard_dns_queries_total{purpose,rcode}
  CounterFamily& alert_deliveries;        // domainguard_alert_deliveries_total{namespace,channel,result}
  GaugeFamily& check_last_success;        // domainguard_check_last_success_timestamp_seconds{namespace,domain,zone,check}

  // Expiry as a Unix timestamp; nullopt (unknown) removes the series rather than exporting a made-up date.
  void SetExpiry(const DomainRef& d, std::optional<SystemTime> expires_at);
  // Exports `type` with `status` ("True", "False", "Unknown") at 1 and the two other statuses at 0, so both
  // `== 1` alerts and absent() work.
  void SetCondition(const DomainRef& d, std::string_view type, std::string_view status);
  // Replaces the Domain's findings with `findings` (each at 1).
  void SetFindings(const DomainRef& d, const std::vector<FindingSample>& findings);
  void SetFailoverActive(const DomainRef& d, bool active);
  // 1 while the Domain's failover domain could take over (status.failover.ready); nullopt (no failover
  // configured) removes the series.
  void SetFailoverReady(const DomainRef& d, std::optional<bool> ready);
  // Counts one call to a provider: `method` is the operation (read_zone, serial, create_zone, apply, probe),
  // `code` "ok" or the error code's name (Unavailable, InvalidArgument, ...).
  void CountProviderRequest(std::string_view namespace_, std::string_view provider, std::string_view method,
                            std::string_view code);
  void SetPendingChanges(std::string_view namespace_, std::string_view provider, int pending);
  // `purpose` e.g. "delegation", "serving", "soa"; `rcode` e.g. "NOERROR", "timeout".
  void CountDnsQuery(std::string_view purpose, std::string_view rcode);
  // A registrable domain seen in Ingress hosts of `namespace_` that no Domain covers; `present` false clears it.
  void SetUnmonitored(std::string_view namespace_, std::string_view registrable_domain, bool present);

  // Counts one delivery attempt through AlertChannel `channel`; `result` "success" or "failure".
  void CountAlertDelivery(std::string_view namespace_, std::string_view channel, std::string_view result);
  // Records that check `check` ("delegation", "registration") of the Domain last succeeded at `at`.
  void SetCheckSuccess(const DomainRef& d, std::string_view check, SystemTime at);

  // Removes every series of a deleted Domain (all families with namespace+domain labels). Returns the count.
  int ForgetDomain(std::string_view namespace_, std::string_view name);
  // Removes the series of a deleted DNSProvider.
  int ForgetProvider(std::string_view namespace_, std::string_view provider);
};

}  // namespace domainguard::metrics
