#!/usr/bin/env bash
# Scale benchmark (issue 14; run by `hack/bench.sh --filter scale`; figures and targets: tests/bench/README.md).
# Loads the apiserver hard: run it on a bed nothing else uses. scale.py measures, in one run: kubectl apply of N
# Domains x R records with and without `domainguard run`, the last zone served at both PowerDNS after kubectl
# returns, apiserver writes per new Domain and in steady state, PowerDNS API requests (each PowerDNS behind
# count_proxy.cc, built by count_proxy.sh) per new zone and per poll interval, and with DG_SCALE_BIG the
# 10,000-Domain figures.
# Prints a table (figure, target, measured, pass/fail) and writes build-bench/scale.json. Exits 0 when targets
# are missed (it reports), non-zero only when it could not run.
# Environment: DG_SCALE_DOMAINS (default 1000), DG_SCALE_RECORDS (20), DG_SCALE_STEADY (steady window, 300 s),
# DG_SCALE_POLL (--drift-poll-interval, 30 s), DG_SCALE_WORKERS (2), DG_SCALE_BIG (grow to this many Domains for
# the 10,000 figures, e.g. 10000; default 0 = skipped), DG_SCALE_BIG_RECORDS (records of each Domain added for
# them, 5), DG_SCALE_JSON (build-bench/scale.json),
# DG_DOMAINGUARD_BIN (build-bench/controller/app/domainguard), DG_SCALE_PIN (1: the control plane on CPU 0, the
# rest on CPU 1 — see below). Needs the bed's variables (hack/testbed.sh env).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/hack/lib.sh"
tools_path
for v in KUBECONFIG DG_KUBE_SERVER DG_KUBE_CA DG_KUBE_ADMIN_TOKEN DG_PDNS_A_API DG_PDNS_B_API DG_PDNS_A_DNS \
  DG_PDNS_B_DNS DG_ROOT_HINTS DG_RDAP_BOOTSTRAP DG_WHOIS_ADDR DG_TLD_SERVERS DG_TLD_TSIG_NAME; do
  [ -n "${!v:-}" ] || die "bed variable $v is unset: eval \"\$(hack/testbed.sh env)\""
done
BIN="${DG_DOMAINGUARD_BIN:-$ROOT/build-bench/controller/app/domainguard}"
[ -x "$BIN" ] || die "no domainguard binary at $BIN"
TAG="$(date +%s | tail -c 6)$$"
NS="bench-scale-$TAG"
OUT="${DG_BENCH_LOGS:-$ROOT/build-bench}"
mkdir -p "$OUT"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

PA=$(free_port) PB=$(free_port)
PROXY="$("$ROOT/tests/bench/count_proxy.sh" "$OUT")"
"$PROXY" --listen "127.0.0.1:$PA" --upstream "$DG_PDNS_A_API" &
PROXY_A=$!
"$PROXY" --listen "127.0.0.1:$PB" --upstream "$DG_PDNS_B_API" &
PROXY_B=$!
# DG_SCALE_PIN=1 stands in for a cluster's layout on this one machine: the control plane (kube-apiserver, etcd and
# the user's kubectl) on CPU 0, and everything a cluster runs elsewhere — the controller on a worker node, the DNS
# providers, the registry, the bench's proxies and DNS queries — on CPU 1. Every apply (the floors too) runs so,
# so the ratio is what domainguard adds to the apiserver's work, not the controller's and PowerDNS's own CPU taken
# from the apiserver's cores. The bed's processes get both CPUs back when the bench ends.
BED_PIDS_PLANE=() BED_PIDS_REST=()
if [ "${DG_SCALE_PIN:-0}" = 1 ]; then
  [ "$(nproc)" -ge 2 ] || die "DG_SCALE_PIN=1 needs 2 CPUs"
  for p in kube-apiserver etcd; do BED_PIDS_PLANE+=("$(cat "$DG_BED_DIR/pids/$p.pid")"); done
  for p in pdns-a pdns-b bind-root bind-tld-a bind-tld-b bind-c registry; do
    [ -f "$DG_BED_DIR/pids/$p.pid" ] && BED_PIDS_REST+=("$(cat "$DG_BED_DIR/pids/$p.pid")")
  done
  BED_PIDS_REST+=("$PROXY_A" "$PROXY_B")
  for pid in "${BED_PIDS_PLANE[@]}"; do taskset -a -cp 0 "$pid" >/dev/null; done
  for pid in "${BED_PIDS_REST[@]}"; do taskset -a -cp 1 "$pid" >/dev/null; done
fi
cleanup() {
  kill "$PROXY_A" "$PROXY_B" 2>/dev/null || true
  for pid in "${BED_PIDS_PLANE[@]}" "${BED_PIDS_REST[@]}"; do taskset -a -cp "0-$(($(nproc) - 1))" "$pid" >/dev/null 2>&1 || true; done
  kubectl delete namespace "$NS" "$NS-floor" --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT
for p in "$PA" "$PB"; do
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$p/_counts" >/dev/null 2>&1 && break; sleep 0.1; done
done

kubectl apply -f "$ROOT/crds/" >/dev/null
kubectl wait --for=condition=Established crd/domains.domainguard.io crd/dnsproviders.domainguard.io --timeout=30s >/dev/null
kubectl create namespace "$NS" >/dev/null
kubectl create namespace "$NS-floor" >/dev/null
kubectl -n "$NS" create secret generic pdns-a --from-literal=api-key="$DG_PDNS_A_KEY" >/dev/null
kubectl -n "$NS" create secret generic pdns-b --from-literal=api-key="$DG_PDNS_B_KEY" >/dev/null
# Both PowerDNS behind the counting proxies. The default rateLimit (20 qps) would hold 1,000 new zones to 100 s:
# a user with this many zones raises it, as here.
{ pdns_provider_yaml pdns-a "http://127.0.0.1:$PA" 5000; echo ---; pdns_provider_yaml pdns-b "http://127.0.0.1:$PB" 5000; } |
  kubectl -n "$NS" apply -f - >/dev/null

echo "    ${DG_SCALE_DOMAINS:-1000} Domains x ${DG_SCALE_RECORDS:-20} records on PowerDNS A and B (behind counting proxies);" \
  "controller --workers=${DG_SCALE_WORKERS:-2} --drift-poll-interval=${DG_SCALE_POLL:-30}s; steady window ${DG_SCALE_STEADY:-300} s;" \
  "10,000 figures: ${DG_SCALE_BIG:-skipped}"
PIN=()
[ "${DG_SCALE_PIN:-0}" = 1 ] && PIN=(taskset -c 1)  # the bench, its DNS queries and the controller; kubectl: scale.py --pin
"${PIN[@]}" python3 "$ROOT/tests/bench/scale.py" --bin "$BIN" --namespace "$NS" --floor-namespace "$NS-floor" \
  --domains "${DG_SCALE_DOMAINS:-1000}" --records "${DG_SCALE_RECORDS:-20}" --big "${DG_SCALE_BIG:-0}" \
  --big-records "${DG_SCALE_BIG_RECORDS:-5}" \
  --steady "${DG_SCALE_STEADY:-300}" --poll "${DG_SCALE_POLL:-30}" --workers "${DG_SCALE_WORKERS:-2}" \
  --proxy-a "http://127.0.0.1:$PA" --proxy-b "http://127.0.0.1:$PB" \
  --metrics-port "$(free_port)" --probe-port "$(free_port)" --tag "$TAG" \
  --proxy-pids "$PROXY_A,$PROXY_B" ${PIN:+--pin} --log "$OUT/bench_scale.controller.log" --json "${DG_SCALE_JSON:-$OUT/scale.json}"
