#!/usr/bin/env bash
# e2e: runs alone (stops PowerDNS A, which every other test writes to)
# The first incident, replayed: a Domain with 20 record sets on PowerDNS A + B + BIND (RFC 2136) through a real
# `domainguard run`; records deleted at A behind domainguard's back come back; A goes down while the Domain is
# edited three times (B keeps being updated, A shows its pending changes) and gets every edit when it returns;
# a foreign record survives ownership Records and is pruned under Zone; a mass deletion is held until approved.
source "$(dirname "$0")/lib.sh"
need_env DG_PDNS_A_DNS DG_PDNS_B_DNS DG_PDNS_A_STOP DG_PDNS_A_START DG_RFC2136_ADDZONE DG_RFC2136_RNDC
C_DNS=${DG_RFC2136_SERVER%:*}
Z="rec$E2E_ID.test"
cleanup_zone "$Z."
CLEANUPS+=("$DG_PDNS_A_START")  # never leave provider A stopped for the next test

e2e_start
e2e_providers
"$DG_RFC2136_ADDZONE" "$Z" >/dev/null || fail "cannot create $Z on BIND"

# domain_yaml WWW_IP TXT EXTRA_RECORDS OWNERSHIP [ONLY_FIRST_N]
domain_yaml() {
  local www=$1 txt=$2 extra=$3 ownership=$4 only=${5:-0} i n=0
  local recs=(
    "{name: '@', type: MX, ttl: 300, values: ['10 mx1.$Z.']}"
    "{name: '@', type: TXT, ttl: 300, values: ['\"$txt\"']}"
    "{name: www, type: A, ttl: 60, values: [$www]}"
    "{name: www, type: AAAA, ttl: 60, values: ['2001:db8::80']}"
    "{name: mx1, type: A, values: [192.0.2.25]}"
    "{name: api, type: A, values: [192.0.2.81, 192.0.2.82]}"
    "{name: app, type: CNAME, values: [www.$Z.]}"
    "{name: _sip._tcp, type: SRV, values: ['10 5 5060 sip.$Z.']}"
    "{name: sip, type: A, values: [192.0.2.83]}"
  )
  for i in $(seq 1 11); do recs+=("{name: h$i, type: A, values: [192.0.2.$((100 + i))]}"); done
  [ -n "$extra" ] && recs+=("$extra")
  cat <<YAML
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: shop}
spec:
  zone: $Z
  providers: [{name: pdns-a}, {name: pdns-b}, {name: bind-c}]
  ownership: $ownership
  safety: {maxDeletePercent: 30}
  checks: {delegation: {interval: 1m}}
  records:
YAML
  for r in "${recs[@]}"; do
    n=$((n + 1))
    [ "$only" -gt 0 ] && [ "$n" -gt "$only" ] && break
    echo "  - $r"
  done
}
apply_domain() { domain_yaml "$@" | kubectl -n "$NS" apply -f - >/dev/null || fail "kubectl apply of Domain refused"; }

# The records every provider must serve for the first spec.
check_served() {
  local ip=$1 www=${2:-192.0.2.80} txt=${3:-v=spf1 -all}
  serves "$ip" "$Z" MX "10 mx1.$Z." || { echo "MX at $ip: '$(served "$ip" "$Z" MX)'"; return 1; }
  serves "$ip" "$Z" TXT "\"$txt\"" || { echo "TXT at $ip: '$(served "$ip" "$Z" TXT)'"; return 1; }
  serves "$ip" "www.$Z" A "$www" || { echo "www A at $ip: '$(served "$ip" "www.$Z" A)'"; return 1; }
  serves "$ip" "www.$Z" AAAA "2001:db8::80" || { echo "www AAAA at $ip"; return 1; }
  serves "$ip" "api.$Z" A "192.0.2.81 192.0.2.82" || { echo "api A at $ip: '$(served "$ip" "api.$Z" A)'"; return 1; }
  serves "$ip" "app.$Z" CNAME "www.$Z." || { echo "app CNAME at $ip"; return 1; }
  serves "$ip" "_sip._tcp.$Z" SRV "10 5 5060 sip.$Z." || { echo "SRV at $ip"; return 1; }
  serves "$ip" "h11.$Z" A "192.0.2.111" || { echo "h11 at $ip"; return 1; }
  serves "$ip" "$Z" NS "ns1.bind-c.net. ns1.pdns-a.net. ns1.pdns-b.net." || { echo "NS at $ip: '$(served "$ip" "$Z" NS)'"; return 1; }
}

# 1. 20 record sets onto three providers.
apply_domain 192.0.2.80 "v=spf1 -all" "" Records
wait_cond shop RecordsSynced True/Synced 60
for ip in "$DG_PDNS_A_DNS" "$DG_PDNS_B_DNS" "$C_DNS"; do
  why="$(check_served "$ip")" || fail "provider at $ip does not serve the zone: $why"
done
[ "$(jp domain shop '.status.providers[*].synced')" = "true true true" ] || fail "status.providers not all synced"
event_seen Synced "applied" || fail "no Event for the changes applied"
note "20 record sets served by PowerDNS A, PowerDNS B and BIND"

# 2. Drift: MX and www deleted at A behind domainguard's back.
[ "$(pdns_api A PATCH "/zones/$Z." "{\"rrsets\":[{\"name\":\"$Z.\",\"type\":\"MX\",\"changetype\":\"DELETE\"},{\"name\":\"www.$Z.\",\"type\":\"A\",\"changetype\":\"DELETE\"}]}")" = 204 ] ||
  fail "could not delete records at PowerDNS A"
t0=$SECONDS
serves "$DG_PDNS_A_DNS" "$Z" MX "" || fail "the MX is still served at A after deleting it"
retry 20 check_served "$DG_PDNS_A_DNS" || fail "deleted MX/www not restored at A within 20s: $(check_served "$DG_PDNS_A_DNS")"
note "drift at A repaired in $((SECONDS - t0))s (poll 2s)"
why="$(check_served "$DG_PDNS_B_DNS")" || fail "B stopped serving during A's repair: $why"
retry 10 event_seen DriftRepaired || fail "no DriftRepaired Event"

# 3. A down; three edits; A catches up when it returns, B never waits.
"$DG_PDNS_A_STOP" >/dev/null 2>&1 || fail "cannot stop PowerDNS A"
apply_domain 192.0.2.90 "v=spf1 -all" "" Records
sleep 1
apply_domain 192.0.2.90 "v=spf1 -all" "{name: new1, type: A, values: [192.0.2.91]}" Records
sleep 1
apply_domain 192.0.2.90 "v=spf1 ip4:192.0.2.0/24 -all" "{name: new1, type: A, values: [192.0.2.91]}" Records
wait_cond shop RecordsSynced False/ProviderUnavailable 30
pending_at_a() { jp domain shop '.status.providers[?(@.name=="pdns-a")].pendingChanges'; }
# www A, new1 A and the TXT: three rrsets owed to A.
retry 30 bash -c "[ \"\$(kubectl -n $NS get domain shop -o jsonpath='{.status.providers[?(@.name==\"pdns-a\")].pendingChanges}')\" = 3 ]" ||
  fail "pdns-a shows pendingChanges '$(pending_at_a)' while down after 3 edits, want 3"
pending="$(pending_at_a)"
reason="$(jp domain shop '.status.providers[?(@.name=="pdns-a")].reason')"
[ "$reason" = ProviderUnavailable ] || fail "pdns-a status reason '$reason', want ProviderUnavailable"
for ip in "$DG_PDNS_B_DNS" "$C_DNS"; do
  retry 20 check_served "$ip" 192.0.2.90 "v=spf1 ip4:192.0.2.0/24 -all" || fail "$ip did not get the edits while A was down"
  retry 5 serves "$ip" "new1.$Z" A 192.0.2.91 || fail "$ip did not get new1 while A was down"
done
retry 10 event_seen ProviderUnavailable || fail "no ProviderUnavailable Event for the outage"
"$DG_PDNS_A_START" >/dev/null 2>&1 || fail "cannot start PowerDNS A"
wait_cond shop RecordsSynced True/Synced 90
why="$(check_served "$DG_PDNS_A_DNS" 192.0.2.90 "v=spf1 ip4:192.0.2.0/24 -all")" || fail "A lost an edit made while down: $why"
serves "$DG_PDNS_A_DNS" "new1.$Z" A 192.0.2.91 || fail "A lost the record added while down"
note "A down through 3 edits (pendingChanges $pending); all applied on return; B and BIND updated throughout"

# 4. A foreign record survives ownership Records, is pruned under Zone.
[ "$(pdns_api A PATCH "/zones/$Z." "{\"rrsets\":[{\"name\":\"foreign.$Z.\",\"type\":\"A\",\"ttl\":60,\"changetype\":\"REPLACE\",\"records\":[{\"content\":\"192.0.2.99\",\"disabled\":false}]}]}")" = 204 ] ||
  fail "could not create a foreign record at A"
retry 20 event_seen ForeignRecordKept "foreign.$Z" || fail "no ForeignRecordKept Event naming foreign.$Z"
serves "$DG_PDNS_A_DNS" "foreign.$Z" A 192.0.2.99 || fail "the foreign record was deleted under ownership Records"
apply_domain 192.0.2.90 "v=spf1 ip4:192.0.2.0/24 -all" "{name: new1, type: A, values: [192.0.2.91]}" Zone
retry 30 serves "$DG_PDNS_A_DNS" "foreign.$Z" A "" || fail "the foreign record was not pruned under ownership Zone"
note "foreign record kept (Records), pruned (Zone)"

# 5. Removing 80% of the records is held until approved for that generation.
apply_domain 192.0.2.90 "v=spf1 -all" "" Zone 4
wait_cond shop RecordsSynced False/ChangeBlocked 30
for ip in "$DG_PDNS_A_DNS" "$DG_PDNS_B_DNS" "$C_DNS"; do
  serves "$ip" "h11.$Z" A 192.0.2.111 || fail "$ip deleted records although the change is held"
done
event_seen ChangeBlocked || fail "no ChangeBlocked Event"
gen="$(jp domain shop .metadata.generation)"
kubectl -n "$NS" annotate domain shop "domainguard.io/approve-change=$gen" >/dev/null
wait_cond shop RecordsSynced True/Synced 60
for ip in "$DG_PDNS_A_DNS" "$DG_PDNS_B_DNS" "$C_DNS"; do
  retry 10 serves "$ip" "h11.$Z" A "" || fail "$ip still serves h11 after the approved deletion"
  serves "$ip" "www.$Z" A 192.0.2.90 || fail "$ip lost www after the approved deletion"
done
note "80% deletion held (ChangeBlocked) until domainguard.io/approve-change=$gen"
