#!/usr/bin/env bash
# Failover, staged for real (the second and third incidents): a primary shop zone under .test on PowerDNS A + B,
# its backup zone under .sm on BIND (another TLD, registry, provider and name server), an Ingress "web" with two
# hosts and TLS selected by label, a real `domainguard run` checking every 10s with 3 confirmations:
#   - Standby: the sibling Ingress web-failover exists, the backup hosts are served by every backup name server
#     before any fault, status.failover says ready only once the sibling's TLS Secret exists; the user's Ingress
#     and an unlabelled one are never changed;
#   - the primary's delegation and glue removed at both TLD servers: FailoverActive within confirmations x
#     interval + one interval, an Event FailoverActivated carrying the parents' answers; restored: after the
#     holdDown, FailbackCompleted;
#   - OnFailure: no sibling and no backup record until the switch; created at the switch, and after failback
#     exactly nothing of them left, nothing else touched;
#   - a parent flapping every interval and one stale TLD server never activate anything;
#   - a backup that is itself lost: FailoverBlocked, nothing created; a backup on the primary's own providers:
#     FailoverNotIndependent naming what is shared.
source "$(dirname "$0")/lib.sh"
need_env DG_TLD_SERVERS DG_TLD_TSIG_NAME DG_TLD_TSIG_SECRET DG_RFC2136_ADDZONE DG_RFC2136_RNDC
TLD_A=${DG_TLD_SERVERS%%,*}
INTERVAL=10
CONFIRMATIONS=3
LB_IP=192.0.2.80

P="shop$E2E_ID.test"     # primary, Standby then OnFailure
B="shopbk$E2E_ID.sm"     # its backup on BIND
F="flap$E2E_ID.test"     # primary whose parent flaps; backup $B too
K="blk$E2E_ID.test"      # primary whose backup is lost
KB="blkbk$E2E_ID.test"   # that backup: on the primary's own providers, never delegated

tld_forget() { nsupd_tlds "$2" "update delete $1." "update delete ns1.$1." "update delete ns2.$1."; }
for z in "$P" "$F" "$K" "$KB"; do cleanup_zone "$z."; CLEANUPS+=("tld_forget $z test."); done
cleanup_zone "$B."
CLEANUPS+=("tld_forget $B sm.")

# delegate Z TLD NS...: Z delegated at both TLD servers (a: server a only) to the NS names (out of bailiwick).
delegate() {
  local z=$1 tld=$2 only=${DELEGATE_ONLY:-} cmds=("update delete $1. NS") n
  shift 2
  for n in "$@"; do cmds+=("update add $z. 300 NS $n"); done
  if [ -n "$only" ]; then nsupd_tld "$only" "$tld" "${cmds[@]}"; else nsupd_tlds "$tld" "${cmds[@]}"; fi ||
    fail "nsupdate of the $tld TLD refused for $z"
}
undelegate() {
  local z=$1 only=${DELEGATE_ONLY:-}
  if [ -n "$only" ]; then nsupd_tld "$only" test. "update delete $z. NS"; else nsupd_tlds test. "update delete $z. NS"; fi ||
    fail "nsupdate removing the delegation of $z refused"
}
primary_ns=(ns1.pdns-a.net. ns1.pdns-b.net.)

# Every name server of zone $1 as the parent has it, with its address (glue or the net. TLD's referral glue):
# "name=address ...".
backup_servers() {
  local n a out=""
  for n in $(dig +norec @"$TLD_A" "$1" NS 2>/dev/null | awk '$4 == "NS" { print $5 }' | sort -u); do
    a=$(dig +norec @"$TLD_A" "$n" A 2>/dev/null | awk -v n="$n" '$1 == n && $4 == "A" { print $5; exit }')
    out+="$n=$a "
  done
  printf '%s' "${out% }"
}
# served_everywhere HOST WANT: every backup name server answers HOST A with WANT ("" : no answer).
served_everywhere() {
  local s
  [ -n "$BACKUP_SERVERS" ] || return 1
  for s in $BACKUP_SERVERS; do serves "${s#*=}" "$1" A "$2" || return 1; done
}

# The user's Ingress as a user would diff it: without the fields the apiserver moves by itself.
user_view() { kubectl -n "$NS" get ingress "$1" -o json | jq -S 'del(.metadata.resourceVersion, .metadata.managedFields)'; }
set_lb() {
  kubectl -n "$NS" patch ingress "$1" --subresource=status --type=merge \
    -p "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"$2\"}]}}}" >/dev/null || fail "cannot set the load balancer of Ingress $1"
}
fo() { jp domain "$1" ".status.failover.$2"; }
fo_is() { [ "$(fo "$1" "$2")" = "$3" ]; }
siblings() {
  kubectl -n "$NS" get ingress -l domainguard.io/failover-sibling=true -o jsonpath='{range .items[*]}{.metadata.name}{" "}{end}' 2>/dev/null | sed 's/ $//'
}
event_about() {
  kubectl -n "$NS" get events.events.k8s.io -o \
    jsonpath='{range .items[*]}{.reason}{"\t"}{.regarding.name}{"\t"}{.note}{"\n"}{end}' 2>/dev/null |
    grep -E -- "^$1	$2	.*${3:-}"
}

# --- The bed as the registries have it: every zone delegated, the backup on BIND. ---
"$DG_RFC2136_ADDZONE" "$B" >/dev/null || fail "cannot create $B on BIND"
delegate "$P" test. "${primary_ns[@]}"
delegate "$F" test. "${primary_ns[@]}"
delegate "$K" test. "${primary_ns[@]}"
delegate "$B" sm. ns1.bind-c.net.
# The registry holds the registrations whatever the TLD servers say (a suspension removes the delegation, not the
# registration); the backup at another registrar.
registry_register "$P" "${primary_ns[@]}"
registry_register "$F" "${primary_ns[@]}"
registry_register "$K" "${primary_ns[@]}"
curl -fs -X POST -H 'Content-Type: application/json' --data \
  "{\"domain\":\"$B\",\"nameservers\":[\"ns1.bind-c.net.\"],\"registrar\":\"Other Registrar\",\"registrar_iana_id\":\"9999\"}" \
  "$DG_REGISTRY_CONTROL/register" >/dev/null || fail "registry control refused to register $B"
CLEANUPS+=("curl -fs -X POST --data '{\"domain\":\"$B\"}' $DG_REGISTRY_CONTROL/unregister")
BACKUP_SERVERS=$(backup_servers "$B")
[ -n "$BACKUP_SERVERS" ] || fail "no name server of $B at the .sm TLD"

e2e_start
e2e_providers
domain() {  # NAME ZONE PROVIDERS [FAILOVER_YAML]
  apply_domain "$1" "$2" "$3" "  checks: {delegation: {interval: ${INTERVAL}s}}
${4:-}"
}
domain backup "$B" "[{name: bind-c}]" "$(backup_zone_records)"
domain blk-backup "$KB" "[{name: pdns-a}]"
domain shop "$P" "[{name: pdns-a}, {name: pdns-b}]" "  failover:
    domain: $B
    ingressSelector: {matchLabels: {domainguard.io/failover: \"true\"}}
    holdDown: 20s
    confirmations: $CONFIRMATIONS"
domain flap "$F" "[{name: pdns-a}, {name: pdns-b}]" "  failover:
    domain: $B
    mode: OnFailure
    ingressSelector: {matchLabels: {app: flap}}
    confirmations: $CONFIRMATIONS"
domain blk "$K" "[{name: pdns-a}, {name: pdns-b}]" "  failover:
    domain: $KB
    mode: OnFailure
    ingressSelector: {matchLabels: {app: blk}}
    confirmations: 1"
kubectl -n "$NS" apply -f - >/dev/null <<YAML || fail "Ingresses refused"
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  labels: {domainguard.io/failover: "true"}
  annotations: {cert-manager.io/cluster-issuer: letsencrypt, kubectl.kubernetes.io/last-applied-configuration: "{}"}
spec:
  ingressClassName: nginx
  rules:
  - host: app.$P
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}]}
  - host: api.$P
    http: {paths: [{path: /v1, pathType: Prefix, backend: {service: {name: api, port: {number: 8080}}}}]}
  tls: [{hosts: [app.$P, api.$P], secretName: web-tls}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: plain}
spec:
  rules:
  - host: www.$P
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: www, port: {number: 80}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: flapweb, labels: {app: flap}}
spec:
  rules:
  - host: app.$F
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: blkweb, labels: {app: blk}}
spec:
  rules:
  - host: app.$K
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}]}
YAML
set_lb web "$LB_IP"
set_lb plain 192.0.2.81
set_lb flapweb 192.0.2.82
set_lb blkweb 192.0.2.83
WEB0=$(user_view web)
PLAIN0=$(user_view plain)

# --- Standby: the sibling and the backup hosts, before any fault. ---
retry 60 bash -c "[ \"\$(kubectl -n $NS get ingress web-failover -o jsonpath='{.spec.rules[*].host}')\" = 'app.$B api.$B' ]" ||
  fail "no sibling Ingress web-failover with hosts app.$B api.$B (siblings: '$(siblings)')"
sib=$(kubectl -n "$NS" get ingress web-failover -o json)
[ "$(jq -r '.spec.tls[0].secretName' <<<"$sib")" = web-tls-failover ] || fail "the sibling's TLS secret is not its own: $(jq -c .spec.tls <<<"$sib")"
[ "$(jq -r '.spec.ingressClassName' <<<"$sib")" = nginx ] || fail "the sibling's ingressClassName is not the original's"
[ "$(jq -c '.spec.rules[1].http' <<<"$sib")" = "$(jq -c '.spec.rules[1].http' <<<"$WEB0")" ] || fail "the sibling's paths and backends differ from the original's"
[ "$(jq -r '.metadata.annotations["cert-manager.io/cluster-issuer"]' <<<"$sib")" = letsencrypt ] || fail "cert-manager's annotation not carried to the sibling"
[ "$(jq -r '.metadata.ownerReferences[0].kind + "/" + .metadata.ownerReferences[0].name' <<<"$sib")" = Domain/shop ] || fail "the sibling is not owned by Domain shop"
retry 90 served_everywhere "app.$B" "$LB_IP" || fail "app.$B not served at every backup name server ($BACKUP_SERVERS): $(for s in $BACKUP_SERVERS; do printf '%s->%s ' "$s" "$(served "${s#*=}" "app.$B" A)"; done)"
retry 10 served_everywhere "api.$B" "$LB_IP" || fail "api.$B not served at every backup name server"
served=0 total=0
for h in "app.$B" "api.$B"; do for s in $BACKUP_SERVERS; do
  total=$((total + 1)); serves "${s#*=}" "$h" A "$LB_IP" && served=$((served + 1))
done; done
note "standby hosts served at $served of $total (host, backup name server) pairs before any fault"
# Not ready while the sibling has no certificate yet; ready once cert-manager (here: the test) made its Secret.
retry 60 bash -c "kubectl -n $NS get domain shop -o jsonpath='{.status.failover.readyMessage}' | grep -q 'TLS Secret web-tls-failover'" ||
  fail "status.failover does not say the sibling's TLS Secret is missing: '$(fo shop readyMessage)'"
tls_dir=$(mktemp -d)
CLEANUPS+=("rm -rf $tls_dir")
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tls_dir/key" -out "$tls_dir/crt" -subj "/CN=app.$B" -days 1 \
  >/dev/null 2>&1 || fail "openssl could not make a certificate"
kubectl -n "$NS" create secret tls web-tls-failover --cert="$tls_dir/crt" --key="$tls_dir/key" >/dev/null ||
  fail "cannot create the TLS Secret web-tls-failover"
kubectl -n "$NS" annotate domain shop e2e/poke="$(date +%s)" --overwrite >/dev/null
retry 90 fo_is shop state "Standby ready" || fail "shop: status.failover.state is '$(fo shop state)' ($(fo shop readyMessage)), want 'Standby ready'"
[ "$(kubectl -n "$NS" get domains shop --no-headers -o custom-columns=F:.status.failover.state)" = "Standby ready" ] || fail "kubectl get domains FAILOVER column"
wait_cond shop FailoverActive False/FailoverStandby 10
[ -z "$(jp domain shop '.status.findings[?(@.reason=="FailoverNotIndependent")].message')" ] ||
  fail "shop: FailoverNotIndependent for an independent backup: $(jp domain shop '.status.findings[?(@.reason=="FailoverNotIndependent")].message')"
# OnFailure primaries have no sibling before a switch.
[ "$(siblings)" = "web-failover" ] || fail "siblings before any fault are '$(siblings)', want only web-failover"
# A backup on the primary's own providers: not independent.
retry 60 bash -c "kubectl -n $NS get domain blk -o jsonpath='{.status.findings[?(@.reason==\"FailoverNotIndependent\")].message}' | grep -q 'every DNS provider (pdns-a)'" ||
  fail "blk: no FailoverNotIndependent naming the shared provider: '$(jp domain blk '.status.findings[?(@.reason=="FailoverNotIndependent")].message')'"
note "blk: $(jp domain blk '.status.findings[?(@.reason=="FailoverNotIndependent")].message')"

# --- Faults: shop's delegation removed at both TLD servers; blk too (its backup was never delegated); flap's
#     parent flapping every interval; then one stale TLD server for flap. ---
wait_cond shop DelegationHealthy True/DelegationHealthy 60
wait_cond flap DelegationHealthy True/DelegationHealthy 60
(
  for _ in 1 2 3 4 5 6 7; do
    undelegate "$F"; sleep "$INTERVAL"; delegate "$F" test. "${primary_ns[@]}"; sleep "$INTERVAL"
  done
) >/dev/null 2>&1 &
FLAP_PID=$!
CLEANUPS+=("kill $FLAP_PID")
t0=$SECONDS
undelegate "$P"
undelegate "$K"
limit=$((CONFIRMATIONS * INTERVAL + INTERVAL))
retry $((limit + 30)) cond_is shop FailoverActive True/FailoverActivated ||
  fail "shop: FailoverActive is '$(cond shop FailoverActive)' $((SECONDS - t0))s after the fault ($(jp domain shop '.status.conditions[?(@.type=="FailoverActive")].message'))"
took=$((SECONDS - t0))
note "fault -> FailoverActive in ${took}s (interval ${INTERVAL}s, confirmations $CONFIRMATIONS; target <= 45s, limit ${limit}s + 1 interval of delegation confirmation)"
[ "$took" -le $((limit + INTERVAL)) ] || fail "FailoverActive took ${took}s, more than $((limit + INTERVAL))s"
retry 10 event_about FailoverActivated shop "DelegationMissing" || fail "no FailoverActivated Event naming the evidence"
note "Event: $(event_about FailoverActivated shop | head -1 | cut -f3 | cut -c1-240)"
fo_is shop active true || fail "status.failover.active is not true"
fo_is shop trigger DelegationMissing || fail "status.failover.trigger is '$(fo shop trigger)'"
[ "$(kubectl -n "$NS" get domains shop --no-headers -o custom-columns=F:.status.failover.state)" = "Active" ] || fail "FAILOVER column is not Active"
wait_cond shop Ready False/FailoverActivated 15
served_everywhere "app.$B" "$LB_IP" || fail "app.$B not served during the failover"
[ "$(user_view web)" = "$WEB0" ] || fail "the user's Ingress web changed during the failover: $(diff <(echo "$WEB0") <(user_view web) | head -5)"
# The blocked one: its trigger is confirmed but its backup is lost too.
retry 60 cond_is blk FailoverActive False/FailoverBlocked || fail "blk: FailoverActive is '$(cond blk FailoverActive)', want False/FailoverBlocked"
retry 10 event_about FailoverBlocked blk || fail "no FailoverBlocked Event for blk"
kubectl -n "$NS" get ingress blkweb-failover >/dev/null 2>&1 && fail "blk: a sibling was created although the failover is blocked"

# Restore: after the holdDown (20s) of health, failback.
delegate "$P" test. "${primary_ns[@]}"
t1=$SECONDS
retry 120 event_about FailbackCompleted shop || fail "shop: no FailbackCompleted $((SECONDS - t1))s after the delegation was restored ($(cond shop FailoverActive))"
note "delegation restored -> FailbackCompleted in $((SECONDS - t1))s (holdDown 20s)"
wait_cond shop FailoverActive False/FailoverStandby 15
fo_is shop active false || fail "status.failover.active is not false after failback"
kubectl -n "$NS" get ingress web-failover >/dev/null 2>&1 || fail "Standby: the sibling was removed at failback"

# Flapping: never active, never a sibling.
wait "$FLAP_PID" 2>/dev/null || true
delegate "$F" test. "${primary_ns[@]}"
cond_is flap FailoverActive True/FailoverActivated && fail "flap: activated by a parent flapping every interval"
event_about FailoverActivated flap && fail "flap: a FailoverActivated Event for a flapping parent"
kubectl -n "$NS" get ingress flapweb-failover >/dev/null 2>&1 && fail "flap: a sibling was created for a flapping parent"
# One stale TLD server (delegation gone at a only): a Warning, never a switch.
DELEGATE_ONLY=$TLD_A undelegate "$F"
sleep $((CONFIRMATIONS * INTERVAL + 2 * INTERVAL))
cond_is flap FailoverActive True/FailoverActivated && fail "flap: activated with one stale TLD server"
kubectl -n "$NS" get ingress flapweb-failover >/dev/null 2>&1 && fail "flap: a sibling was created with one stale TLD server"
delegate "$F" test. "${primary_ns[@]}"
note "flapping parent and one stale TLD server: no activation ($(cond flap FailoverActive))"

# --- OnFailure: nothing until the switch, exactly nothing after the failback. ---
kubectl -n "$NS" patch domain shop --type=merge -p '{"spec":{"failover":{"mode":"OnFailure"}}}' >/dev/null
retry 30 bash -c "! kubectl -n $NS get ingress web-failover >/dev/null 2>&1" || fail "OnFailure: the standby sibling was not removed"
retry 60 served_everywhere "app.$B" "" || fail "OnFailure: app.$B still served before any switch"
retry 30 fo_is shop state "OnFailure ready" || fail "shop: state '$(fo shop state)' ($(fo shop readyMessage)), want 'OnFailure ready'"
wait_cond shop DelegationHealthy True/DelegationHealthy 60
undelegate "$P"
t2=$SECONDS
retry $((limit + 30)) cond_is shop FailoverActive True/FailoverActivated || fail "OnFailure: no switch ($(cond shop FailoverActive))"
note "OnFailure: fault -> FailoverActive in $((SECONDS - t2))s"
retry 30 bash -c "kubectl -n $NS get ingress web-failover >/dev/null 2>&1" || fail "OnFailure: no sibling at the switch"
retry 60 served_everywhere "app.$B" "$LB_IP" || fail "OnFailure: app.$B not served after the switch"
delegate "$P" test. "${primary_ns[@]}"
retry 120 bash -c "[ \$(kubectl -n $NS get events.events.k8s.io -o json | jq '[.items[] | select(.reason==\"FailbackCompleted\" and .regarding.name==\"shop\")] | length') -ge 1 ] && ! kubectl -n $NS get ingress web-failover >/dev/null 2>&1" ||
  fail "OnFailure: the sibling is still there after failback"
retry 60 served_everywhere "app.$B" "" || fail "OnFailure: app.$B still served after failback"
served_everywhere "api.$B" "" || fail "OnFailure: api.$B still served after failback"
left=$(dig +norec @"${DG_RFC2136_SERVER%:*}" "$B" AXFR -y "hmac-sha256:$DG_RFC2136_TSIG_NAME:$DG_RFC2136_TSIG_SECRET" 2>/dev/null |
  awk -v a="app.$B." -v b="api.$B." '$1 == a || $1 == b || $1 == "_dg-owner." a || $1 == "_dg-owner." b' || true)
[ -z "$left" ] || fail "OnFailure: failover records (or their ownership marks) left in $B after failback: $left"
[ -z "$(siblings)" ] || fail "OnFailure: siblings left after failback: $(siblings)"
note "OnFailure failback left 0 sibling objects and 0 failover records in $B (its own 10 records kept)"
[ "$(user_view web)" = "$WEB0" ] || fail "the user's Ingress web changed: $(diff <(echo "$WEB0") <(user_view web) | head -5)"
[ "$(user_view plain)" = "$PLAIN0" ] || fail "the unlabelled Ingress plain changed"
note "passed in $((SECONDS))s"
