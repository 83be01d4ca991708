#!/usr/bin/env bash
# Bad input never deletes anything: a Domain with a bad IP or a CNAME at the apex is refused by the apiserver with
# the field named; a DNSProvider with a missing Secret, a Domain naming a provider of another namespace, a broken
# recordsFrom master file, and a second Domain for a zone already managed all give a clear condition and Event,
# while the records already served stay served. Secrets appear in no status, Event or log line.
source "$(dirname "$0")/lib.sh"
need_env DG_PDNS_A_DNS
Z="inv$E2E_ID.test"
cleanup_zone "$Z."
e2e_start
e2e_providers

# 1. Refused at kubectl apply, naming the field.
refused() { local out; out="$(kubectl -n "$NS" apply -f - 2>&1)" && { echo ACCEPTED; return 0; }; echo "$out"; }
out="$(refused <<YAML
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: badip}
spec:
  zone: $Z
  providers: [{name: pdns-a}]
  records: [{name: www, type: A, values: [300.1.1.1]}]
YAML
)"
[ "$out" = ACCEPTED ] && fail "a Domain with A 300.1.1.1 was accepted"
grep -q "spec.records\[0\]" <<<"$out" && grep -qi "IPv4" <<<"$out" || fail "bad IP refused without naming the field: $out"
out="$(refused <<YAML
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: apexcname}
spec:
  zone: $Z
  providers: [{name: pdns-a}]
  records: [{name: "@", type: CNAME, values: [other.example.]}]
YAML
)"
[ "$out" = ACCEPTED ] && fail "a CNAME at the apex was accepted"
grep -qi "CNAME cannot be at the zone apex" <<<"$out" || fail "apex CNAME refused without saying why: $out"
note "bad IP and apex CNAME refused by the apiserver, field named"

# 2. A good Domain on pdns-a; its records are what must survive everything below.
kubectl -n "$NS" create configmap zonefile --from-literal=zone="extra 300 IN A 192.0.2.77" >/dev/null
kubectl -n "$NS" apply -f - >/dev/null <<YAML || fail "good Domain refused"
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: good}
spec:
  zone: $Z
  providers: [{name: pdns-a}]
  records:
  - {name: www, type: A, values: [192.0.2.10]}
  - {name: "@", type: MX, values: ["10 www.$Z."]}
  recordsFrom: {configMapRef: {name: zonefile, key: zone}}
YAML
wait_cond good RecordsSynced True/Synced 60
serves "$DG_PDNS_A_DNS" "extra.$Z" A 192.0.2.77 || fail "recordsFrom record not served"
still_served() {
  serves "$DG_PDNS_A_DNS" "www.$Z" A 192.0.2.10 && serves "$DG_PDNS_A_DNS" "extra.$Z" A 192.0.2.77 &&
    serves "$DG_PDNS_A_DNS" "$Z" MX "10 www.$Z."
}

# 3. A broken master file in recordsFrom: InvalidRecord naming the field, nothing deleted.
kubectl -n "$NS" create configmap zonefile --from-literal=zone='extra 300 IN A not-an-address' \
  --dry-run=client -o yaml | kubectl -n "$NS" apply -f - >/dev/null 2>&1
retry 30 cond_is good RecordsSynced False/InvalidRecord || fail "broken recordsFrom: RecordsSynced is $(cond good RecordsSynced)"
msg="$(jp domain good '.status.conditions[?(@.type=="RecordsSynced")].message')"
grep -q "recordsFrom" <<<"$msg" || fail "the InvalidRecord message does not name recordsFrom: $msg"
retry 10 event_seen InvalidRecord || fail "no InvalidRecord Event"
sleep 3
still_served || fail "a broken recordsFrom deleted served records"
note "broken recordsFrom: InvalidRecord ($msg); nothing deleted"

# 4. The ConfigMap removed: the same, naming the ConfigMap.
kubectl -n "$NS" delete configmap zonefile >/dev/null
retry 30 bash -c "kubectl -n $NS get domain good -o jsonpath='{.status.conditions[?(@.type==\"RecordsSynced\")].message}' | grep -q 'ConfigMap \"zonefile\" not found'" ||
  fail "missing ConfigMap not named: $(jp domain good '.status.conditions[?(@.type=="RecordsSynced")].message')"
still_served || fail "a missing ConfigMap deleted served records"

# 5. A DNSProvider whose Secret is missing; a Domain using it keeps its records elsewhere untouched.
kubectl -n "$NS" apply -f - >/dev/null <<YAML || fail "DNSProvider refused"
apiVersion: domainguard.io/v1alpha1
kind: DNSProvider
metadata: {name: nokey}
spec:
  powerdns: {url: "$DG_PDNS_A_API", serverID: localhost, apiKeySecretRef: {name: absent-secret, key: api-key}}
  nameservers: [ns1.pdns-a.net.]
YAML
retry 30 bash -c "[ \"\$(kubectl -n $NS get dnsprovider nokey -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].reason}')\" = InvalidSpec ]" ||
  fail "DNSProvider with a missing Secret is not Ready False/InvalidSpec"
msg="$(jp dnsprovider nokey '.status.conditions[?(@.type=="Ready")].message')"
grep -q 'absent-secret' <<<"$msg" || fail "the DNSProvider condition does not name the missing Secret: $msg"
kubectl -n "$NS" patch domain good --type=merge -p '{"spec":{"providers":[{"name":"pdns-a"},{"name":"nokey"}],"recordsFrom":null}}' >/dev/null
retry 30 cond_is good RecordsSynced False/ProviderUnavailable || fail "missing Secret: RecordsSynced is $(cond good RecordsSynced)"
msg="$(jp domain good '.status.providers[?(@.name=="nokey")].message')"
grep -q 'absent-secret' <<<"$msg" || fail "status.providers[nokey] does not name the missing Secret: $msg"
serves "$DG_PDNS_A_DNS" "www.$Z" A 192.0.2.10 || fail "a provider with a missing Secret disturbed pdns-a"
note "missing Secret: DNSProvider InvalidSpec, Domain ProviderUnavailable naming it; pdns-a untouched"

# 6. A provider of another namespace is not found, whatever its name.
OTHER="$NS-other"
OTHER="${OTHER:0:63}"
kubectl create namespace "$OTHER" >/dev/null
CLEANUPS+=("kubectl delete namespace $OTHER --wait=false")
kubectl -n "$OTHER" create secret generic k --from-literal=api-key="$DG_PDNS_B_KEY" >/dev/null
kubectl -n "$OTHER" apply -f - >/dev/null <<YAML
apiVersion: domainguard.io/v1alpha1
kind: DNSProvider
metadata: {name: theirs}
spec:
  powerdns: {url: "$DG_PDNS_B_API", serverID: localhost, apiKeySecretRef: {name: k, key: api-key}}
  nameservers: [ns1.pdns-b.net.]
YAML
kubectl -n "$NS" patch domain good --type=merge -p '{"spec":{"providers":[{"name":"pdns-a"},{"name":"theirs"}]}}' >/dev/null
retry 30 bash -c "kubectl -n $NS get domain good -o jsonpath='{.status.conditions[?(@.type==\"RecordsSynced\")].message}' | grep -q 'not found in namespace'" ||
  fail "a provider of another namespace was not refused: $(jp domain good '.status.conditions[?(@.type=="RecordsSynced")].message')"
[ "$(pdns_api B GET "/zones/$Z.")" = 404 ] || fail "the other namespace's provider got zone $Z"
still_or_www() { serves "$DG_PDNS_A_DNS" "www.$Z" A 192.0.2.10; }
still_or_www || fail "pdns-a lost records when a foreign provider was named"
note "provider of another namespace: not found; nothing written there"

# 7. A second Domain for the same zone: ZoneConflict; the first one's records stay.
kubectl -n "$NS" patch domain good --type=merge -p '{"spec":{"providers":[{"name":"pdns-a"}]}}' >/dev/null
wait_cond good RecordsSynced True/Synced 60
kubectl -n "$NS" apply -f - >/dev/null <<YAML || fail "second Domain refused"
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: intruder}
spec:
  zone: $Z
  providers: [{name: pdns-a}]
  ownership: Zone
  records: [{name: www, type: A, values: [198.51.100.1]}]
YAML
wait_cond intruder RecordsSynced False/ZoneConflict 30
jp domain intruder '.status.conditions[?(@.type=="RecordsSynced")].message' | grep -q "$NS/good" ||
  fail "ZoneConflict does not name the Domain that owns the zone"
retry 10 event_seen ZoneConflict || fail "no ZoneConflict Event"
sleep 3
still_or_www || fail "the newer Domain for the same zone changed records"
cond_is good RecordsSynced True/Synced || fail "the older Domain lost its zone: $(cond good RecordsSynced)"
note "second Domain for $Z: ZoneConflict naming $NS/good; records untouched"

# 8. No secret anywhere users look.
everything="$(kubectl -n "$NS" get domains,dnsproviders -o yaml; kubectl -n "$NS" get events.events.k8s.io -o yaml; cat "$E2E_LOGS/$E2E_NAME.controller.log")"
for s in "$DG_PDNS_A_KEY" "$DG_PDNS_B_KEY" "$DG_RFC2136_TSIG_SECRET"; do
  grep -qF -- "$s" <<<"$everything" && fail "a secret appears in status, Events or the controller log"
done
note "no API key or TSIG secret in status, Events or logs"
