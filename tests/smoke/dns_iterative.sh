#!/usr/bin/env bash
# The local DNS hierarchy: a delegation added under test. with nsupdate (TLD TSIG key) is followed from the
# bed's root hints, root -> TLD -> PowerDNS A, by non-recursive queries with glue, as a resolver would; the two TLD
# servers are independent (an update to one leaves the other stale).
source "$(dirname "$0")/lib/smoke.sh"
need_env DG_ROOT_HINTS DG_TLD_SERVERS DG_TLD_TSIG_NAME DG_TLD_TSIG_SECRET DG_PDNS_A_API DG_PDNS_A_KEY DG_PDNS_A_DNS
zone="$UNIQ_DNS.test."
tld_a=${DG_TLD_SERVERS%%,*}
tld_b=${DG_TLD_SERVERS##*,}
key="hmac-sha256:$DG_TLD_TSIG_NAME:$DG_TLD_TSIG_SECRET"

nsupd() {  # nsupd SERVER COMMANDS
  printf 'server %s\nzone test.\n%s\nsend\n' "$1" "$2" | nsupdate -t 5 -y "$key" 2>&1
}
cleanup() {
  local s
  for s in "$tld_a" "$tld_b"; do nsupd "$s" "update delete $zone NS" >/dev/null 2>&1 || true; done
  curl -s --max-time 5 -o /dev/null -X DELETE -H "X-API-Key: $DG_PDNS_A_KEY" "$DG_PDNS_A_API/api/v1/servers/localhost/zones/$zone" || true
}
trap cleanup EXIT

body="$(jq -cn --arg z "$zone" '{name:$z, kind:"Native", nameservers:["ns1.pdns-a.net."], rrsets:[{name:("www."+$z), type:"A", ttl:60, records:[{content:"192.0.2.53", disabled:false}]}]}')"
code="$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -X POST -H "X-API-Key: $DG_PDNS_A_KEY" \
  -H 'Content-Type: application/json' "$DG_PDNS_A_API/api/v1/servers/localhost/zones" -d "$body")"
[ "$code" = 201 ] || fail "PowerDNS A: creating $zone gave HTTP $code"

# Delegate on TLD server a only first: b must stay stale.
out="$(nsupd "$tld_a" "update add $zone 300 NS ns1.pdns-a.net.")" || fail "nsupdate of test. on $tld_a failed: $out"
out_has "^$zone.*NS.*ns1.pdns-a.net" dig +norec +time=2 +tries=1 "@$tld_a" "www.$zone" A ||
  fail "$tld_a does not refer $zone to ns1.pdns-a.net after nsupdate"
out_has 'status: NXDOMAIN' dig +norec +time=2 +tries=1 "@$tld_b" "www.$zone" A ||
  fail "$tld_b already knows $zone: the TLD servers are not independent"
out="$(printf 'server %s\nzone test.\nupdate add %s 300 NS ns1.pdns-a.net.\nsend\n' "$tld_b" "$zone" | nsupdate -t 5 2>&1)" &&
  fail "unsigned nsupdate to $tld_b was accepted"
out="$(nsupd "$tld_b" "update add $zone 300 NS ns1.pdns-a.net.")" || fail "nsupdate of test. on $tld_b failed: $out"

# Iterate from the root hints: +norec queries, following referrals by their glue, or resolving a name server's
# address the same way from the root when the referral has no glue for it (out-of-bailiwick), as a resolver does.
root="$(awk 'toupper($3)=="A" || toupper($4)=="A" {print $NF; exit}' "$DG_ROOT_HINTS")"
[ -n "$root" ] || fail "no root server address in $DG_ROOT_HINTS"
section() { awk -v s=";; $1 SECTION:" '$0==s{f=1;next} /^$/{f=0} f'; }
# iterate NAME DEPTH: prints "ADDRESS PATH"; PATH lists the servers asked for NAME itself.
iterate() {
  local name=$1 depth=$2 server=$root path=$root resp answer ns glue
  [ "$depth" -le 3 ] || fail "name server chain too deep at $name"
  for _ in 1 2 3 4 5 6; do
    resp="$(dig +norec +time=2 +tries=1 "@$server" "$name" A)" || fail "no answer from $server for $name (path: $path)"
    answer="$(section ANSWER <<<"$resp" | awk '$4=="A"{print $5; exit}')"
    if [ -n "$answer" ]; then echo "$answer $path"; return; fi
    ns="$(section AUTHORITY <<<"$resp" | awk '$4=="NS"{print $5; exit}')"
    [ -n "$ns" ] || fail "$server gave neither answer nor referral for $name (path: $path)"
    glue="$(section ADDITIONAL <<<"$resp" | awk -v n="$ns" '$1==n && $4=="A"{print $5; exit}')"
    if [ -z "$glue" ]; then
      glue="$(iterate "$ns" $((depth + 1)))"
      glue=${glue%% *}
    fi
    server=$glue
    path="$path -> $server"
  done
  fail "no answer for $name after 6 referrals (path: $path)"
}
result="$(iterate "www.$zone" 0)"
answer=${result%% *}
path=${result#* }
[ "$answer" = 192.0.2.53 ] || fail "iteration ended with '$answer', want 192.0.2.53 (path: $path)"
case "$path" in
  127.53.0.1\ -\>\ 127.53.10.?\ -\>\ "$DG_PDNS_A_DNS") ;;
  *) fail "unexpected path $path (want root -> TLD -> $DG_PDNS_A_DNS)" ;;
esac
# The provider name servers' delegations from the bed itself.
for host in ns1.pdns-a.net ns1.pdns-b.net ns1.bind-c.net; do
  out_has "^net\..*NS" dig +norec +time=2 +tries=1 @127.53.0.1 "$host" A || fail "root does not refer $host to net."
done
note "root -> TLD -> child: $path; TLD servers independent; unsigned TLD update refused"
