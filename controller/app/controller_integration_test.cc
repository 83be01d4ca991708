// The controller harness end to end on the bed's kube-apiserver: a test CRD (Widget) created by the test, a
// controller registered on it, and the reconciles a user would see for creates, updates, deletes, requeue_after,
// errors with backoff, secondary watches, resync, and never two reconciles at once for one key.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>

#include "controller/app/controller.h"
#include "controller/app/manager.h"
#include "controller/kube/leader_election.h"
#include "controller/kube/predicate.h"
#include "controller/app/testbed_kube_test_util.h"

namespace domainguard::app {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;

const ResourceType kWidgets{"h7test.domainguard.io", "v1", "widgets", "Widget", true};
const ResourceType kConfigMaps = ResourceType::From(kube::kConfigMaps);

struct Call {
  std::string key;
  std::chrono::steady_clock::time_point at;
  bool exists = false;
  int64_t generation = 0;
};

// Records every reconcile; behaviour by object name: "fail-*" always fails, "requeue-*" asks to come back after
// 300 ms, "slow-*" takes 30 ms (to widen any overlap), anything else succeeds at once.
class Recorder {
 public:
  explicit Recorder(kube::Store& cache) : cache_(cache) {}

  kube::ReconcileResult Reconcile(const std::string& key) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      int now_in = ++in_flight_[key];
      max_in_flight_ = std::max(max_in_flight_, now_in);
    }
    std::optional<kube::json> obj = cache_.Get(key);
    {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back({key, std::chrono::steady_clock::now(), obj.has_value(), obj ? kube::Generation(*obj) : 0});
    }
    std::string name = key.substr(key.find('/') + 1);
    kube::ReconcileResult r;
    if (name.rfind("slow-", 0) == 0) std::this_thread::sleep_for(30ms);
    if (name.rfind("fail-", 0) == 0) r.status = Error::Unavailable("widget backend down");
    if (name.rfind("requeue-", 0) == 0) r.requeue_after = 300ms;
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_[key];
    return r;
  }

  std::vector<Call> CallsFor(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Call> out;
    for (const Call& c : calls_) {
      if (c.key == key) out.push_back(c);
    }
    return out;
  }
  int max_in_flight() {
    std::lock_guard<std::mutex> lock(mu_);
    return max_in_flight_;
  }

 private:
  kube::Store& cache_;
  std::mutex mu_;
  std::vector<Call> calls_;               // guarded by mu_
  std::map<std::string, int> in_flight_;  // guarded by mu_
  int max_in_flight_ = 0;                 // guarded by mu_
};

class ControllerIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = testing::ConnectToBed();
    if (env_ == nullptr) return;
    ASSERT_TRUE(testing::EnsureTestCrd(*env_->client, kWidgets.group, kWidgets.plural, kWidgets.kind));
    ns_ = testing::CreateTestNamespace(*env_->client, std::string("ctl-") +
                                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override {
    controller_.reset();
    informers_.reset();
    if (env_ && !ns_.empty()) (void)env_->client->Delete(kube::kNamespaces, "", ns_);
  }

  // Builds the informers and the controller and waits for the caches.
  void StartController(std::chrono::milliseconds resync = 0ms, int workers = 2,
                       std::vector<WatchSpec> watches = {}, std::chrono::milliseconds delay = 0ms) {
    informers_ = std::make_unique<InformerSet>(*env_->client, ns_);
    recorder_ = std::make_unique<Recorder>(informers_->For(kWidgets).store());
    ControllerSpec spec;
    spec.name = "widgets";
    spec.resource = kWidgets;
    spec.reconcile = [r = recorder_.get()](const std::string& key) { return r->Reconcile(key); };
    spec.resync = resync;
    spec.watches = std::move(watches);
    spec.delay = delay;
    spec.update_filter = update_filter_;
    spec.add_filter = add_filter_;
    controller_ = std::make_unique<Controller>(spec, *informers_, env_->clock, nullptr, nullptr);
    informers_->Start();
    controller_->Start(workers);
    ASSERT_TRUE(Eventually([&] { return informers_->AllSynced(); }, 10s));
  }

  kube::Resource Widgets() const { return kWidgets.View(); }

  void CreateWidget(const std::string& name, int x = 1) {
    kube::json w = {{"apiVersion", "h7test.domainguard.io/v1"},
                    {"kind", "Widget"},
                    {"metadata", {{"name", name}, {"namespace", ns_}}},
                    {"spec", {{"x", x}}}};
    Result<kube::json> r = env_->client->Create(Widgets(), ns_, w);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }

  std::string Key(const std::string& name) const { return ns_ + "/" + name; }

  std::unique_ptr<testing::KubeEnv> env_;
  std::string ns_;
  std::unique_ptr<InformerSet> informers_;
  std::unique_ptr<Recorder> recorder_;
  std::unique_ptr<Controller> controller_;
  UpdateFilter update_filter_ = nullptr;  // set before StartController
  AddFilter add_filter_ = nullptr;        // set before StartController
};

TEST_F(ControllerIntegration, ReconcilesCreatesUpdatesAndDeletes) {
  if (env_ == nullptr) return;
  StartController();
  CreateWidget("a");
  ASSERT_TRUE(Eventually([&] {
    auto c = recorder_->CallsFor(Key("a"));
    return !c.empty() && c.back().exists && c.back().generation == 1;
  }, 10s)) << "no reconcile after create";

  Result<kube::json> p = env_->client->MergePatch(Widgets(), ns_, "a", {{"spec", {{"x", 2}}}});
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  ASSERT_TRUE(Eventually([&] {
    auto c = recorder_->CallsFor(Key("a"));
    return !c.empty() && c.back().exists && c.back().generation == 2;
  }, 10s)) << "no reconcile seeing generation 2 after update";

  ASSERT_TRUE(env_->client->Delete(Widgets(), ns_, "a").ok());
  ASSERT_TRUE(Eventually([&] {
    auto c = recorder_->CallsFor(Key("a"));
    return !c.empty() && !c.back().exists;
  }, 10s)) << "no reconcile seeing the object gone after delete";
}

TEST_F(ControllerIntegration, RequeueAfterIsHonoured) {
  if (env_ == nullptr) return;
  StartController();
  CreateWidget("requeue-1");
  ASSERT_TRUE(Eventually([&] { return !recorder_->CallsFor(Key("requeue-1")).empty(); }, 10s));
  std::this_thread::sleep_for(1600ms);
  auto calls = recorder_->CallsFor(Key("requeue-1"));
  // One change, then every 300 ms by requeue_after alone: ~6 in 1.6 s. Far more would mean no delay; one would
  // mean requeue_after was ignored.
  EXPECT_GE(calls.size(), 4u);
  EXPECT_LE(calls.size(), 8u);
  for (size_t i = 1; i < calls.size(); ++i) {
    auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(calls[i].at - calls[i - 1].at);
    EXPECT_GE(gap.count(), 280) << "reconcile " << i << " came early";
  }
}

TEST_F(ControllerIntegration, ErrorsBackOffExponentially) {
  if (env_ == nullptr) return;
  StartController();
  CreateWidget("fail-1");
  ASSERT_TRUE(Eventually([&] { return !recorder_->CallsFor(Key("fail-1")).empty(); }, 10s));
  std::this_thread::sleep_for(2500ms);
  auto calls = recorder_->CallsFor(Key("fail-1"));
  // Backoff 5 ms * 2^n: attempts at ~0, 5, 15, 35, 75, 155, 315, 635, 1275, 2555 ms → about 9-10 in 2.5 s.
  // Without backoff a failing key would spin thousands of times.
  EXPECT_GE(calls.size(), 6u);
  EXPECT_LE(calls.size(), 12u);
  ASSERT_GE(calls.size(), 6u);
  std::vector<double> gaps;
  for (size_t i = 1; i < calls.size(); ++i) {
    gaps.push_back(std::chrono::duration<double, std::milli>(calls[i].at - calls[i - 1].at).count());
  }
  // The later gaps (timer noise is small against them) at least ~double each time.
  for (size_t i = 4; i < gaps.size(); ++i) {
    EXPECT_GE(gaps[i], 1.6 * gaps[i - 1]) << "gap " << i << " did not grow: " << gaps[i] << " ms after "
                                          << gaps[i - 1] << " ms";
  }
  EXPECT_GE(gaps.back(), 300.0);
}

TEST_F(ControllerIntegration, SecondaryWatchEnqueuesThePrimary) {
  if (env_ == nullptr) return;
  // A ConfigMap labelled widget=<name> concerns that Widget.
  WatchSpec w{kConfigMaps, [](const kube::json& cm) -> std::vector<std::string> {
                std::string widget = cm["metadata"].value("labels", kube::json::object()).value("widget", "");
                if (widget.empty()) return {};
                return {kube::ObjectKey(kube::Namespace(cm), widget)};
              }};
  StartController(0ms, 2, {w});
  CreateWidget("b");
  ASSERT_TRUE(Eventually([&] { return recorder_->CallsFor(Key("b")).size() == 1; }, 10s));
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(recorder_->CallsFor(Key("b")).size(), 1u) << "reconciled without a change";

  kube::json cm = {{"apiVersion", "v1"},
                   {"kind", "ConfigMap"},
                   {"metadata", {{"name", "b-zone"}, {"namespace", ns_}, {"labels", {{"widget", "b"}}}}},
                   {"data", {{"zone", "x"}}}};
  ASSERT_TRUE(env_->client->Create(kube::kConfigMaps, ns_, cm).ok());
  EXPECT_TRUE(Eventually([&] { return recorder_->CallsFor(Key("b")).size() >= 2; }, 10s))
      << "creating a labelled ConfigMap did not reconcile its Widget";
}

TEST_F(ControllerIntegration, DelayedWatchCoalescesABurstIntoFewReconciles) {
  if (env_ == nullptr) return;
  // Every ConfigMap concerns Widget "sum" (as every Domain concerns its DNSProvider's zone count).
  WatchSpec w{kConfigMaps, [&](const kube::json&) -> std::vector<std::string> { return {Key("sum")}; }};
  w.delay = 1s;
  StartController(0ms, 2, {w});
  CreateWidget("sum");
  ASSERT_TRUE(Eventually([&] { return recorder_->CallsFor(Key("sum")).size() == 1; }, 10s));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    kube::json cm = {{"apiVersion", "v1"},
                     {"kind", "ConfigMap"},
                     {"metadata", {{"name", "c" + std::to_string(i)}, {"namespace", ns_}}}};
    ASSERT_TRUE(env_->client->Create(kube::kConfigMaps, ns_, cm).ok());
  }
  const auto burst = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(Eventually([&] { return recorder_->CallsFor(Key("sum")).size() >= 2; }, 10s))
      << "the burst never reconciled the primary";
  std::this_thread::sleep_for(1500ms);  // past the delay of the last change
  const size_t calls = recorder_->CallsFor(Key("sum")).size() - 1;
  // One reconcile per started second of the burst (plus the one the last changes queued), not one per change.
  const size_t bound = static_cast<size_t>(std::chrono::duration_cast<std::chrono::seconds>(burst).count()) + 2;
  EXPECT_GE(calls, 1u);
  EXPECT_LE(calls, bound) << "20 changes in " << std::chrono::duration_cast<std::chrono::milliseconds>(burst).count()
                          << " ms gave " << calls << " reconciles";
}

TEST_F(ControllerIntegration, DelayedPrimaryReconcilesABurstOnceAndSeesItsEnd) {
  if (env_ == nullptr) return;
  StartController(0ms, 2, {}, 1s);
  const auto start = std::chrono::steady_clock::now();
  CreateWidget("burst");
  for (int i = 2; i <= 11; ++i) {
    ASSERT_TRUE(env_->client->MergePatch(Widgets(), ns_, "burst", {{"spec", {{"x", i}}}}).ok());
  }
  const auto burst = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(Eventually([&] {
    auto c = recorder_->CallsFor(Key("burst"));
    return !c.empty() && c.back().generation == 11;
  }, 10s)) << "the last change was never reconciled";
  std::this_thread::sleep_for(1500ms);
  const size_t calls = recorder_->CallsFor(Key("burst")).size();
  const size_t bound = static_cast<size_t>(std::chrono::duration_cast<std::chrono::seconds>(burst).count()) + 2;
  EXPECT_LE(calls, bound) << "11 changes in " << std::chrono::duration_cast<std::chrono::milliseconds>(burst).count()
                          << " ms gave " << calls << " reconciles";
}

// Issue #14: an update that touches nothing the controller reads (here a label; only the spec is read) does not
// wake it; a spec edit does.
TEST_F(ControllerIntegration, PrimaryUpdateFilterIgnoresUpdatesOfPartsNotRead) {
  if (env_ == nullptr) return;
  update_filter_ = [](const kube::json& o, const kube::json& n) { return kube::ChangesReadParts({}, o, n); };
  StartController();
  CreateWidget("f");
  ASSERT_TRUE(Eventually([&] { return recorder_->CallsFor(Key("f")).size() == 1; }, 10s));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(env_->client->MergePatch(Widgets(), ns_, "f", {{"metadata", {{"labels", {{"n", std::to_string(i)}}}}}})
                    .ok());
  }
  ASSERT_TRUE(env_->client->MergePatch(Widgets(), ns_, "f", {{"spec", {{"x", 2}}}}).ok());
  ASSERT_TRUE(Eventually([&] {
    auto c = recorder_->CallsFor(Key("f"));
    return !c.empty() && c.back().generation == 2;
  }, 10s)) << "the spec edit was not reconciled";
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(recorder_->CallsFor(Key("f")).size(), 2u) << "label-only updates woke the controller";
}

// Issue #14: an added object the add filter declines (here: spec.x below 2) is not reconciled; its first update
// that passes the update filter is, and a deletion always is.
TEST_F(ControllerIntegration, PrimaryAddFilterSkipsNewObjectsUntilAnUpdate) {
  if (env_ == nullptr) return;
  add_filter_ = [](const kube::json& o) { return o.contains("spec") && o["spec"].value("x", 0) >= 2; };
  StartController();
  CreateWidget("skipped", 1);
  CreateWidget("taken", 2);
  ASSERT_TRUE(Eventually([&] { return recorder_->CallsFor(Key("taken")).size() == 1; }, 10s));
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(recorder_->CallsFor(Key("skipped")).empty()) << "the declined add was reconciled";
  ASSERT_TRUE(env_->client->MergePatch(Widgets(), ns_, "skipped", {{"metadata", {{"labels", {{"n", "1"}}}}}}).ok());
  ASSERT_TRUE(Eventually([&] { return recorder_->CallsFor(Key("skipped")).size() == 1; }, 10s))
      << "its first update was not reconciled";
  ASSERT_TRUE(env_->client->Delete(Widgets(), ns_, "skipped").ok());
  EXPECT_TRUE(Eventually([&] {
    auto c = recorder_->CallsFor(Key("skipped"));
    return c.size() == 2 && !c.back().exists;
  }, 10s)) << "the delete was not reconciled";
}

TEST_F(ControllerIntegration, PeriodicResyncReconcilesUnchangedObjects) {
  if (env_ == nullptr) return;
  StartController(500ms);
  CreateWidget("d");
  ASSERT_TRUE(Eventually([&] { return !recorder_->CallsFor(Key("d")).empty(); }, 10s));
  EXPECT_TRUE(Eventually([&] { return recorder_->CallsFor(Key("d")).size() >= 3; }, 3s))
      << "resync every 500 ms did not reconcile the unchanged object";
}

TEST_F(ControllerIntegration, NeverTwoReconcilesAtOnceForOneKey) {
  if (env_ == nullptr) return;
  StartController(0ms, 4);
  CreateWidget("slow-c");
  for (int i = 2; i <= 15; ++i) {
    ASSERT_TRUE(env_->client->MergePatch(Widgets(), ns_, "slow-c", {{"spec", {{"x", i}}}}).ok());
  }
  // The last change is always seen (a key re-added while in flight is processed again after Done).
  EXPECT_TRUE(Eventually([&] {
    auto c = recorder_->CallsFor(Key("slow-c"));
    return !c.empty() && c.back().generation == 15;
  }, 10s));
  EXPECT_EQ(recorder_->max_in_flight(), 1);
  // Coalescing: 15 changes with a 30 ms reconcile need fewer than 15 reconciles... or at most 15.
  EXPECT_LE(recorder_->CallsFor(Key("slow-c")).size(), 15u);
}

// The manager's graceful stop (what SIGTERM triggers): an in-flight reconcile finishes before Run returns 0, and
// the Lease is released afterwards, not before (no second leader while our reconcile still runs).
TEST_F(ControllerIntegration, ManagerStopDrainsInFlightReconcileThenReleasesLease) {
  if (env_ == nullptr) return;
  ManagerOptions o;
  o.metrics_bind.disabled = true;
  o.probe_bind.disabled = true;
  o.namespace_ = ns_;
  o.leader_election_id = "h7-drain-" + std::to_string(getpid());
  o.lease_duration = 4s;
  o.renew_deadline = 3s;
  o.retry_period = 500ms;
  o.workers = 1;
  Manager m(o, "default", "drain-test", *env_->client, *env_->client, env_->clock);
  std::atomic<bool> started{false}, finished{false};
  std::atomic<int> holder_during_reconcile_ok{0};
  ControllerSpec spec;
  spec.name = "drain-widgets";
  spec.resource = kWidgets;
  spec.reconcile = [&](const std::string&) {
    started = true;
    std::this_thread::sleep_for(1500ms);
    // Still holding the Lease while we work, even though the stop was requested meanwhile.
    Result<kube::json> l = env_->client->Get(kube::kLeases, "default", o.leader_election_id);
    if (l.ok() && kube::LeaseRecordFromJson(*l).holder == "drain-test") ++holder_during_reconcile_ok;
    finished = true;
    return kube::ReconcileResult{};
  };
  m.AddController(std::move(spec));
  int code = -1;
  std::thread run([&] { code = m.Run(); });
  CreateWidget("slow-drain");
  ASSERT_TRUE(Eventually([&] { return started.load(); }, 15s)) << "the manager never reconciled";
  auto t0 = std::chrono::steady_clock::now();
  m.RequestStop();
  run.join();
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  EXPECT_EQ(code, 0);
  EXPECT_TRUE(finished.load()) << "Run returned before the in-flight reconcile finished";
  EXPECT_EQ(holder_during_reconcile_ok.load(), 1) << "the Lease was not ours while draining";
  EXPECT_LT(took.count(), 5000);
  Result<kube::json> l = env_->client->Get(kube::kLeases, "default", o.leader_election_id);
  ASSERT_TRUE(l.ok()) << l.error().ToString();
  EXPECT_EQ(kube::LeaseRecordFromJson(*l).holder, "") << "the Lease was not released";
  (void)env_->client->Delete(kube::kLeases, "default", o.leader_election_id);
}

}  // namespace
}  // namespace domainguard::app
