#!/usr/bin/env bash
# Runs every benchmark (tests/bench/bench_*.cc) built at -O2 into build-bench/ and prints its figures.
# Speed and memory targets live here, never in timed unit tests (targets: tests/bench/README.md).
#
#   hack/bench.sh [--filter REGEX] [--no-bed]
#
#   --filter REGEX  only benchmarks whose name (bench_kube_informer, ...) matches REGEX
#   --no-bed        do not bring the test bed up; benchmarks that need it say so and are skipped
# Environment: DG_BENCH_ZONES (delegation sweep size, default 10000) and each benchmark's own knobs (see its
# header comment). A bed already up is used and left up; one started here is brought down at the end.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$DG_ROOT"

filter="" use_bed=1
while [ $# -gt 0 ]; do
  case "$1" in
    --filter) [ $# -ge 2 ] || die "--filter needs a REGEX"; filter=$2; shift ;;
    --no-bed) use_bed=0 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see hack/bench.sh --help)" ;;
  esac
  shift
done

step "building benchmarks at -O2 into build-bench/"
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
# bench_*.cc are Google Benchmark binaries; bench_*.sh drive a real `domainguard run` on the bed.
mapfile -t benches < <(cd tests/bench && ls bench_*.cc bench_*.sh | sort)
[ -n "$filter" ] && mapfile -t benches < <(printf '%s\n' "${benches[@]}" | grep -E "$filter" || true)
[ "${#benches[@]}" -gt 0 ] || die "no benchmark matches '$filter'"
targets=()
for b in "${benches[@]}"; do
  case "$b" in
    *.cc) targets+=("${b%.cc}") ;;
    *.sh) targets+=(domainguard) ;;
  esac
done
cmake --build build-bench --target $(printf '%s\n' "${targets[@]}" | sort -u)

started=0
if [ "$use_bed" = 1 ]; then
  if ! hack/testbed.sh status >/dev/null 2>&1; then
    step "bringing the test bed up"
    hack/testbed.sh up
    started=1
  fi
  eval "$(hack/testbed.sh env)"
fi
[ "$started" = 1 ] && trap 'hack/testbed.sh down >/dev/null' EXIT

failed=0
for b in "${benches[@]}"; do
  step "${b%.*}"
  case "$b" in
    *.cc) /usr/bin/time -f "    peak RSS %M KB, %e s wall" "build-bench/tests/${b%.cc}" --benchmark_counters_tabular=true ||
            failed=1 ;;
    *.sh) if [ "$use_bed" = 1 ]; then
            /usr/bin/time -f "    %e s wall" bash "tests/bench/$b" || failed=1
          else
            echo "    skipped: needs the bed (--no-bed)"
          fi ;;
  esac
done
exit "$failed"
