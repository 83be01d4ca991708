#!/usr/bin/env bash
# `domainguard check` as a user runs it against the bed's registry (RDAP http://127.0.0.1:18480/, WHOIS :18043),
# no cluster involved:
#   --help       lists the registration flags (--rdap-bootstrap, --whois-servers, --no-registration) and --now
#   -o table     EXPIRES, REGISTRAR and STATUSES beside the delegation columns
#   --now        an expiry 200 days ahead is ExpiringSoon when checked as of 10 days before it; DOMAINGUARD_NOW too
#   -f           the manifest's spec.checks.registration applies: expectTransferLock -> TransferLockMissing,
#                warnBefore 6000h -> ExpiringSoon; a bad warnBefore stops the run naming the Domain and field
#   bootstrap    an RDAP bootstrap with an empty "services" list (RFC 9224) means WHOIS, not an error
#   not found    a name the registry does not hold is NotRegistered (Critical, exit 2)
source "$(dirname "$0")/lib.sh"
need_env DG_REGISTRY_CONTROL DG_RDAP_BOOTSTRAP DG_ROOT_HINTS DG_WHOIS_ADDR

ZOK="cok$E2E_ID.test"
ZLOCK="clock$E2E_ID.test"
ZW="cw$E2E_ID.test"
ZNX="cnx$E2E_ID.test"
registry_select "$ZOK" gtld-active
registry_select "$ZLOCK" no-transfer-lock
registry_select "$ZW" not-found verisign

TMP="$(mktemp -d)"
CLEANUPS+=("rm -rf $TMP")
# check ARGS...: the check with the bed's upstreams and short DNS timeouts (the zones are not delegated).
check() {
  "$DG_BIN" check --root-hints "$DG_ROOT_HINTS" --timeout 300ms --tries 1 --deadline 5s --no-dependencies \
    --rdap-bootstrap "$DG_RDAP_BOOTSTRAP" "$@"
}
# reasons JSON ZONE: the zone's registration finding reasons, sorted, space-separated.
reasons() {
  python3 -c '
import json, sys
doc = json.loads(sys.argv[1])
regs = {"Registered","NotRegistered","ExpiringSoon","ExpiryCritical","Expired","RegistryHold","PendingDelete",
        "RedemptionPeriod","TransferLockMissing","RegistryNameserversDiffer","RegistrarChanged","RegistrationUnknown"}
for d in doc["domains"]:
    if d["zone"].rstrip(".") == sys.argv[2]:
        print(" ".join(sorted({f["reason"] for f in d["findings"] if f["reason"] in regs})))' "$1" "$2"
}
field() {  # field JSON ZONE KEY: registration.KEY of the zone
  python3 -c '
import json, sys
for d in json.loads(sys.argv[1])["domains"]:
    if d["zone"].rstrip(".") == sys.argv[2]:
        print(d.get("registration", {}).get(sys.argv[3], ""))' "$1" "$2" "$3"
}

# --help names the registration flags and --now.
help="$("$DG_BIN" check --help)" || fail "check --help exited non-zero"
for flag in --rdap-bootstrap --whois-servers --no-registration --now; do
  grep -q -- "$flag" <<<"$help" || fail "check --help does not list $flag"
done

# -o table: the registration columns beside the delegation's.
table="$(check -o table "$ZOK" || true)"
head -1 <<<"$table" | grep -q 'EXPIRES.*REGISTRAR.*STATUSES' || fail "check -o table has no EXPIRES/REGISTRAR/STATUSES columns: $(head -1 <<<"$table")"
row="$(grep "^$ZOK" <<<"$table")" || fail "check -o table has no row for $ZOK"
grep -q 'Example Registrar' <<<"$row" || fail "table row of $ZOK does not name the registrar: $row"
grep -q 'clientTransferProhibited' <<<"$row" || fail "table row of $ZOK does not list the EPP statuses: $row"
exp_day="$(date -u -d '+200 days' +%Y-%m-%d)"
grep -qE "$exp_day|$(date -u -d '+199 days' +%Y-%m-%d)|$(date -u -d '+201 days' +%Y-%m-%d)" <<<"$row" ||
  fail "table row of $ZOK does not show the expiry date (~$exp_day): $row"

# --now: as of 10 days before the expiry, the same answer is ExpiringSoon.
json="$(check -o json "$ZOK" || true)"
exp="$(field "$json" "$ZOK" expiresAt)"
[ -n "$exp" ] || fail "check -o json: no registration.expiresAt for $ZOK"
[ -z "$(reasons "$json" "$ZOK")" ] || fail "$ZOK today: registration findings '$(reasons "$json" "$ZOK")', want none"
before="$(date -u -d "$exp - 10 days" +%Y-%m-%dT%H:%M:%SZ)"
json="$(check -o json --now "$before" "$ZOK" || true)"
[ "$(reasons "$json" "$ZOK")" = ExpiringSoon ] || fail "--now $before: findings '$(reasons "$json" "$ZOK")', want ExpiringSoon"
json="$(DOMAINGUARD_NOW="$(date -u -d "$exp + 1 day" +%Y-%m-%dT%H:%M:%SZ)" check -o json "$ZOK" || true)"
[ "$(reasons "$json" "$ZOK")" = Expired ] || fail "DOMAINGUARD_NOW after the expiry: findings '$(reasons "$json" "$ZOK")', want Expired"
out="$(check --now yesterday "$ZOK" 2>&1)" && fail "--now yesterday was accepted"
grep -q -- "--now" <<<"$out" || fail "--now yesterday: the error does not name --now: $out"
note "--now and DOMAINGUARD_NOW judge the expiry $exp as of the instant given"

# -f: spec.checks.registration of each Domain applies to its zone.
cat >"$TMP/domains.yaml" <<YAML
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: lock}
spec:
  zone: $ZLOCK
  checks:
    registration: {expectTransferLock: true}
---
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: ok}
spec:
  zone: $ZOK
  checks:
    registration: {warnBefore: 6000h, criticalBefore: 168h}
YAML
json="$(check -o json -f "$TMP/domains.yaml" || true)"
[ "$(reasons "$json" "$ZLOCK")" = TransferLockMissing ] ||
  fail "-f expectTransferLock: findings of $ZLOCK '$(reasons "$json" "$ZLOCK")', want TransferLockMissing"
[ "$(reasons "$json" "$ZOK")" = ExpiringSoon ] || fail "-f warnBefore 6000h: findings of $ZOK '$(reasons "$json" "$ZOK")', want ExpiringSoon"
json="$(check -o json "$ZLOCK" || true)"
[ -z "$(reasons "$json" "$ZLOCK")" ] || fail "$ZLOCK named on the command line: findings '$(reasons "$json" "$ZLOCK")', want none (no expectTransferLock)"
sed -i 's/warnBefore: 6000h/warnBefore: 100h/' "$TMP/domains.yaml"
out="$(check -f "$TMP/domains.yaml" 2>&1)" && fail "a manifest with criticalBefore >= warnBefore was accepted"
grep -q 'Domain ok: spec.checks.registration.criticalBefore' <<<"$out" || fail "bad manifest: the error does not name the Domain and field: $out"
note "-f applies each Domain's expectTransferLock and warnBefore; a bad one is refused by name"

# An RDAP bootstrap with no services: WHOIS for every TLD.
echo '{"version":"1.0","publication":"2026-01-01T00:00:00Z","services":[]}' >"$TMP/empty-bootstrap.json"
json="$(check -o json --rdap-bootstrap "$TMP/empty-bootstrap.json" --whois-servers "test=$DG_WHOIS_ADDR" "$ZW" || true)"
[ "$(field "$json" "$ZW" source)" = whois ] || fail "empty bootstrap: source of $ZW is '$(field "$json" "$ZW" source)', want whois ($json)"
note "an empty services list means WHOIS"

# A name the registry does not hold: NotRegistered, Critical.
code=0
json="$(check -o json "$ZNX")" || code=$?
[ "$code" = 2 ] || fail "check of an unregistered name exited $code, want 2"
reasons "$json" "$ZNX" | grep -qw NotRegistered || fail "unregistered $ZNX: findings '$(reasons "$json" "$ZNX")', want NotRegistered"
note "an RDAP 404 is NotRegistered"
