#!/usr/bin/env bash
# The second incident's registration side, through a real `domainguard run` asking the bed's registry (RDAP for
# test., WHOIS for sm.): one Domain per registry answer, since the monitor looks a domain up at most once a minute
# (spec.checks.registration.interval >= 1m, and a spec edit does not force a lookup: schedule.cc):
#   ok    gtld-active        RegistrationHealthy True/Registered, expiresAt, registrar, the expiry metric;
#                            warnBefore raised past the expiry -> ExpiringSoon at once, without a new lookup
#   soon  expiring-soon      ExpiringSoon Warning
#   exp   expired            Expired Critical, Ready False/Expired
#   hold  server-hold        RegistryHold Critical; the hold lifted at the next lookup -> Registered again
#   junk  garbage            RegistrationUnknown, no status.registration, no expiry metric (never a made-up date)
#   flip  gtld-active, then garbage at the next lookup (1m later): the last known expiry and its check time stay
#   sm    WHOIS cctld-suspended (.sm has no RDAP)   RegistryHold Critical via WHOIS, no expiry published
source "$(dirname "$0")/lib.sh"
need_env DG_REGISTRY_CONTROL
T0=$SECONDS

ZOK="ok$E2E_ID.test"
ZSOON="soon$E2E_ID.test"
ZEXP="exp$E2E_ID.test"
ZHOLD="hold$E2E_ID.test"
ZJUNK="junk$E2E_ID.test"
ZFLIP="flip$E2E_ID.test"
ZSM="r$E2E_ID.sm"
for z in "$ZOK" "$ZSOON" "$ZEXP" "$ZHOLD" "$ZJUNK" "$ZFLIP" "$ZSM"; do cleanup_zone "$z."; done

registry_select "$ZOK" gtld-active
registry_select "$ZSOON" expiring-soon
registry_select "$ZEXP" expired
registry_select "$ZHOLD" server-hold
registry_select "$ZJUNK" garbage
registry_select "$ZFLIP" gtld-active
registry_select "$ZSM" not-found cctld-suspended

# domain NAME ZONE [EXTRA_REGISTRATION_FIELDS]: on PowerDNS A + B, which the registry fixtures list as the name
# servers.
domain() {
  apply_domain "$1" "$2" "[{name: pdns-a}, {name: pdns-b}]" "  checks:
    delegation: {interval: 10m}
    registration: {interval: 1m${3:+, $3}}"
}
finding() { jp domain "$1" ".status.findings[?(@.reason==\"$2\")].severity"; }
# findings DOMAIN: "Reason:Severity ..." of its registration findings (the delegation controller has its own).
findings() {
  kubectl -n "$NS" get domain "$1" -o jsonpath='{range .status.findings[*]}{.reason}:{.severity} {end}' 2>/dev/null |
    tr ' ' '\n' | grep -E '^(Registered|ExpiringSoon|ExpiryCritical|Expired|RegistryHold|PendingDelete|RedemptionPeriod|TransferLockMissing|RegistryNameserversDiffer|RegistrarChanged|RegistrationUnknown):' |
    tr '\n' ' ' | sed 's/ $//'
}
want_finding() {
  local got
  got="$(finding "$1" "$2")"
  [ "$got" = "$3" ] || fail "Domain $1: finding $2 is '$got', want $3 (findings: $(findings "$1"))"
}
# event TYPE REASON DOMAIN: an Event of that type and reason about that Domain.
event() {
  kubectl -n "$NS" get events.events.k8s.io -o \
    jsonpath='{range .items[*]}{.type}{"\t"}{.reason}{"\t"}{.regarding.name}{"\n"}{end}' 2>/dev/null |
    grep -qE -- "^$1	$2	$3\$"
}
# lookups DOMAIN KIND: requests the registry got for DOMAIN at endpoint KIND (rdap, whois).
lookups() {
  curl -fs "$DG_REGISTRY_CONTROL/requests" |
    python3 -c "import json,sys; print(json.load(sys.stdin)['domains'].get('$1',{}).get('$2',{}).get('count',0))"
}
lookups_at_least() { [ "$(lookups "$1" "$2")" -ge "$3" ]; }
# expiry_metric NAME: the value of domainguard_domain_expiry_timestamp_seconds for the Domain ("" when absent).
expiry_metric() {
  curl -fs "http://127.0.0.1:$METRICS_PORT/metrics" |
    grep '^domainguard_domain_expiry_timestamp_seconds{' | grep "namespace=\"$NS\"" | grep "domain=\"$1\"" |
    awk '{print $NF}'
}
epoch() { date -u -d "$1" +%s; }
# The metric (a float, maybe 1.7e+09 style) as whole seconds.
# domainguard_check_last_success_timestamp_seconds{check="registration"} of Domain $1: when its data was last obtained.
fresh_metric() {
  curl -fs "http://127.0.0.1:$METRICS_PORT/metrics" |
    grep '^domainguard_check_last_success_timestamp_seconds{' | grep 'check="registration"' |
    grep "namespace=\"$NS\"" | grep "domain=\"$1\"" | awk '{print $NF}'
}
whole() { python3 -c "import sys; print(int(float(sys.argv[1])))" "$1"; }

e2e_start
# The RDAP bootstrap was refreshed from its URL (the bed's registry serves one) over the shipped file.
grep -q "decision=bootstrap-refreshed url=${DG_RDAP_URL}bootstrap.json" "$E2E_LOGS/$E2E_NAME.controller.log" ||
  fail "the RDAP bootstrap was not refreshed from ${DG_RDAP_URL}bootstrap.json"
e2e_providers
domain ok "$ZOK"
domain soon "$ZSOON"
domain exp "$ZEXP"
domain hold "$ZHOLD"
domain junk "$ZJUNK"
domain flip "$ZFLIP"
domain sm "$ZSM"

# ok: registered, expiry 200 days ahead, registrar from RDAP.
wait_cond ok RegistrationHealthy True/Registered 30
exp_ok="$(jp domain ok .status.registration.expiresAt)"
[ -n "$exp_ok" ] || fail "Domain ok: no status.registration.expiresAt"
days=$((($(epoch "$exp_ok") - $(date +%s)) / 86400))
[ "$days" -ge 198 ] && [ "$days" -le 200 ] || fail "Domain ok: expiresAt $exp_ok is $days days ahead, want ~200"
[ "$(jp domain ok .status.registration.registrar)" = "Example Registrar, LLC" ] ||
  fail "Domain ok: registrar '$(jp domain ok .status.registration.registrar)', want 'Example Registrar, LLC'"
[ "$(jp domain ok .status.registration.registrarIANAID)" = 1111 ] || fail "Domain ok: registrarIANAID '$(jp domain ok .status.registration.registrarIANAID)'"
[ "$(jp domain ok .status.registration.source)" = rdap ] || fail "Domain ok: source '$(jp domain ok .status.registration.source)', want rdap"
[ -z "$(findings ok)" ] || fail "Domain ok: findings $(findings ok) for a healthy registration"
retry 10 bash -c "[ -n \"\$(curl -fs http://127.0.0.1:$METRICS_PORT/metrics | grep '^domainguard_domain_expiry_timestamp_seconds{' | grep 'domain=\"ok\"')\" ]" ||
  fail "no domainguard_domain_expiry_timestamp_seconds series for Domain ok"
m="$(expiry_metric ok)"
[ "$(whole "$m")" = "$(epoch "$exp_ok")" ] || fail "expiry metric of ok is $m, want $(epoch "$exp_ok") ($exp_ok)"
note "ok: Registered until $exp_ok at $(jp domain ok .status.registration.registrar); metric $m"

# flip: healthy first; from now on the registry answers garbage for it (seen at its next lookup, below).
wait_cond flip RegistrationHealthy True/Registered 30
exp_flip="$(jp domain flip .status.registration.expiresAt)"
changed="$(jp domain flip .status.registration.lastChangeTime)"
[ -n "$exp_flip" ] && [ -n "$changed" ] || fail "Domain flip: expiresAt '$exp_flip' lastChangeTime '$changed'"
[ -z "$(jp domain flip .status.registration.lastCheckTime)" ] || fail "Domain flip: status.registration.lastCheckTime is written (a heartbeat; freshness is a metric)"
fresh_flip="$(fresh_metric flip)"
[ -n "$fresh_flip" ] || fail "Domain flip: no domainguard_check_last_success_timestamp_seconds{check=\"registration\"} series"
n_flip="$(lookups "$ZFLIP" rdap)"
registry_select "$ZFLIP" garbage
t=$SECONDS

# The other fixtures, each once.
wait_cond soon RegistrationHealthy False/ExpiringSoon 30
want_finding soon ExpiringSoon Warning
[ -n "$(jp domain soon .status.registration.expiresAt)" ] || fail "Domain soon: no expiresAt"
wait_cond exp RegistrationHealthy False/Expired 30
want_finding exp Expired Critical
wait_cond exp Ready False/Expired 20
wait_cond hold RegistrationHealthy False/RegistryHold 30
want_finding hold RegistryHold Critical
msg="$(jp domain hold '.status.findings[?(@.reason=="RegistryHold")].message')"
grep -q serverHold <<<"$msg" || fail "Domain hold: RegistryHold does not name serverHold: $msg"
# The registrar gets the hold lifted: seen at hold's next lookup (within 1h of a hold; here the 1m interval).
registry_select "$ZHOLD" gtld-active
for e in "soon ExpiringSoon" "exp Expired" "hold RegistryHold"; do
  read -r d r <<<"$e"
  retry 10 event Warning "$r" "$d" || fail "no Warning Event $r for Domain $d"
done
note "soon ExpiringSoon Warning, exp Expired Critical (Ready False), hold RegistryHold Critical, with Events"

# junk: the registry answers malformed JSON: said honestly, no date made up.
wait_cond junk RegistrationHealthy Unknown/RegistrationUnknown 30
want_finding junk RegistrationUnknown Unknown
[ -z "$(jp domain junk .status.registration.expiresAt)" ] ||
  fail "Domain junk: expiresAt '$(jp domain junk .status.registration.expiresAt)' although no source answered"
[ -z "$(expiry_metric junk)" ] || fail "expiry metric of junk is $(expiry_metric junk), want no series"
note "junk: RegistrationUnknown, no expiresAt, no expiry metric"

# sm: no RDAP for .sm; WHOIS says Suspended.
wait_cond sm RegistrationHealthy False/RegistryHold 40
want_finding sm RegistryHold Critical
[ "$(jp domain sm .status.registration.source)" = whois ] || fail "Domain sm: source '$(jp domain sm .status.registration.source)', want whois"
[ -z "$(jp domain sm .status.registration.expiresAt)" ] || fail "Domain sm: expiresAt made up for a registry publishing none"
want_finding sm RegistrationUnknown Unknown   # SMNIC publishes no expiry: said, not guessed
[ "$(lookups "$ZSM" rdap)" = 0 ] || fail "Domain sm: looked up over RDAP, which does not serve .sm"
note "sm: RegistryHold via WHOIS (Status: Suspended)"

# ok: warnBefore raised past the expiry (200d < 5000h): ExpiringSoon at once, from the record, no new lookup.
n="$(lookups "$ZOK" rdap)"
kubectl -n "$NS" patch domain ok --type=merge -p '{"spec":{"checks":{"registration":{"warnBefore":"5000h"}}}}' >/dev/null ||
  fail "cannot patch Domain ok"
wait_cond ok RegistrationHealthy False/ExpiringSoon 10
retry 10 event Warning ExpiringSoon ok || fail "no Warning Event ExpiringSoon for Domain ok"
kubectl -n "$NS" patch domain ok --type=json -p '[{"op":"remove","path":"/spec/checks/registration/warnBefore"}]' >/dev/null ||
  fail "cannot patch Domain ok back"
wait_cond ok RegistrationHealthy True/Registered 10
retry 10 event Normal Registered ok || fail "no Normal Event Registered for Domain ok healthy again"
[ "$(lookups "$ZOK" rdap)" = "$n" ] || fail "a spec edit of ok made a lookup ($n -> $(lookups "$ZOK" rdap))"
note "ok: warnBefore 5000h -> ExpiringSoon and back to Registered without a lookup"

# flip: the registry answers garbage at the next lookup (interval 1m: at most ~66s after the first).
retry 90 lookups_at_least "$ZFLIP" rdap $((n_flip + 1)) || fail "Domain flip: no second lookup within 90s (interval 1m)"
retry 10 grep -q "registration domain=$NS/flip .*decision=lookup-failed" "$E2E_LOGS/$E2E_NAME.controller.log" ||
  fail "Domain flip: the garbage answer was not logged as a failed lookup"
sleep 2
[ "$(jp domain flip .status.registration.expiresAt)" = "$exp_flip" ] ||
  fail "Domain flip: expiresAt '$(jp domain flip .status.registration.expiresAt)' after a garbage answer, want the last known $exp_flip"
[ "$(jp domain flip .status.registration.lastChangeTime)" = "$changed" ] ||
  fail "Domain flip: lastChangeTime moved to $(jp domain flip .status.registration.lastChangeTime) without a good answer (was $changed)"
[ "$(fresh_metric flip)" = "$fresh_flip" ] ||
  fail "Domain flip: the registration freshness metric moved to $(fresh_metric flip) without a good answer (was $fresh_flip)"
# One failed lookup is no news about the domain: the last good record stands (RegistrationUnknown only once it is
# older than 72h), so no false alarm either.
cond_is flip RegistrationHealthy True/Registered || fail "Domain flip: RegistrationHealthy '$(cond flip RegistrationHealthy)' after one garbage answer, want True/Registered"
m="$(expiry_metric flip)"
[ -n "$m" ] && [ "$(whole "$m")" = "$(epoch "$exp_flip")" ] || fail "expiry metric of flip is '$m' after a garbage answer, want $(epoch "$exp_flip")"
wait_cond hold RegistrationHealthy True/Registered 30
retry 10 event Normal Registered hold || fail "no Normal Event Registered for Domain hold after the hold was lifted"
[ -z "$(findings hold)" ] || fail "Domain hold: findings $(findings hold) after the hold was lifted"
note "flip: garbage at the re-lookup after $((SECONDS - t))s; last known expiry $exp_flip, lastChangeTime and freshness kept"
note "all cases passed in $((SECONDS - T0))s"
