#include "controller/records/schedule.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// A sequence of passes, each ending as `ends`, then where NextCheck puts the next look.
struct Sequence {
  const char* name;
  std::vector<const char*> ends;  // "synced", "held" (waits for a person) or "down"
  std::chrono::milliseconds next;  // expected NextCheck(...).at - the last pass
};

TEST(AfterPass, BackoffCountsOutagesOnly) {
  ScheduleOptions o;  // poll 30 s, full 1 h, backoff 2 s .. 5 min
  const std::vector<const char*> held_20(20, "held");
  std::vector<const char*> held_then_down = held_20;
  held_then_down.push_back("down");
  std::vector<const char*> held_then_down_3 = held_then_down;
  held_then_down_3.insert(held_then_down_3.end(), {"down", "down"});
  std::vector<const char*> down_then_held = {"down", "down", "down", "down"};
  down_then_held.insert(down_then_held.end(), held_20.begin(), held_20.end());
  const Sequence cases[] = {
      {"one pass in sync: the full compare", {"synced"}, 1h},
      {"down once", {"down"}, 2s},
      {"down 4 times", {"down", "down", "down", "down"}, 16s},
      {"down, then in sync: the backoff is over", {"down", "down", "synced"}, 1h},
      {"held 20 passes: still the poll interval", held_20, 30s},
      // Chaos seed 222: 20 polls of a held change then one outage used to wait min(2 s * 2^20, 5 min).
      {"held 20 passes, then down: the first backoff step", held_then_down, 2s},
      {"held, then down 3 times: 8 s", held_then_down_3, 8s},
      {"down 4 times, then held: the poll interval", down_then_held, 30s},
  };
  for (const Sequence& c : cases) {
    ScheduleState s;
    MonotonicTime now = MonotonicTime{} + 10h;
    for (const char* end : c.ends) {
      now += 1s;
      const std::string e = end;
      s = AfterPass(s, now, e == "synced", e == "held");
    }
    EXPECT_TRUE(s.passed) << c.name;
    EXPECT_FALSE(s.changed) << c.name;
    Check got = NextCheck(s, now, o);
    EXPECT_FALSE(got.due) << c.name;
    EXPECT_EQ(got.at - now, std::chrono::duration_cast<MonotonicTime::duration>(c.next)) << c.name;
  }
}

TEST(AfterPass, InputsChangedAfterAPassMakeItDueAgain) {
  ScheduleState s;
  s.changed = true;
  const MonotonicTime now = MonotonicTime{} + 1h;
  s = AfterPass(s, now, false, true);
  EXPECT_FALSE(s.changed);
  s.changed = true;  // an approval arrives
  EXPECT_TRUE(NextCheck(s, now + 1s, ScheduleOptions{}).due);
}

}  // namespace
}  // namespace domainguard::records
