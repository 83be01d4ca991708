#include "controller/domain/status_writer.h"

#include <gtest/gtest.h>

#include "controller/base/time_format.h"
#include "controller/kube/testing/api_test.h"

namespace domainguard::domain {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

json NewDomain() {
  return {{"apiVersion", "domainguard.io/v1alpha1"},
          {"kind", "Domain"},
          {"metadata", {{"name", "d"}, {"namespace", "web"}, {"generation", 1}, {"resourceVersion", "10"}}},
          {"spec", {{"zone", "example.test"}}}};
}

StatusPart Part(const std::string& name, const std::string& type) {
  StatusPart p;
  p.field_manager = name;
  kube::Condition c;
  c.type = type;
  c.status = "True";
  c.reason = "Fine";
  c.observed_generation = 1;
  p.conditions.push_back(c);
  return p;
}

class StatusWriterTest : public kube::testing::ApiTest {
 protected:
  StatusWriterTest() : ApiTest(*ParseRfc3339("2026-12-06T12:00:00Z")) {
    UseWriter();
    store_.Upsert(NewDomain());
  }
  // A writer of records, delegation and Ready whose first pass waits for records and delegation; with `lead`, for
  // that part first (as `domainguard run` sets it up with records).
  void UseWriter(std::string lead = "") {
    StatusWriterOptions o;
    o.first_pass_parts = {"records", "delegation"};
    o.first_pass_lead = std::move(lead);
    writer_ = std::make_unique<StatusWriter>(
        client_, store_, clock_,
        std::vector<PartOwnership>{{"records", {"providers"}, {"RecordsSynced"}, nullptr},
                                   {"delegation", {}, {"DelegationHealthy"}, nullptr},
                                   {"domainguard-ready", {}, {}, nullptr}},
        o);
    writer_->SetScheduler([this](const std::string& key, std::chrono::nanoseconds) { scheduled_.push_back(key); });
    writer_->SetEventRecorder(&events_);
  }
  // `count` new Domains (no status) reach the cache, one every `gap`.
  void Arrive(int count, std::chrono::milliseconds gap) {
    for (int i = 0; i < count; ++i) {
      json d = NewDomain();
      d["metadata"]["name"] = "new" + std::to_string(arrived_++);
      writer_->NoteAdded(d);
      clock_.Advance(gap);
    }
  }
  kube::EventSpec Synced(const json& domain) {
    return {kube::ObjectRef::FromObject(domain), "Normal", "Synced", "applied at pdns-a (20 changes)"};
  }
  size_t EventsSent() { return SentEvents().size(); }
  // The cache after the apiserver took the last apply (the writer's keys replaced as a whole).
  void CacheLastApply() {
    json d = *store_.Get("web/d");
    d["status"] = api_.applies().back()["status"];
    d["metadata"]["resourceVersion"] = std::to_string(++rv_);
    store_.Upsert(d);
  }

  kube::Store store_;
  std::unique_ptr<StatusWriter> writer_;
  std::vector<std::string> scheduled_;
  int rv_ = 10;
  int arrived_ = 0;
};

TEST_F(StatusWriterTest, NewDomainsFirstPassIsOneApplyOnceEveryPartReported) {
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("records", "RecordsSynced")));
  EXPECT_EQ(scheduled_.size(), 1u);
  // The delegation part has not reported: the flush waits (at most first_pass_wait).
  kube::ReconcileResult r = writer_->Flush("web/d");
  ASSERT_TRUE(r.requeue_after);
  EXPECT_EQ(*r.requeue_after, 10s);
  EXPECT_TRUE(api_.applies().empty());
  // What will be written is visible already (the delegation controller waits for RecordsSynced).
  EXPECT_EQ(writer_->Status("web/d")["conditions"].size(), 2u);  // RecordsSynced and Ready
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("delegation", "DelegationHealthy")));
  r = writer_->Flush("web/d");
  EXPECT_FALSE(r.requeue_after);
  ASSERT_EQ(api_.applies().size(), 1u);
  EXPECT_NE(api_.urls()[0].find("/domains/d/status?fieldManager=domainguard&"), std::string::npos)
      << api_.urls()[0];
  const json status = api_.applies()[0]["status"];
  EXPECT_EQ(status["conditions"].size(), 3u);
  EXPECT_EQ(status["observedGeneration"], 1);
  // The same parts again: nothing changes, nothing is written.
  CacheLastApply();
  EXPECT_FALSE(*writer_->Write(*store_.Get("web/d"), Part("records", "RecordsSynced")));
  EXPECT_FALSE(writer_->Flush("web/d").requeue_after);
  EXPECT_EQ(api_.applies().size(), 1u);
}

TEST_F(StatusWriterTest, FirstPassWaitsNoLongerThanItsBound) {
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("records", "RecordsSynced")));
  clock_.Advance(4s);
  EXPECT_EQ(*writer_->Flush("web/d").requeue_after, 6s);
  clock_.Advance(6s);
  writer_->Flush("web/d");
  ASSERT_EQ(api_.applies().size(), 1u);
  EXPECT_EQ(api_.applies()[0]["status"]["conditions"].size(), 2u);  // RecordsSynced and Ready (ChecksPending)
}

// Issue #14 at 1,000 new Domains: a part that reports at once (here Ready; in `domainguard run` also alerting)
// started the first pass' 10 s clock while the records controller still had the Domain queued behind hundreds of
// others: an apply saying only "checks pending", then another with records and delegation. With a lead part the
// clock starts when the lead reports; without any report from it the first pass waits at most first_pass_limit.
TEST_F(StatusWriterTest, FirstPassUnderLoadWaitsForTheLeadPartNotTheFirstToReport) {
  UseWriter("records");
  StatusPart ready;  // says nothing the writer does not compute itself, but it has reported
  ready.field_manager = "domainguard-ready";
  ASSERT_TRUE(writer_->Write(NewDomain(), ready).ok());
  ASSERT_EQ(scheduled_.size(), 1u);
  EXPECT_EQ(*writer_->Flush("web/d").requeue_after, 2min);
  clock_.Advance(30s);  // the records controller is busy with other Domains
  EXPECT_EQ(*writer_->Flush("web/d").requeue_after, 90s);
  EXPECT_TRUE(api_.applies().empty()) << "no apply before the lead part reported";
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("records", "RecordsSynced")));
  EXPECT_EQ(*writer_->Flush("web/d").requeue_after, 10s);  // delegation follows the lead within first_pass_wait
  clock_.Advance(2s);
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("delegation", "DelegationHealthy")));
  EXPECT_FALSE(writer_->Flush("web/d").requeue_after);
  ASSERT_EQ(api_.applies().size(), 1u);
  EXPECT_EQ(api_.applies()[0]["status"]["conditions"].size(), 3u);  // DelegationHealthy, Ready, RecordsSynced
}

TEST_F(StatusWriterTest, FirstPassWithALeadIsStillBounded) {
  UseWriter("records");
  // The lead never reports: applied first_pass_limit after the first report.
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("delegation", "DelegationHealthy")));
  clock_.Advance(119s);
  EXPECT_EQ(*writer_->Flush("web/d").requeue_after, 1s);
  clock_.Advance(1s);
  EXPECT_FALSE(writer_->Flush("web/d").requeue_after);
  ASSERT_EQ(api_.applies().size(), 1u);

  // Another new Domain: the lead reports late, a follower never does: applied first_pass_wait after the lead, and
  // never later than first_pass_limit after the first report.
  json other = NewDomain();
  other["metadata"]["name"] = "e";
  store_.Upsert(other);
  StatusPart ready;
  ready.field_manager = "domainguard-ready";
  ASSERT_TRUE(writer_->Write(other, ready).ok());
  clock_.Advance(115s);
  ASSERT_TRUE(*writer_->Write(other, Part("records", "RecordsSynced")));
  EXPECT_EQ(*writer_->Flush("web/e").requeue_after, 5s);
  clock_.Advance(5s);
  EXPECT_FALSE(writer_->Flush("web/e").requeue_after);
  ASSERT_EQ(api_.applies().size(), 2u);
  EXPECT_EQ(api_.applies()[1]["status"]["conditions"].size(), 2u);  // RecordsSynced and Ready (ChecksPending)
}

TEST_F(StatusWriterTest, LaterChangeIsOneApplyKeepingTheOtherParts) {
  ASSERT_TRUE(writer_->Write(NewDomain(), Part("records", "RecordsSynced")).ok());
  ASSERT_TRUE(writer_->Write(NewDomain(), Part("delegation", "DelegationHealthy")).ok());
  writer_->Flush("web/d");
  CacheLastApply();
  StatusPart broken = Part("delegation", "DelegationHealthy");
  broken.conditions[0].status = "False";
  broken.conditions[0].reason = "GlueMissing";
  ASSERT_TRUE(*writer_->Write(*store_.Get("web/d"), broken));
  writer_->Flush("web/d");
  ASSERT_EQ(api_.applies().size(), 2u);
  const json status = api_.applies()[1]["status"];
  ASSERT_EQ(status["conditions"].size(), 3u);
  EXPECT_EQ(status["conditions"][0]["status"], "False");  // DelegationHealthy
  EXPECT_EQ(status["conditions"][1]["type"], "Ready");
  EXPECT_EQ(status["conditions"][1]["reason"], "GlueMissing");
  EXPECT_EQ(status["conditions"][2]["type"], "RecordsSynced");  // not pending: kept as the cache has it
}

// A flush woken by the cache with nothing pending decides from the cache's resourceVersion alone (issue #14: no
// parse of the Domain): the last apply stays the base until the cache holds it, then it is forgotten.
TEST_F(StatusWriterTest, FlushWokenByTheCacheKeepsTheLastApplyUntilTheCacheHoldsIt) {
  api_.set_apply_version("20");
  ASSERT_TRUE(writer_->Write(NewDomain(), Part("records", "RecordsSynced")).ok());
  ASSERT_TRUE(writer_->Write(NewDomain(), Part("delegation", "DelegationHealthy")).ok());
  EXPECT_FALSE(writer_->Flush("web/d").requeue_after);
  ASSERT_EQ(api_.applies().size(), 1u);
  json other_write = *store_.Get("web/d");  // another manager's write, older than our apply
  other_write["metadata"]["resourceVersion"] = "15";
  store_.Upsert(other_write);
  EXPECT_FALSE(writer_->Flush("web/d").requeue_after);
  EXPECT_EQ(writer_->Status("web/d")["conditions"].size(), 3u) << "the apply the cache does not hold was forgotten";
  EXPECT_FALSE(*writer_->Write(*store_.Get("web/d"), Part("records", "RecordsSynced"))) << "compared with the apply";
  rv_ = 19;
  CacheLastApply();  // resourceVersion 20
  EXPECT_FALSE(writer_->Flush("web/d").requeue_after);
  EXPECT_EQ(writer_->Status("web/d"), store_.Get("web/d")->at("status"));
  EXPECT_EQ(api_.applies().size(), 1u);
  writer_->Flush("web/gone");  // never written, not cached: nothing
  EXPECT_EQ(api_.applies().size(), 1u);
}

TEST_F(StatusWriterTest, FailedApplyKeepsThePartsForTheRetry) {
  ASSERT_TRUE(writer_->Write(NewDomain(), Part("records", "RecordsSynced")).ok());
  ASSERT_TRUE(writer_->Write(NewDomain(), Part("delegation", "DelegationHealthy")).ok());
  api_.set_fail_applies(true);
  EXPECT_FALSE(writer_->Flush("web/d").status.ok());
  api_.set_fail_applies(false);
  EXPECT_TRUE(writer_->Flush("web/d").status.ok());
  ASSERT_EQ(api_.applies().size(), 2u);
  EXPECT_EQ(api_.applies()[1]["status"]["conditions"].size(), 3u);
}

TEST_F(StatusWriterTest, APartRevertedWhileItsApplyIsUnderWayIsWrittenAgain) {
  ASSERT_TRUE(writer_->Write(NewDomain(), Part("records", "RecordsSynced")).ok());
  ASSERT_TRUE(writer_->Write(NewDomain(), Part("delegation", "DelegationHealthy")).ok());
  writer_->Flush("web/d");
  CacheLastApply();
  StatusPart broken = Part("delegation", "DelegationHealthy");
  broken.conditions[0].status = "False";
  broken.conditions[0].reason = "GlueMissing";
  ASSERT_TRUE(*writer_->Write(*store_.Get("web/d"), broken));
  // The delegation controller finds it healthy again while the apply of "False" is under way.
  bool reverted = false;
  kube_.SetSendHandler([&](const http::HttpRequest& r) {
    if (!reverted) {
      reverted = true;
      EXPECT_TRUE(*writer_->Write(*store_.Get("web/d"), Part("delegation", "DelegationHealthy")));
    }
    return api_.Handle(r);
  });
  writer_->Flush("web/d");
  ASSERT_EQ(api_.applies().size(), 2u);
  EXPECT_EQ(api_.applies()[1]["status"]["conditions"][0]["status"], "False");
  CacheLastApply();
  writer_->Flush("web/d");  // the revert is still pending, and written
  ASSERT_EQ(api_.applies().size(), 3u);
  EXPECT_EQ(api_.applies()[2]["status"]["conditions"][0]["status"], "True");
}

// Issue #14: while a user creates Domains in a batch, a new Domain's first-pass apply and its Synced Event wait
// for the batch to end, so the apiserver serves the user's creates first; the zone is written all the same.
TEST_F(StatusWriterTest, FirstPassAndItsEventWaitWhileNewDomainsArriveInABatch) {
  UseWriter("records");
  Arrive(10, 100ms);  // kubectl's pace: a batch from the 10th on
  writer_->RecordEvent(NewDomain(), Synced(NewDomain()));
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("records", "RecordsSynced")));
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("delegation", "DelegationHealthy")));
  // Every part reported, but new Domains keep arriving: held until 2 s after the last one.
  EXPECT_EQ(*writer_->Flush("web/d").requeue_after, 1900ms);
  Arrive(10, 100ms);
  EXPECT_EQ(*writer_->Flush("web/d").requeue_after, 1900ms);
  EXPECT_TRUE(api_.applies().empty());
  EXPECT_EQ(EventsSent(), 0u);
  // What will be written is visible meanwhile (the delegation controller waits for RecordsSynced there).
  EXPECT_EQ(writer_->Status("web/d")["conditions"].size(), 3u);
  clock_.Advance(1900ms);  // the batch is over
  EXPECT_FALSE(writer_->Flush("web/d").requeue_after);
  ASSERT_EQ(api_.applies().size(), 1u);
  EXPECT_EQ(api_.applies()[0]["status"]["conditions"].size(), 3u);
  ASSERT_EQ(EventsSent(), 1u);
  EXPECT_EQ(api_.events()[0]["reason"], "Synced");
}

// Seen at 1,000 Domains: a part reported again unchanged while the first pass' apply was under way dropped the
// writer's state of the Domain, and the held Synced Event with it.
TEST_F(StatusWriterTest, HeldEventSurvivesAPartReportedDuringTheApply) {
  UseWriter("records");
  Arrive(10, 100ms);
  writer_->RecordEvent(NewDomain(), Synced(NewDomain()));
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("records", "RecordsSynced")));
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("delegation", "DelegationHealthy")));
  clock_.Advance(2s);
  bool again = false;
  kube_.SetSendHandler([&](const http::HttpRequest& r) {
    if (!again) {
      again = true;
      EXPECT_FALSE(*writer_->Write(NewDomain(), Part("delegation", "DelegationHealthy")));
    }
    return api_.Handle(r);
  });
  EXPECT_FALSE(writer_->Flush("web/d").requeue_after);
  ASSERT_TRUE(again);
  EXPECT_EQ(api_.applies().size(), 1u);
  EXPECT_EQ(EventsSent(), 1u);
}

// The delegation controller probes a new Domain once the batch is over (BatchEndsAt): the first pass held for the
// batch waits first_pass_wait from the batch's end for it, not from the records part's report during the batch.
TEST_F(StatusWriterTest, FollowersOfAFirstPassHeldForABatchGetTheirWaitFromItsEnd) {
  UseWriter("records");
  EXPECT_FALSE(writer_->BatchEndsAt());
  Arrive(10, 100ms);
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("records", "RecordsSynced")));
  Arrive(150, 100ms);  // 15 s more: longer than first_pass_wait after the lead's report
  ASSERT_TRUE(writer_->BatchEndsAt());
  EXPECT_EQ(*writer_->BatchEndsAt() - clock_.Monotonic(), 1900ms);
  EXPECT_EQ(*writer_->Flush("web/d").requeue_after, 1900ms);
  clock_.Advance(1900ms);
  EXPECT_FALSE(writer_->BatchEndsAt());
  EXPECT_EQ(*writer_->Flush("web/d").requeue_after, 10s);  // delegation has not reported: it probes only now
  clock_.Advance(1s);
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("delegation", "DelegationHealthy")));
  EXPECT_FALSE(writer_->Flush("web/d").requeue_after);
  ASSERT_EQ(api_.applies().size(), 1u);
  EXPECT_EQ(api_.applies()[0]["status"]["conditions"].size(), 3u);  // one apply, delegation in it
}

// Held first passes are not each requeued to the batch's end, which moves on with every arrival (a round trip
// every ~2 s per new Domain during an apply): one follows it, and when it finds the batch over it wakes the others.
TEST_F(StatusWriterTest, FirstPassesHeldForABatchAreWokenTogetherWhenItEnds) {
  UseWriter("records");
  Arrive(10, 100ms);
  std::vector<json> domains;
  for (const char* name : {"d", "e", "f"}) {
    json d = NewDomain();
    d["metadata"]["name"] = name;
    store_.Upsert(d);
    ASSERT_TRUE(*writer_->Write(d, Part("records", "RecordsSynced")));
    ASSERT_TRUE(*writer_->Write(d, Part("delegation", "DelegationHealthy")));
    domains.push_back(d);
  }
  EXPECT_EQ(*writer_->Flush("web/d").requeue_after, 1900ms);  // keeps the batch's time
  EXPECT_EQ(*writer_->Flush("web/e").requeue_after, 2min);    // back at its own limit at the latest
  EXPECT_EQ(*writer_->Flush("web/f").requeue_after, 2min);
  Arrive(10, 100ms);
  EXPECT_EQ(*writer_->Flush("web/d").requeue_after, 1900ms);  // the batch went on
  EXPECT_EQ(*writer_->Flush("web/e").requeue_after, 2min - 1s);  // woken by something else: parked again
  clock_.Advance(1900ms);  // the batch is over
  scheduled_.clear();
  EXPECT_FALSE(writer_->Flush("web/d").requeue_after);
  EXPECT_EQ(scheduled_, (std::vector<std::string>{"web/e", "web/f"}));
  EXPECT_FALSE(writer_->Flush("web/e").requeue_after);
  EXPECT_FALSE(writer_->Flush("web/f").requeue_after);
  EXPECT_EQ(api_.applies().size(), 3u);
}

// The Domain that keeps the batch's time is no longer held (its first pass applied another way): the next parked
// one takes over, so the others do not wait for their limit.
TEST_F(StatusWriterTest, AnotherHeldFirstPassKeepsTheTimeWhenItsKeeperIsNoLongerHeld) {
  UseWriter("records");
  Arrive(10, 100ms);
  auto report = [&](const char* name) {
    json d = NewDomain();
    d["metadata"]["name"] = name;
    store_.Upsert(d);
    ASSERT_TRUE(*writer_->Write(d, Part("records", "RecordsSynced")));
    ASSERT_TRUE(*writer_->Write(d, Part("delegation", "DelegationHealthy")));
  };
  report("d");
  EXPECT_EQ(*writer_->Flush("web/d").requeue_after, 1900ms);
  Arrive(100, 100ms);
  report("e");  // 10 s later
  EXPECT_EQ(*writer_->Flush("web/e").requeue_after, 2min);
  // The batch goes on past web/d's limit (2 min after its first report), not yet web/e's.
  Arrive(1100, 100ms);
  scheduled_.clear();
  EXPECT_FALSE(writer_->Flush("web/d").requeue_after);  // applied
  EXPECT_EQ(api_.applies().size(), 1u);
  EXPECT_EQ(scheduled_, std::vector<std::string>{"web/e"});  // takes over the batch's time
  EXPECT_EQ(*writer_->Flush("web/e").requeue_after, 1900ms);
}

TEST_F(StatusWriterTest, FirstPassHeldNoLongerThanItsLimitWhateverTheBatch) {
  UseWriter("records");
  Arrive(10, 100ms);
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("records", "RecordsSynced")));
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("delegation", "DelegationHealthy")));
  Arrive(1190, 100ms);  // 119 s more of arrivals
  EXPECT_EQ(*writer_->Flush("web/d").requeue_after, 1s);  // first_pass_limit (2 min) after the first report
  Arrive(10, 100ms);
  EXPECT_FALSE(writer_->Flush("web/d").requeue_after);
  EXPECT_EQ(api_.applies().size(), 1u);
}

TEST_F(StatusWriterTest, ADomainAlreadyWrittenIsNeverHeld) {
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("records", "RecordsSynced")));
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("delegation", "DelegationHealthy")));
  writer_->Flush("web/d");
  CacheLastApply();
  Arrive(50, 10ms);
  StatusPart broken = Part("delegation", "DelegationHealthy");
  broken.conditions[0].status = "False";
  broken.conditions[0].reason = "GlueMissing";
  ASSERT_TRUE(*writer_->Write(*store_.Get("web/d"), broken));
  writer_->RecordEvent(*store_.Get("web/d"), Synced(*store_.Get("web/d")));
  EXPECT_EQ(EventsSent(), 1u);  // at once
  EXPECT_FALSE(writer_->Flush("web/d").requeue_after);
  EXPECT_EQ(api_.applies().size(), 2u);
}

TEST_F(StatusWriterTest, WrittenDomainsListedAtARestartAreNoBatch) {
  UseWriter("records");
  json written = NewDomain();
  written["status"]["conditions"] = json::array({{{"type", "RecordsSynced"}, {"status", "True"}}});
  for (int i = 0; i < 100; ++i) {
    written["metadata"]["name"] = "old" + std::to_string(i);
    writer_->NoteAdded(written);
  }
  Arrive(5, 10ms);  // and a few new ones by hand
  writer_->RecordEvent(NewDomain(), Synced(NewDomain()));
  EXPECT_EQ(EventsSent(), 1u);
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("records", "RecordsSynced")));
  ASSERT_TRUE(*writer_->Write(NewDomain(), Part("delegation", "DelegationHealthy")));
  EXPECT_FALSE(writer_->Flush("web/d").requeue_after);
  EXPECT_EQ(api_.applies().size(), 1u);
}

}  // namespace
}  // namespace domainguard::domain
