#!/usr/bin/env bash
# Records convergence benchmark on the bed (run by hack/bench.sh; figures and targets: tests/bench/README.md).
# A real `domainguard run` for one fresh namespace, the floor and the convergence of N Domains x R records from
# `kubectl apply` measured in the same run by records_convergence.py, then the steady state and a drift repair.
# Environment: DG_BENCH_DOMAINS (default 1000), DG_BENCH_RECORDS (20), DG_BENCH_POLL (drift poll interval in s,
# default 10), DG_BENCH_WORKERS (controller --workers, default 2), DG_DOMAINGUARD_BIN (default
# build-bench/controller/app/domainguard). Needs the bed's variables (eval "$(hack/testbed.sh env)").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/hack/lib.sh"
tools_path
for v in KUBECONFIG DG_KUBE_SERVER DG_PDNS_A_API DG_PDNS_A_DNS DG_ROOT_HINTS DG_RDAP_BOOTSTRAP DG_WHOIS_ADDR; do
  [ -n "${!v:-}" ] || die "bed variable $v is unset: eval \"\$(hack/testbed.sh env)\""
done
BIN="${DG_DOMAINGUARD_BIN:-$ROOT/build-bench/controller/app/domainguard}"
[ -x "$BIN" ] || die "no domainguard binary at $BIN"
DOMAINS=${DG_BENCH_DOMAINS:-1000} RECORDS=${DG_BENCH_RECORDS:-20} POLL=${DG_BENCH_POLL:-10}
WORKERS=${DG_BENCH_WORKERS:-2}
TAG="$(date +%s | tail -c 6)$$"
NS="bench-conv-$TAG"
LOG="${DG_BENCH_LOGS:-$ROOT/build-bench}/bench_records_convergence.controller.log"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

kubectl apply -f "$ROOT/crds/" >/dev/null
kubectl wait --for=condition=Established crd/domains.domainguard.io crd/dnsproviders.domainguard.io --timeout=30s >/dev/null
kubectl create namespace "$NS" >/dev/null
kubectl create namespace "$NS-idle" >/dev/null  # the kube floor: the same Domains where no controller watches
bed_apply_providers "$NS" >/dev/null
# The default rateLimit (20 qps) would hold 1,000 new zones (2 calls each) to 100 s and serial polls to 20/s:
# a user with this many zones raises it, as here.
kubectl -n "$NS" patch dnsprovider pdns-a --type=merge -p '{"spec":{"rateLimit":{"qps":5000,"burst":5000}}}' >/dev/null
METRICS_PORT=$(free_port) PROBE_PORT=$(free_port)
"$BIN" run --kubeconfig="$KUBECONFIG" --namespace="$NS" --leader-election-namespace="$NS" --workers="$WORKERS" \
  --metrics-bind-address="127.0.0.1:$METRICS_PORT" --health-probe-bind-address="127.0.0.1:$PROBE_PORT" \
  --root-hints="$DG_ROOT_HINTS" --rdap-bootstrap="$DG_RDAP_BOOTSTRAP" --rdap-bootstrap-url="${DG_RDAP_URL}bootstrap.json" \
  --whois-servers="test=$DG_WHOIS_ADDR" --drift-poll-interval="${POLL}s" >"$LOG" 2>&1 &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  kubectl delete namespace "$NS" "$NS-idle" --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PROBE_PORT/readyz" >/dev/null 2>&1 && break; sleep 0.3; done
curl -fs "http://127.0.0.1:$PROBE_PORT/readyz" >/dev/null || die "controller not ready within 30 s (log: $LOG)"
echo "    $DOMAINS Domains x $RECORDS records on PowerDNS A; controller --workers=$WORKERS --drift-poll-interval=${POLL}s"
python3 "$ROOT/tests/bench/records_convergence.py" --namespace "$NS" --idle-namespace "$NS-idle" --domains "$DOMAINS" --records "$RECORDS" \
  --tag "$TAG" --metrics "http://127.0.0.1:$METRICS_PORT/metrics" --poll-interval "$POLL"
