// ApiTest: the fixture a controller's unit test needs on the Kubernetes side, set up once for every such test
// instead of by hand in each: a fake clock, a scripted apiserver (FakeApiServer) answering the fake transport
// kube_, and a Client and an EventRecorder over them. Generic: no Domain words (those are domain/testing/).
//
// Test-only (library dg_kube_testing, which links GoogleTest): no production target links it.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "controller/base/clock.h"
#include "controller/http/testing/fake_transport.h"
#include "controller/kube/client.h"
#include "controller/kube/event_recorder.h"
#include "controller/kube/store.h"
#include "controller/kube/testing/fake_apiserver.h"

namespace domainguard::kube::testing {

// Where the fake clock starts unless a test says otherwise (2027-01-15T08:00:00Z).
inline constexpr std::chrono::seconds kTestStart{1'800'000'000};

class ApiTest : public ::testing::Test {
 protected:
  explicit ApiTest(SystemTime start = SystemTime(kTestStart));

  // The Events the recorder sent, once it has sent all it was given.
  std::vector<nlohmann::json> SentEvents();

  // The object `key` of `store` as the apiserver would hold it after the last status apply: each of the applied
  // status' fields replaces the cached one (the informer's update, which a controller test scripts itself).
  void MergeLastApply(Store& store, const std::string& key);

  FakeClock clock_;
  FakeApiServer api_;
  // The apiserver's transport, answered by api_; a test may set a handler of its own that calls api_.Handle.
  http::FakeTransport kube_;
  Client client_;
  EventRecorder events_;
};

}  // namespace domainguard::kube::testing
