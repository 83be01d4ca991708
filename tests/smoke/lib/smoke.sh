# shellcheck shell=bash disable=SC2034 # UNIQ, UNIQ_DNS are for the scripts that source this
# Shared helpers of the bed smoke tests (tests/smoke/*.sh). Sourced, never run.
# A smoke test is a small script that talks to the running test bed (hack/testbed.sh up; the bed's variables
# exported, as hack/test.sh does) and exits non-zero with one "FAIL: ..." line saying what a user would notice.
set -euo pipefail
SMOKE_NAME="$(basename "$0" .sh)"
source "$(dirname "${BASH_SOURCE[0]}")/../../../hack/lib.sh"
tools_path

fail() { printf 'FAIL: %s: %s\n' "$SMOKE_NAME" "$*" >&2; exit 1; }
note() { printf '    %s: %s\n' "$SMOKE_NAME" "$*" >&2; }

# need_env VAR...: every bed variable this test reads; unset means the bed is not up (a failure here).
need_env() {
  local v
  for v in "$@"; do
    [ -n "${!v:-}" ] || fail "bed variable $v is unset (eval \"\$(hack/testbed.sh env)\")"
  done
}

# A name unique to this run, so reruns against a kept bed never collide.
UNIQ="$(date +%s)-$$"
UNIQ_DNS="s$(date +%s)x$$"

# retry SECONDS CMD...: until CMD succeeds (quietly) or SECONDS pass.
retry() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# out_has REGEX CMD...: CMD's output (stdout+stderr) matches REGEX. The output is captured first: with
# pipefail, `cmd | grep -q` fails at random when grep exits before cmd has written everything (SIGPIPE).
out_has() {
  local re=$1 out
  shift
  out="$("$@" 2>&1)" || true
  grep -qE -- "$re" <<<"$out"
}
