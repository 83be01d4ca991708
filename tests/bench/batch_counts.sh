#!/usr/bin/env bash
# What the controller does per new Domain while a user applies a batch (issue #14), as counts that do not depend
# on the machine's load: reconciles per new Domain by controller (controller_runtime_reconcile_total) and, with
# DG_COUNT_UNPACKS=1 (root, perf with uprobes), parses of cached objects (calls of kube::UnpackJson, every
# store's) per new Domain. N Domains x R records (the scale bench's shape, 2 PowerDNS providers, delegated, so
# healthy) are applied in one `kubectl apply --server-side`; counted from just before the apply until every
# first pass is applied and SETTLE seconds more (the registry lookups that land meanwhile, at 1/s, are counted
# too: the figures say how many).
#
#   DG_DOMAINGUARD_BIN=build/controller/app/domainguard [DG_COUNT_DOMAINS=200] [DG_COUNT_RECORDS=20]
#   [DG_COUNT_SETTLE=5] [DG_COUNT_UNPACKS=1 [DG_COUNT_RECORD=perf.data]] tests/bench/batch_counts.sh
#
# DG_COUNT_RECORD: also `perf record` each unpack with its call stack (`perf report -i FILE --no-children` says
# which callers parse).
#
# Needs the bed's variables (hack/testbed.sh env); run it on a bed nothing else uses (tests/bench/README.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/hack/lib.sh"
tools_path
for v in KUBECONFIG DG_PDNS_A_API DG_PDNS_B_API DG_PDNS_A_KEY DG_PDNS_B_KEY DG_ROOT_HINTS DG_RDAP_BOOTSTRAP \
  DG_RDAP_URL DG_WHOIS_ADDR DG_TLD_SERVERS DG_TLD_TSIG_NAME; do
  [ -n "${!v:-}" ] || die "bed variable $v is unset: eval \"\$(hack/testbed.sh env)\""
done
BIN="$(realpath "${DG_DOMAINGUARD_BIN:-$ROOT/build/controller/app/domainguard}")"
[ -x "$BIN" ] || die "no domainguard binary at $BIN"
TAG="c$(date +%s | tail -c 6)$$"
NS="bench-count-$TAG"
OUT="$(mktemp -d /tmp/batch-counts.XXXXXX)"

PROBE=""
cleanup() {
  [ -n "$PROBE" ] && perf probe -q -d "$PROBE" >/dev/null 2>&1 || true
  kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT
if [ "${DG_COUNT_UNPACKS:-0}" = 1 ]; then
  # A uprobe on this binary's UnpackJson (its own event name, removed at the end).
  PROBE="dgcount:unpack$$"
  SYM="$(nm "$BIN" | awk '$2 == "T" && $3 ~ /^_ZN11domainguard4kube10UnpackJson/ && !s {s = $3} END {print s}')"
  [ -n "$SYM" ] || die "no kube::UnpackJson symbol in $BIN"
  perf probe -q -x "$BIN" -a "$PROBE=$SYM" >/dev/null || die "perf probe on UnpackJson failed (needs root and uprobes)"
fi

kubectl apply -f "$ROOT/crds/" >/dev/null
kubectl wait --for=condition=Established crd/domains.domainguard.io crd/dnsproviders.domainguard.io --timeout=30s >/dev/null
kubectl create namespace "$NS" >/dev/null
kubectl -n "$NS" create secret generic pdns-a --from-literal=api-key="$DG_PDNS_A_KEY" >/dev/null
kubectl -n "$NS" create secret generic pdns-b --from-literal=api-key="$DG_PDNS_B_KEY" >/dev/null
{ pdns_provider_yaml pdns-a "$DG_PDNS_A_API" 5000; echo ---; pdns_provider_yaml pdns-b "$DG_PDNS_B_API" 5000; } |
  kubectl -n "$NS" apply -f - >/dev/null
python3 "$ROOT/tests/bench/batch_counts.py" --bin "$BIN" --namespace "$NS" --tag "$TAG" --out "$OUT" \
  --domains "${DG_COUNT_DOMAINS:-200}" --records "${DG_COUNT_RECORDS:-20}" --settle "${DG_COUNT_SETTLE:-5}" \
  ${PROBE:+--probe "$PROBE"} ${DG_COUNT_RECORD:+--record "$DG_COUNT_RECORD"}
