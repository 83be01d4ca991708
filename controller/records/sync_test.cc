#include "controller/records/sync.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/api/records_policy_spec.h"
#include "controller/providers/fake_provider.h"
#include "controller/records/reasons.h"

namespace domainguard::records {
namespace {

using nlohmann::json;
using providers::FakeProvider;
using ::testing::HasSubstr;

constexpr const char* kZone = "example.com.";
constexpr const char* kMe = "web/example-com";

// The RecordsSynced condition of one pass's outcomes, as the records controller summarises them.
RecordsCondition Summary(const std::vector<ProviderOutcome>& outcomes) {
  std::vector<ProviderStatus> statuses;
  for (const ProviderOutcome& o : outcomes) statuses.push_back(o.status);
  return SummarizeRecords(statuses);
}

json Spec(int n_records, std::string ownership = "Records") {
  json records = json::array();
  for (int i = 0; i < n_records; ++i) {
    records.push_back({{"name", "h" + std::to_string(i)}, {"type", "A"}, {"ttl", 300},
                       {"values", {"192.0.2." + std::to_string(i + 1)}}});
  }
  return {{"zone", "example.com"}, {"records", records}, {"ownership", ownership},
          {"nameservers", json::array({{{"name", "ns1.pdns-a.net."}}, {{"name", "ns1.pdns-b.net."}}})}};
}

class SyncTest : public ::testing::Test {
 protected:
  std::vector<ProviderOutcome> Pass(const json& spec, int64_t generation = 1, std::optional<std::string> approval = {}) {
    const api::RecordsPolicySpec p = api::ParseRecordsPolicy(spec).value();
    SyncPolicy policy{{kMe, p.ownership}, {p.max_delete_percent, generation, approval}};
    std::vector<ProviderOutcome> out =
        SyncZone(zone::BuildDesiredZone(spec, {}), {&a_, &b_}, policy, last_, last_generation_, clock_);
    last_.clear();
    for (const ProviderOutcome& o : out) last_.push_back(o.status);
    last_generation_ = generation;
    return out;
  }
  size_t Count(const FakeProvider& p) const { return const_cast<FakeProvider&>(p).Rrsets(kZone).size(); }

  FakeClock clock_{SystemTime{} + std::chrono::hours(24 * 365 * 56)};
  FakeProvider a_{"pdns-a"}, b_{"pdns-b"};
  std::vector<ProviderStatus> last_;
  int64_t last_generation_ = 0;
};

TEST_F(SyncTest, FirstPassCreatesZoneAndRecordsEverywhere) {
  std::vector<ProviderOutcome> out = Pass(Spec(20));
  ASSERT_EQ(out.size(), 2u);
  for (const ProviderOutcome& o : out) {
    EXPECT_TRUE(o.status.synced) << o.status.message;
    EXPECT_EQ(o.status.reason, reasons::kSynced);
    EXPECT_EQ(o.status.pending_changes, 0u);
    EXPECT_GT(o.status.serial, 0u);
    EXPECT_TRUE(o.status.last_sync_time.has_value());
    EXPECT_EQ(o.applied.size(), 21u);  // the zone was created holding its NS set and the 20 rrsets
  }
  EXPECT_EQ(Count(a_), 21u);
  EXPECT_EQ(Count(b_), 21u);
  EXPECT_TRUE(Summary(out).synced);
  // A second pass writes nothing.
  int writes = a_.apply_calls();
  out = Pass(Spec(20));
  EXPECT_EQ(a_.apply_calls(), writes);
  EXPECT_TRUE(out[0].applied.empty());
}

// Issue #15 item 1: a zone that already serves the desired data is adopted without a write (the serial stays), and
// the adoption carried in status lets a later spec change update the record it took over.
TEST_F(SyncTest, PrepopulatedZoneIsAdoptedWithoutAWriteAndLaterUpdated) {
  for (FakeProvider* p : {&a_, &b_}) {
    p->Put(kZone, {kZone, "NS", 3600, {"ns1.pdns-a.net.", "ns1.pdns-b.net."}});
    for (int i = 0; i < 3; ++i) {
      p->Put(kZone, {"h" + std::to_string(i) + "." + kZone, "A", 300, {"192.0.2." + std::to_string(i + 1)}});
    }
  }
  const uint32_t serial = *a_.Serial(kZone);
  std::vector<ProviderOutcome> out = Pass(Spec(3));
  for (const ProviderOutcome& o : out) {
    EXPECT_TRUE(o.status.synced) << o.status.message;
    EXPECT_EQ(o.status.reason, reasons::kSynced);
    EXPECT_TRUE(o.applied.empty());
    EXPECT_THAT(o.status.adopted, ::testing::ElementsAre("h0.example.com. A", "h1.example.com. A", "h2.example.com. A"));
  }
  EXPECT_EQ(*a_.Serial(kZone), serial);
  EXPECT_EQ(a_.apply_calls(), 0);
  EXPECT_EQ(a_.create_calls(), 1);  // a new Domain's zone is created before it is read: refused here (it exists)
  EXPECT_EQ(a_.read_calls(), 1);
  EXPECT_TRUE(Summary(out).synced);

  // The spec changes h1: the adopted rrset is this Domain's, so it is updated, and the others get their mark in
  // the same write.
  json spec = Spec(3);
  spec["records"][1]["values"] = {"192.0.2.99"};
  out = Pass(spec, 2);
  EXPECT_TRUE(out[0].status.synced) << out[0].status.message;
  EXPECT_THAT(out[0].applied, ::testing::ElementsAre("claim h0.example.com. A",
                                                     "update h1.example.com. A values 192.0.2.2->192.0.2.99",
                                                     "claim h2.example.com. A"));
  EXPECT_TRUE(out[0].status.adopted.empty());
  for (const ObservedRRset& r : a_.Rrsets(kZone)) {
    if (r.rrset.type == "A") {
      EXPECT_EQ(r.owner, kMe) << r.rrset.name;
    }
  }
}

TEST_F(SyncTest, ForeignRecordWithAnotherValueIsKeptAndNamesBoth) {
  a_.Put(kZone, {"h0." + std::string(kZone), "A", 300, {"192.0.2.200"}});
  b_.Put(kZone, {"h0." + std::string(kZone), "A", 300, {"192.0.2.200"}});
  std::vector<ProviderOutcome> out = Pass(Spec(1));
  EXPECT_FALSE(out[0].status.synced);
  EXPECT_EQ(out[0].status.reason, reasons::kForeignRecordKept);
  EXPECT_THAT(out[0].status.message, HasSubstr("kept 192.0.2.200, wanted 192.0.2.1"));
  EXPECT_EQ(a_.Rrsets(kZone).size(), 2u);  // the NS set created, h0 untouched
}

// Issue #15 item 3: a serial lowered behind domainguard's back is reported (old and new) and raised past the last
// one seen, with no record written.
TEST_F(SyncTest, SerialMovedBackwardsIsRaisedPastTheLastSeen) {
  Pass(Spec(2));
  const uint32_t seen = *a_.Serial(kZone);
  const int writes = a_.apply_calls();
  a_.SetSerial(kZone, seen - 1);
  std::vector<ProviderOutcome> out = Pass(Spec(2));
  EXPECT_EQ(a_.apply_calls(), writes);  // no record rewritten
  EXPECT_EQ(a_.raise_calls(), 1);
  EXPECT_EQ(*a_.Serial(kZone), seen + 1);
  EXPECT_EQ(out[0].status.serial, seen + 1);
  EXPECT_TRUE(out[0].status.synced);
  EXPECT_THAT(out[0].serial_repair, HasSubstr("went back from " + std::to_string(seen) + " to " +
                                              std::to_string(seen - 1)));
  bool event = false;
  for (const SyncEvent& e : out[0].events) event = event || (e.reason == "SerialDrift" && e.warning);
  EXPECT_TRUE(event);
  EXPECT_EQ(b_.raise_calls(), 0);  // the other provider's serial did not move
  out = Pass(Spec(2));
  EXPECT_EQ(a_.raise_calls(), 1);  // repaired: nothing more to do
  EXPECT_TRUE(out[0].serial_repair.empty());
}

TEST_F(SyncTest, DriftAtOneProviderIsRepairedAndTheOtherUntouched) {
  (void)Pass(Spec(5));
  a_.Remove(kZone, "h1.example.com.", "A");
  a_.Put(kZone, {"h2.example.com.", "A", 300, {"203.0.113.66"}}, kMe);
  int b_writes = b_.apply_calls();
  std::vector<ProviderOutcome> out = Pass(Spec(5));
  EXPECT_EQ(out[0].status.reason, reasons::kDriftRepaired);
  EXPECT_TRUE(out[0].status.synced);
  EXPECT_EQ(out[0].applied.size(), 2u);
  bool event = false;
  for (const SyncEvent& e : out[0].events) event |= e.reason == reasons::kDriftRepaired;
  EXPECT_TRUE(event);
  EXPECT_EQ(out[1].status.reason, reasons::kSynced);
  EXPECT_EQ(b_.apply_calls(), b_writes);
  EXPECT_EQ(Summary(out).reason, reasons::kDriftRepaired);
}

// lastSyncTime says when a provider came into sync, not when it was last looked at: a pass that finds it in sync
// again (every Domain after a restart, the hourly full compare) keeps it, so a healthy Domain's status does not
// change (issue #14: a restart re-applied every Domain's status). A write, or a return to sync, moves it.
TEST_F(SyncTest, LastSyncTimeMovesOnlyWhenTheProviderComesIntoSync) {
  (void)Pass(Spec(5));
  const SystemTime created = clock_.Now();
  for (const ProviderStatus& s : last_) EXPECT_EQ(s.last_sync_time, created) << s.name;

  clock_.Advance(std::chrono::hours(1));
  std::vector<ProviderOutcome> out = Pass(Spec(5));  // nothing to write at either
  for (const ProviderOutcome& o : out) {
    EXPECT_TRUE(o.status.synced) << o.status.name;
    EXPECT_EQ(o.status.last_sync_time, created) << o.status.name << ": found in sync again, kept";
  }

  clock_.Advance(std::chrono::hours(1));
  a_.Remove(kZone, "h1.example.com.", "A");
  out = Pass(Spec(5));  // drift repaired at pdns-a: written now
  EXPECT_EQ(out[0].status.last_sync_time, clock_.Now());
  EXPECT_EQ(out[1].status.last_sync_time, created);

  clock_.Advance(std::chrono::hours(1));
  b_.SetDown(true);
  out = Pass(Spec(5));
  EXPECT_FALSE(out[1].status.synced);
  EXPECT_EQ(out[1].status.last_sync_time, created) << "out of sync: when it last was in sync";
  clock_.Advance(std::chrono::hours(1));
  b_.SetDown(false);
  out = Pass(Spec(5));  // back, nothing owed: in sync again from now
  EXPECT_TRUE(out[1].status.synced);
  EXPECT_EQ(out[1].status.last_sync_time, clock_.Now());

  // A status written by an earlier version without the time: set once, then kept.
  last_[0].last_sync_time.reset();
  out = Pass(Spec(5));
  EXPECT_EQ(out[0].status.last_sync_time, clock_.Now());
}

TEST_F(SyncTest, OutageKeepsChangesPendingAndOthersProceed) {
  (void)Pass(Spec(5));
  a_.SetDown(true);
  std::vector<ProviderOutcome> out = Pass(Spec(8), 2);
  EXPECT_FALSE(out[0].status.synced);
  EXPECT_EQ(out[0].status.reason, reasons::kProviderUnavailable);
  EXPECT_THAT(out[0].status.message, HasSubstr("connection refused"));
  EXPECT_TRUE(out[1].status.synced) << out[1].status.message;
  EXPECT_EQ(Count(b_), 9u);
  RecordsCondition c = Summary(out);
  EXPECT_FALSE(c.synced);
  EXPECT_EQ(c.reason, reasons::kProviderUnavailable);
  // Back up: the next pass applies everything that was pending.
  a_.SetDown(false);
  out = Pass(Spec(8), 2);
  EXPECT_TRUE(out[0].status.synced) << out[0].status.message;
  EXPECT_EQ(out[0].applied.size(), 3u);
  EXPECT_EQ(Count(a_), 9u);
}

TEST_F(SyncTest, ApplyUnavailableCountsPending) {
  (void)Pass(Spec(2));
  a_.FailNextApply(Error::Unavailable("HTTP 503"));
  std::vector<ProviderOutcome> out = Pass(Spec(4), 2);
  EXPECT_EQ(out[0].status.reason, reasons::kProviderUnavailable);
  EXPECT_EQ(out[0].status.pending_changes, 2u);
  EXPECT_TRUE(out[1].status.synced);
}

TEST_F(SyncTest, InvalidSpecTouchesNoProvider) {
  (void)Pass(Spec(5));
  int a_writes = a_.apply_calls(), b_writes = b_.apply_calls();
  json spec = Spec(5);
  spec["records"][3]["values"][0] = "300.1.1.1";
  std::vector<ProviderOutcome> out = Pass(spec, 2);
  for (const ProviderOutcome& o : out) {
    EXPECT_EQ(o.status.reason, reasons::kInvalidRecord);
    EXPECT_EQ(o.status.message, "spec.records[3].values[0]: \"300.1.1.1\" is not an IPv4 address");
  }
  EXPECT_EQ(out[0].events.size(), 1u);
  EXPECT_TRUE(out[1].events.empty());
  EXPECT_EQ(a_.apply_calls(), a_writes);
  EXPECT_EQ(b_.apply_calls(), b_writes);
  EXPECT_EQ(Count(a_), 6u);
  EXPECT_EQ(Summary(out).reason, reasons::kInvalidRecord);
}

TEST_F(SyncTest, MassDeleteIsHeldUntilApproved) {
  (void)Pass(Spec(20));
  std::vector<ProviderOutcome> out = Pass(Spec(4), 2);  // deletes 16 of 21 owned records
  for (const ProviderOutcome& o : out) {
    EXPECT_EQ(o.status.reason, reasons::kChangeBlocked);
    EXPECT_EQ(o.status.pending_changes, 16u);
    EXPECT_THAT(o.status.message, HasSubstr("domainguard.io/approve-change=2"));
  }
  EXPECT_EQ(Count(a_), 21u);
  out = Pass(Spec(4), 2, "2");
  EXPECT_TRUE(out[0].status.synced) << out[0].status.message;
  EXPECT_EQ(Count(a_), 5u);
}

TEST_F(SyncTest, UpdateThatDoesNotStickIsReported) {
  (void)Pass(Spec(1));
  a_.SetIgnoreUpdates(true);
  std::vector<ProviderOutcome> out = Pass(Spec(2), 2);
  EXPECT_FALSE(out[0].status.synced);
  EXPECT_EQ(out[0].status.reason, reasons::kInvalidRecord);
  EXPECT_THAT(out[0].status.message, HasSubstr("did not apply: create h1.example.com. A"));
  EXPECT_EQ(out[0].status.pending_changes, 1u);
}

TEST_F(SyncTest, ConcurrentChangeIsRereadAndReplanned) {
  (void)Pass(Spec(1));
  a_.ConcurrentChangeBeforeNextApply();
  std::vector<ProviderOutcome> out = Pass(Spec(2), 2);
  EXPECT_TRUE(out[0].status.synced) << out[0].status.message;
  EXPECT_EQ(Count(a_), 3u);
}

TEST_F(SyncTest, ForeignRecordKeptInRecordsModePrunedInZoneMode) {
  (void)Pass(Spec(2));
  a_.Put(kZone, {"ftp.example.com.", "A", 300, {"192.0.2.99"}});
  std::vector<ProviderOutcome> out = Pass(Spec(2));
  EXPECT_TRUE(out[0].status.synced);
  bool kept = false;
  for (const SyncEvent& e : out[0].events) kept |= e.reason == reasons::kForeignRecordKept;
  EXPECT_TRUE(kept);
  EXPECT_EQ(Count(a_), 4u);
  out = Pass(Spec(2, "Zone"), 2);
  EXPECT_TRUE(out[0].status.synced) << out[0].status.message;
  EXPECT_EQ(Count(a_), 3u);
}

TEST_F(SyncTest, ForeignInTheWayIsNotSynced) {
  (void)Pass(Spec(1));
  a_.Put(kZone, {"www.example.com.", "A", 300, {"192.0.2.99"}});
  json spec = Spec(1);
  spec["records"].push_back({{"name", "www"}, {"type", "A"}, {"values", {"192.0.2.1"}}});
  std::vector<ProviderOutcome> out = Pass(spec, 2);
  EXPECT_FALSE(out[0].status.synced);
  EXPECT_EQ(out[0].status.reason, reasons::kForeignRecordKept);
  EXPECT_TRUE(out[1].status.synced);
}

TEST_F(SyncTest, ZoneCreatedByOthersMeanwhileIsReadAndJoined) {
  // Just before our create, someone else created the zone holding a record of theirs: refused, read, joined.
  a_.ZoneAppearsBeforeNextCreate({"ftp.example.com.", "A", 300, {"192.0.2.99"}});
  std::vector<ProviderOutcome> out = Pass(Spec(3));
  EXPECT_TRUE(out[0].status.synced) << out[0].status.message;
  EXPECT_EQ(out[0].status.reason, reasons::kSynced);
  EXPECT_EQ(Count(a_), 5u);  // NS + 3 of ours + theirs, kept (ownership Records)
  bool kept = false;
  for (const SyncEvent& e : out[0].events) kept |= e.reason == reasons::kForeignRecordKept;
  EXPECT_TRUE(kept);
  EXPECT_TRUE(out[1].status.synced);
}

TEST_F(SyncTest, ZoneTheProviderCannotCreateStaysPending) {
  // RFC 2136 cannot create a zone: a person must add it to the server. Until then the records wait.
  a_.SetCreatesZones(false);
  a_.FailNextCreate(Error::FailedPrecondition("zone example.com. is not served by 127.0.0.1:53 (REFUSED)"));
  std::vector<ProviderOutcome> out = Pass(Spec(3));
  EXPECT_EQ(a_.read_calls(), 1);  // read first: it cannot create
  EXPECT_EQ(a_.create_calls(), 1);
  EXPECT_FALSE(out[0].status.synced);
  EXPECT_EQ(out[0].status.reason, reasons::kProviderUnavailable);
  EXPECT_THAT(out[0].status.message, HasSubstr("creating zone example.com. with 4 rrsets"));
  EXPECT_THAT(out[0].status.message, HasSubstr("REFUSED"));
  EXPECT_EQ(out[0].status.pending_changes, 4u);
  EXPECT_FALSE(a_.HasZone(kZone));
  EXPECT_TRUE(out[1].status.synced);
  EXPECT_EQ(Summary(out).reason, reasons::kProviderUnavailable);
  // Once the zone exists (here: the next create is accepted) everything pending is written.
  a_.SetCreatesZones(true);
  out = Pass(Spec(3));
  EXPECT_TRUE(out[0].status.synced) << out[0].status.message;
  EXPECT_EQ(Count(a_), 4u);
}

// A pass's outcome at a provider is news (an info log line, its Events recorded) only when something moved.
TEST(IsNewsTest, OnlyWhatMovedIsNews) {
  ProviderStatus invalid;
  invalid.name = "pdns-a";
  invalid.reason = std::string(reasons::kInvalidRecord);
  invalid.message = "spec.records[0].ttl: must be a number";
  ProviderStatus down = invalid;
  down.reason = std::string(reasons::kProviderUnavailable);
  down.message = "connection refused";
  down.pending_changes = 3;
  ProviderStatus synced;
  synced.name = "pdns-a";
  synced.synced = true;
  synced.reason = std::string(reasons::kSynced);

  struct Case {
    const char* what;
    std::optional<ProviderStatus> before;
    ProviderStatus now;
    bool wrote;
    bool news;
  };
  ProviderStatus down_more = down;
  down_more.pending_changes = 4;
  ProviderStatus invalid_other = invalid;
  invalid_other.message = "spec.records[1].type: unknown";
  const Case cases[] = {
      {"a new provider", std::nullopt, synced, false, true},
      {"the same InvalidRecord again", invalid, invalid, false, false},
      {"another InvalidRecord message", invalid, invalid_other, false, true},
      {"the same outage again", down, down, false, false},
      {"the outage owes more", down, down_more, false, true},
      {"back from the outage", down, synced, false, true},
      {"synced and unchanged", synced, synced, false, false},
      {"synced, drift repaired (a write)", synced, synced, true, true},
  };
  for (const Case& c : cases) {
    ProviderOutcome o;
    o.status = c.now;
    if (c.wrote) o.applied.push_back("+ www.example.com. A");
    EXPECT_EQ(IsNews(c.before, o), c.news) << c.what;
  }
}

TEST(CreateBeforeRead, Table) {
  ProviderStatus seen;
  seen.name = "pdns-a";
  ProviderStatus unavailable = seen;
  unavailable.reason = std::string(reasons::kProviderUnavailable);  // never reached: the zone may still be absent
  struct Case {
    const char* name;
    bool creates;
    std::optional<ProviderStatus> previous;
    bool want;
  } cases[] = {
      {"new Domain, provider creates zones", true, std::nullopt, true},
      {"new Domain, provider cannot create (RFC 2136)", false, std::nullopt, false},
      {"status of an earlier pass", true, seen, false},
      {"earlier pass could not reach it", true, unavailable, false},
      {"earlier pass, cannot create", false, seen, false},
  };
  for (const Case& c : cases) EXPECT_EQ(CreateBeforeRead(c.creates, c.previous), c.want) << c.name;
}

// Issue #14: a new zone at a provider that creates zones costs one request (the create, answered with the zone),
// no read that finds it absent first; the next pass reads it as usual.
TEST_F(SyncTest, NewZoneIsOneCreateWithoutARead) {
  std::vector<ProviderOutcome> out = Pass(Spec(20));
  for (FakeProvider* p : {&a_, &b_}) {
    EXPECT_EQ(p->create_calls(), 1) << p->Name();
    EXPECT_EQ(p->read_calls(), 0) << p->Name();
  }
  for (const ProviderOutcome& o : out) {
    EXPECT_TRUE(o.status.synced) << o.status.message;
    EXPECT_EQ(o.applied.size(), 21u);
    ASSERT_TRUE(o.observed.has_value());  // the zone as created: pending counts need no read either
    EXPECT_EQ(o.observed->rrsets.size(), 21u);
  }
  (void)Pass(Spec(20));
  EXPECT_EQ(a_.create_calls(), 1);
  EXPECT_EQ(a_.read_calls(), 1);
}

TEST_F(SyncTest, CreateBeforeReadNotAnsweredFallsBackToTheRead) {
  a_.FailNextCreate(Error::Unavailable("PowerDNS HTTP 500: database is locked"));
  std::vector<ProviderOutcome> out = Pass(Spec(3));
  EXPECT_TRUE(out[0].status.synced) << out[0].status.message;
  EXPECT_EQ(a_.create_calls(), 2);  // refused, then read (absent) and created
  EXPECT_EQ(a_.read_calls(), 1);
  EXPECT_EQ(Count(a_), 4u);
}

TEST_F(SyncTest, ProviderThatCannotCreateZonesIsReadFirst) {
  a_.SetCreatesZones(false);
  a_.Put(kZone, {kZone, "NS", 3600, {"ns1.pdns-a.net.", "ns1.pdns-b.net."}});  // added on the server by a person
  std::vector<ProviderOutcome> out = Pass(Spec(2));
  EXPECT_TRUE(out[0].status.synced) << out[0].status.message;
  EXPECT_EQ(a_.create_calls(), 0);
  EXPECT_EQ(Count(a_), 3u);
}

}  // namespace
}  // namespace domainguard::records
