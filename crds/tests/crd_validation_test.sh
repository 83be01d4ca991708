#!/usr/bin/env bash
# Checks the domainguard CRDs against a real kube-apiserver: every crds/tests/samples/valid-*.yaml is accepted,
# every invalid-*.yaml is refused with a message containing each of its "# expect: <text>" lines (the field path
# and the reason a user would read), and spec.zone cannot be changed after creation. Also checks that the chart's
# copies of the CRDs equal crds/.
#
#   KUBECONFIG=... crds/tests/crd_validation_test.sh      (e.g. after eval "$(hack/testbed.sh env)")
#
# Needs: KUBECONFIG pointing at an apiserver where we may install CRDs and create a namespace; kubectl from
# $KUBECTL, /var/cache/domainguard/kube-v*/kubectl, or PATH. Without KUBECONFIG: skipped (exit 0), unless
# DG_REQUIRE_BED=1 (then exit 1). Works in namespace "default" (the bed runs no kube-controller-manager, so a
# deleted namespace would stay Terminating); the one object it creates has a unique name and is deleted again.
# Leaves the CRDs installed (re-applying them is idempotent and other tests need them).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fails=0
passes=0

pass() { passes=$((passes + 1)); printf 'ok    %s\n' "$1"; }
fail() { fails=$((fails + 1)); printf 'FAIL  %s\n' "$1"; [ -n "${2:-}" ] && printf '      %s\n' "$2"; }

# The chart ships copies (its templates read charts/domainguard/files/crds/); they must not drift.
for f in "$root"/crds/*.yaml; do
  copy="$root/charts/domainguard/files/crds/$(basename "$f")"
  if cmp -s "$f" "$copy"; then pass "chart copy $(basename "$f") equals crds/"; else fail "chart copy $(basename "$f") differs from crds/ (charts/domainguard/tests/chart_test.sh --update)"; fi
done

if [ -z "${KUBECONFIG:-}" ]; then
  if [ "${DG_REQUIRE_BED:-}" = "1" ]; then
    echo "KUBECONFIG is unset but DG_REQUIRE_BED=1 (is the bed up? eval \"\$(hack/testbed.sh env)\")" >&2
    exit 1
  fi
  echo "skip: KUBECONFIG unset; start the bed (hack/testbed.sh up) and eval \"\$(hack/testbed.sh env)\""
  [ "$fails" -eq 0 ]
  exit
fi

kubectl=${KUBECTL:-}
if [ -z "$kubectl" ]; then
  kubectl=$(ls -d /var/cache/domainguard/kube-v*/kubectl 2>/dev/null | sort -V | tail -1)
  [ -n "$kubectl" ] || kubectl=$(command -v kubectl)
fi
[ -x "$kubectl" ] || { echo "no kubectl found (set KUBECTL)" >&2; exit 1; }
k() { "$kubectl" "$@"; }

ns=default
obj="dg-crd-test-$$"
cleanup() { k delete domain "$obj" -n "$ns" --ignore-not-found --wait=false >/dev/null 2>&1 || true; }
trap cleanup EXIT

if ! out=$(k apply --server-side --force-conflicts --field-manager=domainguard-crd-test -f "$root/crds/" 2>&1); then
  fail "CRDs install" "$out"
  echo "$passes passed, $fails failed"
  exit 1
fi
pass "CRDs install"
k wait --for=condition=Established --timeout=60s crd/domains.domainguard.io crd/dnsproviders.domainguard.io \
  crd/alertchannels.domainguard.io >/dev/null ||
  { fail "CRDs established"; exit 1; }

for f in "$here"/samples/valid-*.yaml; do
  name=$(basename "$f")
  if out=$(k create --dry-run=server -n "$ns" -f "$f" 2>&1); then pass "accepts $name"; else fail "accepts $name" "$out"; fi
done

for f in "$here"/samples/invalid-*.yaml; do
  name=$(basename "$f")
  mapfile -t expects < <(sed -n 's/^# expect: //p' "$f")
  if [ "${#expects[@]}" -eq 0 ]; then fail "$name has no '# expect:' line"; continue; fi
  if out=$(k create --dry-run=server -n "$ns" -f "$f" 2>&1); then
    fail "refuses $name" "was accepted"
    continue
  fi
  missing=""
  for e in "${expects[@]}"; do
    grep -qF -- "$e" <<<"$out" || missing+="'$e' "
  done
  if [ -z "$missing" ]; then pass "refuses $name"; else fail "refuses $name naming the field" "missing $missing in: $out"; fi
done

# Defaults are filled in by the apiserver (what a user sees with kubectl get -o yaml).
if out=$(sed "s/name: minimal/name: $obj/" "$here/samples/valid-domain-minimal.yaml" | k create -n "$ns" -f - -o json 2>&1) &&
   grep -q '"ownership": "Records"' <<<"$out"; then
  pass "defaults ownership to Records"
else
  fail "defaults ownership to Records" "$out"
fi

# spec.zone is immutable (transition rule self == oldSelf).
if out=$(k patch domain "$obj" -n "$ns" --type=merge -p '{"spec":{"zone":"other.test"}}' 2>&1); then
  fail "refuses changing spec.zone" "was accepted"
elif grep -qF "spec.zone" <<<"$out" && grep -qF "immutable" <<<"$out"; then
  pass "refuses changing spec.zone"
else
  fail "refuses changing spec.zone naming the field" "$out"
fi
# ...while other fields may change.
if out=$(k patch domain "$obj" -n "$ns" --type=merge -p '{"spec":{"ownership":"Zone"}}' 2>&1); then
  pass "allows changing spec.ownership"
else
  fail "allows changing spec.ownership" "$out"
fi

# The printer columns and short names users type.
if out=$(k get dom -n "$ns" 2>&1) && head -1 <<<"$out" | grep -qE '^NAME +ZONE +READY +EXPIRES +DELEGATION +RECORDS +FAILOVER +AGE$'; then
  pass "kubectl get dom shows ZONE READY EXPIRES DELEGATION RECORDS FAILOVER AGE"
else
  fail "kubectl get dom columns" "$out"
fi
if out=$(k get dnsp -n "$ns" 2>&1); then pass "short name dnsp"; else fail "short name dnsp" "$out"; fi

# Status is a subresource: a status write through the main resource is ignored.
k patch domain "$obj" -n "$ns" --type=merge -p '{"status":{"observedGeneration":7}}' >/dev/null 2>&1
if [ "$(k get domain "$obj" -n "$ns" -o jsonpath='{.status.observedGeneration}')" = "" ]; then
  pass "status ignored on the main resource (status subresource)"
else
  fail "status ignored on the main resource (status subresource)"
fi
if out=$(k patch domain "$obj" -n "$ns" --subresource=status --type=merge \
    -p '{"status":{"observedGeneration":2,"registration":{"expiresAt":"2027-01-01T00:00:00Z","futureField":"kept"}}}' 2>&1) &&
   [ "$(k get domain "$obj" -n "$ns" -o jsonpath='{.status.registration.futureField}')" = "kept" ]; then
  pass "status subresource writable; unknown status.registration fields kept"
else
  fail "status subresource writable" "$out"
fi

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
