#!/usr/bin/env bash
# kube-apiserver of the bed: a namespace and a CRD can be created, and a watch sees an object created after it
# started (what the operator's informers rely on).
source "$(dirname "$0")/lib/smoke.sh"
need_env KUBECONFIG
ns="smoke-$UNIQ"
group=smoke.bed.domainguard.io
crd="widgets.$group"
tmp="$(mktemp -d)"
cleanup() {
  kubectl delete "$crd" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  kubectl delete crd "$crd" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  # No kube-controller-manager in the bed: the namespace stays Terminating; its name is unique to this run.
  kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
  [ -n "${watch_pid:-}" ] && kill "$watch_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

kubectl create namespace "$ns" >/dev/null || fail "cannot create namespace $ns"
kubectl apply -f - >/dev/null <<YAML || fail "cannot create CRD $crd"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: $crd
spec:
  group: $group
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
YAML
kubectl wait --for=condition=Established --timeout=30s "crd/$crd" >/dev/null || fail "CRD $crd never became Established"
retry 20 kubectl get -n "$ns" "widgets.$group" || fail "the widgets resource is not served after Established"

timeout 30 kubectl get -n "$ns" "widgets.$group" --watch -o name >"$tmp/watch" 2>"$tmp/watch.err" &
watch_pid=$!
sleep 1
kubectl apply -n "$ns" -f - >/dev/null <<YAML || fail "cannot create a Widget"
apiVersion: $group/v1
kind: Widget
metadata: {name: w1}
spec: {size: 3}
YAML
retry 20 grep -q "widget.$group/w1" "$tmp/watch" ||
  fail "the watch did not see widget w1 within 20s (watch output: $(head -c 200 "$tmp/watch"; head -c 200 "$tmp/watch.err"))"
[ "$(kubectl get -n "$ns" "widgets.$group" w1 -o jsonpath='{.spec.size}')" = 3 ] || fail "widget w1 does not read back size 3"
note "namespace, CRD, create and watch OK"
