// What every Domain controller is handed by app/ (no singletons): the Kubernetes client, the Domain cache, the
// Event recorder, the metrics and the clock. All borrowed; they outlive the controllers.
//
// Thread-safety: every member is safe to use from several threads.
#pragma once

#include "controller/base/clock.h"
#include "controller/kube/client.h"
#include "controller/kube/event_recorder.h"
#include "controller/kube/store.h"
#include "controller/metrics/domain_metrics.h"

namespace domainguard::domain {

struct Context {
  kube::Client& client;
  kube::Store& domains;  // the Domain informer's cache, with the kZoneIndex index
  kube::EventRecorder& events;
  metrics::DomainMetrics& metrics;
  const Clock& clock;
  // The ConfigMap cache (recordsFrom); null: ConfigMaps are read from the apiserver when needed.
  const kube::Store* configmaps = nullptr;
};

}  // namespace domainguard::domain
