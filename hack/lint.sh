#!/usr/bin/env bash
# Runs clang-tidy (checks in .clang-tidy: clang-analyzer core and a few bug-prone checks) over every
# controller/ source, using build/compile_commands.json. Exits non-zero on any finding.
#
#   hack/lint.sh [BUILD_DIR]     default build/
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need clang-tidy
build=${1:-$DG_ROOT/build}
[ -f "$build/compile_commands.json" ] || die "no $build/compile_commands.json (run cmake first, e.g. hack/test.sh --unit-only)"
cd "$DG_ROOT"
mapfile -t files < <(git ls-files 'controller/*.cc' | grep -v '_fuzz\.cc$')
step "clang-tidy on ${#files[@]} files"
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet
step "clang-tidy clean"
