#!/usr/bin/env bash
# Checks the domainguard Helm chart and the plain manifests rendered from it:
#   - helm lint, and helm template with the default values and with the optional parts switched on;
#   - the chart's crds/ are byte-identical copies of the repository's crds/ (helm needs real files there);
#   - the alerting rules (files/alerts.yaml) pass promtool check and the promtool unit tests (alerts_test.yaml);
#   - manifests/domainguard.yaml equals a fresh render (regenerate with: charts/domainguard/tests/chart_test.sh --update);
#   - with $KUBECONFIG: the rendered objects are accepted by the apiserver, and the manager's ServiceAccount has
#     exactly the access it needs (kubectl auth can-i as that ServiceAccount), under a throwaway release name.
#
# Needs helm from $HELM or /var/cache/domainguard/helm-v*/helm, kubectl from $KUBECTL or the bed's cache.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
chart=$(cd "$here/.." && pwd)
root=$(cd "$chart/../.." && pwd)
fails=0
passes=0
pass() { passes=$((passes + 1)); printf 'ok    %s\n' "$1"; }
fail() { fails=$((fails + 1)); printf 'FAIL  %s\n' "$1"; [ -n "${2:-}" ] && printf '      %s\n' "$2"; }

helm=${HELM:-$(ls -d /var/cache/domainguard/helm-v*/helm 2>/dev/null | sort -V | tail -1)}
[ -n "$helm" ] || helm=$(command -v helm)
[ -x "$helm" ] || { echo "no helm found (set HELM)" >&2; exit 1; }

render_manifests() {
  cat <<'HEADER'
# domainguard: everything `kubectl apply -f manifests/domainguard.yaml` needs, rendered from charts/domainguard
# with its default values (release "domainguard", namespace "domainguard-system"). Do not edit by hand:
# regenerate with charts/domainguard/tests/chart_test.sh --update.
apiVersion: v1
kind: Namespace
metadata:
  name: domainguard-system
  labels:
    app.kubernetes.io/name: domainguard
    pod-security.kubernetes.io/enforce: restricted
HEADER
  "$helm" template domainguard "$chart" --namespace domainguard-system --include-crds
}

if [ "${1:-}" = "--update" ]; then
  cp "$root"/crds/*.yaml "$chart/crds/"
  render_manifests >"$root/manifests/domainguard.yaml" || exit 1
  echo "updated charts/domainguard/crds/ and manifests/domainguard.yaml"
  exit 0
fi

if out=$("$helm" lint --strict "$chart" 2>&1); then pass "helm lint --strict"; else fail "helm lint --strict" "$out"; fi
for set in "" "--set manager.watchNamespace=web" "--set metrics.serviceMonitor.enabled=true" \
           "--set replicaCount=1,manager.leaderElect=false,rbac.create=false,serviceAccount.create=false" \
           "--set manager.whoisServers.sm=whois.nic.sm:43,manager.webhookURLs={http://hooks.example/a}"; do
  # shellcheck disable=SC2086
  if out=$("$helm" template t "$chart" $set 2>&1); then pass "helm template ${set:-(defaults)}"; else fail "helm template $set" "$out"; fi
done
# The namespaced variant must not grant anything cluster-wide.
if "$helm" template t "$chart" --set manager.watchNamespace=web | grep -q '^kind: ClusterRole'; then
  fail "watchNamespace=web renders no ClusterRole"
else
  pass "watchNamespace=web renders no ClusterRole"
fi
if "$helm" template t "$chart" --set manager.whoisServers.sm=whois.nic.sm:43 | grep -q -- '--whois-servers=sm=whois.nic.sm:43'; then
  pass "whoisServers become --whois-servers"
else
  fail "whoisServers become --whois-servers"
fi

if "$helm" template t "$chart" --set prometheusRule.enabled=true | grep -q '^    - alert: GlueMissing$'; then
  pass "prometheusRule.enabled renders the alerts"
else
  fail "prometheusRule.enabled renders the alerts"
fi
promtool=${PROMTOOL:-$(command -v promtool)}
if [ -n "$promtool" ]; then
  if out=$("$promtool" check rules "$chart/files/alerts.yaml" 2>&1); then pass "promtool check rules"; else fail "promtool check rules" "$out"; fi
  if out=$(cd "$here" && "$promtool" test rules alerts_test.yaml 2>&1); then pass "promtool test rules"; else fail "promtool test rules" "$out"; fi
else
  fail "promtool not found (apt-get install prometheus)"
fi

for f in "$root"/crds/*.yaml; do
  if cmp -s "$f" "$chart/crds/$(basename "$f")"; then pass "chart crds/$(basename "$f") equals crds/"; else fail "chart crds/$(basename "$f") differs from crds/ (run with --update)"; fi
done
if diff -q <(render_manifests) "$root/manifests/domainguard.yaml" >/dev/null 2>&1; then
  pass "manifests/domainguard.yaml equals a fresh render"
else
  fail "manifests/domainguard.yaml is stale (run with --update)"
fi

if [ -z "${KUBECONFIG:-}" ]; then
  if [ "${DG_REQUIRE_BED:-}" = "1" ]; then echo "KUBECONFIG unset but DG_REQUIRE_BED=1" >&2; exit 1; fi
  echo "skip apiserver checks: KUBECONFIG unset"
  echo "$passes passed, $fails failed"
  [ "$fails" -eq 0 ]
  exit
fi
kubectl=${KUBECTL:-$(ls -d /var/cache/domainguard/kube-v*/kubectl 2>/dev/null | sort -V | tail -1)}
[ -n "$kubectl" ] || kubectl=$(command -v kubectl)
k() { "$kubectl" "$@"; }

# Install for real under a throwaway release name in the "default" namespace (the test bed runs no
# kube-controller-manager, so a deleted namespace would stay Terminating forever), check, remove it all again.
ns=default
rel="dgt$$"
sa="system:serviceaccount:$ns:$rel-domainguard"
cleanup() {
  "$helm" template "$rel" "$chart" --namespace "$ns" | k delete -f - --ignore-not-found --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT
k apply --server-side --force-conflicts --field-manager=domainguard-chart-test -f "$root/crds/" >/dev/null
if out=$("$helm" template "$rel" "$chart" --namespace "$ns" | k apply -f - 2>&1); then
  pass "apiserver accepts the rendered chart"
else
  fail "apiserver accepts the rendered chart" "$out"
fi

can() {  # can VERB RESOURCE[/SUBRESOURCE|/NAME] [NAMESPACE] -> yes|no
  local verb=$1 res=$2 extra=()
  case "$res" in
    */status) extra=(--subresource=status); res=${res%/status} ;;
  esac
  k auth can-i "$verb" "$res" "${extra[@]}" --as="$sa" ${3:+-n "$3"} 2>/dev/null || true
}
expect() {  # expect yes|no VERB RESOURCE [NAMESPACE]
  local want=$1; shift
  local got
  got=$(can "$@")
  if [ "$got" = "$want" ]; then pass "can-i $* = $want"; else fail "can-i $* = $want" "got '$got'"; fi
}
expect yes list domains.domainguard.io web
expect yes watch dnsproviders.domainguard.io web
expect yes update domains.domainguard.io/status web
expect no  update domains.domainguard.io web
expect yes update dnsproviders.domainguard.io/status ops
expect no  delete domains.domainguard.io web
expect yes patch ingresses.networking.k8s.io web
expect yes get secrets web
expect no  list secrets web
expect no  watch secrets web
expect yes create events.events.k8s.io web
expect no  delete pods web
expect yes create leases.coordination.k8s.io "$ns"
expect yes update leases.coordination.k8s.io/domainguard-leader "$ns"
expect no  update leases.coordination.k8s.io/someone-elses-lease "$ns"
expect no  create leases.coordination.k8s.io web

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
