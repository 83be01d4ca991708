#!/usr/bin/env bash
# DG_PDNS_A_STOP / DG_PDNS_A_START: while stopped PowerDNS A does not answer; after start its zones are back.
source "$(dirname "$0")/lib/smoke.sh"
need_env DG_PDNS_A_API DG_PDNS_A_KEY DG_PDNS_A_DNS DG_PDNS_A_STOP DG_PDNS_A_START
started=1
cleanup() { [ "$started" = 1 ] || "$DG_PDNS_A_START" >/dev/null 2>&1 || true; }
trap cleanup EXIT
soa() { dig +short +norec +time=1 +tries=1 "@$DG_PDNS_A_DNS" pdns-a.net. SOA | grep -v '^;' || true; }
[ -n "$(soa)" ] || fail "PowerDNS A does not serve pdns-a.net before the test"
started=0
"$DG_PDNS_A_STOP" >/dev/null 2>&1 || fail "$DG_PDNS_A_STOP failed"
[ -z "$(soa 2>/dev/null)" ] || fail "PowerDNS A still answers after $DG_PDNS_A_STOP"
curl -fs --max-time 2 -o /dev/null -H "X-API-Key: $DG_PDNS_A_KEY" "$DG_PDNS_A_API/api/v1/servers/localhost" &&
  fail "PowerDNS A API still answers after stop"
"$DG_PDNS_A_START" >/dev/null 2>&1 || fail "$DG_PDNS_A_START failed"
started=1
[ -n "$(soa)" ] || fail "PowerDNS A lost zone pdns-a.net across stop/start"
curl -fs --max-time 5 -o /dev/null -H "X-API-Key: $DG_PDNS_A_KEY" "$DG_PDNS_A_API/api/v1/servers/localhost/zones/pdns-a.net." ||
  fail "PowerDNS A API does not return pdns-a.net after start"
note "stop silences DNS and API; start brings both back with the data"
