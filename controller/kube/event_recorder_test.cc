#include "controller/kube/event_recorder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/base/time_format.h"

namespace domainguard::kube {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

const SystemTime kT0 = *ParseRfc3339("2026-11-23T17:00:00Z");

ObjectRef Widget(std::string name = "example-com", std::string uid = "uid-1") {
  return ObjectRef{"example.io/v1", "Widget", "web", std::move(name), std::move(uid)};
}

EventSpec Spec(std::string reason = "GlueMissing", std::string note = "ns1.example.com has no glue at a.tld",
               ObjectRef regarding = Widget()) {
  return EventSpec{std::move(regarding), "Warning", std::move(reason), std::move(note)};
}

EventAggregatorConfig Config() {
  EventAggregatorConfig c;
  c.reporting_instance = "domainguard-7d9f-abcde";
  return c;
}

TEST(EventAggregator, FirstOccurrenceCreatesAFullEvent) {
  EventAggregator agg(Config());
  auto w = agg.Observe(Spec(), kT0 + 123456789ns);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->kind, EventWrite::Kind::kCreate);
  EXPECT_EQ(w->ns, "web");
  EXPECT_THAT(w->name, ::testing::StartsWith("example-com."));
  json want = json::parse(R"({
    "apiVersion": "events.k8s.io/v1", "kind": "Event",
    "eventTime": "2026-11-23T17:00:00.123456Z",
    "reportingController": "domainguard.io/domainguard",
    "reportingInstance": "domainguard-7d9f-abcde",
    "action": "Reconcile", "reason": "GlueMissing", "type": "Warning",
    "note": "ns1.example.com has no glue at a.tld",
    "regarding": {"apiVersion": "example.io/v1", "kind": "Widget", "namespace": "web",
                  "name": "example-com", "uid": "uid-1"}
  })");
  json got = w->body;
  EXPECT_EQ(got["metadata"]["name"], w->name);
  EXPECT_EQ(got["metadata"]["namespace"], "web");
  got.erase("metadata");
  EXPECT_EQ(got, want);
}

TEST(EventAggregator, RepeatWithinWindowBecomesASeries) {
  EventAggregator agg(Config());
  auto first = agg.Observe(Spec(), kT0);
  ASSERT_TRUE(first);
  auto second = agg.Observe(Spec(), kT0 + 1min);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->kind, EventWrite::Kind::kPatchSeries);
  EXPECT_EQ(second->name, first->name);
  EXPECT_EQ(second->body, json::parse(R"({"series":{"count":2,"lastObservedTime":"2026-11-23T17:01:00.000000Z"}})"));
}

TEST(EventAggregator, RapidRepeatsAreHeldAndFlushedWithTheFullCount) {
  EventAggregator agg(Config());
  ASSERT_TRUE(agg.Observe(Spec(), kT0));
  ASSERT_TRUE(agg.Observe(Spec(), kT0 + 31s));  // count 2, written
  EXPECT_FALSE(agg.Observe(Spec(), kT0 + 32s));  // count 3, held
  EXPECT_FALSE(agg.Observe(Spec(), kT0 + 33s));  // count 4, held
  EXPECT_TRUE(agg.Flush(kT0 + 40s).empty()) << "too soon after the last series write";
  auto flushed = agg.Flush(kT0 + 61s);
  ASSERT_EQ(flushed.size(), 1u);
  EXPECT_EQ(flushed[0].body["series"]["count"], 4);
  EXPECT_EQ(flushed[0].body["series"]["lastObservedTime"], "2026-11-23T17:00:33.000000Z");
  EXPECT_TRUE(agg.Flush(kT0 + 120s).empty()) << "nothing new to write";
}

TEST(EventAggregator, DifferentNoteReasonOrObjectIsANewEvent) {
  EventAggregator agg(Config());
  auto a = agg.Observe(Spec(), kT0);
  auto b = agg.Observe(Spec("GlueMissing", "another note"), kT0 + 1s);
  auto c = agg.Observe(Spec("LameNameserver"), kT0 + 2s);
  auto d = agg.Observe(Spec("GlueMissing", "ns1.example.com has no glue at a.tld", Widget("other", "uid-2")), kT0 + 3s);
  for (const auto& w : {b, c, d}) {
    ASSERT_TRUE(w);
    EXPECT_EQ(w->kind, EventWrite::Kind::kCreate);
  }
  EXPECT_EQ(agg.tracked(), 4u);
}

TEST(EventAggregator, RepeatAfterWindowStartsANewEvent) {
  EventAggregator agg(Config());
  auto first = agg.Observe(Spec(), kT0);
  auto later = agg.Observe(Spec(), kT0 + 6min + 1s);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->kind, EventWrite::Kind::kCreate);
  EXPECT_NE(later->name, first->name);
}

TEST(EventAggregator, SeriesWindowSlidesWithEachRepeat) {
  EventAggregator agg(Config());
  ASSERT_TRUE(agg.Observe(Spec(), kT0));
  for (int i = 1; i <= 5; ++i) agg.Observe(Spec(), kT0 + i * 5min);  // each within 6 min of the previous
  auto w = agg.Observe(Spec(), kT0 + 30min);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->kind, EventWrite::Kind::kPatchSeries);
  EXPECT_EQ(w->body["series"]["count"], 7);
}

TEST(EventAggregator, RateLimitPerObjectBurst25ThenOnePerFiveMinutes) {
  EventAggregator agg(Config());
  int created = 0;
  for (int i = 0; i < 40; ++i) {
    if (agg.Observe(Spec("R" + std::to_string(i)), kT0)) ++created;
  }
  EXPECT_EQ(created, 25);
  EXPECT_EQ(agg.dropped(), 15);
  EXPECT_TRUE(agg.Observe(Spec("Other", "x", Widget("b", "uid-b")), kT0)) << "another object has its own bucket";
  EXPECT_FALSE(agg.Observe(Spec("R100"), kT0 + 4min));
  EXPECT_TRUE(agg.Observe(Spec("R101"), kT0 + 5min));
  EXPECT_FALSE(agg.Observe(Spec("R102"), kT0 + 5min + 1s));
}

TEST(EventAggregator, ForgetEventMakesNextOccurrenceCreate) {
  EventAggregator agg(Config());
  auto first = agg.Observe(Spec(), kT0);
  agg.ForgetEvent(first->ns, first->name);
  auto again = agg.Observe(Spec(), kT0 + 1s);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->kind, EventWrite::Kind::kCreate);
}

TEST(EventAggregator, FlushForgetsEndedSeries) {
  EventAggregator agg(Config());
  agg.Observe(Spec(), kT0);
  agg.Flush(kT0 + 5min);
  EXPECT_EQ(agg.tracked(), 1u);
  agg.Flush(kT0 + 7min);
  EXPECT_EQ(agg.tracked(), 0u);
}

TEST(EventBody, LongNoteIsTruncatedOnACharacterBoundary) {
  std::string note(1023, 'a');
  note += "é";  // 2 bytes: would straddle the 1024-byte limit
  json body = NewEventBody(Spec("GlueMissing", note), "i", kT0);
  EXPECT_EQ(body["note"].get<std::string>().size(), 1023u);
}

TEST(ObjectRef, FromObject) {
  json widget = json::parse(R"({"apiVersion":"example.io/v1","kind":"Widget",
                               "metadata":{"name":"a","namespace":"web","uid":"u"}})");
  ObjectRef r = ObjectRef::FromObject(widget);
  EXPECT_EQ(r.ToJson(), json::parse(R"({"apiVersion":"example.io/v1","kind":"Widget","name":"a",
                                       "namespace":"web","uid":"u"})"));
}

}  // namespace
}  // namespace domainguard::kube
