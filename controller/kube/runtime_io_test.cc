// EventRecorder over a Client on http::FakeTransport, with a tiny in-memory apiserver for Events.
#include <map>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/http/testing/fake_transport.h"
#include "controller/kube/event_recorder.h"

namespace domainguard::kube {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

// Serves .../namespaces/<ns>/events[/<name>] from memory (resourceVersion compare-and-swap, 409 on conflict).
class FakeApi {
 public:
  Result<http::HttpResponse> Handle(const http::HttpRequest& req) {
    std::lock_guard<std::mutex> lock(mu_);
    ++requests_;
    if (failing_) return http::HttpResponse{503, {}, R"({"kind":"Status","code":503,"message":"unavailable"})"};
    std::string path = req.url.substr(req.url.find("/apis/"));
    if (path.find("/events") == std::string::npos) return NotFound(path);
    auto& objects = events_;
    const std::string collection = "/events";
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
  std::map<std::string, json> events_;
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

TEST(EventRecorder, CreatesThenPatchesSeries) {
  Bed bed;
  FakeClock clock(SystemTime{} + std::chrono::hours(24 * 365 * 56));
  EventAggregatorConfig config;
  config.reporting_instance = "pod-a";
  config.min_series_update = 0s;
  EventRecorder rec(*bed.client, config, clock);
  ObjectRef widget{"example.io/v1", "Widget", "web", "example-com", "uid-1"};
  rec.Record(widget, kEventWarning, "GlueMissing", "ns1.example-com.test. has no glue");
  ASSERT_TRUE(rec.WaitIdle(5s));
  clock.Advance(10s);
  rec.Record(widget, kEventWarning, "GlueMissing", "ns1.example-com.test. has no glue");
  clock.Advance(10s);
  rec.Record(widget, kEventWarning, "GlueMissing", "ns1.example-com.test. has no glue");
  ASSERT_TRUE(rec.WaitIdle(5s));
  auto events = bed.api.Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["reason"], "GlueMissing") << events[0].dump();
  EXPECT_EQ(events[0]["reportingController"], "domainguard.io/domainguard");
  EXPECT_EQ(events[0]["series"]["count"], 3);
  rec.Record(widget, kEventNormal, "DriftRepaired", "www A restored");
  ASSERT_TRUE(rec.WaitIdle(5s));
  EXPECT_EQ(bed.api.Events().size(), 2u);
}

TEST(EventRecorder, FailedCreateIsRetriedOnNextOccurrence) {
  Bed bed;
  FakeClock clock(SystemTime{} + std::chrono::hours(24 * 365 * 56));
  EventRecorder rec(*bed.client, EventAggregatorConfig{"pod-a"}, clock);
  ObjectRef widget{"example.io/v1", "Widget", "web", "example-com", "uid-1"};
  bed.api.SetFailing(true);
  rec.Record(widget, kEventWarning, "Expired", "expired on 2026-11-01");
  ASSERT_TRUE(rec.WaitIdle(5s));
  bed.api.SetFailing(false);
  clock.Advance(1s);
  rec.Record(widget, kEventWarning, "Expired", "expired on 2026-11-01");
  ASSERT_TRUE(rec.WaitIdle(5s));
  auto events = bed.api.Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(events[0].contains("series")) << "the failed first create must not turn the retry into a patch";
}

}  // namespace
}  // namespace domainguard::kube
