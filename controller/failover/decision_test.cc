#include "controller/failover/decision.h"

#include <gtest/gtest.h>

namespace domainguard::failover {
namespace {

using std::chrono::seconds;

SystemTime T(int s) { return SystemTime(seconds(1'800'000'000 + s)); }

Observation Critical(bool backup_healthy = true) {
  Observation o;
  o.critical_triggers = {{"DelegationMissing", "a.test-servers answer NXDOMAIN from 127.53.10.1, 127.53.10.2"}};
  o.primary_healthy = false;
  o.backup_healthy = backup_healthy;
  o.backup_problem = backup_healthy ? "" : "Domain b (b.sm.): DelegationHealthy False DelegationMissing";
  return o;
}
Observation Healthy() {
  Observation o;
  o.primary_healthy = true;
  o.backup_healthy = true;
  return o;
}
Params P(int confirmations = 3, int hold_down = 60, api::Failback f = api::Failback::kAutomatic) {
  Params p;
  p.confirmations = confirmations;
  p.interval = seconds(10);
  p.hold_down = seconds(hold_down);
  p.failback = f;
  return p;
}

// One observation at time t; the decisions in order.
struct Tick {
  int t;
  Observation obs;
};
struct Case {
  std::string name;
  Params params;
  std::vector<Tick> ticks;
  std::vector<Decision> want;
  bool active_at_end;
};

class NextStateTest : public ::testing::TestWithParam<Case> {};

TEST_P(NextStateTest, Decisions) {
  const Case& c = GetParam();
  State s;
  std::vector<Decision> got;
  for (const Tick& t : c.ticks) {
    Step step = NextState(s, t.obs, c.params, T(t.t));
    got.push_back(step.decision);
    s = step.state;
  }
  EXPECT_EQ(got, c.want);
  EXPECT_EQ(s.active, c.active_at_end);
}

using D = Decision;
INSTANTIATE_TEST_SUITE_P(
    Failover, NextStateTest,
    ::testing::ValuesIn(std::vector<Case>{
        {"healthy_does_nothing", P(), {{0, Healthy()}, {10, Healthy()}}, {D::kNone, D::kNone}, false},
        {"three_confirmations_activate_on_the_third",
         P(),
         {{0, Critical()}, {10, Critical()}, {20, Critical()}},
         {D::kPending, D::kPending, D::kActivate},
         true},
        {"one_confirmation_activates_at_once", P(1), {{0, Critical()}}, {D::kActivate}, true},
        {"evaluations_within_an_interval_count_once",
         P(),
         {{0, Critical()}, {2, Critical()}, {5, Critical()}, {7, Critical()}, {10, Critical()}},
         {D::kPending, D::kPending, D::kPending, D::kPending, D::kPending},
         false},
        {"flapping_parent_never_activates",
         P(),
         {{0, Critical()}, {10, Healthy()}, {20, Critical()}, {30, Healthy()}, {40, Critical()}, {50, Healthy()}},
         {D::kPending, D::kNone, D::kPending, D::kNone, D::kPending, D::kNone},
         false},
        {"unhealthy_backup_blocks_and_changes_nothing",
         P(),
         {{0, Critical(false)}, {10, Critical(false)}, {20, Critical(false)}, {30, Critical(false)}},
         {D::kPending, D::kPending, D::kBlocked, D::kBlocked},
         false},
        {"blocked_then_backup_recovers_activates",
         P(),
         {{0, Critical(false)}, {10, Critical(false)}, {20, Critical(false)}, {30, Critical(true)}},
         {D::kPending, D::kPending, D::kBlocked, D::kActivate},
         true},
        {"automatic_failback_after_hold_down",
         P(1, 60),
         {{0, Critical()}, {10, Healthy()}, {40, Healthy()}, {69, Healthy()}, {70, Healthy()}},
         {D::kActivate, D::kHolding, D::kHolding, D::kHolding, D::kFailback},
         false},
        {"relapse_restarts_hold_down",
         P(1, 60),
         {{0, Critical()}, {10, Healthy()}, {50, Critical()}, {60, Healthy()}, {100, Healthy()}, {120, Healthy()}},
         {D::kActivate, D::kHolding, D::kNone, D::kHolding, D::kHolding, D::kFailback},
         false},
        {"manual_failback_waits_for_approval",
         P(1, 0, api::Failback::kManual),
         {{0, Critical()}, {10, Healthy()}, {1000, Healthy()}},
         {D::kActivate, D::kAwaitApproval, D::kAwaitApproval},
         true},
        {"still_lost_while_active_stays_active",
         P(1),
         {{0, Critical()}, {10, Critical()}, {20, Critical()}},
         {D::kActivate, D::kNone, D::kNone},
         true},
    }),
    [](const auto& info) { return info.param.name; });

TEST(NextState, ManualApprovalFailsBack) {
  State s;
  s.active = true;
  Observation o = Healthy();
  o.failback_approved = true;
  Step step = NextState(s, o, P(1, 600, api::Failback::kManual), T(0));
  EXPECT_EQ(step.decision, Decision::kFailback);
  EXPECT_FALSE(step.state.active);
}

TEST(NextState, ActivationCarriesEvidenceAndTime) {
  Step step = NextState(State{}, Critical(), P(1), T(5));
  ASSERT_EQ(step.decision, Decision::kActivate);
  EXPECT_EQ(step.state.trigger, "DelegationMissing");
  EXPECT_NE(step.state.evidence.find("127.53.10.1"), std::string::npos);
  EXPECT_EQ(step.state.since, T(5));
}

TEST(NextState, BlockedSaysWhy) {
  Step step = NextState(State{}, Critical(false), P(1), T(0));
  EXPECT_EQ(step.decision, Decision::kBlocked);
  EXPECT_NE(step.message.find("Domain b (b.sm.)"), std::string::npos);
  EXPECT_FALSE(step.state.active);
}

TEST(NextState, PendingRequeuesOneIntervalAfterTheLastCountedCheck) {
  Step first = NextState(State{}, Critical(), P(), T(0));
  Step woken = NextState(first.state, Critical(), P(), T(3));  // another controller's status write
  EXPECT_EQ(woken.state.streak, 1);
  EXPECT_EQ(woken.requeue_after, seconds(7));
}

TEST(NextState, HoldingRequeuesAtTheEndOfHoldDown) {
  State s;
  s.active = true;
  s.healthy_since = T(0);
  Step step = NextState(s, Healthy(), P(1, 15), T(12));
  EXPECT_EQ(step.decision, Decision::kHolding);
  EXPECT_EQ(step.requeue_after, seconds(3));
}

}  // namespace
}  // namespace domainguard::failover
