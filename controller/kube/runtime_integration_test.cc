// LeaderElector and EventRecorder against the test bed's real kube-apiserver: the Lease and Event bodies must pass
// the apiserver's own validation, and the Lease compare-and-swap must hold between two candidates.
#include <atomic>
#include <future>
#include <random>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/http/transport.h"
#include "controller/kube/config.h"
#include "controller/kube/event_recorder.h"
#include "controller/kube/leader_election.h"
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
  auto transport = http::NewCppRestTransport(config->tls);
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

// Stops electors when a test ends early (a failed ASSERT), before the futures running them are destroyed:
// a future's destructor waits for Run, which only returns after Stop. Declare it after those futures.
struct StopOnExit {
  std::vector<LeaderElector*> electors;
  ~StopOnExit() {
    for (auto* e : electors) e->Stop();
  }
};

template <typename F>
bool Eventually(F f, std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (f()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return f();
}

TEST(RuntimeIntegration, TwoCandidatesOneLeaderAndHandOverOnRelease) {
  auto real = Connect();
  if (!real) return;
  const std::string lease = Unique("dg-test-leader");
  LeaderElectionConfig base{"", 2000ms, 1500ms, 200ms};
  LeaderElectionConfig ca = base, cb = base;
  ca.identity = "candidate-a";
  cb.identity = "candidate-b";
  LeaderElector a(*real->client, "default", lease, ca, real->clock, {});
  LeaderElector b(*real->client, "default", lease, cb, real->clock, {});
  auto run_a = std::async(std::launch::async, [&] { return a.Run(); });
  StopOnExit guard_a{{&a}};
  ASSERT_TRUE(Eventually([&] { return a.IsLeader(); }, 10s));
  auto run_b = std::async(std::launch::async, [&] { return b.Run(); });
  StopOnExit guard_b{{&b}};
  bool both = false;
  auto until = std::chrono::steady_clock::now() + 3s;  // longer than the lease
  while (std::chrono::steady_clock::now() < until) {
    both = both || (a.IsLeader() && b.IsLeader());
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_FALSE(both);
  EXPECT_TRUE(a.IsLeader());
  EXPECT_FALSE(b.IsLeader());

  auto got = real->client->Get(kLeases, "default", lease);
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ((*got)["spec"]["holderIdentity"], "candidate-a");
  EXPECT_EQ((*got)["spec"]["leaseDurationSeconds"], 2);

  a.Stop();
  ASSERT_EQ(run_a.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(run_a.get().ok());
  ASSERT_TRUE(Eventually([&] { return b.IsLeader(); }, 1500ms)) << "the standby takes a released lease at once";
  b.Stop();
  ASSERT_EQ(run_b.wait_for(10s), std::future_status::ready);
  got = real->client->Get(kLeases, "default", lease);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)["spec"]["holderIdentity"], "");
  EXPECT_EQ((*got)["spec"]["leaseTransitions"], 1);
  (void)real->client->Delete(kLeases, "default", lease);
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
