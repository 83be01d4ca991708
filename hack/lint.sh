#!/usr/bin/env bash
# Runs clang-tidy (checks in .clang-tidy: clang-analyzer core and a few bug-prone checks) over every
# controller/ source, using the compile commands of a clang build. Exits non-zero on any finding.
#
#   hack/lint.sh [BUILD_DIR]     default build-fuzz/ (the clang build hack/test.sh makes for fuzzing): clang-tidy
#                                cannot read GCC's precompiled headers or GCC-only warning flags of build/
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need clang-tidy
build=${1:-$DG_ROOT/build-fuzz}
[ -f "$build/compile_commands.json" ] ||
  die "no $build/compile_commands.json (a clang build: hack/test.sh makes build-fuzz/, or CC=clang CXX=clang++ cmake -B $build)"
cd "$DG_ROOT"
# The precompiled headers the compile commands name (a fuzz-only build has not made the tests' one).
if grep -q 'cmake_pch' "$build/compile_commands.json"; then
  step "building the precompiled headers clang-tidy reads"
  cmake --build "$build" --target dg_pch_lib dg_pch_test >/dev/null || die "building the precompiled headers in $build failed"
fi
mapfile -t files < <(git ls-files 'controller/*.cc' | grep -v '_fuzz\.cc$')
step "clang-tidy on ${#files[@]} files"
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet
step "clang-tidy clean"
