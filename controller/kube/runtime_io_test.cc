// LeaderElector and EventRecorder over a Client on http::FakeTransport, with a tiny in-memory apiserver for
// Leases (resourceVersion compare-and-swap, 409 on conflict) and Events.
#include <atomic>
#include <future>
#include <map>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/http/fake_transport.h"
#include "controller/kube/event_recorder.h"
#include "controller/kube/leader_election.h"

namespace domainguard::kube {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

// Serves /apis/coordination.k8s.io/v1/namespaces/<ns>/leases[/<name>] and .../events[/<name>] from memory.
class FakeApi {
 public:
  Result<http::HttpResponse> Handle(const http::HttpRequest& req) {
    std::lock_guard<std::mutex> lock(mu_);
    ++requests_;
    if (failing_) return http::HttpResponse{503, {}, R"({"kind":"Status","code":503,"message":"unavailable"})"};
    std::string path = req.url.substr(req.url.find("/apis/"));
    bool events = path.find("/events") != std::string::npos;
    auto& objects = events ? events_ : leases_;
    std::string collection = events ? "/events" : "/leases";
    size_t at = path.rfind(collection);  // rfind: "/events" also starts the group name events.k8s.io
    std::string name = path.size() > at + collection.size() + 1 ? path.substr(at + collection.size() + 1) : "";
    if (req.method == "GET") {
      auto it = objects.find(name);
      if (it == objects.end()) return NotFound(name);
      return Ok(it->second);
    }
    if (req.method == "POST") {
      json obj = json::parse(req.body);
      std::string n = obj["metadata"]["name"];
      if (objects.count(n)) return http::HttpResponse{409, {}, R"({"kind":"Status","code":409,"reason":"AlreadyExists","message":"exists"})"};
      obj["metadata"]["resourceVersion"] = std::to_string(++version_);
      objects[n] = obj;
      return Ok(obj, 201);
    }
    if (req.method == "PUT") {
      json obj = json::parse(req.body);
      auto it = objects.find(name);
      if (it == objects.end()) return NotFound(name);
      if (obj["metadata"]["resourceVersion"] != it->second["metadata"]["resourceVersion"]) {
        return http::HttpResponse{409, {}, R"({"kind":"Status","code":409,"reason":"Conflict","message":"conflict"})"};
      }
      obj["metadata"]["resourceVersion"] = std::to_string(++version_);
      it->second = obj;
      return Ok(obj);
    }
    if (req.method == "PATCH") {
      auto it = objects.find(name);
      if (it == objects.end()) return NotFound(name);
      it->second.merge_patch(json::parse(req.body));
      it->second["metadata"]["resourceVersion"] = std::to_string(++version_);
      return Ok(it->second);
    }
    return http::HttpResponse{405, {}, "{}"};
  }
  std::optional<json> Lease(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = leases_.find(name);
    if (it == leases_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<json> Events() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<json> out;
    for (auto& [n, e] : events_) out.push_back(e);
    return out;
  }
  void SetFailing(bool f) {
    std::lock_guard<std::mutex> lock(mu_);
    failing_ = f;
  }

 private:
  static http::HttpResponse Ok(const json& j, int status = 200) {
    return http::HttpResponse{status, {{"Content-Type", "application/json"}}, j.dump()};
  }
  static http::HttpResponse NotFound(const std::string& name) {
    return http::HttpResponse{404, {}, json{{"kind", "Status"}, {"code", 404}, {"reason", "NotFound"},
                                            {"message", name + " not found"}}.dump()};
  }
  std::mutex mu_;
  std::map<std::string, json> leases_, events_;
  int version_ = 0;
  int requests_ = 0;
  bool failing_ = false;
};

struct Bed {
  Bed() {
    transport.SetSendHandler([this](const http::HttpRequest& r) { return api.Handle(r); });
    RestConfig config;
    config.server = "http://127.0.0.1:1";
    client = std::make_unique<Client>(transport, config, clock);
  }
  FakeApi api;
  http::FakeTransport transport;
  RealClock clock;
  std::unique_ptr<Client> client;
};

LeaderElectionConfig Fast(std::string identity) {
  // Short but valid: lease 1 s (the API's unit), renew deadline 300 ms, retry 50 ms.
  return LeaderElectionConfig{std::move(identity), 1000ms, 300ms, 50ms};
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
bool Eventually(F f, std::chrono::milliseconds timeout = 5s) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (f()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return f();
}

TEST(LeaderElector, AcquiresRenewsAndReleasesOnStop) {
  Bed bed;
  std::atomic<int> started{0}, stopped{0};
  metrics::Registry registry;
  metrics::ControllerMetrics cm(registry);
  LeaderElector e(*bed.client, "domainguard-system", "domainguard-leader", Fast("pod-a"), bed.clock,
                  {[&] { started++; }, [&] { stopped++; }, nullptr}, &cm);
  auto run = std::async(std::launch::async, [&] { return e.Run(); });
  StopOnExit guard{{&e}};
  ASSERT_TRUE(Eventually([&] { return e.IsLeader(); }));
  EXPECT_EQ(started.load(), 1);
  EXPECT_THAT(registry.Expose(), ::testing::HasSubstr("leader_election_master_status{name=\"domainguard-leader\"} 1"));
  auto lease = bed.api.Lease("domainguard-leader");
  ASSERT_TRUE(lease);
  EXPECT_EQ((*lease)["spec"]["holderIdentity"], "pod-a");
  EXPECT_EQ((*lease)["spec"]["leaseDurationSeconds"], 1);
  std::string first_renew = (*lease)["spec"]["renewTime"];
  ASSERT_TRUE(Eventually([&] { return (*bed.api.Lease("domainguard-leader"))["spec"]["renewTime"] != first_renew; }))
      << "the leader must keep renewing";
  e.Stop();
  ASSERT_EQ(run.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(run.get().ok());
  EXPECT_EQ(stopped.load(), 1);
  EXPECT_FALSE(e.IsLeader());
  lease = bed.api.Lease("domainguard-leader");
  EXPECT_EQ((*lease)["spec"]["holderIdentity"], "") << "released on clean shutdown";
  EXPECT_EQ((*lease)["spec"]["leaseDurationSeconds"], 1);
  EXPECT_THAT(registry.Expose(), ::testing::HasSubstr("leader_election_master_status{name=\"domainguard-leader\"} 0"));
}

TEST(LeaderElector, OnlyOneLeadsAndStandbyTakesOverAfterRelease) {
  Bed bed;
  std::atomic<int> a_started{0}, b_started{0};
  std::atomic<bool> both{false};
  LeaderElector a(*bed.client, "ns", "lease", Fast("pod-a"), bed.clock, {[&] { a_started++; }, nullptr, nullptr});
  auto run_a = std::async(std::launch::async, [&] { return a.Run(); });
  StopOnExit guard_a{{&a}};
  ASSERT_TRUE(Eventually([&] { return a.IsLeader(); }));
  std::string seen_leader;
  std::mutex seen_mu;
  LeaderElector b(*bed.client, "ns", "lease", Fast("pod-b"), bed.clock,
                  {[&] { b_started++; }, nullptr, [&](const std::string& h) {
                     std::lock_guard<std::mutex> lock(seen_mu);
                     seen_leader = h;
                   }});
  auto run_b = std::async(std::launch::async, [&] { return b.Run(); });
  StopOnExit guard_b{{&b}};
  // For well over a lease duration, b must stand by while a renews.
  auto until = std::chrono::steady_clock::now() + 1500ms;
  while (std::chrono::steady_clock::now() < until) {
    if (a.IsLeader() && b.IsLeader()) both = true;
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_FALSE(both.load());
  EXPECT_TRUE(a.IsLeader());
  EXPECT_FALSE(b.IsLeader());
  {
    std::lock_guard<std::mutex> lock(seen_mu);
    EXPECT_EQ(seen_leader, "pod-a");
  }
  auto released_at = std::chrono::steady_clock::now();
  a.Stop();
  ASSERT_EQ(run_a.wait_for(5s), std::future_status::ready);
  ASSERT_TRUE(Eventually([&] { return b.IsLeader(); }));
  EXPECT_LT(std::chrono::steady_clock::now() - released_at, 900ms) << "a released lease is taken at once";
  EXPECT_EQ(b_started.load(), 1);
  EXPECT_EQ((*bed.api.Lease("lease"))["spec"]["leaseTransitions"], 1);
  b.Stop();
  ASSERT_EQ(run_b.wait_for(5s), std::future_status::ready);
}

TEST(LeaderElector, LosesLeadershipWhenRenewalsFailPastTheDeadline) {
  Bed bed;
  std::atomic<int> stopped{0};
  LeaderElector e(*bed.client, "ns", "lease", Fast("pod-a"), bed.clock, {nullptr, [&] { stopped++; }, nullptr});
  auto run = std::async(std::launch::async, [&] { return e.Run(); });
  StopOnExit guard{{&e}};
  ASSERT_TRUE(Eventually([&] { return e.IsLeader(); }));
  auto failing_since = std::chrono::steady_clock::now();
  bed.api.SetFailing(true);
  ASSERT_EQ(run.wait_for(5s), std::future_status::ready);
  auto took = std::chrono::steady_clock::now() - failing_since;
  Status s = run.get();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kAborted);
  EXPECT_EQ(stopped.load(), 1);
  EXPECT_FALSE(e.IsLeader());
  EXPECT_GE(took, 200ms);  // ~ the renew deadline (300 ms) minus the time since the last renewal
  EXPECT_LT(took, 1000ms) << "must stop before the lease (1 s) could be taken by another replica";
}

TEST(EventRecorder, CreatesThenPatchesSeries) {
  Bed bed;
  FakeClock clock(SystemTime{} + std::chrono::hours(24 * 365 * 56));
  EventAggregatorConfig config;
  config.reporting_instance = "pod-a";
  config.min_series_update = 0s;
  EventRecorder rec(*bed.client, config, clock);
  ObjectRef domain{"domainguard.io/v1alpha1", "Domain", "web", "example-com", "uid-1"};
  rec.Record(domain, kEventWarning, "GlueMissing", "ns1.example-com.test. has no glue");
  ASSERT_TRUE(rec.WaitIdle(5s));
  clock.Advance(10s);
  rec.Record(domain, kEventWarning, "GlueMissing", "ns1.example-com.test. has no glue");
  clock.Advance(10s);
  rec.Record(domain, kEventWarning, "GlueMissing", "ns1.example-com.test. has no glue");
  ASSERT_TRUE(rec.WaitIdle(5s));
  auto events = bed.api.Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["reason"], "GlueMissing") << events[0].dump();
  EXPECT_EQ(events[0]["reportingController"], "domainguard.io/domainguard");
  EXPECT_EQ(events[0]["series"]["count"], 3);
  rec.Record(domain, kEventNormal, "DriftRepaired", "www A restored");
  ASSERT_TRUE(rec.WaitIdle(5s));
  EXPECT_EQ(bed.api.Events().size(), 2u);
}

TEST(EventRecorder, FailedCreateIsRetriedOnNextOccurrence) {
  Bed bed;
  FakeClock clock(SystemTime{} + std::chrono::hours(24 * 365 * 56));
  EventRecorder rec(*bed.client, EventAggregatorConfig{"pod-a"}, clock);
  ObjectRef domain{"domainguard.io/v1alpha1", "Domain", "web", "example-com", "uid-1"};
  bed.api.SetFailing(true);
  rec.Record(domain, kEventWarning, "Expired", "expired on 2026-11-01");
  ASSERT_TRUE(rec.WaitIdle(5s));
  bed.api.SetFailing(false);
  clock.Advance(1s);
  rec.Record(domain, kEventWarning, "Expired", "expired on 2026-11-01");
  ASSERT_TRUE(rec.WaitIdle(5s));
  auto events = bed.api.Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(events[0].contains("series")) << "the failed first create must not turn the retry into a patch";
}

}  // namespace
}  // namespace domainguard::kube
