#!/usr/bin/env bash
# Failover of a Gateway API HTTPRoute, on the standard Gateway API CRDs (v1.6, from the Go module; hack/install.sh
# caches them): an OnFailure primary loses its delegation at both TLD servers; a sibling HTTPRoute with the
# hostnames rewritten into the backup zone (same parentRefs and rules, hosts outside the zone left out) appears,
# its host is served at the backup's name server pointing at the parent Gateway's address; a Gateway refusing the
# sibling (Accepted=False in the route's status) is reported in the Domain's condition; after the failback the
# sibling and its record are gone (in a backup zone of nothing else: the failback's delete is not held by
# maxDeletePercent, the records were withdrawn by failover) and the user's route is unchanged.
source "$(dirname "$0")/lib.sh"
need_env DG_TLD_SERVERS DG_TLD_TSIG_NAME DG_TLD_TSIG_SECRET DG_RFC2136_ADDZONE DG_RFC2136_RNDC
C_DNS=${DG_RFC2136_SERVER%:*}
P="route$E2E_ID.test"
B="routebk$E2E_ID.sm"
GW_IP=192.0.2.70
version=$(awk '$1 == "require" && $2 == "sigs.k8s.io/gateway-api" { print $3 }' "$E2E_ROOT/hack/tools/gateway-api/go.mod")
crds="${DOMAINGUARD_CACHE:-/var/cache/domainguard}/gateway-api-$version"
[ -f "$crds/gateway.networking.k8s.io_httproutes.yaml" ] || fail "no Gateway API CRDs in $crds (hack/install.sh --tools fetches them)"
kubectl apply --server-side -f "$crds" >/dev/null || fail "kubectl apply of the Gateway API CRDs failed"
kubectl wait --for=condition=Established crd/httproutes.gateway.networking.k8s.io crd/gateways.gateway.networking.k8s.io \
  --timeout=30s >/dev/null || fail "Gateway API CRDs not established"

cleanup_zone "$P."
cleanup_zone "$B."
CLEANUPS+=("nsupd_tlds test. 'update delete $P.'" "nsupd_tlds sm. 'update delete $B.'")
delegate() { nsupd_tlds test. "update delete $P. NS" "update add $P. 300 NS ns1.pdns-a.net." "update add $P. 300 NS ns1.pdns-b.net." || fail "nsupdate refused"; }
"$DG_RFC2136_ADDZONE" "$B" >/dev/null || fail "cannot create $B on BIND"
nsupd_tlds sm. "update add $B. 300 NS ns1.bind-c.net." || fail "cannot delegate $B"
delegate

# The registry holds the registrations whatever the TLD servers say.
registry_register "$P" ns1.pdns-a.net. ns1.pdns-b.net.
registry_register "$B" ns1.bind-c.net.
e2e_start
e2e_providers
grep -q "decision=failover-resources gateway_api=true" "$E2E_LOGS/$E2E_NAME.controller.log" ||
  fail "the controller did not find the Gateway API: $(grep failover-resources "$E2E_LOGS/$E2E_NAME.controller.log")"
kubectl -n "$NS" apply -f - >/dev/null <<YAML || fail "objects refused"
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: backup}
spec:
  zone: $B
  providers: [{name: bind-c}]
  checks: {delegation: {interval: 10s}}
---
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: route}
spec:
  zone: $P
  providers: [{name: pdns-a}, {name: pdns-b}]
  checks: {delegation: {interval: 10s}}
  failover:
    domain: $B
    mode: OnFailure
    httpRouteSelector: {matchLabels: {domainguard.io/failover: "true"}}
    holdDown: 5s
    confirmations: 1
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: example
  listeners: [{name: http, protocol: HTTP, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, labels: {domainguard.io/failover: "true"}}
spec:
  parentRefs: [{name: gw}]
  hostnames: [app.$P, www.example.org]
  rules:
  - matches: [{path: {type: PathPrefix, value: /}}]
    backendRefs: [{name: app, port: 80}]
YAML
kubectl -n "$NS" patch gateway gw --subresource=status --type=merge \
  -p "{\"status\":{\"addresses\":[{\"type\":\"IPAddress\",\"value\":\"$GW_IP\"}]}}" >/dev/null || fail "cannot set the Gateway's address"
ROUTE0=$(kubectl -n "$NS" get httproute shop -o json | jq -S 'del(.metadata.resourceVersion, .metadata.managedFields)')
retry 90 bash -c "[ \"\$(kubectl -n $NS get domain route -o jsonpath='{.status.failover.state}')\" = 'OnFailure ready' ]" ||
  fail "route: not 'OnFailure ready': $(jp domain route '.status.failover.readyMessage')"
kubectl -n "$NS" get httproute shop-failover >/dev/null 2>&1 && fail "OnFailure: a sibling route before any switch"
retry 60 bash -c "kubectl -n $NS get domain route -o jsonpath='{.status.conditions[?(@.type==\"DelegationHealthy\")].status}' | grep -qx True" ||
  fail "route: the primary's delegation is not healthy before the fault"

nsupd_tlds test. "update delete $P. NS" || fail "nsupdate refused"
t0=$SECONDS
wait_cond route FailoverActive True/FailoverActivated 60
note "fault -> FailoverActive in $((SECONDS - t0))s (interval 10s, confirmations 1)"
retry 20 kubectl -n "$NS" get httproute shop-failover || fail "no sibling HTTPRoute shop-failover"
sib=$(kubectl -n "$NS" get httproute shop-failover -o json)
[ "$(jq -c .spec.hostnames <<<"$sib")" = "[\"app.$B\"]" ] || fail "sibling hostnames $(jq -c .spec.hostnames <<<"$sib"), want [app.$B]"
[ "$(jq -c .spec.parentRefs <<<"$sib")" = "$(jq -c .spec.parentRefs <<<"$ROUTE0")" ] || fail "sibling parentRefs differ"
[ "$(jq -c .spec.rules <<<"$sib")" = "$(jq -c .spec.rules <<<"$ROUTE0")" ] || fail "sibling rules differ"
retry 60 serves "$C_DNS" "app.$B" A "$GW_IP" || fail "app.$B not served with the Gateway's address: '$(served "$C_DNS" "app.$B" A)'"
# The Gateway refuses the sibling: the Domain says so.
kubectl -n "$NS" patch httproute shop-failover --subresource=status --type=merge -p '{"status":{"parents":[{"parentRef":{"name":"gw"},"controllerName":"example.com/gateway","conditions":[{"type":"Accepted","status":"False","reason":"NotAllowedByListeners","message":"no listener allows app","lastTransitionTime":"2026-01-01T00:00:00Z","observedGeneration":1}]}]}}' >/dev/null ||
  fail "cannot set the sibling route's status"
retry 30 bash -c "kubectl -n $NS get domain route -o jsonpath='{.status.conditions[?(@.type==\"FailoverActive\")].message}' | grep -q 'not accepted by gw: NotAllowedByListeners'" ||
  fail "the route's Accepted=False is not in the FailoverActive message: $(jp domain route '.status.conditions[?(@.type=="FailoverActive")].message')"

delegate
retry 90 bash -c "! kubectl -n $NS get httproute shop-failover >/dev/null 2>&1" || fail "the sibling route is still there after failback"
retry 60 serves "$C_DNS" "app.$B" A "" || fail "app.$B still served after failback"
retry 10 event_seen FailbackCompleted || fail "no FailbackCompleted Event"
[ "$(kubectl -n "$NS" get httproute shop -o json | jq -S 'del(.metadata.resourceVersion, .metadata.managedFields)')" = "$ROUTE0" ] ||
  fail "the user's HTTPRoute changed"
note "HTTPRoute switched and failed back; the user's route unchanged"
