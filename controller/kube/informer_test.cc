#include "controller/kube/informer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/http/testing/fake_transport.h"

namespace domainguard::kube {
namespace {

using namespace std::chrono_literals;

// A custom resource as test data (the descriptor of a CRD; kube/ itself knows no custom resources).
constexpr Resource kWidgets{"example.io", "v1", "widgets", "Widget", true};

json Obj(const std::string& name, const std::string& rv) {
  return {{"metadata",
           {{"namespace", "web"},
            {"name", name},
            {"resourceVersion", rv},
            {"managedFields", json::array({{{"manager", "kubectl"}}})}}}};
}

class Recorder {
 public:
  InformerHandlers Handlers() {
    return {[this](const json& o) { Add("add " + Name(o)); },
            [this](const json& a, const json& b) {
              Add("update " + Name(b) + " " + ResourceVersion(a) + "->" + ResourceVersion(b));
            },
            [this](const json& o) { Add("delete " + Name(o)); }};
  }
  bool WaitFor(size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return seen_.size() >= n; });
  }
  std::vector<std::string> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  void Add(std::string s) {
    std::lock_guard<std::mutex> lock(mu_);
    seen_.push_back(std::move(s));
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> seen_;
};

TEST(Informer, RelistAfterGoneReportsDeletesThatHappenedMeanwhile) {
  http::FakeTransport t;
  RealClock clock;
  RestConfig cfg;
  cfg.server = "https://k";
  Client client(t, cfg, clock);
  t.ExpectJson("GET", "limit=", 200,
               json{{"metadata", {{"resourceVersion", "5"}}}, {"items", {Obj("a", "3"), Obj("b", "4")}}}.dump());
  auto s1 = t.ExpectStream("resourceVersion=5");
  s1->Push(json{{"type", "MODIFIED"}, {"object", Obj("a", "6")}}.dump());
  s1->Push(json{{"type", "ERROR"}, {"object", {{"code", 410}, {"reason", "Expired"}}}}.dump());
  // Meanwhile b was deleted, c created, a modified again.
  t.ExpectJson("GET", "limit=", 200,
               json{{"metadata", {{"resourceVersion", "30"}}}, {"items", {Obj("a", "9"), Obj("c", "8")}}}.dump());
  t.ExpectStream("resourceVersion=30");

  Informer inf(client, kWidgets, "web");
  Recorder rec;
  inf.AddHandlers(rec.Handlers());
  inf.Start();
  ASSERT_TRUE(inf.WaitForSync(5s));
  ASSERT_TRUE(rec.WaitFor(6, 5s)) << ::testing::PrintToString(rec.seen());
  inf.Stop();
  auto seen = rec.seen();
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_THAT(std::vector<std::string>(seen.begin(), seen.begin() + 2), ::testing::UnorderedElementsAre("add a", "add b"));
  EXPECT_EQ(seen[2], "update a 3->6");
  EXPECT_THAT(std::vector<std::string>(seen.begin() + 3, seen.end()),
              ::testing::UnorderedElementsAre("update a 6->9", "delete b", "add c"));
  EXPECT_THAT(inf.store().Keys(), ::testing::UnorderedElementsAre("web/a", "web/c"));
  // managedFields were stripped before caching.
  EXPECT_FALSE(inf.store().Get("web/a")->at("metadata").contains("managedFields"));
}

TEST(Informer, ResyncRedeliversCachedObjects) {
  http::FakeTransport t;
  RealClock clock;
  RestConfig cfg;
  cfg.server = "https://k";
  Client client(t, cfg, clock);
  t.ExpectJson("GET", "limit=", 200, json{{"metadata", {{"resourceVersion", "5"}}}, {"items", {Obj("a", "3")}}}.dump());
  t.ExpectStream("resourceVersion=5");
  InformerOptions o;
  o.resync = 30ms;
  Informer inf(client, kWidgets, "web", o);
  Recorder rec;
  inf.AddHandlers(rec.Handlers());
  inf.Start();
  ASSERT_TRUE(rec.WaitFor(3, 5s));
  inf.Stop();
  auto seen = rec.seen();
  EXPECT_EQ(seen[0], "add a");
  EXPECT_EQ(seen[1], "update a 3->3");
}

}  // namespace
}  // namespace domainguard::kube
