#!/usr/bin/env bash
# Issue #15 item 3: SerialDrift across providers with different serial schemes.
# A zone on PowerDNS A (date-based serials) and BIND (counting serials) through DNSProviders that list no name
# servers of their own, with vanity name servers ns1 (PowerDNS A), ns2 (BIND) and ns3 — PowerDNS B holding a copy
# of A's zone, as a secondary would. What a user would notice:
#   - healthy, no SerialDrift, although the servers answer with serials of two schemes;
#   - the secondary stops getting updates (its copy stays as it was while the Domain is edited): SerialDrift
#     naming that server, once its serial is no provider's current or recent one.
source "$(dirname "$0")/lib.sh"
need_env DG_PDNS_A_DNS DG_PDNS_B_DNS DG_RFC2136_ADDZONE DG_RFC2136_RNDC DG_RFC2136_SERVER DG_TLD_SERVERS
C_DNS=${DG_RFC2136_SERVER%:*}
Z="sd$E2E_ID.test"
INTERVAL=10
cleanup_zone "$Z."
CLEANUPS+=("nsupd_tlds test. 'update delete $Z.' 'update delete ns1.$Z.' 'update delete ns2.$Z.' 'update delete ns3.$Z.'")

pdns_get() {
  local url key
  if [ "$1" = A ]; then url=$DG_PDNS_A_API key=$DG_PDNS_A_KEY; else url=$DG_PDNS_B_API key=$DG_PDNS_B_KEY; fi
  curl -fs -H "X-API-Key: $key" "$url/api/v1/servers/localhost$2"
}
soa_serial() { dig +norec +short +time=2 "@$1" "$Z" SOA | awk '{print $3}'; }
# finding DOMAIN REASON: "severity message" of a finding.
finding() {
  kubectl -n "$NS" get domain "$1" -o jsonpath="{range .status.findings[?(@.reason==\"$2\")]}{.severity} {.message}{end}" 2>/dev/null
}
drift_names() { finding sd SerialDrift | grep -q "$1"; }

"$DG_RFC2136_ADDZONE" "$Z" >/dev/null || fail "cannot create $Z on BIND"
nsupd_tlds test. "update delete $Z." "update add $Z. 300 NS ns1.$Z." "update add $Z. 300 NS ns2.$Z." \
  "update add $Z. 300 NS ns3.$Z." "update add ns1.$Z. 300 A 127.53.1.1" "update add ns2.$Z. 300 A 127.53.1.3" \
  "update add ns3.$Z. 300 A 127.53.1.2" || fail "nsupdate of the test. TLD refused for $Z"

e2e_start
e2e_providers
# Providers that say nothing about their name servers: which server answers as which provider is unknown.
kubectl -n "$NS" apply -f - >/dev/null <<YAML || fail "kubectl apply refused"
apiVersion: domainguard.io/v1alpha1
kind: DNSProvider
metadata: {name: plain-a}
spec:
  powerdns: {url: "$DG_PDNS_A_API", serverID: localhost, apiKeySecretRef: {name: pdns-a, key: api-key}}
---
apiVersion: domainguard.io/v1alpha1
kind: DNSProvider
metadata: {name: plain-c}
spec:
  rfc2136:
    server: "$DG_RFC2136_SERVER"
    tsig: {keyName: "$DG_RFC2136_TSIG_NAME", algorithm: hmac-sha256, secretRef: {name: bind-c, key: secret}}
YAML
domain_yaml() {
  cat <<YAML
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: sd}
spec:
  zone: $Z
  providers: [{name: plain-a}, {name: plain-c}]
  nameservers:
  - {name: ns1.$Z, addresses: [127.53.1.1]}
  - {name: ns2.$Z, addresses: [127.53.1.3]}
  - {name: ns3.$Z, addresses: [127.53.1.2]}
  records: [{name: www, type: A, values: [$1]}]
  safety: {maxDeletePercent: 100}  # BIND's new zone has NS ns1.bind-c.net. only: replacing it is no mass deletion
  checks: {delegation: {interval: ${INTERVAL}s}}
YAML
}
domain_yaml 192.0.2.80 | kubectl -n "$NS" apply -f - >/dev/null || fail "kubectl apply of the Domain refused"
wait_cond sd RecordsSynced True/Synced 60

# The secondary: PowerDNS B holds A's zone as it is now, serial included (no SOA-EDIT-API).
COPY="$(pdns_get A "/zones/$Z." | python3 -c '
import json, sys
z = json.load(sys.stdin)
print(json.dumps({"name": z["name"], "kind": "Native", "soa_edit_api": "", "nameservers": [],
                  "rrsets": [{"name": r["name"], "type": r["type"], "ttl": r["ttl"], "records": r["records"]}
                             for r in z["rrsets"]]}))')"
[ "$(pdns_api B POST /zones "$COPY")" = 201 ] || fail "could not put the secondary's copy of $Z on PowerDNS B"
SA="$(soa_serial "$DG_PDNS_A_DNS")"
SB="$(soa_serial "$DG_PDNS_B_DNS")"
SC="$(soa_serial "$C_DNS")"
[ "$SA" = "$SB" ] || fail "the copy at B has serial $SB, A has $SA"
[ "$SA" != "$SC" ] || fail "A and BIND have the same serial $SA: the test needs two schemes"
note "serving: ns1 (PowerDNS A) $SA, ns2 (BIND) $SC, ns3 (copy at B) $SB"

# 1. Healthy, two serial schemes: no SerialDrift over three delegation checks.
wait_cond sd DelegationHealthy True/DelegationHealthy 60
for i in 1 2 3; do
  sleep "$INTERVAL"
  [ -z "$(finding sd SerialDrift)" ] || fail "SerialDrift on a healthy zone: $(finding sd SerialDrift)"
done
note "no SerialDrift while healthy (serials $SA and $SC of two providers)"

# 2. The secondary stops getting updates: the Domain is edited, A and BIND move on, B's copy stays.
t0=$SECONDS
domain_yaml 192.0.2.81 | kubectl -n "$NS" apply -f - >/dev/null || fail "kubectl apply of the edit refused"
retry 30 serves "$DG_PDNS_A_DNS" "www.$Z" A 192.0.2.81 || fail "the edit did not reach PowerDNS A"
[ "$(soa_serial "$DG_PDNS_B_DNS")" = "$SB" ] || fail "the copy at B moved"
# A's previous serial counts as current for 30 s (a transfer in flight), then B's server is behind.
retry 90 drift_names "ns3.$Z. (127.53.1.2)" ||
  fail "no SerialDrift naming ns3.$Z. (127.53.1.2) $((SECONDS - t0))s after the edit: '$(finding sd SerialDrift)'"
msg="$(finding sd SerialDrift)"
grep -q "ns1.$Z." <<<"$msg" && fail "SerialDrift names ns1 (PowerDNS A, current): $msg"
grep -q "ns2.$Z." <<<"$msg" && fail "SerialDrift names ns2 (BIND, current): $msg"
note "the stale secondary named $((SECONDS - t0))s after the edit: $msg"
