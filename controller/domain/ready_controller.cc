#include "controller/domain/ready_controller.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "controller/api/conditions.h"
#include "controller/api/resources.h"
#include "controller/domain/domain_object.h"
#include "controller/domain/status_part.h"
#include "controller/domain/status_writer.h"

namespace domainguard::domain {

using nlohmann::json;

kube::Condition ReadyCondition(const json& domain) {
  std::vector<kube::Condition> conditions = kube::GetConditions(StatusOf(domain));
  return api::SummarizeReady(conditions, kube::Generation(domain));
}

void AddReady(StatusPart& part, const json& domain) {
  std::vector<kube::Condition> conditions = kube::GetConditions(StatusOf(domain));
  for (const kube::Condition& mine : part.conditions) {
    if (mine.type == api::kReady) return;  // already there
    auto it = std::find_if(conditions.begin(), conditions.end(),
                           [&](const kube::Condition& c) { return c.type == mine.type; });
    if (it == conditions.end()) conditions.push_back(mine);
    else *it = mine;
  }
  const int64_t generation = kube::Generation(domain);
  part.conditions.push_back(api::SummarizeReady(conditions, generation));
  part.fields["observedGeneration"] = generation;
}

kube::ReadParts ReadyReads() {
  return kube::ReadParts{.conditions = {"*"},
                         .ignored_conditions = {std::string(api::kReady)},
                         .status_fields = {"findings", "failover"}};
}

bool ReadyHasWork(const json& domain) {
  const json& status = StatusOf(domain);
  if (!status.is_object()) return false;
  for (const char* field : {"conditions", "findings"}) {
    auto it = status.find(field);
    if (it != status.end() && it->is_array() && !it->empty()) return true;
  }
  auto failover = status.find("failover");
  return failover != status.end() && !failover->is_null();
}

kube::ReconcileResult ReadyController::Reconcile(const std::string& key) {
  std::shared_ptr<const json> domain = ctx_.domains.GetShared(key);
  const size_t slash = key.find('/');
  const std::string ns = slash == std::string::npos ? "" : key.substr(0, slash);
  const std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
  if (!domain) {
    std::lock_guard<std::mutex> lock(mu_);
    if (zones_.erase(key) > 0) {
      int n = ctx_.metrics.ForgetDomain(ns, name);
      spdlog::info("ready domain={} decision=forget-metrics series={}", key, n);
    }
    return {};
  }
  const std::string zone = CanonicalZone(*domain);
  {
    std::lock_guard<std::mutex> lock(mu_);
    zones_[key] = zone;
  }
  const json& status = StatusOf(*domain);
  const metrics::DomainRef ref{ns, name, zone};

  // Metrics mirror the status as it stands in the cache.
  for (const kube::Condition& c : kube::GetConditions(status)) {
    if (c.type != api::kReady) ctx_.metrics.SetCondition(ref, c.type, c.status);
  }
  std::vector<metrics::FindingSample> findings;
  if (status.contains("findings") && status["findings"].is_array()) {
    for (const json& f : status["findings"]) {
      if (!f.is_object()) continue;
      findings.push_back({f.value("reason", ""), f.value("severity", "")});
    }
  }
  ctx_.metrics.SetFindings(ref, findings);
  const bool failover = status.contains("failover") && status["failover"].is_object() &&
                        status["failover"].value("active", false);
  ctx_.metrics.SetFailoverActive(ref, failover);
  std::optional<bool> failover_ready;
  if (status.contains("failover") && status["failover"].is_object() && status["failover"].contains("ready") &&
      status["failover"]["ready"].is_boolean()) {
    failover_ready = status["failover"]["ready"].get<bool>();
  }
  ctx_.metrics.SetFailoverReady(ref, failover_ready);

  kube::Condition ready = ReadyCondition(*domain);
  ctx_.metrics.SetCondition(ref, api::kReady, ready.status);
  StatusPart part;
  part.field_manager = kReadyFieldManager;
  part.fields["observedGeneration"] = kube::Generation(*domain);
  part.conditions.push_back(ready);
  Result<bool> wrote = WriteStatus(ctx_, *domain, part);
  if (!wrote.ok()) {
    if (wrote.error().code == ErrorCode::kNotFound) return {};
    spdlog::warn("ready domain={} zone={} decision=retry error=\"{}\"", key, zone, wrote.error().ToString());
    return {wrote.error(), std::nullopt};
  }
  if (*wrote) {
    spdlog::info("ready domain={} zone={} decision=set-ready status={} reason={}", key, zone, ready.status,
                 ready.reason);
  }
  return {};
}

}  // namespace domainguard::domain
