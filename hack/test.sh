#!/usr/bin/env bash
# The one test command of domainguard (also what CI runs, through .ci/run).
#
#   hack/test.sh [--unit-only] [--keep-bed] [--no-fuzz] [--no-install] [--no-build] [--filter REGEX]
#
# Stages, each timed: install (hack/install.sh, idempotent) -> configure + build into build/ (-DDG_WERROR=ON)
# -> unit tests (ctest -L unit) -> test bed up -> smoke tests (tests/smoke/*.sh) -> integration and e2e tests
# (ctest -L integration / -L e2e, with the bed's variables and DG_REQUIRE_BED=1) -> a chaos round (ctest -L chaos,
# tests/chaos/README.md) -> fuzz (when clang is present:
# build-fuzz/ with -DDG_FUZZ=ON, each fuzz target for DG_FUZZ_SECONDS, default 20) -> test bed down.
#
#   --unit-only     install, build and unit tests only (no bed, no fuzz)
#   --keep-bed      leave the bed up afterwards (eval "$(hack/testbed.sh env)" to use it)
#   --no-fuzz       skip the fuzz stage
#   --no-install    skip hack/install.sh (a machine known to be set up; saves a few seconds)
#   --no-build      test build/ (and build-fuzz/) as they are, without configuring or building
#   --filter REGEX  only ctest tests, smoke scripts and fuzz targets whose name matches REGEX
#
# A bed that was already up before this run (started by hand with hack/testbed.sh up) is used and left up.
# The bed comes down on failure and on Ctrl-C too. Logs: build/test-logs/. The last line is always
# "N passed, N failed" (ctest tests + smoke scripts + fuzz targets + any stage that broke); exit 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
source hack/lib.sh

UNIT_ONLY=0 KEEP_BED=0 NO_FUZZ=0 NO_INSTALL=0 NO_BUILD=0 FILTER=""
while [ $# -gt 0 ]; do
  case "$1" in
    --unit-only) UNIT_ONLY=1 ;;
    --keep-bed) KEEP_BED=1 ;;
    --no-fuzz) NO_FUZZ=1 ;;
    --no-install) NO_INSTALL=1 ;;
    --no-build) NO_BUILD=1 ;;
    --filter) [ $# -ge 2 ] || die "--filter needs a REGEX"; FILTER=$2; shift ;;
    --filter=*) FILTER=${1#--filter=} ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see hack/test.sh --help)" ;;
  esac
  shift
done

BUILD="$DG_ROOT/build"
FUZZ_BUILD="$DG_ROOT/build-fuzz"
LOGS="$BUILD/test-logs"
FUZZ_SECONDS="${DG_FUZZ_SECONDS:-20}"
JOBS="${DG_JOBS:-$(nproc)}"
# e2e tests mostly wait on probe intervals, so more of them run at once than there are cores; a script that stops
# a shared bed part runs alone (tests/CMakeLists.txt). Fuzz targets run DG_FUZZ_JOBS at a time, one per core.
E2E_JOBS="${DG_E2E_JOBS:-4}"
FUZZ_JOBS="${DG_FUZZ_JOBS:-$JOBS}"
# Tests build at -O1 with line tables only: half the compile time of -O2 -g on 2 cores, and still optimised
# enough for the sanitizers and the timing-free tests. Benchmarks build separately at -O2 (tests/bench/README.md).
TEST_FLAGS=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
            "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG")
PASSED=0 FAILED=0 SKIPPED=0
FAILURES=()
TIMINGS=()
BED_OURS=0
T_START=$SECONDS

mkdir -p "$LOGS"
rm -f "$LOGS"/*.xml

# stage NAME CMD...: runs CMD and records its duration. CMD counts its own tests; when it breaks without
# counting anything (a build error, say), the stage itself counts as one failure.
stage() {
  local name=$1 t0=$SECONDS rc before=$FAILED
  shift
  step "$name"
  "$@"
  rc=$?
  TIMINGS+=("$(printf '%-22s %5ss  %s' "$name" $((SECONDS - t0)) "$([ $rc -eq 0 ] && echo ok || echo FAILED)")")
  if [ $rc -ne 0 ] && [ "$FAILED" -eq "$before" ]; then
    FAILED=$((FAILED + 1))
    FAILURES+=("stage $name")
  fi
  return $rc
}

# count_junit FILE: adds ctest's results in FILE to the totals (skipped tests are reported, not counted).
count_junit() {
  local f=$1 counts p fl sk
  [ -s "$f" ] || return 0
  counts="$(python3 - "$f" <<'EOF'
import sys, xml.etree.ElementTree as ET
p = f = s = 0
failed = []
for tc in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    if tc.find("failure") is not None or tc.find("error") is not None:
        f += 1
        # Parameterised gtest names carry "  # GetParam() = <bytes>": the name alone says which test.
        failed.append(tc.get("name", "?").split("  # ")[0])
    elif tc.find("skipped") is not None or tc.get("status") in ("notrun", "disabled"):
        s += 1
    else:
        p += 1
print(p, f, s)
for name in failed:
    print(name)
EOF
)" || { FAILED=$((FAILED + 1)); FAILURES+=("unreadable $f"); return; }
  read -r p fl sk <<<"$(head -1 <<<"$counts")"
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + fl))
  SKIPPED=$((SKIPPED + sk))
  local n
  while IFS= read -r n; do [ -n "$n" ] && FAILURES+=("ctest $n"); done < <(tail -n +2 <<<"$counts")
}

# run_ctest LABEL [JOBS]: ctest for one label, results counted from its junit file. Exit status: any test failed.
run_ctest() {
  local label=$1 jobs=${2:-$JOBS} junit="$LOGS/ctest-$1.xml" args=()
  [ -n "$FILTER" ] && args+=(-R "$FILTER")
  ctest --test-dir "$BUILD" -L "^$label\$" --output-on-failure --no-tests=ignore -j "$jobs" --timeout 600 \
    --output-junit "$junit" "${args[@]}" 2>&1 | tee "$LOGS/ctest-$label.log" |
    grep -vE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed|^ +Start +[0-9]+: |^Internal ctest changing into directory|^Test project |^$'
  local before=$FAILED
  count_junit "$junit"
  # A ctest that crashed before writing junit still must not pass silently.
  if [ ! -s "$junit" ] && grep -qE 'tests failed|Errors while running CTest' "$LOGS/ctest-$label.log"; then
    FAILED=$((FAILED + 1))
    FAILURES+=("ctest -L $label (no junit)")
  fi
  grep -E 'tests passed|No tests were found' "$LOGS/ctest-$label.log" | tail -1 | sed 's/^/    /' >&2
  [ "$FAILED" -eq "$before" ]
}

do_install() {
  hack/install.sh 2>&1 | tee "$LOGS/install.log" | grep -E '^(==>|error)' >&2
  return "${PIPESTATUS[0]}"
}

do_build() {
  need cmake ninja
  cmake -S "$DG_ROOT" -B "$BUILD" -G Ninja -DDG_WERROR=ON "${TEST_FLAGS[@]}" >"$LOGS/configure.log" 2>&1 ||
    { tail -30 "$LOGS/configure.log" >&2; echo "error: cmake configure failed (log: $LOGS/configure.log)" >&2; return 1; }
  # -k 0: build all that builds, so the tests of the parts that compile still run and count.
  cmake --build "$BUILD" -j "$JOBS" -- -k 0 >"$LOGS/build.log" 2>&1 ||
    { grep -E 'error|FAILED' "$LOGS/build.log" | head -30 >&2; echo "error: build failed (log: $LOGS/build.log)" >&2
      count_not_built; return 1; }
  info "built ($(grep -c '^\[' "$LOGS/build.log" || true) steps)"
}

# count_not_built: each test binary that did not build is one failure (ctest lists it as <target>_NOT_BUILT,
# without labels, so the ctest stages would not see it).
count_not_built() {
  local t
  for t in $(ctest --test-dir "$BUILD" -N 2>/dev/null | sed -n 's/^ *Test *#[0-9]*: \(.*_NOT_BUILT\)$/\1/p'); do
    FAILED=$((FAILED + 1))
    FAILURES+=("not built: ${t%_NOT_BUILT}")
  done
}

# bed_up: use a bed that is already up (and leave it so), else start one and own it.
bed_up() {
  if hack/testbed.sh status >/dev/null 2>&1; then
    if [ -f "${DG_BED_DIR:-/tmp/domainguard-bed}/.owned-by-test-sh" ]; then
      info "reusing the bed a previous (interrupted) hack/test.sh left up"
      BED_OURS=1
    else
      info "using the bed that is already up (started by hand: it stays up)"
    fi
  else
    BED_OURS=1
    hack/testbed.sh up 2>&1 | tee "$LOGS/bed-up.log" >&2
    [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
    touch "${DG_BED_DIR:-/tmp/domainguard-bed}/.owned-by-test-sh"
  fi
  local envs
  envs="$(hack/testbed.sh env)" || return 1
  eval "$envs"
}

bed_down() {
  [ "$BED_OURS" = 1 ] || return 0
  BED_OURS=0
  if [ "$KEEP_BED" = 1 ]; then
    rm -f "${DG_BED_DIR:-/tmp/domainguard-bed}/.owned-by-test-sh"
    info "bed kept up (--keep-bed): eval \"\$(hack/testbed.sh env)\"; hack/testbed.sh down when done"
    return 0
  fi
  local t0=$SECONDS
  step "test bed down"
  hack/testbed.sh down >"$LOGS/bed-down.log" 2>&1 || { cat "$LOGS/bed-down.log" >&2; return 1; }
  TIMINGS+=("$(printf '%-22s %5ss  %s' "bed down" $((SECONDS - t0)) ok)")
}

run_smoke() {
  local f name t0 rc any=0
  # The bed's smoke tests, then the CRD validation and chart tests (each a script against the bed's apiserver).
  for f in tests/smoke/*.sh crds/tests/*_test.sh charts/domainguard/tests/*_test.sh; do
    name="smoke/$(basename "$f" .sh)"
    [ -n "$FILTER" ] && ! [[ "$name" =~ $FILTER ]] && continue
    t0=$SECONDS
    timeout 180 "$f" >"$LOGS/$(basename "$f" .sh).smoke.log" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then
      PASSED=$((PASSED + 1))
      printf '    PASS %-28s %3ss\n' "$name" $((SECONDS - t0)) >&2
    else
      FAILED=$((FAILED + 1))
      FAILURES+=("$name")
      any=1
      printf '    FAIL %-28s %3ss  %s\n' "$name" $((SECONDS - t0)) \
        "$( (grep -h '^FAIL' "$LOGS/$(basename "$f" .sh).smoke.log" || tail -1 "$LOGS/$(basename "$f" .sh).smoke.log") | head -1)" >&2
      [ $rc -eq 124 ] && info "(timed out after 180s; log: $LOGS/$(basename "$f" .sh).smoke.log)"
    fi
  done
  return $any
}

# Fuzz targets are the executables linked with -fsanitize=fuzzer (dg_fuzz); found in build.ninja's link rules.
fuzz_targets() {
  awk '/^build [^:]+: CXX_EXECUTABLE_LINKER__/ { n=$2; sub(/:$/, "", n); t=$3; sub(/^CXX_EXECUTABLE_LINKER__/, "", t); sub(/_[A-Za-z]+$/, "", t); cur=t; path=n; next }
       /^build / { cur="" }
       cur != "" && /^ +LINK_FLAGS = / && / -fsanitize=fuzzer( |$)/ { print cur, path; cur="" }' "$FUZZ_BUILD/build.ninja"
}

# fuzz_one TARGET PATH: runs one fuzz target for FUZZ_SECONDS; leaves "RC SECONDS" in $LOGS/fuzz-TARGET.result.
fuzz_one() {
  local t=$1 path=$2 corpus="$FUZZ_BUILD/corpus/$1" log="$LOGS/fuzz-$1.log" t0=$SECONDS rc
  mkdir -p "$corpus" "$FUZZ_BUILD/crashes"
  if [ ! -x "$FUZZ_BUILD/$path" ]; then
    echo "notbuilt 0" >"$LOGS/fuzz-$t.result"
    return
  fi
  # Our own timeout on top of -max_total_time: a hang in one input must not stall the run.
  # Slow unwinding on malloc: libldns has no frame pointers, so a fast stack stops at its first frame and a
  # leak inside ldns (suppressed by function name) could not be told from one of ours. Costs executions, not
  # coverage of what the suppressions hide. Seeds kept in the repository (tests/fuzz/seeds/<target>, e.g. the
  # registration corpus's real answers) are read as well; new inputs go to $corpus only.
  ASAN_OPTIONS="fast_unwind_on_malloc=0" LSAN_OPTIONS="suppressions=$DG_ROOT/tests/fuzz/lsan_suppressions.txt" \
    timeout $((FUZZ_SECONDS + 60)) "$FUZZ_BUILD/$path" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$FUZZ_BUILD/crashes/$t-" -print_final_stats=1 "$corpus" \
    $([ -d "$DG_ROOT/tests/fuzz/seeds/$t" ] && echo "$DG_ROOT/tests/fuzz/seeds/$t/") >"$log" 2>&1
  rc=$?
  echo "$rc $((SECONDS - t0))" >"$LOGS/fuzz-$t.result"
}

run_fuzz() {
  [ "$NO_BUILD" = 1 ] && [ -f "$FUZZ_BUILD/build.ninja" ] || CC=clang CXX=clang++ cmake -S "$DG_ROOT" -B "$FUZZ_BUILD" -G Ninja -DDG_FUZZ=ON -DDG_WERROR=ON "${TEST_FLAGS[@]}" >"$LOGS/fuzz-configure.log" 2>&1 ||
    { tail -20 "$LOGS/fuzz-configure.log" >&2; echo "error: fuzz configure failed (log: $LOGS/fuzz-configure.log)" >&2; return 1; }
  local targets=() paths=() t p
  while read -r t p; do
    [ -n "$FILTER" ] && ! [[ "fuzz/$t" =~ $FILTER ]] && continue
    targets+=("$t")
    paths+=("$p")
  done < <(fuzz_targets)
  if [ "${#targets[@]}" -eq 0 ]; then
    info "no fuzz targets (dg_fuzz) found"
    return 0
  fi
  info "${#targets[@]} fuzz targets: ${targets[*]}"
  local i rc any=0 log
  # -k 0: the targets that build are run; each one that does not counts as a failure below.
  [ "$NO_BUILD" = 1 ] || cmake --build "$FUZZ_BUILD" -j "$JOBS" --target "${targets[@]}" -- -k 0 >"$LOGS/fuzz-build.log" 2>&1 ||
    { grep -E 'error|FAILED' "$LOGS/fuzz-build.log" | head -30 >&2; echo "error: fuzz build failed (log: $LOGS/fuzz-build.log)" >&2; }
  # FUZZ_JOBS targets at a time (each is single-threaded); results are reported in the targets' order.
  rm -f "$LOGS"/fuzz-*.result
  for i in "${!targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$FUZZ_JOBS" ]; do wait -n || true; done
    fuzz_one "${targets[$i]}" "${paths[$i]}" &
  done
  wait
  for i in "${!targets[@]}"; do
    t=${targets[$i]}
    log="$LOGS/fuzz-$t.log"
    read -r rc secs <"$LOGS/fuzz-$t.result" 2>/dev/null || { rc=127; secs=0; }
    if [ "$rc" = notbuilt ]; then
      FAILED=$((FAILED + 1)); FAILURES+=("fuzz/$t (not built)"); any=1
      printf '    FAIL fuzz/%-24s not built\n' "$t" >&2
    elif [ "$rc" -eq 0 ]; then
      PASSED=$((PASSED + 1))
      printf '    PASS fuzz/%-24s %3ss  %s\n' "$t" "$secs" "$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs" >&2
    else
      FAILED=$((FAILED + 1))
      FAILURES+=("fuzz/$t")
      any=1
      printf '    FAIL fuzz/%-24s %3ss  %s (log: %s)\n' "$t" "$secs" \
        "$(grep -m1 -E 'ERROR: (libFuzzer|AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error' "$log" | cut -c1-160)" "$log" >&2
    fi
  done
  return $any
}

finish() {
  local rc=$?
  trap - EXIT INT TERM
  bed_down || { FAILED=$((FAILED + 1)); FAILURES+=("bed down"); }
  echo >&2
  step "timings (total $((SECONDS - T_START))s)"
  local l
  for l in "${TIMINGS[@]}"; do info "$l"; done
  if [ "${#FAILURES[@]}" -gt 0 ]; then
    step "failures"
    for l in "${FAILURES[@]}"; do info "$l"; done
  fi
  [ "$SKIPPED" -gt 0 ] && info "($SKIPPED skipped)"
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ] && [ "${INTERRUPTED:-0}" -eq 0 ] && exit 0
  exit 1
}
on_signal() {
  INTERRUPTED=1
  FAILED=$((FAILED + 1))
  FAILURES+=("interrupted")
  exit 130
}
trap finish EXIT
trap on_signal INT TERM

if [ "$NO_INSTALL" = 0 ]; then stage install do_install || exit 1; fi
# A broken build fails the run (one failure), but what did build is still tested: a test whose binary did not
# build shows up in ctest as *_NOT_BUILT and fails; tests of parts that compiled pass or fail on their own.
BUILD_OK=1
if [ "$NO_BUILD" = 0 ]; then stage build do_build || BUILD_OK=0; fi
if [ "$BUILD_OK" = 1 ] || [ -f "$BUILD/CTestTestfile.cmake" ]; then
  stage "unit tests" run_ctest unit
fi
[ "$UNIT_ONLY" = 1 ] && exit 0

if stage "bed up" bed_up; then
  stage "smoke tests" run_smoke
  if [ "$BUILD_OK" = 1 ] || [ -f "$BUILD/CTestTestfile.cmake" ]; then
    stage "integration tests" run_ctest integration
    stage "e2e tests" run_ctest e2e "$E2E_JOBS"
    # One seeded round of tests/chaos (faults on bed parts, all restored): after e2e, alone.
    stage "chaos round" run_ctest chaos 1
  fi
fi
# The bed is not needed for fuzzing: free its CPU first.
bed_down || { FAILED=$((FAILED + 1)); FAILURES+=("bed down"); }
if [ "$NO_FUZZ" = 0 ]; then
  if command -v clang++ >/dev/null 2>&1; then
    stage fuzz run_fuzz
  else
    info "clang++ not found: fuzz stage skipped"
  fi
fi
exit 0
