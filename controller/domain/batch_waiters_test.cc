#include "controller/domain/batch_waiters.h"

#include <gtest/gtest.h>

namespace domainguard::domain {
namespace {

using namespace std::chrono_literals;
using Keys = std::vector<std::string>;

const MonotonicTime kT0 = MonotonicTime{} + std::chrono::hours(1);

TEST(BatchWaitersTest, OnlyTheTimekeeperFollowsTheMovingEnd) {
  BatchWaiters w;
  // The batch's end moves on with every arrival; each key parks once, the first keeps the time.
  EXPECT_EQ(w.Park("ns/a", kT0 + 2s, kT0, 30s), 2s);
  EXPECT_EQ(w.Park("ns/b", kT0 + 2500ms, kT0 + 500ms, 30s), 30s);
  EXPECT_EQ(w.Park("ns/c", kT0 + 3s, kT0 + 1s, 30s), 30s);
  // The timekeeper comes back at the old end: the batch goes on, it parks again until the new one.
  EXPECT_EQ(w.Park("ns/a", kT0 + 4s, kT0 + 2s, 30s), 2s);
  EXPECT_EQ(w.size(), 3u);
  // The batch is over: the timekeeper runs and releases the others.
  EXPECT_EQ(w.Release("ns/a"), (Keys{"ns/b", "ns/c"}));
  EXPECT_TRUE(w.empty());
  // A later batch gets a timekeeper of its own.
  EXPECT_EQ(w.Park("ns/c", kT0 + 62s, kT0 + 60s, 30s), 2s);
}

TEST(BatchWaitersTest, FallbackNeverBeforeTheEnd) {
  BatchWaiters w;
  w.Park("ns/a", kT0 + 2s, kT0, 1s);
  EXPECT_EQ(w.Park("ns/b", kT0 + 5s, kT0, 1s), 5s);
}

TEST(BatchWaitersTest, AnyParkedKeyRunningAfterTheEndReleasesAll) {
  BatchWaiters w;
  w.Park("ns/a", kT0 + 2s, kT0, 30s);
  w.Park("ns/b", kT0 + 2s, kT0, 30s);
  w.Park("ns/c", kT0 + 2s, kT0, 30s);
  // ns/b woken by something else (a spec edit) once the batch is over.
  EXPECT_EQ(w.Release("ns/b"), (Keys{"ns/a", "ns/c"}));
  EXPECT_EQ(w.Release("ns/a"), Keys{});
}

TEST(BatchWaitersTest, ForgettingTheTimekeeperHandsTheTimeOver) {
  BatchWaiters w;
  w.Park("ns/a", kT0 + 2s, kT0, 30s);
  w.Park("ns/b", kT0 + 2s, kT0, 30s);
  w.Park("ns/c", kT0 + 2s, kT0, 30s);
  EXPECT_EQ(w.Forget("ns/c"), std::nullopt);  // not the timekeeper: just gone
  EXPECT_EQ(w.Forget("ns/a"), "ns/b");        // queued now by the caller, it keeps the time from its next Park
  EXPECT_EQ(w.Park("ns/b", kT0 + 4s, kT0 + 1s, 30s), 3s);
  EXPECT_EQ(w.Forget("ns/b"), std::nullopt);  // the last one
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.Forget("ns/x"), std::nullopt);  // never parked
}

TEST(QueueOnExitTest, QueuesTheCollectedKeysWhenItGoesOutOfScope) {
  Keys queued;
  {
    QueueOnExit wake([&](const std::string& k) { queued.push_back(k); });
    wake.keys = {"ns/a", "ns/b"};
    EXPECT_EQ(queued, Keys{});  // not while the pass (and its lock) is still on
  }
  EXPECT_EQ(queued, (Keys{"ns/a", "ns/b"}));
  { QueueOnExit no_queue(nullptr); no_queue.keys = {"ns/c"}; }  // no queue (a test without one): dropped, no call
}

}  // namespace
}  // namespace domainguard::domain
