// ControllerTest: the fixture of a Domain controller's unit test — kube::testing::ApiTest (clock, scripted
// apiserver, Client, EventRecorder) plus the metrics, the Domain cache indexed as `domainguard run` indexes it, a
// spec reader that counts reads, and the domain::Context a controller is handed.
//
// Test-only (library dg_domain_testing): no production target links it.
#pragma once

#include "controller/api/testing/counting_spec_reader.h"
#include "controller/domain/context.h"
#include "controller/kube/store.h"
#include "controller/kube/testing/api_test.h"
#include "controller/metrics/domain_metrics.h"
#include "controller/metrics/registry.h"

namespace domainguard::domain::testing {

class ControllerTest : public kube::testing::ApiTest {
 protected:
  explicit ControllerTest(SystemTime start = SystemTime(kube::testing::kTestStart));

  // What app/ hands every Domain controller, over this fixture's parts (spec reads counted in spec_reads_).
  Context context() {
    Context ctx{client_, domains_, events_, metrics_, clock_};
    ctx.specs = &spec_reads_;
    return ctx;
  }

  metrics::Registry registry_;
  metrics::DomainMetrics metrics_;
  kube::Store domains_;  // the Domain cache, with kZoneIndex and kProviderIndex
  api::testing::CountingSpecReader spec_reads_;
};

}  // namespace domainguard::domain::testing
