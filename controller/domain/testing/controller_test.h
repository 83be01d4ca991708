// ControllerTest: the fixture of a Domain controller's unit test — kube::testing::ApiTest (clock, scripted
// apiserver, Client, EventRecorder) plus the metrics and the Domain cache, indexed as `domainguard run` indexes it,
// and the domain::Context a controller is handed.
//
// Test-only (library dg_domain_testing): no production target links it.
#pragma once

#include "controller/domain/context.h"
#include "controller/kube/store.h"
#include "controller/kube/testing/api_test.h"
#include "controller/metrics/domain_metrics.h"
#include "controller/metrics/registry.h"

namespace domainguard::domain::testing {

class ControllerTest : public kube::testing::ApiTest {
 protected:
  explicit ControllerTest(SystemTime start = SystemTime(kube::testing::kTestStart));

  // What app/ hands every Domain controller, over this fixture's parts.
  Context context() { return Context{client_, domains_, events_, metrics_, clock_}; }

  metrics::Registry registry_;
  metrics::DomainMetrics metrics_;
  kube::Store domains_;  // the Domain cache, with kZoneIndex and kProviderIndex
};

}  // namespace domainguard::domain::testing
