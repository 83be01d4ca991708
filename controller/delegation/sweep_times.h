// What one delegation sweep spent its wall time on, so a round of 10,000 Domains is explained by figures rather
// than inferred (issue #14: one round <= 15 s). One info line per sweep (SweepLine) names the Domain whose
// reconcile led it, how many Domains it took, and the milliseconds of each phase:
//   prepare    the leading Domain's expectations and every other due Domain's (AddDueOthers: reading the cache,
//              building or reusing the expected zone, the ledger's facts);
//   lock_wait  waiting for the prober (one sweep at a time through it);
//   probe      Prober::ObserveAll: every query of the batch in flight together;
//   judge      the verdicts, the Events and the status parts, Domain by Domain;
//   write      handing the parts to the status writer (or applying them, without one).
// Thread-safety: plain values; SweepLine is pure.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace domainguard::delegation {

struct SweepTimes {
  size_t domains = 0;   // Domains in the sweep
  size_t wrote = 0;     // of them, status parts that changed the status
  size_t failed = 0;    // of them, writes that failed (kept as `unwritten`, retried by their own reconcile)
  size_t events = 0;    // Events recorded
  std::chrono::nanoseconds prepare{0}, lock_wait{0}, probe{0}, judge{0}, write{0};

  std::chrono::nanoseconds Total() const { return prepare + lock_wait + probe + judge + write; }
};

// "domains=2000 wrote=3 failed=0 events=1 total_ms=3600 prepare_ms=900 lock_wait_ms=0 probe_ms=1500 judge_ms=700
// write_ms=500": the fields of the sweep's log line after its leading Domain. Milliseconds are rounded down.
std::string SweepLine(const SweepTimes& t);

// Times a phase into one of SweepTimes' durations: adds the wall time from construction to destruction.
class PhaseTimer {
 public:
  explicit PhaseTimer(std::chrono::nanoseconds& into) : into_(into), start_(std::chrono::steady_clock::now()) {}
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;
  ~PhaseTimer() { into_ += std::chrono::steady_clock::now() - start_; }

 private:
  std::chrono::nanoseconds& into_;
  const std::chrono::steady_clock::time_point start_;
};

}  // namespace domainguard::delegation
