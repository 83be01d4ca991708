// SOA serial arithmetic (RFC 1982) and the repair of a serial that moved backwards at a provider.
//
// A zone's serial going backwards behind domainguard's back (a restore of old data, a zone deleted and recreated, a
// hand edit) is silent trouble: secondaries compare serials with RFC 1982 arithmetic and stop transferring until the
// primary's serial passes the highest one they hold. domainguard remembers the highest serial it saw at each
// provider (status.providers[].serial) and raises the serial past it, changing no record.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace domainguard::records {

// RFC 1982 §3.2 for 32-bit serials: true when `a` is less than `b`. Pairs exactly 2^31 apart are undefined by the
// RFC and compare as not less either way.
bool SerialLess(uint32_t a, uint32_t b);

// The serial to raise a zone to when it now has `current` and domainguard last saw `last_seen` there: last_seen + 1
// (mod 2^32) when `current` is behind `last_seen` (SerialLess), else nullopt. No last serial (0 or nullopt): nullopt.
std::optional<uint32_t> SerialRepairTarget(std::optional<uint32_t> last_seen, uint32_t current);

}  // namespace domainguard::records
