// EventRecorder against the test bed's real kube-apiserver: the Event bodies must pass the apiserver's own
// validation. (Leader election against it: app/manager_integration_test.cc, through app::LeaseElector.)
#include <random>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/http/transport.h"
#include "controller/kube/config.h"
#include "controller/kube/event_recorder.h"
#include "tests/testbed_env.h"

namespace domainguard::kube {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

struct Real {
  std::unique_ptr<http::Transport> transport;
  std::unique_ptr<Client> client;
  RealClock clock;
};

// Builds a client from $KUBECONFIG; returns nullptr (the test has already been skipped or failed) when unset.
std::unique_ptr<Real> Connect() {
  std::string kubeconfig = BedEnv("KUBECONFIG");
  if (kubeconfig.empty()) return nullptr;
  auto config = LoadKubeconfig(kubeconfig);
  if (!config.ok()) {
    ADD_FAILURE() << config.error().ToString();
    return nullptr;
  }
  auto transport = http::NewTransport(config->tls);
  if (!transport.ok()) {
    ADD_FAILURE() << transport.error().ToString();
    return nullptr;
  }
  auto r = std::make_unique<Real>();
  r->transport = std::move(*transport);
  r->client = std::make_unique<Client>(*r->transport, *config, r->clock);
  r->client->set_request_timeout(5s);  // a hung apiserver fails the test instead of stalling it
  return r;
}

std::string Unique(const std::string& prefix) {
  std::random_device rd;
  return prefix + "-" + std::to_string(rd() % 1000000);
}

TEST(RuntimeIntegration, EventsAreAcceptedAndAggregatedAsASeries) {
  auto real = Connect();
  if (!real) return;
  EventAggregatorConfig config;
  config.reporting_instance = "runtime-integration-test";
  config.min_series_update = 0s;
  const std::string name = Unique("dg-test-domain");
  ObjectRef regarding{"domainguard.io/v1alpha1", "Domain", "default", name, ""};
  {
    EventRecorder rec(*real->client, config, real->clock);
    rec.Record(regarding, kEventWarning, "GlueMissing", "ns1." + name + ".test. has no glue at 127.53.10.1");
    ASSERT_TRUE(rec.WaitIdle(10s));
    std::this_thread::sleep_for(5ms);
    rec.Record(regarding, kEventWarning, "GlueMissing", "ns1." + name + ".test. has no glue at 127.53.10.1");
    rec.Record(regarding, kEventWarning, "GlueMissing", "ns1." + name + ".test. has no glue at 127.53.10.1");
    rec.Record(regarding, kEventNormal, "DriftRepaired", "www A restored");
    ASSERT_TRUE(rec.WaitIdle(10s));
  }
  auto list = real->client->ListAll(kEvents, "default");
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  std::vector<json> ours;
  for (const auto& e : list->items) {
    if (e["regarding"]["name"] == name) ours.push_back(e);
  }
  ASSERT_EQ(ours.size(), 2u);
  int series_count = 0;
  for (const auto& e : ours) {
    EXPECT_EQ(e["reportingController"], "domainguard.io/domainguard");
    if (e["reason"] == "GlueMissing") series_count = e["series"]["count"].get<int>();
    (void)real->client->Delete(kEvents, "default", Name(e));
  }
  EXPECT_EQ(series_count, 3);
}

}  // namespace
}  // namespace domainguard::kube
