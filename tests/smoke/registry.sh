#!/usr/bin/env bash
# The registry server: RDAP answers a fixture for a .test domain and 404s an unregistered one; WHOIS answers over
# port 43 protocol; the control endpoint switches what a domain returns; the bed's bootstrap file points at it.
source "$(dirname "$0")/lib/smoke.sh"
need_env DG_RDAP_URL DG_RDAP_BOOTSTRAP DG_WHOIS_ADDR DG_REGISTRY_CONTROL
domain="$UNIQ_DNS.test"
cleanup() { curl -s --max-time 5 -o /dev/null -X POST "$DG_REGISTRY_CONTROL/select" \
  -d "{\"domain\":\"$domain\",\"rdap\":null,\"whois\":null}" || true; }
trap cleanup EXIT

[ "$(jq -r '.services[] | select(.[0] | index("test")) | .[1][0]' "$DG_RDAP_BOOTSTRAP")" = "$DG_RDAP_URL" ] ||
  fail "$DG_RDAP_BOOTSTRAP does not map test. to $DG_RDAP_URL"

whois() {  # whois QUERY -> the server's text
  local host=${DG_WHOIS_ADDR%:*} port=${DG_WHOIS_ADDR##*:}
  (exec 3<>"/dev/tcp/$host/$port" && printf '%s\r\n' "$1" >&3 && timeout 5 cat <&3)
}

fixture="$(curl -fsS --max-time 5 "$DG_REGISTRY_CONTROL/fixtures" | jq -r '.rdap | if type=="object" then keys[] else .[] end' |
  grep -x gtld-active || true)"
[ -n "$fixture" ] || fail "registry has no 'gtld-active' RDAP fixture ($DG_REGISTRY_CONTROL/fixtures)"
curl -fsS --max-time 5 -o /dev/null -X POST -H 'Content-Type: application/json' "$DG_REGISTRY_CONTROL/select" \
  -d "{\"domain\":\"$domain\",\"rdap\":\"gtld-active\"}" || fail "POST $DG_REGISTRY_CONTROL/select failed"
body="$(curl -fsS --max-time 5 "${DG_RDAP_URL%/}/domain/$domain")" || fail "RDAP GET domain/$domain failed"
[ "$(jq -r .objectClassName <<<"$body")" = domain ] || fail "RDAP answer is not a domain object: ${body:0:200}"
[ "$(jq -r .ldhName <<<"$body" | tr '[:upper:]' '[:lower:]')" = "$domain" ] || fail "RDAP answer names another domain"
jq -e '.events[] | select(.eventAction=="expiration") | .eventDate' <<<"$body" >/dev/null ||
  fail "the gtld-active fixture has no expiration event"

curl -fsS --max-time 5 -o /dev/null -X POST -H 'Content-Type: application/json' "$DG_REGISTRY_CONTROL/select" \
  -d "{\"domain\":\"$domain\",\"rdap\":\"not-found\"}" || fail "selecting not-found failed"
code="$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "${DG_RDAP_URL%/}/domain/$domain")"
[ "$code" = 404 ] || fail "RDAP for a not-found domain gave HTTP $code, want 404"

text="$(whois example.test)" || fail "no WHOIS answer from $DG_WHOIS_ADDR"
grep -qi 'domain name' <<<"$text" || fail "WHOIS answer for example.test has no 'Domain Name': ${text:0:200}"
note "RDAP fixture + switch to 404, WHOIS answer, bootstrap OK"
