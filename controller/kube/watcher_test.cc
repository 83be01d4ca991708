#include "controller/kube/watcher.h"

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/http/testing/fake_transport.h"

namespace domainguard::kube {
namespace {

using namespace std::chrono_literals;
using Kind = WatcherInput::Kind;
using SK = WatcherStateKind;
using Action = StepResult::Action;

// A custom resource as test data (the descriptor of a CRD; kube/ itself knows no custom resources).
constexpr Resource kWidgets{"example.io", "v1", "widgets", "Widget", true};

json Obj(const std::string& name, const std::string& rv) {
  return {{"metadata", {{"namespace", "web"}, {"name", name}, {"resourceVersion", rv}}}};
}

WatcherState St(SK kind, std::string rv = "", std::string cont = "", int failures = 0, bool got_event = true) {
  WatcherState s;
  s.got_event = got_event;
  s.kind = kind;
  s.resource_version = std::move(rv);
  s.continue_token = std::move(cont);
  s.failures = failures;
  return s;
}

WatcherInput In(Kind k) {
  WatcherInput in;
  in.kind = k;
  return in;
}
WatcherInput Page(std::vector<json> items, std::string rv, std::string cont) {
  WatcherInput in = In(Kind::kListPage);
  in.page.items = std::move(items);
  in.page.resource_version = std::move(rv);
  in.page.continue_token = std::move(cont);
  return in;
}
WatcherInput Failed(Kind k, Error e) {
  WatcherInput in = In(k);
  in.error = std::move(e);
  return in;
}
WatcherInput Ev(WatchEvent::Type t, json o) {
  WatcherInput in = In(Kind::kWatchEvent);
  in.event.type = t;
  in.event.object = std::move(o);
  return in;
}

// "Init", "InitApply a", "InitDone", "Apply a", "Delete a".
std::vector<std::string> Describe(const std::vector<WatcherEvent>& evs) {
  std::vector<std::string> out;
  for (const auto& e : evs) {
    switch (e.type) {
      case WatcherEvent::Type::kInit: out.push_back("Init"); break;
      case WatcherEvent::Type::kInitApply: out.push_back("InitApply " + Name(e.object)); break;
      case WatcherEvent::Type::kInitDone: out.push_back("InitDone"); break;
      case WatcherEvent::Type::kApply: out.push_back("Apply " + Name(e.object)); break;
      case WatcherEvent::Type::kDelete: out.push_back("Delete " + Name(e.object)); break;
    }
  }
  return out;
}

struct Case {
  std::string name;
  WatcherState state;
  WatcherInput input;
  std::vector<std::string> want_events;
  SK want_kind;
  std::string want_rv;
  std::string want_continue;
  Action want_action;
  bool want_backoff;
};

class StepTest : public ::testing::TestWithParam<Case> {};

TEST_P(StepTest, Transition) {
  const Case& c = GetParam();
  StepResult r = Step(c.state, c.input);
  EXPECT_THAT(Describe(r.events), ::testing::ElementsAreArray(c.want_events));
  EXPECT_EQ(r.next.kind, c.want_kind);
  EXPECT_EQ(r.next.resource_version, c.want_rv);
  EXPECT_EQ(r.next.continue_token, c.want_continue);
  EXPECT_EQ(r.action, c.want_action);
  EXPECT_EQ(r.backoff, c.want_backoff);
  if (c.want_backoff) {
    EXPECT_EQ(r.next.failures, c.state.failures + 1);
  }
}

const json kGoneStatus = {{"kind", "Status"}, {"code", 410}, {"reason", "Expired"},
                          {"message", "too old resource version: 5 (100)"}};

INSTANTIATE_TEST_SUITE_P(
    Watcher, StepTest,
    ::testing::ValuesIn(std::vector<Case>{
        {"empty_start_lists", St(SK::kEmpty), In(Kind::kStart), {"Init"}, SK::kInitPage, "", "", Action::kListPage,
         false},
        {"page_with_more_lists_next", St(SK::kInitPage), Page({Obj("a", "1"), Obj("b", "2")}, "9", "c1"),
         {"InitApply a", "InitApply b"}, SK::kInitPage, "", "c1", Action::kListPage, false},
        {"last_page_done_watches_from_list_rv", St(SK::kInitPage, "", "c1"), Page({Obj("c", "3")}, "9", ""),
         {"InitApply c", "InitDone"}, SK::kInitListed, "9", "", Action::kOpenWatch, false},
        {"list_error_backs_off_same_page", St(SK::kInitPage, "", "c1", 2),
         Failed(Kind::kListFailed, Error::Unavailable("503")), {}, SK::kInitPage, "", "c1", Action::kListPage, true},
        {"expired_continue_restarts_list", St(SK::kInitPage, "", "c1"),
         Failed(Kind::kListFailed, Error::Gone("continue expired")), {"Init"}, SK::kInitPage, "", "",
         Action::kListPage, false},
        {"watch_opened_reads", St(SK::kInitListed, "9"), In(Kind::kWatchOpened), {}, SK::kWatching, "9", "",
         Action::kReadEvent, false},
        {"watch_open_gone_relists", St(SK::kInitListed, "9"), Failed(Kind::kWatchOpenFailed, Error::Gone("410")),
         {"Init"}, SK::kInitPage, "", "", Action::kListPage, false},
        {"watch_open_refused_backs_off_same_rv", St(SK::kInitListed, "9"),
         Failed(Kind::kWatchOpenFailed, Error::Unavailable("connection refused")), {}, SK::kInitListed, "9", "",
         Action::kOpenWatch, true},
        {"added_applies_and_advances_rv", St(SK::kWatching, "9"), Ev(WatchEvent::Type::kAdded, Obj("d", "10")),
         {"Apply d"}, SK::kWatching, "10", "", Action::kReadEvent, false},
        {"modified_applies", St(SK::kWatching, "10"), Ev(WatchEvent::Type::kModified, Obj("d", "11")), {"Apply d"},
         SK::kWatching, "11", "", Action::kReadEvent, false},
        {"deleted_deletes", St(SK::kWatching, "11"), Ev(WatchEvent::Type::kDeleted, Obj("d", "12")), {"Delete d"},
         SK::kWatching, "12", "", Action::kReadEvent, false},
        {"bookmark_only_advances_rv", St(SK::kWatching, "12"),
         Ev(WatchEvent::Type::kBookmark, json{{"metadata", {{"resourceVersion", "20"}}}}), {}, SK::kWatching, "20",
         "", Action::kReadEvent, false},
        {"error_410_relists", St(SK::kWatching, "12"), Ev(WatchEvent::Type::kError, kGoneStatus), {"Init"},
         SK::kInitPage, "", "", Action::kListPage, false},
        {"error_other_rewatches_with_backoff", St(SK::kWatching, "12"),
         Ev(WatchEvent::Type::kError, json{{"code", 500}, {"message", "internal"}}), {}, SK::kInitListed, "12", "",
         Action::kOpenWatch, true},
        {"server_timeout_rewatches_at_once", St(SK::kWatching, "12"), In(Kind::kStreamEnded), {}, SK::kInitListed,
         "12", "", Action::kOpenWatch, false},
        {"stream_ended_empty_backs_off", St(SK::kWatching, "12", "", 0, false), In(Kind::kStreamEnded), {},
         SK::kInitListed, "12", "", Action::kOpenWatch, true},
        {"broken_stream_resumes_from_rv", St(SK::kWatching, "12"),
         Failed(Kind::kStreamBroken, Error::Unavailable("reset")), {}, SK::kInitListed, "12", "", Action::kOpenWatch,
         true},
        {"stalled_stream_reconnects", St(SK::kWatching, "12"), In(Kind::kStreamIdle), {}, SK::kInitListed, "12", "",
         Action::kOpenWatch, true},
        {"bad_line_reconnects", St(SK::kWatching, "12"), In(Kind::kBadLine), {}, SK::kInitListed, "12", "",
         Action::kOpenWatch, true},
        {"unexpected_input_relists", St(SK::kInitListed, "9"), Page({}, "1", ""), {"Init"}, SK::kInitPage, "", "",
         Action::kListPage, true},
    }),
    [](const auto& info) { return info.param.name; });

TEST(BackoffDelay, GrowsCapsAndJitters) {
  EXPECT_EQ(BackoffDelay(0, 0.5, 100ms, 1000ms), 0ms);
  EXPECT_EQ(BackoffDelay(1, 0.0, 100ms, 1000ms), 50ms);
  EXPECT_EQ(BackoffDelay(1, 0.999, 100ms, 1000ms), 99ms);
  EXPECT_EQ(BackoffDelay(3, 0.0, 100ms, 1000ms), 200ms);
  EXPECT_EQ(BackoffDelay(30, 0.0, 100ms, 1000ms), 500ms);
}

// The loop against a scripted API: list, watch, a broken stream resumed from the last resourceVersion,
// then a 410 that relists.
TEST(Watcher, RunResumesFromLastResourceVersionAndRelistsOnGone) {
  http::FakeTransport t;
  RealClock clock;
  RestConfig cfg;
  cfg.server = "https://k";
  Client client(t, cfg, clock);
  t.ExpectJson("GET", "limit=", 200,
               json{{"metadata", {{"resourceVersion", "5"}}}, {"items", {Obj("a", "4")}}}.dump());
  auto s1 = t.ExpectStream("resourceVersion=5");
  s1->Push(json{{"type", "ADDED"}, {"object", Obj("b", "6")}}.dump());
  s1->Push(json{{"type", "BOOKMARK"}, {"object", {{"metadata", {{"resourceVersion", "8"}}}}}}.dump());
  s1->Break();
  auto s2 = t.ExpectStream("resourceVersion=8");
  s2->Push(json{{"type", "ERROR"}, {"object", kGoneStatus}}.dump());
  t.ExpectJson("GET", "limit=", 200,
               json{{"metadata", {{"resourceVersion", "20"}}}, {"items", {Obj("b", "6")}}}.dump());
  auto s3 = t.ExpectStream("resourceVersion=20");

  std::mutex mu;
  std::vector<std::string> seen;
  WatcherOptions opts;
  opts.backoff_base = 1ms;
  Watcher w(client, kWidgets, "web", opts, [&](const WatcherEvent& e) {
    std::lock_guard<std::mutex> lock(mu);
    for (auto& d : Describe({e})) seen.push_back(d);
  });
  std::thread runner([&] { w.Run(); });
  ASSERT_TRUE(t.WaitForStreams(3, 5s));
  w.Stop();
  runner.join();
  EXPECT_THAT(seen, ::testing::ElementsAre("Init", "InitApply a", "InitDone", "Apply b", "Init", "InitApply b",
                                           "InitDone"));
  EXPECT_TRUE(s3->cancelled());
}

TEST(Watcher, StalledStreamIsReconnected) {
  http::FakeTransport t;
  RealClock clock;
  RestConfig cfg;
  cfg.server = "https://k";
  Client client(t, cfg, clock);
  t.ExpectJson("GET", "limit=", 200, json{{"metadata", {{"resourceVersion", "5"}}}, {"items", json::array()}}.dump());
  auto silent = t.ExpectStream("resourceVersion=5");
  auto next = t.ExpectStream("resourceVersion=5");
  WatcherOptions opts;
  opts.idle_timeout = 50ms;
  opts.backoff_base = 1ms;
  Watcher w(client, kWidgets, "", opts, [](const WatcherEvent&) {});
  std::thread runner([&] { w.Run(); });
  EXPECT_TRUE(t.WaitForStreams(2, 5s));
  w.Stop();
  runner.join();
  EXPECT_TRUE(silent->cancelled());
}

}  // namespace
}  // namespace domainguard::kube
