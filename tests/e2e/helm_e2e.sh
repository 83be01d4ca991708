#!/usr/bin/env bash
# e2e: runs alone (brings up the node: kubelet, containerd and Pods take both cores)
# domainguard as users run it: the image (hack/image.sh) imported into a real node's containerd (hack/node.sh:
# kubelet, containerd + runc, kube-proxy, CNI), the chart installed with `helm install`, and the bed's providers,
# DNS hierarchy and registry reached from the Pods. What a user would notice:
#   - helm install -> both Pods Running and Ready, one holds the Lease; a Domain applied afterwards is Ready
#     (records served by PowerDNS A and B, delegation and registration in status) within 60 s of `helm install`;
#     its metrics scraped through the metrics Service's ClusterIP;
#   - the Pods run as uid 65532 with no capabilities, no new privileges, seccomp and a read-only root;
#   - the ServiceAccount may do exactly what the code uses (kubectl auth can-i --list), nothing more;
#   - the leader killed (SIGKILL, no Lease release): the standby leads within the lease duration + 5 s;
#   - helm upgrade to a new image tag rolls (a Ready Pod at every moment), the Lease moves to a new Pod, an edit
#     made during the upgrade is served afterwards, and the upgrade raises no storm of Events;
#   - helm uninstall leaves the CRDs, the Domain and every provider record; a reinstall changes nothing there;
#   - watchNamespace: a release watching one namespace reconciles its Domains, ignores a Domain elsewhere, and
#     may read nothing outside its namespace.
# Uses a node that is up (hack/node.sh up) and leaves it up; otherwise brings one up and takes it down at exit.
source "$(dirname "$0")/lib.sh"
need_env DG_PDNS_A_DNS DG_PDNS_B_DNS DG_PDNS_A_API DG_PDNS_A_KEY DG_ROOT_HINTS DG_RDAP_URL DG_WHOIS_ADDR \
  DG_TLD_SERVERS DG_TLD_TSIG_NAME DG_TLD_TSIG_SECRET
[ "$(id -u)" -eq 0 ] || fail "needs root (the node: namespaces, containerd)"
CHART="$E2E_ROOT/charts/domainguard"
LEASE_DURATION=15
T_START=$SECONDS

# --- The node. ---
NODE_OURS=0
if ! "$E2E_ROOT/hack/node.sh" status >/dev/null 2>&1; then
  t0=$SECONDS
  "$E2E_ROOT/hack/node.sh" up >"$E2E_LOGS/$E2E_NAME.node-up.log" 2>&1 ||
    fail "hack/node.sh up failed: $(grep -m1 '^error' "$E2E_LOGS/$E2E_NAME.node-up.log")"
  NODE_OURS=1
  note "node up in $((SECONDS - t0))s"
fi
eval "$("$E2E_ROOT/hack/node.sh" env)"
export KUBECONFIG=$DG_NODE_KUBECONFIG
# Runs last (lib.sh's on_exit runs the CLEANUPS in order): the node goes only if this test brought it up.
node_down() { [ "$NODE_OURS" = 1 ] && "$E2E_ROOT/hack/node.sh" down >/dev/null 2>&1; return 0; }

# --- The image, twice: the release's tag and the upgrade's. ---
IMAGE_LOG="$E2E_LOGS/$E2E_NAME.image.log"
hack_image() { "$E2E_ROOT/hack/image.sh" --binary "$DG_BIN" --import --address "$DG_CONTAINERD_ADDRESS" "$@" 2>>"$IMAGE_LOG"; }
out1=$(hack_image --tag "domainguard/domainguard:e2e-$E2E_ID" --out "$E2E_LOGS/$E2E_NAME.image.tar") ||
  fail "hack/image.sh failed (log: $IMAGE_LOG)"
out2=$(hack_image --tag "domainguard/domainguard:e2e-$E2E_ID-up" --out "$E2E_LOGS/$E2E_NAME.image-up.tar") ||
  fail "hack/image.sh (upgrade tag) failed (log: $IMAGE_LOG)"
[ "$(grep '^digest' <<<"$out1")" = "$(grep '^digest' <<<"$out2")" ] ||
  fail "the same binary gave two image digests: $(grep '^digest' <<<"$out1") vs $(grep '^digest' <<<"$out2")"
# Reproducible to the byte: a second build of the same tag is the same file.
"$E2E_ROOT/hack/image.sh" --binary "$DG_BIN" --tag "domainguard/domainguard:e2e-$E2E_ID" \
  --out "$E2E_LOGS/$E2E_NAME.image-again.tar" >/dev/null 2>>"$IMAGE_LOG" || fail "hack/image.sh (again) failed"
cmp -s "$E2E_LOGS/$E2E_NAME.image.tar" "$E2E_LOGS/$E2E_NAME.image-again.tar" ||
  fail "two builds of the same image differ: $E2E_LOGS/$E2E_NAME.image.tar vs .image-again.tar"
# Nothing but the binary, its libraries and data: no shell or other program.
index_manifest=$(tar -xOf "$E2E_LOGS/$E2E_NAME.image.tar" index.json | jq -r '.manifests[0].digest' | cut -d: -f2)
layer=$(tar -xOf "$E2E_LOGS/$E2E_NAME.image.tar" "blobs/sha256/$index_manifest" | jq -r '.layers[0].digest' | cut -d: -f2)
files=$(tar -xOf "$E2E_LOGS/$E2E_NAME.image.tar" "blobs/sha256/$layer" | tar -tzf -)
programs=$(grep -vE '^(domainguard|etc/(passwd|group|ssl/certs/ca-certificates\.crt)|usr/lib/x86_64-linux-gnu/[^/]+\.so[.0-9]*|usr/lib64/ld-linux-x86-64\.so\.2|usr/lib/ssl/cert\.pem|usr/share/dns/root\.hints|usr/share/domainguard/iana-rdap-dns\.json|lib|lib64|.*/)$' <<<"$files" || true)
[ -z "$programs" ] || fail "the image holds more than the binary, its libraries and data: $(tr '\n' ' ' <<<"$programs")"
note "image $(grep '^digest' <<<"$out1") (byte-identical when rebuilt), $(grep '^size' <<<"$out1")"

# --- Names. lib.sh made $NS (the Domains' namespace) unique; the release gets its own. ---
# The release where users (and hack/demo.sh) put it: the CRDs it keeps after an uninstall are adopted by a
# reinstall under the same release name and namespace only (helm's ownership annotations), so every run uses these.
REL=domainguard
REL_NS=domainguard-system
FULL=domainguard           # the chart's full name for a release named like the chart
WNS="dg-watched-$E2E_ID"   # watchNamespace release: its namespace and the Domains it watches
ONS="dg-other-$E2E_ID"     # a namespace the watchNamespace release must not touch
SA=$FULL
Z="helm$E2E_ID.test"
ZW="helmw$E2E_ID.test"
ZO="helmo$E2E_ID.test"
helm_install() {  # helm_install RELEASE NAMESPACE TAG [ARGS...]
  local rel=$1 ns=$2 tag=$3
  shift 3
  helm upgrade --install "$rel" "$CHART" -n "$ns" --create-namespace \
    --set image.tag="$tag" --set image.pullPolicy=Never \
    --set-file manager.rootHints="$DG_ROOT_HINTS" --set manager.rdapBootstrapURL="${DG_RDAP_URL}bootstrap.json" \
    --set manager.whoisServers.test="$DG_WHOIS_ADDR",manager.whoisServers.net="$DG_WHOIS_ADDR" \
    --set 'manager.extraArgs={--drift-poll-interval=2s}' "$@" >>"$E2E_LOGS/$E2E_NAME.helm.log" 2>&1
}
tld_forget() { nsupd_tlds test. "update delete $1." >/dev/null 2>&1; }
# At exit, in this order: the releases (so nothing recreates what follows), namespaces, zones, the node.
CLEANUPS+=("helm uninstall $REL -n $REL_NS --wait --timeout 60s" "helm uninstall $REL -n $WNS --wait --timeout 60s"
  "kubectl delete namespace $WNS $ONS --wait=false" "kubectl delete namespace $REL_NS --timeout=60s")
for z in "$Z" "$ZW" "$ZO"; do
  cleanup_zone "$z."
  CLEANUPS+=("tld_forget $z")
done
CLEANUPS+=(node_down)

# domain NS NAME ZONE WWW_IP: a Domain on PowerDNS A + B, delegated to them at both TLD servers.
domain() {
  nsupd_tlds test. "update delete $3. NS" "update add $3. 300 NS ns1.pdns-a.net." "update add $3. 300 NS ns1.pdns-b.net." ||
    fail "nsupdate of the test. TLD refused for $3"
  kubectl -n "$1" apply -f - >/dev/null <<YAML || fail "kubectl apply of Domain $1/$2 refused"
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: $2}
spec:
  zone: $3
  providers: [{name: pdns-a}, {name: pdns-b}]
  checks: {delegation: {interval: 10s}}
  records:
  - {name: www, type: A, ttl: 60, values: [$4]}
  - {name: '@', type: TXT, ttl: 300, values: ['"helm e2e"']}
YAML
}
jpn() { kubectl -n "$1" get "$2" "$3" -o "jsonpath={$4}" 2>/dev/null; }
ready_of() { jpn "$1" domain "$2" '.status.conditions[?(@.type=="Ready")].status'; }
holder() { jpn "$REL_NS" lease domainguard-leader '.spec.holderIdentity'; }
pods_of() { kubectl -n "$1" get pods -l app.kubernetes.io/name=domainguard -o 'jsonpath={range .items[*]}{.metadata.name}{" "}{end}' 2>/dev/null; }
ready_pods() {
  kubectl -n "$1" get pods -l app.kubernetes.io/name=domainguard \
    -o 'jsonpath={range .items[*]}{.metadata.name}{"="}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}' 2>/dev/null |
    tr ' ' '\n' | grep -c '=True$' || true
}
is_ready() { [ "$(ready_of "$1" "$2")" = True ]; }
both_ready() { [ "$(pods_of "$REL_NS" | wc -w)" = 2 ] && [ "$(ready_pods "$REL_NS")" = 2 ]; }
has_leader() { [ -n "$(holder)" ]; }
new_pod_leads() { local h; h=$(holder); [ -n "$h" ] && [[ " $OLD_PODS " != *" $h "* ]]; }
no_pods() { [ -z "$(pods_of "$REL_NS")" ]; }
release_ns_usable() {
  local phase
  phase=$(kubectl get namespace "$REL_NS" -o 'jsonpath={.status.phase}' 2>/dev/null) || return 0
  [ "$phase" = Active ]
}
served_both() {  # served_both NAME TYPE WANT
  serves "$DG_PDNS_A_DNS" "$1" "$2" "$3" && serves "$DG_PDNS_B_DNS" "$1" "$2" "$3"
}
# zone_state PROVIDER ZONE: the zone's rrsets and serial at PowerDNS, canonical JSON.
zone_state() {
  local url key
  if [ "$1" = A ]; then url=$DG_PDNS_A_API key=$DG_PDNS_A_KEY; else url=$DG_PDNS_B_API key=$DG_PDNS_B_KEY; fi
  curl -fsS -H "X-API-Key: $key" "$url/api/v1/servers/localhost/zones/$2." |
    jq -cS '{serial, rrsets: [.rrsets[] | {name, type, ttl, records: [.records[].content] | sort}] | sort_by(.name, .type)}'
}
# manager_pids: host PIDs of the domainguard processes running in the node's Pods (their cgroups are under the
# node's kubelet cgroup root).
manager_pids() {
  local p
  for p in $(pgrep -x domainguard); do
    grep -q ':/dg-node/' "/proc/$p/cgroup" 2>/dev/null && echo "$p"
  done
  return 0
}

# ---------------------------------------------------------------------------------------------------------
# 1. helm install -> both Pods Ready, one leads; a Domain applied afterwards is Ready within 60 s.
kubectl create namespace "$NS" >/dev/null || fail "cannot create namespace $NS"
# A release hack/demo.sh left (same name) goes first: this test starts from a fresh install. A namespace an earlier
# run deleted must be gone; one the demo left (Active) is used as it is.
if helm status "$REL" -n "$REL_NS" >/dev/null 2>&1; then
  helm uninstall "$REL" -n "$REL_NS" --wait --timeout 60s >/dev/null 2>&1 || fail "cannot uninstall the release an earlier run left"
fi
retry 60 release_ns_usable || fail "namespace $REL_NS is stuck Terminating"
T_INSTALL=$SECONDS
helm_install "$REL" "$REL_NS" "e2e-$E2E_ID" || fail "helm install failed: $(tail -3 "$E2E_LOGS/$E2E_NAME.helm.log")"
retry 90 both_ready ||
  fail "both Pods not Ready 90s after helm install: $(kubectl -n "$REL_NS" get pods -o wide 2>&1 | tail -n +2 | tr '\n' ';')"
T_PODS=$((SECONDS - T_INSTALL))
retry 30 has_leader ||
  fail "no Pod holds the Lease"
LEADER=$(holder)
[[ " $(pods_of "$REL_NS") " == *" $LEADER "* ]] || fail "the Lease holder '$LEADER' is not one of the Pods ($(pods_of "$REL_NS"))"
bed_apply_providers "$NS" >/dev/null || fail "Secrets or DNSProviders refused"
domain "$NS" shop "$Z" 192.0.2.10
retry 60 is_ready "$NS" shop ||
  fail "Domain not Ready $((SECONDS - T_INSTALL))s after helm install: $(kubectl -n "$NS" get domain shop -o jsonpath='{range .status.conditions[*]}{.type}={.status}/{.reason} {end}')"
T_READY=$((SECONDS - T_INSTALL))
[ "$T_READY" -le 60 ] || fail "Domain Ready ${T_READY}s after helm install, want <= 60s"
served_both "www.$Z" A 192.0.2.10 || fail "www.$Z A not served by both PowerDNS (A: '$(served "$DG_PDNS_A_DNS" "www.$Z" A)')"
[ -n "$(jpn "$NS" domain shop '.status.delegation')" ] || fail "no status.delegation"
[ -n "$(jpn "$NS" domain shop '.status.registration.expiresAt')" ] ||
  fail "no status.registration.expiresAt ($(jpn "$NS" domain shop '.status.registration'))"
for c in RecordsSynced DelegationHealthy RegistrationHealthy; do
  [ "$(jpn "$NS" domain shop ".status.conditions[?(@.type==\"$c\")].status")" = True ] || fail "$c is not True"
done
note "helm install: Pods Ready after ${T_PODS}s, Domain Ready after ${T_READY}s (records, delegation, registration)"

# Metrics through the Service: its ClusterIP, from inside the node (kube-proxy's rules route it to a Pod). The
# leader has the Domain's gauges; the Service may pick the standby, so ask until the leader answers.
SVC_IP=$(jpn "$REL_NS" service "$FULL-metrics" '.spec.clusterIP')
[ -n "$SVC_IP" ] || fail "no metrics Service"
scrape() { ip netns exec "$DG_NODE_NETNS" curl -fsS --max-time 3 "http://$SVC_IP:8080/metrics"; }
scraped_ready() { scrape | grep -E '^domainguard_domain_condition\{' | grep "\"shop\"" | grep 'type="Ready"' | grep 'status="True"' | grep -q ' 1$'; }
retry 30 scraped_ready || fail "domainguard_domain_condition{type=Ready,status=True} of shop not scraped through $SVC_IP:8080"
note "metrics scraped through the Service $SVC_IP:8080"

# ---------------------------------------------------------------------------------------------------------
# 2. The Pods' processes: non-root, no capabilities, no new privileges, seccomp filter, read-only root.
pids=$(manager_pids)
[ "$(wc -w <<<"$pids")" -eq 2 ] || fail "want 2 domainguard processes in the node's Pods, found '$pids'"
for p in $pids; do
  st=$(cat "/proc/$p/status")
  grep -qE '^Uid:\s+65532\s+65532\s+65532\s+65532$' <<<"$st" || fail "pid $p: $(grep '^Uid' <<<"$st"), want 65532"
  grep -qE '^Gid:\s+65532\s' <<<"$st" || fail "pid $p: $(grep '^Gid' <<<"$st"), want 65532"
  grep -qE '^CapEff:\s+0+$' <<<"$st" || fail "pid $p has capabilities: $(grep '^CapEff' <<<"$st")"
  grep -qE '^CapBnd:\s+0+$' <<<"$st" || fail "pid $p has a bounding set: $(grep '^CapBnd' <<<"$st")"
  grep -qE '^NoNewPrivs:\s+1$' <<<"$st" || fail "pid $p may gain privileges"
  grep -qE '^Seccomp:\s+2$' <<<"$st" || fail "pid $p has no seccomp filter"
  root_opts=$(awk '$5 == "/" { print $6 }' "/proc/$p/mountinfo")
  [[ ",$root_opts," == *",ro,"* ]] || fail "pid $p: root filesystem mounted '$root_opts', want ro"
done
note "both Pods: uid/gid 65532, no capabilities, NoNewPrivs, seccomp, root mounted ro"

# ---------------------------------------------------------------------------------------------------------
# 3. RBAC: the ServiceAccount may do exactly what the code uses, in the Domains' namespace and the release's.
source "$E2E_ROOT/charts/domainguard/tests/rbac_lib.sh"
for in_ns in "$NS" "$REL_NS"; do
  want=$(expected_grants "$in_ns" "$REL_NS" "" domainguard-leader)
  got=$(granted kubectl "$in_ns" "$REL_NS:$SA") || fail "kubectl auth can-i --list failed"
  [ "$got" = "$want" ] ||
    fail "ServiceAccount permissions in $in_ns differ from the code's (< want, > got): $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ';')"
done
[ "$(kubectl auth can-i list secrets -A --as="system:serviceaccount:$REL_NS:$SA" 2>/dev/null)" = no ] ||
  fail "the ServiceAccount may list Secrets"
note "ServiceAccount permissions are exactly the code's (and the Domain got Ready with them)"

# ---------------------------------------------------------------------------------------------------------
# 4. Failover, twice. (a) The leader hangs (SIGSTOP: it cannot renew nor release the Lease, as on a frozen node):
# the standby leads within the lease duration + 5 s. (b) The leader Pod is deleted: it releases the Lease on
# SIGTERM and the standby leads at once.
secs_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
other_leads() { local h; h=$(holder); [ -n "$h" ] && [ "$h" != "$LEADER" ]; }
LEADER=$(holder)
leader_pid=""
for p in $(manager_pids); do
  tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "POD_NAME=$LEADER" && leader_pid=$p
done
[ -n "$leader_pid" ] || fail "no process found for the leader Pod $LEADER"
CLEANUPS=("kill -CONT $leader_pid" "${CLEANUPS[@]}")
t0=$(date +%s.%N)
kill -STOP "$leader_pid"
retry $((LEASE_DURATION + 10)) other_leads || fail "no new leader $((LEASE_DURATION + 10))s after the leader hung (holder '$(holder)')"
FAILOVER_HUNG=$(secs_since "$t0")
# The hung process goes; its container restarts under the same Pod name and stands by.
kill -KILL "$leader_pid"
kill -CONT "$leader_pid" 2>/dev/null || true
awk -v f="$FAILOVER_HUNG" -v l="$LEASE_DURATION" 'BEGIN { exit !(f <= l + 5) }' ||
  fail "failover after a hung leader took ${FAILOVER_HUNG}s, want <= lease duration ${LEASE_DURATION}s + 5s"
note "leader $LEADER hung (SIGSTOP): $(holder) leads after ${FAILOVER_HUNG}s (lease ${LEASE_DURATION}s)"
retry 90 both_ready ||
  fail "the killed Pod did not come back Ready"
LEADER=$(holder)
t0=$(date +%s.%N)
kubectl -n "$REL_NS" delete pod "$LEADER" --wait=false >/dev/null || fail "cannot delete the leader Pod $LEADER"
retry $((LEASE_DURATION + 10)) other_leads || fail "no new leader $((LEASE_DURATION + 10))s after the leader Pod was deleted"
FAILOVER_DELETED=$(secs_since "$t0")
awk -v f="$FAILOVER_DELETED" -v l="$LEASE_DURATION" 'BEGIN { exit !(f <= l + 5) }' ||
  fail "failover after the leader Pod was deleted took ${FAILOVER_DELETED}s, want <= ${LEASE_DURATION}s + 5s"
note "leader Pod $LEADER deleted: $(holder) leads after ${FAILOVER_DELETED}s"
# The new leader works: an edit is served.
kubectl -n "$NS" patch domain shop --type=json -p '[{"op":"replace","path":"/spec/records/0/values","value":["192.0.2.11"]}]' >/dev/null ||
  fail "patch of Domain refused"
retry 30 served_both "www.$Z" A 192.0.2.11 || fail "edit after failover not served (A: '$(served "$DG_PDNS_A_DNS" "www.$Z" A)')"
# The deleted Pod's replacement is Ready before the upgrade.
retry 90 both_ready ||
  fail "the killed Pod did not come back Ready"

# ---------------------------------------------------------------------------------------------------------
# 5. helm upgrade to a new image tag: rolling, the Lease moves to a new Pod, an edit made meanwhile is applied.
OLD_PODS=$(pods_of "$REL_NS")
LEADER=$(holder)
events_before=$(kubectl -n "$NS" get events.events.k8s.io --no-headers 2>/dev/null | wc -l)
helm_install "$REL" "$REL_NS" "e2e-$E2E_ID-up" &
helm_pid=$!
# While it rolls: an edit, and the number of Ready Pods watched.
kubectl -n "$NS" patch domain shop --type=json -p '[{"op":"replace","path":"/spec/records/0/values","value":["192.0.2.12"]}]' >/dev/null ||
  fail "patch of Domain during the upgrade refused"
min_ready=9
deadline=$((SECONDS + 120))
while :; do
  n=$(ready_pods "$REL_NS")
  [ "$n" -lt "$min_ready" ] && min_ready=$n
  img=$(kubectl -n "$REL_NS" get pods -l app.kubernetes.io/name=domainguard -o 'jsonpath={.items[*].spec.containers[0].image}' 2>/dev/null)
  if ! kill -0 "$helm_pid" 2>/dev/null && [ "$n" = 2 ] && [ "$img" = "domainguard/domainguard:e2e-$E2E_ID-up domainguard/domainguard:e2e-$E2E_ID-up" ]; then
    break
  fi
  [ "$SECONDS" -lt "$deadline" ] || fail "upgrade not rolled out within 120s (images '$img', ready $n)"
  sleep 0.5
done
wait "$helm_pid" || fail "helm upgrade failed: $(tail -3 "$E2E_LOGS/$E2E_NAME.helm.log")"
[ "$min_ready" -ge 1 ] || fail "no Pod was Ready at some moment of the upgrade"
retry 30 new_pod_leads ||
  fail "the Lease did not move to a new Pod (holder '$(holder)', old Pods $OLD_PODS)"
retry 30 served_both "www.$Z" A 192.0.2.12 || fail "the edit made during the upgrade is not served (A: '$(served "$DG_PDNS_A_DNS" "www.$Z" A)')"
retry 30 is_ready "$NS" shop ||
  fail "Domain not Ready after the upgrade"
events_after=$(kubectl -n "$NS" get events.events.k8s.io --no-headers 2>/dev/null | wc -l)
[ $((events_after - events_before)) -le 6 ] ||
  fail "the upgrade raised $((events_after - events_before)) Events in $NS (want a handful: the edit's)"
note "helm upgrade: rolled with >= $min_ready Pod(s) Ready throughout, Lease $LEADER -> $(holder), edit applied, $((events_after - events_before)) new Events"

# ---------------------------------------------------------------------------------------------------------
# 6. helm uninstall: CRDs, Domain and provider records stay; a reinstall changes nothing at the providers.
before_a=$(zone_state A "$Z") && before_b=$(zone_state B "$Z") || fail "cannot read $Z at PowerDNS"
helm uninstall "$REL" -n "$REL_NS" --wait --timeout 60s >>"$E2E_LOGS/$E2E_NAME.helm.log" 2>&1 || fail "helm uninstall failed"
retry 60 no_pods ||
  fail "Pods still there 60s after helm uninstall"
kubectl get crd domains.domainguard.io dnsproviders.domainguard.io >/dev/null 2>&1 || fail "helm uninstall deleted the CRDs"
kubectl -n "$NS" get domain shop >/dev/null 2>&1 || fail "helm uninstall deleted the Domain"
[ "$(zone_state A "$Z")" = "$before_a" ] && [ "$(zone_state B "$Z")" = "$before_b" ] ||
  fail "the zone changed at a provider on helm uninstall"
helm_install "$REL" "$REL_NS" "e2e-$E2E_ID-up" || fail "helm reinstall failed: $(tail -3 "$E2E_LOGS/$E2E_NAME.helm.log")"
retry 90 both_ready ||
  fail "Pods not Ready after the reinstall"
retry 30 has_leader ||
  fail "no leader after the reinstall"
# A full round: the new leader compares every provider (drift poll 2s) and writes nothing.
sleep 8
[ "$(zone_state A "$Z")" = "$before_a" ] && [ "$(zone_state B "$Z")" = "$before_b" ] ||
  fail "the reinstall changed the zone at a provider: A $(zone_state A "$Z") (was $before_a)"
[ "$(ready_of "$NS" shop)" = True ] || fail "Domain not Ready after the reinstall"
helm uninstall "$REL" -n "$REL_NS" --wait --timeout 60s >>"$E2E_LOGS/$E2E_NAME.helm.log" 2>&1 || fail "second helm uninstall failed"
note "helm uninstall kept CRDs, Domain and records; the reinstall changed nothing at PowerDNS A or B"

# ---------------------------------------------------------------------------------------------------------
# 7. watchNamespace: a release in $WNS watching $WNS only.
kubectl create namespace "$ONS" >/dev/null || fail "cannot create namespace $ONS"
kubectl create namespace "$WNS" >/dev/null || fail "cannot create namespace $WNS"
helm_install "$REL" "$WNS" "e2e-$E2E_ID-up" --set manager.watchNamespace="$WNS" --set crds.enabled=false ||
  fail "helm install with watchNamespace failed: $(tail -3 "$E2E_LOGS/$E2E_NAME.helm.log")"
bed_apply_providers "$WNS" >/dev/null && bed_apply_providers "$ONS" >/dev/null || fail "providers refused"
domain "$WNS" watched "$ZW" 192.0.2.20
domain "$ONS" other "$ZO" 192.0.2.30
retry 60 is_ready "$WNS" watched ||
  fail "watchNamespace: the Domain in $WNS is not Ready"
served_both "www.$ZW" A 192.0.2.20 || fail "watchNamespace: www.$ZW not served"
sleep 5
[ -z "$(jpn "$ONS" domain other '.status')" ] || fail "watchNamespace: the Domain in $ONS got a status"
[ -z "$(served "$DG_PDNS_A_DNS" "www.$ZO" A)" ] || fail "watchNamespace: the zone of the Domain in $ONS was written"
WSA="system:serviceaccount:$WNS:$SA"
want=$(expected_grants "$WNS" "$WNS" "$WNS" domainguard-leader)
got=$(granted kubectl "$WNS" "$WNS:$SA")
[ "$got" = "$want" ] || fail "watchNamespace: permissions in $WNS (< want, > got): $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ';')"
[ -z "$(granted kubectl "$ONS" "$WNS:$SA")" ] || fail "watchNamespace: permissions in $ONS: $(granted kubectl "$ONS" "$WNS:$SA" | tr '\n' ';')"
for verb in list get; do
  [ "$(kubectl auth can-i "$verb" secrets -n "$ONS" --as="$WSA" 2>/dev/null)" = no ] || fail "watchNamespace: may $verb Secrets in $ONS"
done
[ "$(kubectl auth can-i list secrets -A --as="$WSA" 2>/dev/null)" = no ] || fail "watchNamespace: may list Secrets cluster-wide"
[ "$(kubectl auth can-i list domains.domainguard.io -A --as="$WSA" 2>/dev/null)" = no ] || fail "watchNamespace: may list Domains cluster-wide"
note "watchNamespace: Domain in $WNS Ready, the one in $ONS untouched, no access outside $WNS"
note "total $((SECONDS - T_START))s"
