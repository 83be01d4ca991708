#!/usr/bin/env bash
# The RFC 2136 provider (BIND): DG_RFC2136_ADDZONE makes a zone; an UPDATE signed with the bed's TSIG key is
# applied, an unsigned one and one signed with a wrong secret are refused and change nothing; AXFR needs the key.
source "$(dirname "$0")/lib/smoke.sh"
need_env DG_RFC2136_SERVER DG_RFC2136_TSIG_NAME DG_RFC2136_TSIG_ALG DG_RFC2136_TSIG_SECRET DG_RFC2136_RNDC DG_RFC2136_ADDZONE
server=${DG_RFC2136_SERVER%:*}
port=${DG_RFC2136_SERVER##*:}
zone="$UNIQ_DNS.rfc2136.test"
cleanup() { "$DG_RFC2136_RNDC" delzone -clean "$zone" >/dev/null 2>&1 || true; }
trap cleanup EXIT
"$DG_RFC2136_ADDZONE" "$zone" >/dev/null || fail "DG_RFC2136_ADDZONE $zone failed"
"$DG_RFC2136_RNDC" zonestatus "$zone" >/dev/null || fail "DG_RFC2136_RNDC zonestatus $zone failed"

update() {  # update NAME IP [nsupdate key args...]
  local name=$1 ip=$2
  shift 2
  printf 'server %s %s\nzone %s\nupdate add %s.%s 60 A %s\nsend\n' "$server" "$port" "$zone" "$name" "$zone" "$ip" |
    nsupdate -t 5 "$@" 2>&1
}
a() { dig +short +norec +time=2 +tries=1 -p "$port" "@$server" "$1.$zone" A; }

out="$(update signed 192.0.2.1 -y "$DG_RFC2136_TSIG_ALG:$DG_RFC2136_TSIG_NAME:$DG_RFC2136_TSIG_SECRET")" ||
  fail "signed update refused: $out"
[ "$(a signed)" = 192.0.2.1 ] || fail "signed update reported success but the record is not served"

out="$(update unsigned 192.0.2.2)" && fail "unsigned update was accepted"
grep -q REFUSED <<<"$out" || fail "unsigned update: expected REFUSED, got: ${out:0:200}"
[ -z "$(a unsigned)" ] || fail "unsigned update changed the zone"

bad="$(openssl rand -base64 32)"
out="$(update badkey 192.0.2.3 -y "$DG_RFC2136_TSIG_ALG:$DG_RFC2136_TSIG_NAME:$bad")" && fail "update with a wrong secret was accepted"
[ -z "$(a badkey)" ] || fail "update with a wrong secret changed the zone"

out_has "^signed\.$zone\..*192\.0\.2\.1" \
  dig +time=2 +tries=1 -p "$port" "@$server" "$zone" AXFR -y "$DG_RFC2136_TSIG_ALG:$DG_RFC2136_TSIG_NAME:$DG_RFC2136_TSIG_SECRET" || fail "AXFR with the TSIG key does not list the signed record"
out_has 'Transfer failed' dig +time=2 +tries=1 -p "$port" "@$server" "$zone" AXFR || fail "AXFR without the key was not refused"
note "signed update applied, unsigned REFUSED, wrong secret refused, AXFR only with the key"
