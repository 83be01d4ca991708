#!/usr/bin/env bash
# Checks the domainguard Helm chart and the plain manifests rendered from it:
#   - helm lint --strict, and helm template with the default values and with the optional parts switched on;
#   - values.schema.json refuses unknown values (it is strict) and values for features that are not built;
#   - the chart's files/crds/ are byte-identical copies of the repository's crds/ (helm reads files of the chart
#     only), rendered as templates with helm.sh/resource-policy: keep;
#   - the alerting rules (files/alerts.yaml) pass promtool check and the promtool unit tests (alerts_test.yaml);
#   - manifests/domainguard.yaml equals a fresh render (regenerate with: charts/domainguard/tests/chart_test.sh --update);
#   - with $KUBECONFIG: the rendered objects pass the apiserver's validation (server-side dry-run, CRDs included),
#     and, installed under a throwaway release name without the CRDs (the bed's CRDs are shared), the manager's
#     ServiceAccount has exactly the access the code uses (kubectl auth can-i --list, rbac_lib.sh).
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
  "$helm" template domainguard "$chart" --namespace domainguard-system
}

if [ "${1:-}" = "--update" ]; then
  cp "$root"/crds/*.yaml "$chart/files/crds/"
  render_manifests >"$root/manifests/domainguard.yaml" || exit 1
  echo "updated charts/domainguard/files/crds/ and manifests/domainguard.yaml"
  exit 0
fi

if out=$("$helm" lint --strict "$chart" 2>&1); then pass "helm lint --strict"; else fail "helm lint --strict" "$out"; fi
for set in "" "--set manager.watchNamespace=web" "--set metrics.serviceMonitor.enabled=true" \
           "--set replicaCount=1,manager.leaderElect=false,rbac.create=false,serviceAccount.create=false" \
           "--set manager.whoisServers.sm=whois.nic.sm:43" "--set crds.enabled=false" \
           "--set-string manager.rootHints=;hints" "--set prometheusRule.enabled=true"; do
  # shellcheck disable=SC2086
  if out=$("$helm" template t "$chart" $set 2>&1); then pass "helm template ${set:-(defaults)}"; else fail "helm template $set" "$out"; fi
done
# The schema is strict: a misspelt value, or one for a feature that is not built, is refused by name.
for set in "manager.webhookURLs={http://hooks.example/a}" "manager.ingressDomainDiscovery=true" "replicas=2" \
           "manager.leaseDuration=15" "image.pullPolicy=Sometimes"; do
  if out=$("$helm" template t "$chart" --set "$set" 2>&1); then
    fail "schema refuses --set $set" "rendered without error"
  elif grep -q "schema" <<<"$out"; then
    pass "schema refuses --set $set"
  else
    fail "schema refuses --set $set" "$out"
  fi
done
if "$helm" template t "$chart" | grep -qE -- '--(webhook-url|ingress-domain-discovery)'; then
  fail "no flag of an unbuilt feature is rendered"
else
  pass "no flag of an unbuilt feature is rendered"
fi
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
# Expiry and staleness thresholds and the ruleSelector label come from values.
pr=$("$helm" template t "$chart" --set prometheusRule.enabled=true,prometheusRule.expiryWarningDays=45,prometheusRule.expiryCriticalDays=30,prometheusRule.registrationStaleAfterSeconds=172800,prometheusRule.labels.release=kps 2>&1)
if grep -q '< 45 \* 86400 and .* >= 30 \* 86400' <<<"$pr" && grep -q ') < 30 \* 86400$' <<<"$pr" &&
   grep -q ')) > 172800$' <<<"$pr" && grep -q '^    release: kps$' <<<"$pr"; then
  pass "prometheusRule thresholds and labels from values"
else
  fail "prometheusRule thresholds and labels from values" "$(grep -n '86400\|172800\|release' <<<"$pr")"
fi
promtool=${PROMTOOL:-$(command -v promtool)}
if [ -n "$promtool" ]; then
  if out=$("$promtool" check rules "$chart/files/alerts.yaml" 2>&1); then pass "promtool check rules"; else fail "promtool check rules" "$out"; fi
  if out=$(cd "$here" && "$promtool" test rules alerts_test.yaml 2>&1); then pass "promtool test rules"; else fail "promtool test rules" "$out"; fi
else
  fail "promtool not found (apt-get install prometheus)"
fi

for f in "$root"/crds/*.yaml; do
  if cmp -s "$f" "$chart/files/crds/$(basename "$f")"; then pass "chart files/crds/$(basename "$f") equals crds/"; else fail "chart files/crds/$(basename "$f") differs from crds/ (run with --update)"; fi
done
[ ! -e "$chart/crds" ] && pass "no crds/ directory (helm would install it but never upgrade it)" || fail "chart has a crds/ directory"
kept=$("$helm" template t "$chart" | awk '/^kind: CustomResourceDefinition/ { c++ } /helm.sh\/resource-policy: keep/ { k++ } END { print c + 0, k + 0 }')
ncrds=$(ls "$root"/crds/*.yaml | wc -l)
[ "$kept" = "$ncrds $ncrds" ] && pass "every CRD rendered with helm.sh/resource-policy: keep" || fail "CRDs with keep policy: got (crds keeps) $kept"
[ -z "$("$helm" template t "$chart" --set crds.enabled=false | grep '^kind: CustomResourceDefinition')" ] &&
  pass "crds.enabled=false renders no CRD" || fail "crds.enabled=false renders no CRD"
sc=$("$helm" template t "$chart" | awk '/securityContext:/ { on = 1 } on' | tr -d ' ')
for want in runAsNonRoot:true readOnlyRootFilesystem:true allowPrivilegeEscalation:false "drop:[ALL]" type:RuntimeDefault; do
  grep -qxF "$want" <<<"$sc" && pass "securityContext $want" || fail "securityContext $want"
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

source "$here/rbac_lib.sh"

# Server-side dry-run: every rendered object, CRDs included, passes the apiserver's validation and defaulting.
for set in "" "--set manager.watchNamespace=default"; do
  # shellcheck disable=SC2086
  if out=$("$helm" template t "$chart" --namespace default $set | k apply --dry-run=server -f - 2>&1); then
    pass "apiserver dry-run accepts the rendered chart ${set:-(defaults)}"
  else
    fail "apiserver dry-run accepts the rendered chart ${set:-(defaults)}" "$(tail -3 <<<"$out")"
  fi
done

# Install for real under a throwaway release name in the "default" namespace, without the CRDs (the bed's are
# shared, and deleting them here would delete every other test's Domains), check the ServiceAccount's access,
# remove it all again.
ns=default
rel="dgt$$"
cleanup() {
  "$helm" template "$rel" "$chart" --namespace "$ns" --set crds.enabled=false |
    k delete -f - --ignore-not-found --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT
if out=$("$helm" template "$rel" "$chart" --namespace "$ns" --set crds.enabled=false | k apply -f - 2>&1); then
  pass "apiserver accepts the rendered chart"
else
  fail "apiserver accepts the rendered chart" "$out"
fi
for in_ns in web "$ns"; do
  want=$(expected_grants "$in_ns" "$ns" "" domainguard-leader)
  got=$(granted "$kubectl" "$in_ns" "$ns:$rel-domainguard")
  if [ "$got" = "$want" ]; then
    pass "ServiceAccount's permissions in namespace $in_ns are exactly the code's"
  else
    fail "ServiceAccount's permissions in namespace $in_ns are exactly the code's" \
      "diff (< want, > got): $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ';')"
  fi
done

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
