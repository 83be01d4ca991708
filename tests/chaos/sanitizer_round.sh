#!/usr/bin/env bash
# The chaos suite's short round against the sanitizer build (tests/chaos/README.md "Sanitizers"):
#
#   tests/chaos/sanitizer_round.sh [run.sh flags...]      (default: --minutes 1.5, a new seed)
#
# Configures build-asan/ (-DDG_SANITIZE=ON: ASan + UBSan, UBSan fatal) when it is not configured yet, builds its
# domainguard, and runs one round with it: an ASan/UBSan report ends a controller with exit 66/67, which the round
# reports as a crash, and the report's first line is a violation of its own. Needs the bed up, as run.sh does.
# Not part of hack/test.sh: the sanitizer build of domainguard alone takes longer than CI's budget leaves.
#   DG_ASAN_BUILD=DIR   another build tree (default build-asan)
#   DG_BUILD_LOCK=FILE  take this flock(1) lock around configure and build (a machine shared by several builds)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
B="${DG_ASAN_BUILD:-$ROOT/build-asan}"
locked() { if [ -n "${DG_BUILD_LOCK:-}" ]; then flock "$DG_BUILD_LOCK" "$@"; else "$@"; fi; }
if [ ! -f "$B/build.ninja" ]; then
  locked cmake -S "$ROOT" -B "$B" -G Ninja -DDG_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g"
fi
locked cmake --build "$B" --target domainguard
[ $# -gt 0 ] || set -- --minutes 1.5
# ASan's shadow memory, quarantine and allocator put a controller at 450-650 MB where the normal build stays under
# 50 MB: the RSS bound is the normal build's invariant (LeakSanitizer is this build's), a later flag still wins.
set -- --rss-bound-mb 2048 "$@"
export DG_DOMAINGUARD_BIN="$B/controller/app/domainguard" DG_CHAOS_LOGS="${DG_CHAOS_LOGS:-$B/test-logs/chaos}"
exec "$ROOT/tests/chaos/run.sh" "$@"
