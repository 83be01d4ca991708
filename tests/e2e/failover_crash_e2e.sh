#!/usr/bin/env bash
# Failover is crash-safe: every step is derived from what exists in the cluster. For each step k of an OnFailure
# switch and of its failback (1 decision written to status, 2 first sibling written, 3 siblings converged, 4 final
# status), the controller is killed (SIGKILL, DG_FAILOVER_EXIT_AFTER_STEP=k) right after it and restarted; the end
# state must be exact: during the failover one sibling per selected Ingress and the backup records served, after
# the failback no sibling and no backup record, FailbackCompleted recorded, the user's Ingress unchanged.
source "$(dirname "$0")/lib.sh"
need_env DG_TLD_SERVERS DG_TLD_TSIG_NAME DG_TLD_TSIG_SECRET DG_RFC2136_ADDZONE DG_RFC2136_RNDC
C_DNS=${DG_RFC2136_SERVER%:*}
P="crash$E2E_ID.test"
B="crashbk$E2E_ID.sm"
LB_IP=192.0.2.90
primary_ns=(ns1.pdns-a.net. ns1.pdns-b.net.)
tld_forget() { nsupd_tlds "$2" "update delete $1."; }
cleanup_zone "$P."
cleanup_zone "$B."
CLEANUPS+=("tld_forget $P test." "tld_forget $B sm.")
delegate() { nsupd_tlds test. "update delete $P. NS" "update add $P. 300 NS ${primary_ns[0]}" "update add $P. 300 NS ${primary_ns[1]}" || fail "nsupdate refused"; }
undelegate() { nsupd_tlds test. "update delete $P. NS" || fail "nsupdate refused"; }

"$DG_RFC2136_ADDZONE" "$B" >/dev/null || fail "cannot create $B on BIND"
nsupd_tlds sm. "update add $B. 300 NS ns1.bind-c.net." || fail "cannot delegate $B"
delegate

# The registry holds the registrations whatever the TLD servers say.
registry_register "$P" "${primary_ns[@]}"
registry_register "$B" ns1.bind-c.net.
e2e_start
e2e_providers
# restart [ENV=VALUE]: a new controller process for the namespace, after the previous one (killed or stopped).
RUN_FLAGS=(--kubeconfig="$KUBECONFIG" --namespace="$NS" --leader-election-namespace="$NS"
  --metrics-bind-address="127.0.0.1:$METRICS_PORT" --health-probe-bind-address="127.0.0.1:$PROBE_PORT"
  --root-hints="$DG_ROOT_HINTS" --rdap-bootstrap="$DG_RDAP_BOOTSTRAP" --rdap-bootstrap-url=""
  --whois-servers="test=$DG_WHOIS_ADDR,sm=$DG_WHOIS_ADDR,net=$DG_WHOIS_ADDR" --drift-poll-interval=2s
  --lease-duration=4s --renew-deadline=3s --retry-period=1s)
restart() {
  if [ -n "$CONTROLLER_PID" ]; then kill "$CONTROLLER_PID" 2>/dev/null || true; wait "$CONTROLLER_PID" 2>/dev/null || true; fi
  env "$@" "$DG_BIN" run "${RUN_FLAGS[@]}" >>"$E2E_LOGS/$E2E_NAME.controller.log" 2>&1 &
  CONTROLLER_PID=$!
  retry 30 curl -fs "http://127.0.0.1:$PROBE_PORT/readyz" || fail "restarted controller not ready within 30s"
}
# died: the controller process has exited (killed by its own test hook).
died() {
  kill -0 "$CONTROLLER_PID" 2>/dev/null && return 1
  wait "$CONTROLLER_PID" 2>/dev/null || true  # reaped here, so bash reports no "Killed" job
  return 0
}
restart DG_FAILOVER_EXIT_AFTER_STEP=0

kubectl -n "$NS" apply -f - >/dev/null <<YAML || fail "objects refused"
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: backup}
spec:
  zone: $B
  providers: [{name: bind-c}]
  checks: {delegation: {interval: 10s}}
$(backup_zone_records)
---
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: crash}
spec:
  zone: $P
  providers: [{name: pdns-a}, {name: pdns-b}]
  checks: {delegation: {interval: 10s}}
  failover:
    domain: $B
    mode: OnFailure
    ingressSelector: {matchLabels: {domainguard.io/failover: "true"}}
    holdDown: 5s
    confirmations: 1
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, labels: {domainguard.io/failover: "true"}}
spec:
  rules:
  - host: app.$P
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}]}
  - host: api.$P
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, labels: {domainguard.io/failover: "true"}}
spec:
  rules:
  - host: shop.$P
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}
YAML
for i in web shop; do
  kubectl -n "$NS" patch ingress "$i" --subresource=status --type=merge \
    -p "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"$LB_IP\"}]}}}" >/dev/null || fail "cannot set the load balancer of $i"
done
user_view() { kubectl -n "$NS" get ingress "$1" -o json | jq -S 'del(.metadata.resourceVersion, .metadata.managedFields)'; }
WEB0=$(user_view web)
siblings() {
  kubectl -n "$NS" get ingress -l domainguard.io/failover-sibling=true -o jsonpath='{range .items[*]}{.metadata.name}{" "}{end}' 2>/dev/null | sed 's/ $//'
}
backup_records() {
  dig +norec @"$C_DNS" "$B" AXFR -y "hmac-sha256:$DG_RFC2136_TSIG_NAME:$DG_RFC2136_TSIG_SECRET" 2>/dev/null |
    awk -v z="$B." '$1 ~ /^(app|api|shop)\./ && $1 != "_dg-owner" { print $1, $4, $5 }' | sort | tr '\n' ';'
}
WANT_RECORDS="api.$B. A $LB_IP;app.$B. A $LB_IP;shop.$B. A $LB_IP;"
active_exact() {
  [ "$(siblings)" = "shop-failover web-failover" ] && [ "$(backup_records)" = "$WANT_RECORDS" ] &&
    [ "$(kubectl -n "$NS" get domain crash -o jsonpath='{.status.failover.active}')" = true ]
}
inactive_exact() {
  [ -z "$(siblings)" ] && [ -z "$(backup_records)" ] &&
    [ "$(kubectl -n "$NS" get domain crash -o jsonpath='{.status.failover.active}')" = false ]
}
failbacks() {
  kubectl -n "$NS" get events.events.k8s.io -o json |
    jq '[.items[] | select(.reason == "FailbackCompleted" and .regarding.name == "crash") | (.series.count // 1)] | add // 0'
}
retry 90 bash -c "[ \"\$(kubectl -n $NS get domain crash -o jsonpath='{.status.failover.state}')\" = 'OnFailure ready' ]" ||
  fail "crash: not 'OnFailure ready': $(kubectl -n "$NS" get domain crash -o jsonpath='{.status.failover.readyMessage}')"
[ -z "$(siblings)" ] || fail "siblings before any switch: $(siblings)"

for k in 1 2 3 4; do
  restart DG_FAILOVER_EXIT_AFTER_STEP=$k
  retry 60 bash -c "kubectl -n $NS get domain crash -o jsonpath='{.status.conditions[?(@.type==\"DelegationHealthy\")].status}' | grep -qx True" ||
    fail "step $k: primary not healthy before the fault"
  undelegate
  retry 90 died || fail "step $k: the controller did not stop after switch step $k"
  grep -q "decision=test-exit step=$k" "$E2E_LOGS/$E2E_NAME.controller.log" || fail "step $k: no test-exit log line"
  restart DG_FAILOVER_EXIT_AFTER_STEP=$k   # the same hook: only a switch or failback of its own may trigger it
  retry 60 active_exact || fail "step $k: after a kill at switch step $k: siblings '$(siblings)', records '$(backup_records)', want '$WANT_RECORDS'"
  [ "$(user_view web)" = "$WEB0" ] || fail "step $k: the user's Ingress changed"
  before=$(failbacks)
  delegate
  retry 120 died || fail "step $k: the controller did not stop after failback step $k"
  restart DG_FAILOVER_EXIT_AFTER_STEP=0
  retry 60 inactive_exact || fail "step $k: after a kill at failback step $k: siblings '$(siblings)', records '$(backup_records)'"
  retry 30 bash -c "[ \$(kubectl -n $NS get events.events.k8s.io -o json | jq '[.items[] | select(.reason == \"FailbackCompleted\" and .regarding.name == \"crash\") | (.series.count // 1)] | add // 0') -gt $before ]" ||
    fail "step $k: no FailbackCompleted after a kill at failback step $k"
  note "kill -9 after step $k of the switch and of the failback: exact end states"
done
[ "$(user_view web)" = "$WEB0" ] || fail "the user's Ingress changed"
note "passed in ${SECONDS}s"
