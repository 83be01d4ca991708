#include "controller/metrics/domain_metrics.h"

#include <chrono>

namespace domainguard::metrics {

namespace {

const std::vector<std::string> kDomainLabels = {"namespace", "domain", "zone"};

std::vector<std::string> DomainLabelsPlus(std::initializer_list<std::string> extra) {
  std::vector<std::string> out = kDomainLabels;
  out.insert(out.end(), extra);
  return out;
}

LabelValues Values(const DomainRef& d, std::initializer_list<std::string_view> extra = {}) {
  LabelValues out = {d.namespace_, d.name, d.zone};
  for (auto v : extra) out.emplace_back(v);
  return out;
}

}  // namespace

DomainMetrics::DomainMetrics(Registry& registry)
    : expiry_timestamp(registry.AddGauge("domainguard_domain_expiry_timestamp_seconds",
                                         "Registration expiry of the Domain's zone as a Unix timestamp; absent "
                                         "when no source told it.",
                                         kDomainLabels)),
      finding(registry.AddGauge("domainguard_domain_finding",
                                "1 for each finding currently reported on the Domain, by reason and severity.",
                                DomainLabelsPlus({"reason", "severity"}))),
      condition(registry.AddStateSet("domainguard_domain_condition",
                                     "1 for the current status of each Domain condition, 0 for the other statuses.",
                                     DomainLabelsPlus({"type", "status"}), {"True", "False", "Unknown"})),
      provider_requests(registry.AddCounter("domainguard_provider_requests_total",
                                            "Requests sent to DNS providers, by method and response code.",
                                            {"namespace", "provider", "method", "code"})),
      provider_pending_changes(registry.AddGauge("domainguard_provider_pending_changes",
                                                 "Record changes waiting for the provider to become reachable.",
                                                 {"namespace", "provider"})),
      failover_active(registry.AddGauge("domainguard_failover_active",
                                        "1 while the Domain's Ingress hosts are served through its failover domain.",
                                        kDomainLabels)),
      failover_ready(registry.AddGauge("domainguard_failover_ready",
                                       "1 while the Domain's failover domain is ready to take over its hosts "
                                       "(status.failover.ready); absent without spec.failover.",
                                       kDomainLabels)),
      unmonitored_domain(registry.AddGauge("domainguard_unmonitored_domain",
                                           "1 for each registrable domain used by Ingress hosts that no Domain "
                                           "covers.",
                                           {"namespace", "domain"})),
      dns_queries(registry.AddCounter("domainguard_dns_queries_total",
                                      "DNS queries sent by domainguard, by purpose and response code.",
                                      {"purpose", "rcode"})),
      alert_deliveries(registry.AddCounter("domainguard_alert_deliveries_total",
                                           "Delivery attempts through AlertChannels, by result (success, failure).",
                                           {"namespace", "channel", "result"})),
      check_last_success(registry.AddGauge("domainguard_check_last_success_timestamp_seconds",
                                           "When a check of the Domain last succeeded (a lookup answered), as a "
                                           "Unix timestamp; a failed lookup leaves it unchanged.",
                                           DomainLabelsPlus({"check"}))) {}

void DomainMetrics::CountAlertDelivery(std::string_view namespace_, std::string_view channel,
                                       std::string_view result) {
  alert_deliveries.WithLabels({std::string(namespace_), std::string(channel), std::string(result)})->Inc();
}

void DomainMetrics::SetCheckSuccess(const DomainRef& d, std::string_view check, SystemTime at) {
  check_last_success.WithLabels(Values(d, {check}))->Set(std::chrono::duration<double>(at.time_since_epoch()).count());
}

void DomainMetrics::SetExpiry(const DomainRef& d, std::optional<SystemTime> expires_at) {
  if (!expires_at) {
    expiry_timestamp.Remove(Values(d));
    return;
  }
  double seconds = std::chrono::duration<double>(expires_at->time_since_epoch()).count();
  expiry_timestamp.WithLabels(Values(d))->Set(seconds);
}

void DomainMetrics::SetCondition(const DomainRef& d, std::string_view type, std::string_view status) {
  condition.Set(Values(d, {type}), status);
}

void DomainMetrics::SetFindings(const DomainRef& d, const std::vector<FindingSample>& findings) {
  finding.RemoveMatching({{"namespace", d.namespace_}, {"domain", d.name}});
  for (const auto& f : findings) finding.WithLabels(Values(d, {f.reason, f.severity}))->Set(1);
}

void DomainMetrics::SetFailoverActive(const DomainRef& d, bool active) {
  failover_active.WithLabels(Values(d))->Set(active ? 1 : 0);
}

void DomainMetrics::SetFailoverReady(const DomainRef& d, std::optional<bool> ready) {
  if (!ready) {
    failover_ready.Remove(Values(d));
    return;
  }
  failover_ready.WithLabels(Values(d))->Set(*ready ? 1 : 0);
}

void DomainMetrics::CountProviderRequest(std::string_view namespace_, std::string_view provider,
                                         std::string_view method, std::string_view code) {
  provider_requests
      .WithLabels({std::string(namespace_), std::string(provider), std::string(method), std::string(code)})
      ->Inc();
}

void DomainMetrics::SetPendingChanges(std::string_view namespace_, std::string_view provider, int pending) {
  provider_pending_changes.WithLabels({std::string(namespace_), std::string(provider)})->Set(pending);
}

void DomainMetrics::CountDnsQuery(std::string_view purpose, std::string_view rcode) {
  dns_queries.WithLabels({std::string(purpose), std::string(rcode)})->Inc();
}

void DomainMetrics::SetUnmonitored(std::string_view namespace_, std::string_view registrable_domain, bool present) {
  LabelValues v = {std::string(namespace_), std::string(registrable_domain)};
  if (present) {
    unmonitored_domain.WithLabels(v)->Set(1);
  } else {
    unmonitored_domain.Remove(v);
  }
}

int DomainMetrics::ForgetDomain(std::string_view namespace_, std::string_view name) {
  LabelMatch match = {{"namespace", std::string(namespace_)}, {"domain", std::string(name)}};
  // Only the Domain families: unmonitored_domain's "domain" label is a registrable domain name, not a Domain.
  int removed = 0;
  for (FamilyBase* f : std::initializer_list<FamilyBase*>{&expiry_timestamp, &finding, &condition, &failover_active, &failover_ready,
                                                              &check_last_success}) {
    removed += f->RemoveMatching(match);
  }
  return removed;
}

int DomainMetrics::ForgetProvider(std::string_view namespace_, std::string_view provider) {
  LabelMatch match = {{"namespace", std::string(namespace_)}, {"provider", std::string(provider)}};
  return provider_requests.RemoveMatching(match) + provider_pending_changes.RemoveMatching(match);
}

}  // namespace domainguard::metrics
