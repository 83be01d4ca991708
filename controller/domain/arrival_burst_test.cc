#include "controller/domain/arrival_burst.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace domainguard::domain {
namespace {

using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;

const MonotonicTime kT0 = MonotonicTime{} + std::chrono::hours(1);

// Arrivals every `gap` from kT0, `count` of them.
std::vector<ms> Every(ms gap, int count, ms from = 0ms) {
  std::vector<ms> out;
  for (int i = 0; i < count; ++i) out.push_back(from + gap * i);
  return out;
}

struct Case {
  std::string name;
  std::vector<ms> arrivals;  // after kT0
  ms now;                    // after kT0
  std::optional<ms> ends;    // after kT0; null: no burst at `now`
};

TEST(ArrivalBurstTest, BurstOnlyWhileManyArriveAndTheLastIsRecent) {
  const BurstOptions o;  // quiet 2 s, window 5 s, 10 arrivals
  const std::vector<Case> cases = {
      {"nothing arrived", {}, 0ms, std::nullopt},
      {"one Domain by hand", {0ms}, 100ms, std::nullopt},
      {"nine in a second: under the count", Every(100ms, 9), 1s, std::nullopt},
      {"ten in a second: a batch", Every(100ms, 10), 1s, 2900ms},
      {"kubectl's pace (100/s), mid-apply", Every(10ms, 500), 5s, 6990ms},
      {"1.9 s after the last: still on", Every(10ms, 500), 6890ms, 6990ms},
      {"2 s after the last: over", Every(10ms, 500), 6990ms, std::nullopt},
      {"a gap of 1.5 s inside one apply does not end it", [] {
         std::vector<ms> a = Every(10ms, 100);
         for (ms t : Every(10ms, 100, 2500ms)) a.push_back(t);
         return a;
       }(), 2400ms, 2990ms},
      // Ten spread over 4.5 s: the oldest of the last ten leaves the window before the last is 2 s old.
      {"a slow trickle ends with the window", Every(500ms, 10), 4600ms, 5000ms},
      {"a trickle of one every 2 s is no burst", Every(2s, 20), 38500ms, std::nullopt},
  };
  for (const Case& c : cases) {
    ArrivalBurst b(o);
    size_t fed = 0;
    for (ms t : c.arrivals) {
      if (t > c.now) break;  // what has arrived by `now`
      b.Arrived(kT0 + t);
      ++fed;
    }
    std::optional<MonotonicTime> got = b.EndsAt(kT0 + c.now);
    if (!c.ends) {
      EXPECT_FALSE(got.has_value()) << c.name;
    } else {
      ASSERT_TRUE(got.has_value()) << c.name;
      EXPECT_EQ(std::chrono::duration_cast<ms>(*got - kT0).count(), c.ends->count()) << c.name;
    }
    EXPECT_EQ(b.total(), fed) << c.name;
  }
}

TEST(ArrivalBurstTest, ZeroArrivalsNeverABurst) {
  BurstOptions o;
  o.min_arrivals = 0;
  ArrivalBurst b(o);
  for (ms t : Every(1ms, 1000)) b.Arrived(kT0 + t);
  EXPECT_FALSE(b.EndsAt(kT0 + 1s).has_value());
  EXPECT_EQ(b.total(), 1000u);
}

TEST(ArrivalBurstTest, FirstPassHeldUntilTheBurstEndsAtMostTheLimit) {
  struct HoldCase {
    std::string name;
    std::vector<ms> arrivals;
    ms now, first_report, limit;
    std::optional<ms> until;
  };
  const std::vector<HoldCase> cases = {
      {"no burst: applied now", {0ms}, 1s, 0ms, 120s, std::nullopt},
      {"in a burst: until it ends", Every(10ms, 1000), 5s, 1s, 120s, 7000ms},
      {"a long batch: until the limit from the first report", Every(10ms, 1000), 3s, 1s, 3s, 4000ms},
      {"the limit passed: applied now", Every(10ms, 1000), 5s, 1s, 2s, std::nullopt},
      {"the burst over: applied now", Every(10ms, 100), 5s, 0ms, 120s, std::nullopt},
  };
  for (const HoldCase& c : cases) {
    ArrivalBurst b;
    for (ms t : c.arrivals) {
      if (t <= c.now) b.Arrived(kT0 + t);
    }
    std::optional<MonotonicTime> got = FirstPassHeldUntil(b, kT0 + c.now, kT0 + c.first_report, c.limit);
    if (!c.until) {
      EXPECT_FALSE(got.has_value()) << c.name;
    } else {
      ASSERT_TRUE(got.has_value()) << c.name;
      EXPECT_EQ(std::chrono::duration_cast<ms>(*got - kT0).count(), c.until->count()) << c.name;
    }
  }
}

}  // namespace
}  // namespace domainguard::domain
