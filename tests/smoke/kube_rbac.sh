#!/usr/bin/env bash
# RBAC is really on: a service account without a role is Forbidden; bound to a Role it is allowed; the admin
# token of the bed is allowed.
source "$(dirname "$0")/lib/smoke.sh"
need_env KUBECONFIG DG_KUBE_SERVER DG_KUBE_CA DG_KUBE_ADMIN_TOKEN
ns="smoke-rbac-$UNIQ"
cleanup() { kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true; }
trap cleanup EXIT
as_token() { kubectl --kubeconfig=/dev/null --server="$DG_KUBE_SERVER" --certificate-authority="$DG_KUBE_CA" --token="$1" "${@:2}"; }

kubectl create namespace "$ns" >/dev/null || fail "cannot create namespace $ns"
kubectl create serviceaccount -n "$ns" nobody >/dev/null || fail "cannot create service account"
tok="$(kubectl create token -n "$ns" nobody --duration=10m)" || fail "TokenRequest for the service account failed"
[ -n "$tok" ] || fail "empty service account token"

out="$(as_token "$tok" get configmaps -n "$ns" 2>&1)" && fail "a service account without a role could list configmaps"
grep -q Forbidden <<<"$out" || fail "expected Forbidden for the role-less service account, got: ${out:0:200}"

kubectl create role -n "$ns" cm-reader --verb=get,list --resource=configmaps >/dev/null || fail "cannot create role"
kubectl create rolebinding -n "$ns" nobody-reads --role=cm-reader --serviceaccount="$ns:nobody" >/dev/null ||
  fail "cannot create rolebinding"
retry 10 as_token "$tok" get configmaps -n "$ns" || fail "the service account bound to a Role still cannot list configmaps"
out="$(as_token "$tok" get secrets -n "$ns" 2>&1)" && fail "the Role for configmaps also allowed secrets"
grep -q Forbidden <<<"$out" || fail "expected Forbidden on secrets, got: ${out:0:200}"

as_token "$DG_KUBE_ADMIN_TOKEN" get namespaces >/dev/null || fail "DG_KUBE_ADMIN_TOKEN cannot list namespaces"
out="$(as_token not-a-token get namespaces 2>&1)" && fail "an unknown token was accepted"
grep -qi Unauthorized <<<"$out" || fail "expected Unauthorized for an unknown token, got: ${out:0:200}"
note "Forbidden without a role, allowed with one, admin token OK, bad token Unauthorized"
