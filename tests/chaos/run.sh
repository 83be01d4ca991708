#!/usr/bin/env bash
# The chaos suite (tests/chaos/README.md): tests/chaos/run.sh [--seed N] [--minutes M] [--long] [--no-hostile] ...
# Needs the bed's variables (eval "$(hack/testbed.sh env)"; taken from the bed itself when unset) and a built
# domainguard (DG_DOMAINGUARD_BIN, default build/controller/app/domainguard).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/hack/lib.sh"
tools_path
need kubectl dig nsupdate python3
if [ -z "${DG_PDNS_A_API:-}" ]; then eval "$("$ROOT/hack/testbed.sh" env)"; fi
exec python3 "$ROOT/tests/chaos/chaos.py" "$@"
