#!/usr/bin/env bash
# The demo: installs what is needed, builds domainguard, brings the local test bed up (kube-apiserver + etcd,
# two PowerDNS, BIND as RFC 2136 provider and a root -> TLD -> child DNS hierarchy, RDAP and WHOIS servers, all
# on loopback), runs domainguard with three Domains (as Pods installed by `helm install` on a real node beside the
# bed; --bare: a `domainguard run` process), and replays the three incidents domainguard exists for:
#   1. a DNS host loses records and MX, then freezes updates: domainguard repairs the records within seconds,
#      keeps the edits made while the host is down pending, and applies them when it is back;
#   2. the main domain nears expiry, expires, and the registrar parks its name servers: warned weeks ahead
#      (ExpiringSoon), then Expired and NameserversChanged, seen at the TLD servers themselves; its web host is
#      already served under a backup domain on another TLD and registrar (Standby), FailoverActive switches to it
#      on the evidence, and it fails back after the renewal and a hold-down;
#   3. the registry suspends a domain and removes its glue: DelegationMissing on it, DependencyBroken on the
#      domain whose name servers live under it, RegistryHold from the registry's WHOIS.
# Then everything is restored, and the last screen says which Domains are healthy and what is left on purpose; the
# demo exits non-zero when its end state is not that.
#
#   hack/demo.sh [--bare] [--down]
#   (default)   domainguard as users run it: its image (hack/image.sh) on a real node beside the bed (hack/node.sh),
#               installed with `helm install` (charts/domainguard, release domainguard in domainguard-system)
#   --bare      for development: a bare `domainguard run` process against the bed's own kube-apiserver
#   --down      stop the controller (uninstall the release, bring the node down) and the bed at the end;
#               otherwise all stays up for exploring
#
# Output: what happens, step by step, with `kubectl get domains` and dig answers. The controller log: --bare
# $DG_BED_DIR/logs/domainguard-demo.log, else `kubectl -n domainguard-system logs` of its Pods (KUBECONFIG from
# `hack/node.sh env`).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

teardown=0
bare=0
for arg in "$@"; do
  case "$arg" in
    --down) teardown=1 ;;
    --bare) bare=1 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$arg' (see hack/demo.sh --help)" ;;
  esac
done

cd "$DG_ROOT"
step "installing what is needed (apt packages; kube-apiserver, etcd, helm built with Go into $DG_CACHE)"
bash hack/install.sh
step "building domainguard"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
  >/dev/null
cmake --build build --target domainguard | tail -1
DG=$DG_ROOT/build/controller/app/domainguard
"$DG" version

step "bringing the local test bed up"
bash hack/testbed.sh up
eval "$(bash hack/testbed.sh env)"
tools_path
NS="demo-$(date +%s)"  # namespaces stay Terminating on the bed (no controller-manager): a fresh one per run
LOG="$DG_BED_DIR/logs/domainguard-demo.log"
PIDFILE="$DG_BED_DIR/pids/domainguard-demo.pid"
REL_NS=domainguard-system
if [ "$bare" -eq 0 ]; then
  # In-cluster: the Domains live in the node's cluster, where the chart's Pods reconcile them; the bed's
  # providers, DNS hierarchy and registry are reached from the Pods at the bed's own addresses (hack/node.sh).
  step "bringing the node up and importing the domainguard image into its containerd"
  bash hack/node.sh up
  eval "$(bash hack/node.sh env)"
  export KUBECONFIG=$DG_NODE_KUBECONFIG
  bash hack/image.sh --binary "$DG" --import --address "$DG_CONTAINERD_ADDRESS" | grep -E '^(digest|size)' | sed 's/^/    /'
  LOG="kubectl -n $REL_NS logs -l app.kubernetes.io/name=domainguard"
fi
# Stops the controller of an earlier run of either kind: both act on the same zones at the same providers.
stop_controller() {
  if [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then kill "$(cat "$PIDFILE")"; fi
  rm -f "$PIDFILE"
  if bash hack/node.sh status >/dev/null 2>&1; then
    (eval "$(bash hack/node.sh env)"; KUBECONFIG=$DG_NODE_KUBECONFIG helm uninstall domainguard -n "$REL_NS" --wait) \
      >/dev/null 2>&1 || true
  fi
}
if [ "$teardown" -eq 1 ]; then
  if [ "$bare" -eq 0 ]; then trap 'stop_controller; bash hack/node.sh down; bash hack/testbed.sh down' EXIT
  else trap 'stop_controller; bash hack/testbed.sh down' EXIT; fi
fi
# The leader's /metrics (a standby has no Domain gauges): the bare process's port, or the leading Pod's IP from
# inside the node.
metrics() {
  if [ "$bare" -eq 1 ]; then curl -fs http://127.0.0.1:18090/metrics; return; fi
  local leader ip
  leader=$(kubectl -n "$REL_NS" get lease domainguard-leader -o 'jsonpath={.spec.holderIdentity}')
  ip=$(kubectl -n "$REL_NS" get pod "$leader" -o 'jsonpath={.status.podIP}')
  ip netns exec "$DG_NODE_NETNS" curl -fs "http://$ip:8080/metrics"
}

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
show() { printf '  $ %s\n' "$*"; "$@" 2>&1 | sed 's/^/    /'; }
domains() { show kubectl -n "$NS" get domains; }
cond() {
  kubectl -n "$NS" get domain "$1" -o "jsonpath={.status.conditions[?(@.type==\"$2\")].status}/{.status.conditions[?(@.type==\"$2\")].reason}" 2>/dev/null
}
# wait_for DESCRIPTION SECONDS CMD...: poll until CMD succeeds; the demo stops with one line if it does not.
wait_until() {
  local what=$1 timeout=$2 deadline=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "demo: $what did not happen within $timeout s (controller log: $LOG)"
    sleep 0.5
  done
  printf '  ... %s (%ss)\n' "$what" "$((SECONDS - T0))"
}
is_cond() { [ "$(cond "$1" "$2")" = "$3" ]; }
has_finding() {
  kubectl -n "$NS" get domain "$1" -o jsonpath='{range .status.findings[*]}{.reason}/{.severity}{"\n"}{end}' |
    grep -qx "$2"
}
findings() {
  show kubectl -n "$NS" get domain "$1" -o \
    'jsonpath={range .status.findings[*]}{.severity}{"\t"}{.reason}{"\t"}{.message}{"\n"}{end}'
}
served() { dig +norec +short +time=2 +tries=2 "@$1" "$2" "$3" | sort | tr '\n' ' ' | sed 's/ $//'; }
serves() { [ "$(served "$1" "$2" "$3")" = "$4" ]; }
tld_update() {  # tld_update ZONE "update ..."...: both TLD servers, TSIG-signed (what a registry does)
  local zone=$1 s
  shift
  for s in ${DG_TLD_SERVERS//,/ }; do
    { printf 'server %s\nzone %s\n' "$s" "$zone"; printf '%s\n' "$@"; printf 'send\n'; } |
      nsupdate -y "hmac-sha256:$DG_TLD_TSIG_NAME:$DG_TLD_TSIG_SECRET" -t 5
  done
}
registry() { curl -fs -X POST -H 'Content-Type: application/json' --data "$1" "$DG_REGISTRY_CONTROL/select" >/dev/null; }
# registry_control PATH JSON: what the registry holds (register/unregister/unselect; hack/bed/registry_server.py).
registry_control() {
  curl -fs -X POST -H 'Content-Type: application/json' --data "$2" "$DG_REGISTRY_CONTROL/$1" >/dev/null
}
pdns_a() {
  curl -s -o /dev/null -w '%{http_code}' -X "$1" -H "X-API-Key: $DG_PDNS_A_KEY" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "$DG_PDNS_A_API/api/v1/servers/localhost$2"
}

say "0. The starting point: three zones, their delegations at the TLD servers, their registrations"
# A previous run's state is replaced: the demo is repeatable on a kept bed.
stop_controller
for z in shop.test client.test hoster.sm; do
  pdns_a DELETE "/zones/$z." >/dev/null
  curl -s -o /dev/null -X DELETE -H "X-API-Key: $DG_PDNS_B_KEY" "$DG_PDNS_B_API/api/v1/servers/localhost/zones/$z."
done
"$DG_RFC2136_RNDC" delzone -clean shop.test >/dev/null 2>&1 || true
"$DG_RFC2136_ADDZONE" shop.test >/dev/null
"$DG_RFC2136_RNDC" delzone -clean shop-backup.sm >/dev/null 2>&1 || true
"$DG_RFC2136_ADDZONE" shop-backup.sm >/dev/null
tld_update test. "update delete shop.test." "update delete client.test." \
  "update add shop.test. 300 NS ns1.pdns-a.net." "update add shop.test. 300 NS ns1.pdns-b.net." \
  "update add shop.test. 300 NS ns1.bind-c.net." \
  "update add client.test. 300 NS ns1.hoster.sm." "update add client.test. 300 NS ns2.hoster.sm."
tld_update sm. "update delete hoster.sm." "update delete ns1.hoster.sm." "update delete ns2.hoster.sm." \
  "update add hoster.sm. 300 NS ns1.hoster.sm." "update add hoster.sm. 300 NS ns2.hoster.sm." \
  "update add ns1.hoster.sm. 300 A 127.53.1.1" "update add ns2.hoster.sm. 300 A 127.53.1.2" \
  "update delete shop-backup.sm." "update add shop-backup.sm. 300 NS ns1.bind-c.net."
curl -fs -X POST "$DG_REGISTRY_CONTROL/reset" >/dev/null
# The registry's record of each domain (hack/bed/fixtures/registry/domains.json) matches its delegation; shop.test's
# registration runs out in 20 days.
SHOP_NS='["ns1.pdns-a.net","ns1.pdns-b.net","ns1.bind-c.net"]'
registry_control register "{\"domain\":\"shop.test\",\"nameservers\":$SHOP_NS,\"expires_in_days\":20}"
# shop.test's backup domain, shop-backup.sm, is held in domains.json too: another TLD, another registrar, on BIND.
if [ "$bare" -eq 1 ]; then
  kubectl apply -f crds/ >/dev/null
else
  # The node deletes namespaces for real: earlier runs' Domains (same zones) go, so none conflicts with this run's.
  kubectl get namespaces -o name | { grep '^namespace/demo-' || true; } |
    xargs -r kubectl delete --wait=true --timeout=120s >/dev/null
  step "helm install domainguard (CRDs, 2 replicas with leader election, least-privilege RBAC)"
  helm upgrade --install domainguard charts/domainguard -n "$REL_NS" --create-namespace \
    --set image.pullPolicy=Never --set-file manager.rootHints="$DG_ROOT_HINTS" \
    --set manager.rdapBootstrapURL="${DG_RDAP_URL}bootstrap.json" --set manager.whoisServers.sm="$DG_WHOIS_ADDR" \
    --set 'manager.extraArgs={--drift-poll-interval=2s}' --wait --timeout 120s >/dev/null
  show kubectl -n "$REL_NS" get pods,lease
fi
kubectl wait --for=condition=Established crd/domains.domainguard.io crd/dnsproviders.domainguard.io --timeout=30s >/dev/null
kubectl create namespace "$NS" >/dev/null
bed_apply_providers "$NS" >/dev/null
kubectl -n "$NS" apply -f - >/dev/null <<YAML
# The company's main domain, served by three providers at once.
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: shop}
spec:
  zone: shop.test
  providers: [{name: pdns-a}, {name: pdns-b}, {name: bind-c}]
  records:
  - {name: "@", type: MX, ttl: 300, values: ["10 mail.shop.test."]}
  - {name: "@", type: TXT, values: ['"v=spf1 mx -all"']}
  - {name: www, type: A, ttl: 60, values: [192.0.2.80]}
  - {name: mail, type: A, values: [192.0.2.25]}
  - {name: api, type: A, values: [192.0.2.81, 192.0.2.82]}
  checks: {delegation: {interval: 10s}, registration: {interval: 1m}}
---
# A hosting company's domain: its own vanity name servers, with glue at .sm.
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: hoster}
spec:
  zone: hoster.sm
  providers: [{name: pdns-a}, {name: pdns-b}]
  nameservers:
  - {name: ns1.hoster.sm., addresses: [127.53.1.1]}
  - {name: ns2.hoster.sm., addresses: [127.53.1.2]}
  records: [{name: www, type: A, values: [192.0.2.90]}]
  checks: {delegation: {interval: 10s}, registration: {interval: 1m}}
---
# A customer of the hoster: its name servers live under hoster.sm.
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: client}
spec:
  zone: client.test
  providers: [{name: pdns-a}, {name: pdns-b}]
  nameservers: [{name: ns1.hoster.sm.}, {name: ns2.hoster.sm.}]
  records: [{name: www, type: A, values: [192.0.2.91]}]
  checks: {delegation: {interval: 10s}, registration: {interval: 1m}}
YAML
T0=$SECONDS
if [ "$bare" -eq 1 ]; then
"$DG" run --kubeconfig="$KUBECONFIG" --namespace="$NS" --leader-election-namespace="$NS" \
  --metrics-bind-address=127.0.0.1:18090 --health-probe-bind-address=127.0.0.1:18091 \
  --root-hints="$DG_ROOT_HINTS" --rdap-bootstrap="$DG_RDAP_BOOTSTRAP" --rdap-bootstrap-url="${DG_RDAP_URL}bootstrap.json" \
  --whois-servers="sm=$DG_WHOIS_ADDR" \
  --drift-poll-interval=2s >"$LOG" 2>&1 &
echo $! >"$PIDFILE"
wait_until "domainguard run is ready" 30 curl -fs http://127.0.0.1:18091/readyz
fi
wait_until "shop.test served by all three providers" 60 is_cond shop RecordsSynced True/Synced
wait_until "hoster.sm delegation verified at both TLD servers" 60 is_cond hoster DelegationHealthy True/DelegationHealthy

say "   shop.test's web host, kept ready under a backup domain (failover: Standby)"
# The shop's Ingress (its load balancer address set by hand: the node runs no ingress controller), the backup
# Domain on another TLD and registrar, and spec.failover on shop. domainguard keeps a sibling Ingress for
# www.shop-backup.sm and serves its record at the backup's name server before anything goes wrong.
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: shop-backup}
spec:
  zone: shop-backup.sm
  providers: [{name: bind-c}]
  records: [{name: "@", type: MX, values: ["10 mail.shop.test."]}]
  checks: {delegation: {interval: 10s}, registration: {interval: 1m}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, labels: {domainguard.io/failover: "true"}}
spec:
  rules:
  - {host: www.shop.test, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}
YAML
kubectl -n "$NS" patch ingress web --subresource=status --type=merge \
  -p '{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.80"}]}}}' >/dev/null
kubectl -n "$NS" patch domain shop --type=merge -p '{"spec":{"failover":{"domain":"shop-backup.sm",
  "ingressSelector":{"matchLabels":{"domainguard.io/failover":"true"}},"holdDown":"30s","confirmations":2}}}' >/dev/null
wait_until "the backup is ready: www.shop-backup.sm served before any fault" 90 \
  bash -c "[ \"\$(kubectl -n $NS get domain shop -o jsonpath='{.status.failover.state}')\" = 'Standby ready' ]"
wait_until "www.shop-backup.sm answered by the backup's name server" 30 serves 127.53.1.3 www.shop-backup.sm A 192.0.2.80
printf '    dig @127.53.1.3 www.shop-backup.sm A -> %s\n' "$(served 127.53.1.3 www.shop-backup.sm A)"
show kubectl -n "$NS" get ingress
wait_until "client.test delegation verified; warned that all its name servers are under hoster.sm" 60 \
  has_finding client SinglePointOfFailure/Warning
domains
for ip in "$DG_PDNS_A_DNS" "$DG_PDNS_B_DNS" "${DG_RFC2136_SERVER%:*}"; do
  printf '    dig @%-12s shop.test MX -> %s\n' "$ip" "$(served "$ip" shop.test MX)"
done

say "1. The DNS host loses records and MX in a migration, then freezes updates"
T0=$SECONDS
printf '  the migration restores old data under the same serial (PowerDNS A, SOA-EDIT-API off for the restore):\n'
pdns_a PUT /zones/shop.test. '{"soa_edit_api":""}' >/dev/null
show pdns_a PATCH /zones/shop.test. '{"rrsets":[{"name":"shop.test.","type":"MX","changetype":"DELETE"},{"name":"www.shop.test.","type":"A","changetype":"DELETE"}]}'
pdns_a PUT /zones/shop.test. '{"soa_edit_api":"DEFAULT"}' >/dev/null
printf '    dig @%s shop.test MX -> "%s" (lost; the serial did not move)\n' "$DG_PDNS_A_DNS" "$(served "$DG_PDNS_A_DNS" shop.test MX)"
wait_until "MX and www restored at PowerDNS A (the serving check saw them missing; the records controller repaired)" \
  30 serves "$DG_PDNS_A_DNS" shop.test MX "10 mail.shop.test."
show kubectl -n "$NS" get events.events.k8s.io --field-selector reason=DriftRepaired -o custom-columns=REASON:.reason,NOTE:.note
T0=$SECONDS
"$DG_PDNS_A_STOP" >/dev/null
printf '  PowerDNS A is down ("backlogged"); the Domain is edited: www moves to 192.0.2.88\n'
kubectl -n "$NS" patch domain shop --type=json \
  -p '[{"op":"replace","path":"/spec/records/2/values","value":["192.0.2.88"]}]' >/dev/null
wait_until "PowerDNS B and BIND serve the edit while A is down" 30 serves "$DG_PDNS_B_DNS" www.shop.test A 192.0.2.88
wait_until "A's change is kept pending (ProviderUnavailable)" 30 is_cond shop RecordsSynced False/ProviderUnavailable
show kubectl -n "$NS" get domain shop -o \
  'jsonpath={range .status.providers[*]}{.name}{"\tsynced="}{.synced}{"\tpending="}{.pendingChanges}{"\t"}{.reason}{"\n"}{end}'
"$DG_PDNS_A_START" >/dev/null
wait_until "A is back and got the edit" 90 serves "$DG_PDNS_A_DNS" www.shop.test A 192.0.2.88
wait_until "every provider in sync again" 30 is_cond shop RecordsSynced True/Synced

say "2. The main domain expires and the registrar parks its name servers"
T0=$SECONDS
printf '  RDAP says shop.test expires in 20 days: warned weeks ahead, not on the day\n'
wait_until "ExpiringSoon reported" 60 has_finding shop ExpiringSoon/Warning
findings shop
printf '  the renewal fails (dead mailbox, expired card); the registry now says: expired; the registrar parks it:\n'
registry_control register \
  '{"domain":"shop.test","nameservers":["ns1.parking-lot.sm","ns2.parking-lot.sm"],"expires_in_days":-2}'
tld_update test. "update delete shop.test. NS" "update add shop.test. 300 NS ns1.parking-lot.sm." \
  "update add shop.test. 300 NS ns2.parking-lot.sm."
kubectl -n "$NS" patch domain shop --type=merge -p '{"spec":{"checks":{"registration":{"warnBefore":"721h"}}}}' >/dev/null
wait_until "NameserversChanged (critical: seen at both TLD servers, twice)" 60 has_finding shop NameserversChanged/Critical
wait_until "Expired reported from RDAP" 90 has_finding shop Expired/Critical
findings shop
domains
wait_until "FailoverActive: www.shop-backup.sm carries the shop (seen at both TLD servers, confirmed)" 90 \
  is_cond shop FailoverActive True/FailoverActivated
show kubectl -n "$NS" get domain shop -o 'jsonpath={.status.failover.evidence}'
echo
show kubectl -n "$NS" get ingress web-failover -o 'jsonpath={.spec.rules[*].host}'
echo
printf '  the renewal goes through: the registry record and the delegation are the company'"'"'s again\n'
tld_update test. "update delete shop.test. NS" "update add shop.test. 300 NS ns1.pdns-a.net." \
  "update add shop.test. 300 NS ns1.pdns-b.net." "update add shop.test. 300 NS ns1.bind-c.net."
registry_control unregister '{"domain":"shop.test"}'  # back to its record in domains.json (renewed: 200 days)
# A spec edit starts a registration check at once: the registry's renewed record is read now, not in a minute.
kubectl -n "$NS" patch domain shop --type=merge -p '{"spec":{"checks":{"registration":{"warnBefore":"720h"}}}}' >/dev/null
wait_until "failback after the 30 s hold-down (FailbackCompleted)" 300 is_cond shop FailoverActive False/FailoverStandby

say "3. The registry suspends hoster.sm and removes its glue at the TLD"
T0=$SECONDS
registry '{"domain":"hoster.sm","whois":"cctld-suspended"}'
tld_update sm. "update delete hoster.sm." "update delete ns1.hoster.sm." "update delete ns2.hoster.sm."
printf '    dig @127.53.10.1 hoster.sm NS -> "%s" (nothing: suspended)\n' "$(served 127.53.10.1 hoster.sm NS)"
wait_until "DelegationMissing on hoster.sm" 60 has_finding hoster DelegationMissing/Critical
wait_until "DependencyBroken on client.test (its name servers live under hoster.sm)" 60 \
  has_finding client DependencyBroken/Critical
kubectl -n "$NS" patch domain hoster --type=merge -p '{"spec":{"checks":{"registration":{"warnBefore":"721h"}}}}' >/dev/null
wait_until "RegistryHold from the .sm WHOIS (Status: Suspended)" 90 has_finding hoster RegistryHold/Critical
findings hoster
findings client
show kubectl -n "$NS" get domain client -o 'jsonpath={.status.dependsOn}'
domains
say "Metrics (what Prometheus alerts on):"
metrics | grep -E '^domainguard_domain_(finding|expiry)' | grep -E 'Critical|expiry' | head -8 |
  sed 's/^/    /'

say "Restoring hoster.sm: the registry lifts the suspension, delegation and glue are back"
T0=$SECONDS
registry_control unselect '{"domain":"hoster.sm"}'  # its own record again (hack/bed/fixtures/registry/domains.json)
tld_update sm. "update add hoster.sm. 300 NS ns1.hoster.sm." "update add hoster.sm. 300 NS ns2.hoster.sm." \
  "update add ns1.hoster.sm. 300 A 127.53.1.1" "update add ns2.hoster.sm. 300 A 127.53.1.2"
wait_until "hoster.sm healthy again" 60 is_cond hoster DelegationHealthy True/DelegationHealthy
no_finding() { ! has_finding "$@"; }
wait_until "client.test resolves again (DependencyBroken cleared)" 60 no_finding client DependencyBroken/Critical
# The registrations are looked at again now (a spec edit starts a registration check at once).
for d in shop hoster; do
  kubectl -n "$NS" patch domain "$d" --type=merge -p '{"spec":{"checks":{"registration":{"warnBefore":"720h"}}}}' >/dev/null
done
for d in shop shop-backup hoster client; do wait_until "$d Ready" 120 is_cond "$d" Ready True/Healthy; done
domains

# The last screen: what the story leaves, and the demo's own check of it: every Domain Ready, and no finding but
# the risks the story keeps on purpose (explained below).
say "End state"
end_ok=1
left=""
for d in shop shop-backup hoster client; do
  ready="$(cond "$d" Ready)"
  risks="$(kubectl -n "$NS" get domain "$d" -o jsonpath='{range .status.findings[*]}{.severity}/{.reason} {end}')"
  printf '  %-11s Ready=%-14s findings: %s\n' "$d" "$ready" "${risks:-none}"
  [ "$ready" = True/Healthy ] || { end_ok=0; printf '          NOT HEALTHY: %s\n' "$(kubectl -n "$NS" get domain "$d" -o \
    jsonpath='{range .status.conditions[?(@.status!="True")]}{.type}/{.reason}: {.message}; {end}')"; }
  for f in $risks; do
    case "$f" in
      Warning/SinglePointOfFailure | Warning/NoAlertChannel | Warning/FailoverNotIndependent) left="$left ${f#Warning/}" ;;
      *) end_ok=0; printf '          unexpected finding %s\n' "$f" ;;
    esac
  done
done
printf '  Healthy again: shop.test (records repaired, renewed, delegation back, failed back from shop-backup.sm),\n'
printf '  shop-backup.sm (standing by again), hoster.sm (suspension lifted, glue back), client.test (resolves again).\n'
printf '  Left on purpose (risks, not failures; they do not make a Domain unready):\n'
case "$left" in *SinglePointOfFailure*)
  printf '    SinglePointOfFailure: client.test has all its name servers under hoster.sm (incident 3 showed what\n'
  printf '      that costs); shop.test has all of its under .net. The bed has no other TLD to spread them to.\n' ;;
esac
case "$left" in *FailoverNotIndependent*)
  printf '    FailoverNotIndependent: shop.test also uses BIND (ns1.bind-c.net), the backup'"'"'s only name server; the\n'
  printf '      bed has one RFC 2136 server. The switch worked, but an outage of bind-c.net would take both.\n' ;;
esac
case "$left" in *NoAlertChannel*)
  printf '    NoAlertChannel: the demo sets up no alert channel; findings reach people only as Events and metrics.\n' ;;
esac
has_finding client SinglePointOfFailure/Warning || end_ok=0
[ "$end_ok" -eq 1 ] || die "demo: the end state is not the one above (controller log: $LOG)"

if [ "$teardown" -eq 1 ]; then
  step "done; stopping the controller and the bed (--down)"
else
  step "done. The bed and the controller stay up: kubectl -n $NS get domains; logs: $LOG"
  if [ "$bare" -eq 1 ]; then
    info "stop with: kill \$(cat $PIDFILE); hack/testbed.sh down (or run hack/demo.sh --bare --down)"
  else
    info "eval \"\$(hack/node.sh env)\"; export KUBECONFIG=\$DG_NODE_KUBECONFIG   (the node's cluster)"
    info "stop with: helm uninstall domainguard -n $REL_NS; hack/node.sh down; hack/testbed.sh down (or hack/demo.sh --down)"
  fi
fi
