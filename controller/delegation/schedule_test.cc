#include "controller/delegation/schedule.h"

#include <gtest/gtest.h>

namespace domainguard::delegation {
namespace {

using namespace std::chrono_literals;
using Action = NextCheck::Action;

const MonotonicTime kNow = MonotonicTime{} + 1000h;

struct Case {
  const char* what;
  ScheduleState state;
  Action action;
  std::chrono::nanoseconds after;
};

ScheduleState Probed(int64_t generation, MonotonicTime due, int64_t now_generation) {
  ScheduleState s;
  s.last = ScheduleState::Probed{generation, due};
  s.generation = now_generation;
  return s;
}

ScheduleState WaitingForRecords(std::optional<MonotonicTime> since, std::chrono::nanoseconds wait) {
  ScheduleState s;
  s.generation = 2;
  s.records_reported = false;
  s.records_wait_since = since;
  s.records_wait = wait;
  return s;
}

TEST(NextDelegationCheck, Table) {
  const Case cases[] = {
      {"never probed, records reported", ScheduleState{}, Action::kProbe, 0s},
      {"probed, not due yet", Probed(1, kNow + 40s, 1), Action::kWait, 40s},
      {"probed, due now", Probed(1, kNow, 1), Action::kProbe, 0s},
      {"probed, overdue", Probed(1, kNow - 5s, 1), Action::kProbe, 0s},
      {"spec edited since the probe: at once", Probed(1, kNow + 40s, 2), Action::kProbe, 0s},
      {"new generation, records not reported: wait the whole records_wait",
       WaitingForRecords(std::nullopt, 30s), Action::kWaitForRecords, 30s},
      {"records wait begun 10s ago", WaitingForRecords(kNow - 10s, 30s), Action::kWaitForRecords, 20s},
      {"records wait over: probe anyway", WaitingForRecords(kNow - 30s, 30s), Action::kProbe, 0s},
      {"records wait disabled", WaitingForRecords(std::nullopt, 0s), Action::kProbe, 0s},
  };
  for (const Case& c : cases) {
    NextCheck n = NextDelegationCheck(c.state, kNow);
    EXPECT_EQ(n.action, c.action) << c.what;
    EXPECT_EQ(n.after, c.after) << c.what;
  }
}

TEST(NextDelegationCheck, NotDueWinsOverARecordsWait) {
  // Probed this generation already (e.g. after the records wait ran out): the interval decides, not the report.
  ScheduleState s = Probed(2, kNow + 50s, 2);
  s.records_reported = false;
  s.records_wait = 30s;
  NextCheck n = NextDelegationCheck(s, kNow);
  EXPECT_EQ(n.action, Action::kWait);
  EXPECT_EQ(n.after, 50s);
}

TEST(NextRound, Table) {
  const MonotonicTime round = MonotonicTime{} + 1000h;  // a multiple of every interval below
  struct RoundCase {
    const char* what;
    MonotonicTime probed_at;
    std::chrono::nanoseconds interval;
    MonotonicTime due;
  };
  const RoundCase cases[] = {
      {"probed at a round's start: the next round", round, 60s, round + 60s},
      {"probed late in a round (its 5th sweep): still the next round", round + 9s, 60s, round + 60s},
      {"probed just under half an interval late", round + 29s, 60s, round + 60s},
      {"probed half an interval late: the round after half an interval", round + 30s, 60s, round + 60s},
      {"probed more than half an interval late: the round after", round + 31s, 60s, round + 120s},
      {"a new Domain probed 2 s before a round: not probed again 2 s later", round - 2s, 60s, round + 60s},
      {"another interval: its own rounds", round + 10s, 5min, round + 5min},
      {"a 90 s interval", round + 1s, 90s, round + 90s},
      {"no interval", round + 3s, 0s, round + 3s},
  };
  for (const RoundCase& c : cases) {
    EXPECT_EQ(NextRound(c.probed_at, c.interval), c.due) << c.what;
  }
}

TEST(NextRound, ZonesProbedApartAreProbedTogetherFromTheSecondRound) {
  // A restart's first round spread over 40 s, each sweep judged up to 9 s after its round began.
  const MonotonicTime start = MonotonicTime{} + 1000h + 13s;
  const MonotonicTime together = NextRound(start, 60s) + 60s;
  for (std::chrono::seconds spread : {0s, 1s, 12s, 17s, 29s, 40s}) {
    const MonotonicTime second = NextRound(start + spread, 60s);
    const MonotonicTime third = NextRound(second + 9s, 60s);
    EXPECT_TRUE(second == together || third == together) << "first probed " << spread.count() << " s late";
    EXPECT_EQ(third - second, 60s) << "aligned: one interval apart";
  }
}

}  // namespace
}  // namespace domainguard::delegation
