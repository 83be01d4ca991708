// SweepLine and PhaseTimer: the figures of a sweep's log line.
#include "controller/delegation/sweep_times.h"

#include <thread>

#include <gtest/gtest.h>

namespace domainguard::delegation {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(SweepLine, NamesEveryCountAndPhaseInMillisecondsRoundedDown) {
  SweepTimes t;
  t.domains = 2000;
  t.wrote = 3;
  t.failed = 1;
  t.events = 2;
  t.prepare = milliseconds(900) + microseconds(999);
  t.lock_wait = microseconds(400);
  t.probe = milliseconds(1500);
  t.judge = milliseconds(700);
  t.write = milliseconds(500);
  EXPECT_EQ(SweepLine(t),
            "domains=2000 wrote=3 failed=1 events=2 total_ms=3601 prepare_ms=900 lock_wait_ms=0 probe_ms=1500 "
            "judge_ms=700 write_ms=500");
}

TEST(SweepLine, AnEmptySweepIsAllZeros) {
  EXPECT_EQ(SweepLine(SweepTimes{}),
            "domains=0 wrote=0 failed=0 events=0 total_ms=0 prepare_ms=0 lock_wait_ms=0 probe_ms=0 judge_ms=0 "
            "write_ms=0");
}

TEST(PhaseTimer, AddsTheScopesWallTimeToWhatIsThere) {
  std::chrono::nanoseconds into = milliseconds(5);
  {
    PhaseTimer timer(into);
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_GE(into, milliseconds(25));
  EXPECT_LT(into, milliseconds(2000));
}

}  // namespace
}  // namespace domainguard::delegation
