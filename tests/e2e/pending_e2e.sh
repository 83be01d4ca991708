#!/usr/bin/env bash
# Issue #15 item 5: a record waiting at a provider whose API is down (its DNS still serving) is part of that
# provider's pendingChanges, not a serving failure. A Domain served only by PowerDNS A; A's API becomes unreachable
# (the DNSProvider now points at a port nobody listens on) while its DNS keeps serving; a record is added.
# What a user would notice: RecordsSynced False/ProviderUnavailable with the change pending, and no RecordsNotServed
# (the record was never served: nothing was lost); once the API answers again the record is served.
source "$(dirname "$0")/lib.sh"
need_env DG_PDNS_A_DNS DG_PDNS_A_API DG_TLD_SERVERS
P="pend$E2E_ID.test"
INTERVAL=10
cleanup_zone "$P."
CLEANUPS+=("nsupd_tlds test. 'update delete $P.'")
DEAD="http://127.0.0.1:$(free_port)"  # nothing listens there: the API is "down"

finding() {
  kubectl -n "$NS" get domain "$1" -o jsonpath="{range .status.findings[?(@.reason==\"$2\")]}{.severity} {.message}{end}" 2>/dev/null
}
provider_yaml() {
  cat <<YAML
apiVersion: domainguard.io/v1alpha1
kind: DNSProvider
metadata: {name: only-a}
spec:
  powerdns: {url: "$1", serverID: localhost, apiKeySecretRef: {name: pdns-a, key: api-key}}
  nameservers: [ns1.pdns-a.net.]
YAML
}
domain_yaml() {
  cat <<YAML
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: pend}
spec:
  zone: $P
  providers: [{name: only-a}]
  records:
  - {name: www, type: A, values: [192.0.2.80]}
$1
  checks: {delegation: {interval: ${INTERVAL}s}}
YAML
}

nsupd_tlds test. "update delete $P." "update add $P. 300 NS ns1.pdns-a.net." || fail "nsupdate of the test. TLD refused"
e2e_start
e2e_providers
provider_yaml "$DG_PDNS_A_API" | kubectl -n "$NS" apply -f - >/dev/null || fail "kubectl apply of the DNSProvider refused"
domain_yaml "" | kubectl -n "$NS" apply -f - >/dev/null || fail "kubectl apply of the Domain refused"
wait_cond pend RecordsSynced True/Synced 60
wait_cond pend DelegationHealthy True/DelegationHealthy 60

# The API goes away; DNS keeps serving. Then a record is added.
provider_yaml "$DEAD" | kubectl -n "$NS" apply -f - >/dev/null || fail "kubectl apply of the DNSProvider refused"
sleep 3
domain_yaml "  - {name: new, type: A, values: [192.0.2.81]}" | kubectl -n "$NS" apply -f - >/dev/null ||
  fail "kubectl apply of the edit refused"
wait_cond pend RecordsSynced False/ProviderUnavailable 60
# ProviderUnavailable may first be reported for the generation before the edit (the dead API alone, nothing owed
# yet); the edit's pass follows within a debounce and owes the new record.
pending_owed() { [ "$(jp domain pend '.status.providers[0].pendingChanges')" -ge 1 ]; }
retry 30 pending_owed ||
  fail "status.providers[0].pendingChanges is '$(jp domain pend '.status.providers[0].pendingChanges')' 30 s after the edit while the new record waits"
pending="$(jp domain pend '.status.providers[0].pendingChanges')"
[ -n "$(served "$DG_PDNS_A_DNS" "$P" SOA)" ] || fail "PowerDNS A's DNS does not serve $P any more"
[ -z "$(served "$DG_PDNS_A_DNS" "new.$P" A)" ] || fail "new.$P is served although the API is down"
t0=$SECONDS
checks_before=$(grep -c "delegation domain=$NS/pend .*decision=check" "$E2E_LOGS/$E2E_NAME.controller.log" || true)
retry $((4 * INTERVAL)) bash -c "[ \$(grep -c 'delegation domain=$NS/pend .*decision=check' '$E2E_LOGS/$E2E_NAME.controller.log') -ge $((checks_before + 2)) ]" ||
  fail "fewer than 2 delegation checks in $((4 * INTERVAL))s"
[ -z "$(finding pend RecordsNotServed)" ] || fail "RecordsNotServed for a record pending at an unavailable provider: $(finding pend RecordsNotServed)"
cond_is pend DelegationHealthy True/DelegationHealthy ||
  fail "DelegationHealthy is '$(cond pend DelegationHealthy)' while the only change is pending: $(jp domain pend '.status.conditions[?(@.type=="DelegationHealthy")].message')"
note "API down, DNS serving: the new record is pending ($pending pendingChanges), no RecordsNotServed over $((SECONDS - t0))s"

# The API answers again: the record is written and served.
provider_yaml "$DG_PDNS_A_API" | kubectl -n "$NS" apply -f - >/dev/null || fail "kubectl apply of the DNSProvider refused"
retry 60 serves "$DG_PDNS_A_DNS" "new.$P" A 192.0.2.81 || fail "new.$P not served 60s after the API came back"
wait_cond pend RecordsSynced True/Synced 30
