// A delegation sweep's phases as one log line's fields. See sweep_times.h.
#include "controller/delegation/sweep_times.h"

namespace domainguard::delegation {
namespace {

std::string Ms(std::chrono::nanoseconds d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

}  // namespace

std::string SweepLine(const SweepTimes& t) {
  return "domains=" + std::to_string(t.domains) + " wrote=" + std::to_string(t.wrote) +
         " failed=" + std::to_string(t.failed) + " events=" + std::to_string(t.events) + " total_ms=" + Ms(t.Total()) +
         " prepare_ms=" + Ms(t.prepare) + " lock_wait_ms=" + Ms(t.lock_wait) + " probe_ms=" + Ms(t.probe) +
         " judge_ms=" + Ms(t.judge) + " write_ms=" + Ms(t.write);
}

}  // namespace domainguard::delegation
