// When the records controller looks at a Domain's zone again: a pure function of what the last full pass left and
// whether its inputs changed, table-tested in schedule_test.cc.
//
//   never passed, or inputs changed (spec, approval, a DNSProvider's spec or Ready,   -> full pass now
//   the recordsFrom ConfigMap, failover's extra records), or a full pass was asked
//   for (a NOTIFY, the serial poller saw the zone's serial move, the serving check)
//   every provider in sync                                                           -> full compare after
//                                                                                       full_compare_interval
//   a provider not in sync, waiting for a person (a held change, a bad spec, a      -> again after poll_interval
//   conflict, a foreign rrset kept)
//   a provider not in sync otherwise (down, refused a write)                         -> again after a backoff
//                                                                                       (min doubling to max)
// The backoff doubles with consecutive passes that ended on an outage only: a pass in sync or waiting for a person
// (the provider answered) starts it again, so the poll passes of a held change never grow it (AfterPass).
// Between full compares nothing is read per Domain: each provider's serial poller (providers/serial_poller.h)
// asks for every zone's serial in one request per interval and asks for a full pass of the zones that moved.
#pragma once

#include <chrono>

#include "controller/base/clock.h"

namespace domainguard::records {

struct ScheduleOptions {
  std::chrono::milliseconds poll_interval{std::chrono::seconds(30)};
  std::chrono::milliseconds full_compare_interval{std::chrono::hours(1)};
  std::chrono::milliseconds min_backoff{std::chrono::seconds(2)};
  std::chrono::milliseconds max_backoff{std::chrono::minutes(5)};
};

struct ScheduleState {
  bool passed = false;            // a full pass ran for this Domain since the controller started
  MonotonicTime last_full{};      // when it ran
  int failures = 0;               // consecutive passes that ended on an outage (not in sync, no person awaited)
  bool waits_for_person = false;  // the last pass ended on something only a person resolves
  bool changed = false;           // inputs changed since, or a full pass was asked for
};

struct Check {
  bool due = false;  // run a full pass now
  MonotonicTime at{};  // when not due: when to look again
};

Check NextCheck(const ScheduleState& state, MonotonicTime now, const ScheduleOptions& options);

// The state a full pass that ended at `now` leaves: in sync, waiting for a person, or one more outage. Counting a
// held change's passes as failures gave the first outage after an hour on hold the 5-minute backoff at once (chaos
// seed 222: BIND back after a freeze, the approved change written 2 minutes later).
ScheduleState AfterPass(ScheduleState state, MonotonicTime now, bool synced, bool waits_for_person);

}  // namespace domainguard::records
