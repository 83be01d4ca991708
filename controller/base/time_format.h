// Go-style durations ("90s", "1h30m", "720h") and RFC 3339 timestamps, as the API uses them.
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "controller/base/clock.h"
#include "controller/base/result.h"

namespace domainguard {

// Parses a Go duration: a sequence of decimal numbers (fractions allowed) each with a unit of ns, us, µs, ms,
// s, m, h. "0" alone is zero. Fails with kInvalidArgument naming the text on anything else, including a
// negative sign (no API field takes a negative duration) and values beyond ~292 years.
Result<std::chrono::nanoseconds> ParseDuration(std::string_view text);

// Formats like Go's time.Duration.String(): "1h30m0s", "45s", "1.5s", "0s".
std::string FormatDuration(std::chrono::nanoseconds d);

// Formats as RFC 3339 UTC with whole seconds: "2026-11-23T17:40:55Z".
std::string FormatRfc3339(SystemTime t);

// Parses RFC 3339 / ISO 8601 timestamps as registries write them: "2026-11-23T17:40:55Z",
// "...55.123Z", "...55+02:00", "...55.0Z", and "2026-11-23" alone (midnight UTC). Fails with kInvalidArgument.
Result<SystemTime> ParseRfc3339(std::string_view text);

}  // namespace domainguard
