#!/usr/bin/env bash
# DG_KUBE_APISERVER_RESTART restarts kube-apiserver and returns once it serves again; objects survive (etcd kept).
source "$(dirname "$0")/lib/smoke.sh"
need_env KUBECONFIG DG_KUBE_APISERVER_RESTART DG_ETCDCTL DG_ETCD_ENDPOINT
ns="smoke-restart-$UNIQ"
cleanup() { kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true; }
trap cleanup EXIT
kubectl create namespace "$ns" >/dev/null || fail "cannot create namespace $ns"
kubectl create configmap -n "$ns" keep --from-literal=k=v1 >/dev/null || fail "cannot create configmap"
out_has "^/registry/configmaps/$ns/keep\$" "$DG_ETCDCTL" --endpoints="$DG_ETCD_ENDPOINT" get --prefix --keys-only "/registry/configmaps/$ns/keep" ||
  fail "the configmap is not in etcd at $DG_ETCD_ENDPOINT"
t0=$SECONDS
"$DG_KUBE_APISERVER_RESTART" >/dev/null 2>&1 || fail "$DG_KUBE_APISERVER_RESTART failed"
note "kube-apiserver restarted in $((SECONDS - t0))s"
[ "$(kubectl get configmap -n "$ns" keep -o jsonpath='{.data.k}')" = v1 ] || fail "configmap lost across the restart"
