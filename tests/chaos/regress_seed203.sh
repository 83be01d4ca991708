#!/usr/bin/env bash
# Regression of chaos seed 203 (tests/chaos/README.md): a replica that starts while the kube-apiserver comes back
# up (it answers 503 "before all known HTTP paths have been installed" for a moment) decided "no Gateway API" on
# that answer and ran its whole life without HTTPRoute failover; once it led, a selected HTTPRoute never got its
# sibling. Here replicas are started every second from the moment the apiserver stops until it has answered for a
# while: every one that got as far as deciding must have found the Gateway API.
# Restarts the kube-apiserver: runs alone (ctest label chaos, RUN_SERIAL).
source "$(dirname "$0")/../e2e/lib.sh"
need_env KUBECONFIG DG_ROOT_HINTS DG_RDAP_BOOTSTRAP DG_WHOIS_ADDR
[ -x "$DG_BIN" ] || fail "no domainguard binary at $DG_BIN (build first)"
version=$(awk '$1 == "require" && $2 == "sigs.k8s.io/gateway-api" { print $3 }' "$E2E_ROOT/hack/tools/gateway-api/go.mod")
crds="${DOMAINGUARD_CACHE:-/var/cache/domainguard}/gateway-api-$version"
[ -f "$crds/gateway.networking.k8s.io_httproutes.yaml" ] || fail "no Gateway API CRDs in $crds (hack/install.sh --tools fetches them)"
kubectl apply --server-side -f "$crds" >/dev/null || fail "kubectl apply of the Gateway API CRDs failed"
kubectl apply -f "$E2E_ROOT/crds/" >/dev/null || fail "kubectl apply of crds/ failed"
kubectl wait --for=condition=Established crd/httproutes.gateway.networking.k8s.io crd/domains.domainguard.io \
  --timeout=30s >/dev/null || fail "CRDs not established"
kubectl create namespace "$NS" >/dev/null || fail "cannot create namespace $NS"

PIDS=()
CLEANUPS+=('for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; "$E2E_ROOT/hack/testbed.sh" start kube-apiserver')
replica() {  # replica N: one `domainguard run` in $NS, its log $E2E_LOGS/$E2E_NAME.N.log
  "$DG_BIN" run --kubeconfig="$KUBECONFIG" --namespace="$NS" --leader-election-namespace="$NS" \
    --metrics-bind-address=0 --health-probe-bind-address=0 --root-hints="$DG_ROOT_HINTS" \
    --rdap-bootstrap="$DG_RDAP_BOOTSTRAP" --rdap-bootstrap-url="" \
    --whois-servers="test=$DG_WHOIS_ADDR" >"$E2E_LOGS/$E2E_NAME.$1.log" 2>&1 &
  PIDS+=($!)
}

"$E2E_ROOT/hack/testbed.sh" stop kube-apiserver >/dev/null 2>&1 || fail "cannot stop the kube-apiserver"
"$E2E_ROOT/hack/testbed.sh" start kube-apiserver >/dev/null 2>&1 &
starter=$!
n=0 answered=0
while [ "$n" -lt 90 ]; do
  replica "$n"
  n=$((n + 1))
  sleep 1
  if ! kill -0 "$starter" 2>/dev/null && kubectl get --raw /readyz >/dev/null 2>&1; then
    answered=$((answered + 1))
    [ "$answered" -ge 4 ] && break
  fi
done
wait "$starter" || fail "the kube-apiserver did not come back"
# A replica still retrying its probe gets there within seconds of the apiserver answering.
undecided() {
  local f
  for f in "$E2E_LOGS/$E2E_NAME".*.log; do
    grep -q 'failover-resources-retry' "$f" && ! grep -q 'decision=failover-resources gateway_api' "$f" && return 0
  done
  return 1
}
for _ in $(seq 70); do undecided || break; sleep 1; done
decided=$(grep -l "decision=failover-resources gateway_api" "$E2E_LOGS/$E2E_NAME".*.log 2>/dev/null | wc -l)
saw503=$(cat "$E2E_LOGS/$E2E_NAME".*.log | grep -c 'failover-resources.*503\|failover-resources-retry' || true)
without=$(grep -l 'decision=failover-resources gateway_api=false' "$E2E_LOGS/$E2E_NAME".*.log 2>/dev/null || true)
[ "$decided" -gt 0 ] || fail "no replica of $n got as far as deciding about the Gateway API"
[ -z "$without" ] || fail "replicas started beside a restarting apiserver run without HTTPRoute failover: $(for f in $without; do grep -h 'gateway_api=false' "$f" | cut -c1-220; done | head -3)"
note "$n replicas started around an apiserver restart; $decided decided, all found the Gateway API ($saw503 transient answers retried)"
