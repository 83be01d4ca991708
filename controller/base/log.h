// Logging: spdlog is the one global in domainguard. One line per decision, key=value pairs (logfmt), the
// Domain named as namespace/name, e.g.
//   2026-11-23T17:40:55.123Z info records domain=web/example-com provider=pdns-a decision=apply changes=3
// Thread-safe (spdlog's multi-threaded sinks).
#pragma once

#include <string_view>

#include <spdlog/spdlog.h>

namespace domainguard {

// Sets up the default logger: stderr, UTC timestamps, `level` one of trace|debug|info|warn|error.
// Unknown levels fall back to info. Safe to call more than once (later calls replace the logger).
void InitLogging(std::string_view level);

}  // namespace domainguard
