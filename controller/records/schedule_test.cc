#include "controller/records/schedule.h"

#include <gtest/gtest.h>

namespace domainguard::records {
namespace {

using namespace std::chrono_literals;

struct Case {
  const char* name;
  ScheduleState state;
  std::chrono::milliseconds since_last;  // now - last_full
  bool due;
  std::chrono::milliseconds at;  // expected `at` - last_full when not due
};

TEST(NextCheck, Table) {
  const MonotonicTime t0 = MonotonicTime{} + 10h;
  ScheduleOptions o;  // poll 30 s, full 1 h, backoff 2 s .. 5 min
  const Case cases[] = {
      {"never passed", {false, {}, 0, false, false}, 0ms, true, 0ms},
      {"inputs changed", {true, t0, 0, false, true}, 1s, true, 0ms},
      {"in sync: no read until the full compare", {true, t0, 0, false, false}, 59min, false, 1h},
      {"in sync: full compare due", {true, t0, 0, false, false}, 1h, true, 0ms},
      {"down once: 2 s", {true, t0, 1, false, false}, 1s, false, 2s},
      {"down 3 times: 8 s", {true, t0, 3, false, false}, 1s, false, 8s},
      {"down 3 times, backoff over", {true, t0, 3, false, false}, 8s, true, 0ms},
      {"down long: capped at 5 min", {true, t0, 40, false, false}, 1s, false, 5min},
      {"held change: poll interval, no backoff", {true, t0, 5, true, false}, 10s, false, 30s},
      {"held change and approved meanwhile", {true, t0, 5, true, true}, 10s, true, 0ms},
  };
  for (const Case& c : cases) {
    ScheduleState s = c.state;
    if (s.passed) s.last_full = t0;
    const MonotonicTime now = (s.passed ? t0 : MonotonicTime{} + 1h) + c.since_last;
    Check got = NextCheck(s, now, o);
    EXPECT_EQ(got.due, c.due) << c.name;
    if (!c.due) {
      EXPECT_EQ(got.at - t0, std::chrono::duration_cast<MonotonicTime::duration>(c.at)) << c.name;
    }
  }
}

}  // namespace
}  // namespace domainguard::records
