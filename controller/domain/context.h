// What every Domain controller is handed by app/ (no singletons): the Kubernetes client, the Domain cache, the
// Event recorder, the metrics and the clock. All borrowed; they outlive the controllers.
//
// Thread-safety: every member is safe to use from several threads.
#pragma once

#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/api/spec_reader.h"
#include "controller/base/clock.h"
#include "controller/kube/client.h"
#include "controller/kube/event_recorder.h"
#include "controller/kube/store.h"
#include "controller/metrics/domain_metrics.h"

namespace domainguard::domain {

class StatusWriter;

struct Context {
  kube::Client& client;
  kube::Store& domains;  // the Domain informer's cache, with the kZoneIndex index
  kube::EventRecorder& events;
  metrics::DomainMetrics& metrics;
  const Clock& clock;
  // The ConfigMap cache (recordsFrom); null: ConfigMaps are read from the apiserver when needed.
  const kube::Store* configmaps = nullptr;
  // Records another part adds to a Domain's desired zone, in spec.records form (failover: the backup hosts of the
  // siblings pointing at this Domain's zone); null: none. Derived from the informer caches on every call, so a
  // restart changes nothing. Must be safe to call from several threads.
  std::function<std::vector<nlohmann::json>(const nlohmann::json& domain)> extra_records = nullptr;
  // The shared status writer (status_writer.h): the Domain's status parts are written through it, as one apply
  // where they come together; null: each part is applied at once under its own field manager (WriteStatus).
  StatusWriter* status = nullptr;
  // How a pass reads the Domain's spec; null: api::DefaultSpecReader(). Tests hand a counting one.
  const api::SpecReader* specs = nullptr;
};

// ctx.specs, or the default reader when unset.
inline const api::SpecReader& SpecsOf(const Context& ctx) {
  return ctx.specs != nullptr ? *ctx.specs : api::DefaultSpecReader();
}

// ctx.extra_records(domain), or none when unset.
inline std::vector<nlohmann::json> ExtraRecords(const Context& ctx, const nlohmann::json& domain) {
  return ctx.extra_records ? ctx.extra_records(domain) : std::vector<nlohmann::json>{};
}

}  // namespace domainguard::domain
