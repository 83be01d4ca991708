#!/usr/bin/env bash
# Both PowerDNS instances: a zone created through the API answers over DNS on the instance's address, a change
# through the API is visible at once, and the other instance (own database) does not serve it.
source "$(dirname "$0")/lib/smoke.sh"
need_env DG_PDNS_A_API DG_PDNS_A_KEY DG_PDNS_A_DNS DG_PDNS_B_API DG_PDNS_B_KEY DG_PDNS_B_DNS

# api A|B METHOD PATH [BODY] -> prints the HTTP code; body in $tmp/body. PowerDNS on sqlite answers 500
# "database is locked" when other tests write at the same moment: retried, as a real client would.
api() {
  local which=$1 method=$2 path=$3 url key code try
  url="$(eval echo "\$DG_PDNS_${which}_API")"
  key="$(eval echo "\$DG_PDNS_${which}_KEY")"
  for try in 1 2 3 4 5; do
    code="$(curl -sS --max-time 10 -o "$tmp/body" -w '%{http_code}' -X "$method" -H "X-API-Key: $key" \
      -H 'Content-Type: application/json' "$url/api/v1/servers/localhost$path" ${4:+-d "$4"})"
    [ "$code" = 500 ] && [ "$try" -lt 5 ] && { sleep 0.3; continue; }
    break
  done
  echo "$code"
}
tmp="$(mktemp -d)"
zones=()
cleanup() {
  local z
  for z in "${zones[@]}"; do api "${z%%:*}" DELETE "/zones/${z#*:}" >/dev/null 2>&1 || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

for which in A B; do
  dns="$(eval echo "\$DG_PDNS_${which}_DNS")"
  zone="${UNIQ_DNS}-${which,,}.smoke.test."
  ip=192.0.2.$([ "$which" = A ] && echo 10 || echo 20)
  body="$(jq -cn --arg z "$zone" --arg ip "$ip" \
    '{name:$z, kind:"Native", nameservers:["ns1.pdns-a.net."], rrsets:[{name:("www."+$z), type:"A", ttl:60, records:[{content:$ip, disabled:false}]}]}')"
  code="$(api "$which" POST /zones "$body")"
  [ "$code" = 201 ] || fail "PowerDNS $which: POST /zones gave $code: $(head -c 200 "$tmp/body")"
  zones+=("$which:$zone")
  got="$(dig +short +norec +time=2 +tries=1 "@$dns" "www.$zone" A)"
  [ "$got" = "$ip" ] || fail "PowerDNS $which: dig @$dns www.$zone A gave '$got', want $ip"
  out_has 'flags: qr aa' dig +norec +time=2 +tries=1 "@$dns" "www.$zone" A || fail "PowerDNS $which: answer not authoritative"

  patch="$(jq -cn --arg z "$zone" '{rrsets:[{name:("www."+$z), type:"A", ttl:60, changetype:"REPLACE", records:[{content:"192.0.2.99", disabled:false}]}]}')"
  code="$(api "$which" PATCH "/zones/$zone" "$patch")"
  [ "$code" = 204 ] || fail "PowerDNS $which: PATCH gave $code: $(head -c 200 "$tmp/body")"
  got="$(dig +short +norec +time=2 +tries=1 "@$dns" "www.$zone" A)"
  [ "$got" = 192.0.2.99 ] || fail "PowerDNS $which: after PATCH dig gave '$got', want 192.0.2.99 (cache?)"

  other=$([ "$which" = A ] && echo B || echo A)
  odns="$(eval echo "\$DG_PDNS_${other}_DNS")"
  out_has 'status: REFUSED' dig +norec +time=2 +tries=1 "@$odns" "www.$zone" A ||
    fail "PowerDNS $other serves $zone created on $which (shared database?)"
done

# A wrong API key is refused.
code="$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -H 'X-API-Key: wrong' "$DG_PDNS_A_API/api/v1/servers/localhost/zones")"
[ "$code" = 401 ] || fail "PowerDNS A accepted a wrong API key (HTTP $code)"
note "zones via API on A and B answer over DNS, PATCH visible at once, instances separate, bad key 401"
