// A tolerant parser for the dates registries print in WHOIS (and some RDAP servers): it reads the parts of a
// date (year, month as number or name, day, optional time and zone) from whatever layout they come in, rather
// than trying a fixed list of layouts that fails on the next registry.
//
//   "2027-03-01T21:00:00Z", "2027-03-01T21:00:00.34Z", "2027-03-01 21:00:00+0300", "2027-03-01T21:00:00-07:00",
//   "2027.03.01", "2027/03/01 10:00:00 (JST)", "20270301", "01-Mar-2027", "01 March 2027", "March 1 2027",
//   "01.03.2027", "01/03/2027", "03/31/2027" (US only when the day cannot be the month),
//   "Mon Mar 01 21:00:00 GMT 2027", "2027-03-01 21:00:00 UTC", "2-Mar-27".
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "controller/base/clock.h"

namespace domainguard::registration {

// Returns the instant the text names (UTC when the text names no zone), or nullopt when it holds no
// unambiguous valid date. Never guesses a date from partial input (a year alone, a month alone).
std::optional<SystemTime> ParseLooseDate(std::string_view text);

}  // namespace domainguard::registration
