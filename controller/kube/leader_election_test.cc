#include "controller/kube/leader_election.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/base/time_format.h"

namespace domainguard::kube {
namespace {

using namespace std::chrono_literals;
using Kind = LeaseObservation::Kind;

const SystemTime kWall = *ParseRfc3339("2026-11-23T17:00:00Z");
const MonotonicTime kT0 = MonotonicTime{} + 1h;

LeaderElectionConfig Config() { return LeaderElectionConfig{"me", 15s, 10s, 2s}; }

LeaseObservation Found(std::string holder, int duration = 15, int transitions = 3) {
  return {Kind::kFound, LeaseRecord{std::move(holder), duration, kWall - 1h, kWall - 1s, transitions}};
}

struct Case {
  std::string name;
  ElectionState state;
  LeaseObservation observed;
  std::chrono::milliseconds elapsed;  // now = kT0 + elapsed
  LeaderAction want;
  int want_transitions = -1;  // checked for writes when >= 0
};

ElectionState Leading(std::chrono::milliseconds renewed_at) {
  ElectionState s;
  s.leading = true;
  s.last_renewed = kT0 + renewed_at;
  s.observed = LeaseRecord{"me", 15, kWall - 1h, kWall - 1s, 3};
  s.observed_at = kT0 + renewed_at;
  return s;
}

ElectionState Watching(LeaseRecord seen, std::chrono::milliseconds seen_at) {
  ElectionState s;
  s.observed = std::move(seen);
  s.observed_at = kT0 + seen_at;
  return s;
}

class DecideLeadershipTest : public ::testing::TestWithParam<Case> {};
TEST_P(DecideLeadershipTest, Action) {
  const Case& c = GetParam();
  LeaderDecision d = DecideLeadership(c.state, c.observed, kT0 + c.elapsed, kWall, Config());
  EXPECT_EQ(LeaderActionName(d.action), std::string(LeaderActionName(c.want))) << d.why;
  if (c.want == LeaderAction::kCreate || c.want == LeaderAction::kAcquire || c.want == LeaderAction::kRenew) {
    EXPECT_EQ(d.write.holder, "me");
    EXPECT_EQ(d.write.lease_duration_seconds, 15);
    EXPECT_EQ(d.write.renew_time, kWall);
    if (c.want_transitions >= 0) {
      EXPECT_EQ(d.write.lease_transitions, c.want_transitions);
    }
  }
  if (c.want == LeaderAction::kLost) {
    EXPECT_FALSE(d.next.leading);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, DecideLeadershipTest,
    ::testing::ValuesIn(std::vector<Case>{
        {"no_lease_create", ElectionState(), {Kind::kNotFound, {}}, 0ms, LeaderAction::kCreate, 0},
        {"read_error_stand_by", ElectionState(), {Kind::kError, {}}, 0ms, LeaderAction::kStandBy},
        {"other_holder_fresh_stand_by", ElectionState(), Found("other"), 0ms, LeaderAction::kStandBy},
        // First sight of another holder's record: valid for its full duration from now, whatever renewTime says
        // (their clock may be skewed).
        {"first_sight_counts_from_now", Watching(LeaseRecord{"x", 15, {}, {}, 0}, 0ms), Found("other"), 14s,
         LeaderAction::kStandBy},
        {"unchanged_record_expires_by_our_clock", Watching(Found("other").record, 0ms), Found("other"), 15s,
         LeaderAction::kAcquire, 4},
        {"unchanged_record_not_yet_expired", Watching(Found("other").record, 0ms), Found("other"), 14999ms,
         LeaderAction::kStandBy},
        {"renewed_record_resets_expiry", Watching(Found("other").record, 0ms),
         {Kind::kFound, LeaseRecord{"other", 15, kWall - 1h, kWall, 3}}, 15s, LeaderAction::kStandBy},
        {"released_lease_acquire_at_once", ElectionState(), Found(""), 0ms, LeaderAction::kAcquire, 4},
        {"short_lease_of_other_respected", Watching(Found("other", 1).record, 0ms), Found("other", 1), 999ms,
         LeaderAction::kStandBy},
        {"we_hold_it_renew", Leading(0ms), Found("me"), 2s, LeaderAction::kRenew, 3},
        {"we_hold_it_after_restart_renew", ElectionState(), Found("me"), 0ms, LeaderAction::kRenew, 3},
        {"leading_other_took_it_lost", Leading(0ms), Found("other"), 2s, LeaderAction::kLost},
        {"leading_read_error_within_deadline", Leading(0ms), {Kind::kError, {}}, 9s, LeaderAction::kStandBy},
        {"leading_read_error_past_deadline_lost", Leading(0ms), {Kind::kError, {}}, 10s, LeaderAction::kLost},
        {"leading_past_deadline_lost_even_if_still_ours", Leading(0ms), Found("me"), 10s, LeaderAction::kLost},
        {"not_leading_expired_other_acquire_increments_transitions", Watching(Found("other", 15, 7).record, 0ms),
         Found("other", 15, 7), 20s, LeaderAction::kAcquire, 8},
    }),
    [](const auto& info) { return info.param.name; });

TEST(LeaderElection, RenewKeepsAcquireTime) {
  LeaderDecision d = DecideLeadership(Leading(0ms), Found("me"), kT0 + 2s, kWall, Config());
  ASSERT_EQ(d.action, LeaderAction::kRenew);
  EXPECT_EQ(d.write.acquire_time, kWall - 1h);
}

TEST(LeaderElection, SuccessfulWriteMakesUsLeaderFailedWriteDoesNot) {
  LeaderDecision d = DecideLeadership({}, {Kind::kNotFound, {}}, kT0, kWall, Config());
  ElectionState failed = AfterLeaseWrite(d, false, kT0);
  EXPECT_FALSE(failed.leading);
  ElectionState ok = AfterLeaseWrite(d, true, kT0);
  EXPECT_TRUE(ok.leading);
  EXPECT_EQ(ok.last_renewed, kT0);
  EXPECT_EQ(ok.observed->holder, "me");

  // Renewals that keep failing (409 conflicts) lose leadership at the renew deadline.
  ElectionState s = ok;
  for (auto t : {2s, 4s, 6s, 8s}) {
    LeaderDecision r = DecideLeadership(s, Found("me"), kT0 + t, kWall, Config());
    ASSERT_EQ(r.action, LeaderAction::kRenew) << t.count();
    s = AfterLeaseWrite(r, false, kT0 + t);
  }
  EXPECT_EQ(DecideLeadership(s, Found("me"), kT0 + 10s, kWall, Config()).action, LeaderAction::kLost);
}

TEST(LeaderElection, TwoCandidatesNeverBothLead) {
  // Simulate two candidates sharing one lease through an ideal store with compare-and-swap.
  LeaderElectionConfig ca = Config(), cb = Config();
  cb.identity = "other";
  std::optional<LeaseRecord> store;
  int version = 0;
  ElectionState a, b;
  auto step = [&](ElectionState& s, const LeaderElectionConfig& c, MonotonicTime now) {
    int read_version = version;
    LeaseObservation o = store ? LeaseObservation{Kind::kFound, *store} : LeaseObservation{Kind::kNotFound, {}};
    SystemTime wall = kWall + (now - kT0);  // wall time moves, so every renewal changes the record
    LeaderDecision d = DecideLeadership(s, o, now, wall, c);
    bool wrote = false;
    if (d.action == LeaderAction::kCreate || d.action == LeaderAction::kAcquire || d.action == LeaderAction::kRenew) {
      if (read_version == version) {
        store = d.write;
        ++version;
        wrote = true;
      }
      s = AfterLeaseWrite(d, wrote, now);
    } else {
      s = d.next;
    }
  };
  for (int i = 0; i < 100; ++i) {
    MonotonicTime now = kT0 + std::chrono::seconds(2 * i);
    step(a, ca, now);
    step(b, cb, now);
    ASSERT_FALSE(a.leading && b.leading) << "both lead at step " << i;
  }
  EXPECT_TRUE(a.leading);
  EXPECT_FALSE(b.leading);
}

TEST(LeaseJson, RoundTripAndMicroTime) {
  LeaseRecord r{"pod-a_1234", 15, kWall + 123456us, kWall + 1s, 2};
  nlohmann::json lease = NewLease("domainguard-system", "domainguard-leader", r);
  EXPECT_EQ(lease["spec"]["acquireTime"], "2026-11-23T17:00:00.123456Z");
  EXPECT_EQ(lease["spec"]["renewTime"], "2026-11-23T17:00:01.000000Z");
  EXPECT_EQ(lease["metadata"]["namespace"], "domainguard-system");
  EXPECT_EQ(LeaseRecordFromJson(lease), r);
  lease["metadata"]["resourceVersion"] = "42";
  ApplyLeaseRecord(lease, ReleasedRecord(r, kWall));
  EXPECT_EQ(lease["metadata"]["resourceVersion"], "42");
  LeaseRecord released = LeaseRecordFromJson(lease);
  EXPECT_EQ(released.holder, "");
  EXPECT_EQ(released.lease_duration_seconds, 1);
  EXPECT_EQ(released.lease_transitions, 2);
}

TEST(LeaseJson, MissingSpecReadsEmpty) {
  EXPECT_EQ(LeaseRecordFromJson(nlohmann::json::object()), LeaseRecord{});
  EXPECT_EQ(LeaseRecordFromJson(nlohmann::json::parse(R"({"spec":{"holderIdentity":5,"renewTime":"junk"}})")),
            LeaseRecord{});
}

TEST(LeaderElection, ConfigValidation) {
  EXPECT_TRUE(ValidateLeaderElectionConfig(Config()).ok());
  LeaderElectionConfig c = Config();
  c.identity = "";
  EXPECT_FALSE(ValidateLeaderElectionConfig(c).ok());
  c = Config();
  c.renew_deadline = 15s;
  EXPECT_FALSE(ValidateLeaderElectionConfig(c).ok());
  c = Config();
  c.retry_period = 10s;
  EXPECT_FALSE(ValidateLeaderElectionConfig(c).ok());
}

}  // namespace
}  // namespace domainguard::kube
