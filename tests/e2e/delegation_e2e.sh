#!/usr/bin/env bash
# The third incident (and the second's parking), staged for real in the bed's DNS hierarchy (root 127.53.0.1 ->
# TLD servers a/b -> PowerDNS A/B) and watched by a real `domainguard run` probing every 10s:
#   - new multi-provider zones come up DelegationHealthy without an Event raised and cleared on the way
#     (SinglePointOfFailure: both NS under .net, a Warning finding that does not make a working delegation
#     unhealthy);
#   - the registry suspends one (delegation gone at both TLD servers): DelegationMissing, Critical after two
#     confirmations, Ready False, a Warning Event; a second Domain whose name servers live under it gets
#     DependencyBroken (confirmed the same way) with status.dependsOn naming it;
#   - a registrar parks another zone (NS replaced at the TLD): NameserversChanged Critical;
#   - one TLD server is stale (the delegation removed at a only): a Warning, never Critical;
#   - zones with vanity in-bailiwick name servers lose their glue / get wrong glue: GlueMissing / GlueMismatch;
#   - the delegation is restored: DelegationHealthy True again and a Normal DelegationHealthy Event.
source "$(dirname "$0")/lib.sh"
need_env DG_TLD_SERVERS DG_TLD_TSIG_NAME DG_TLD_TSIG_SECRET DG_PDNS_A_DNS DG_PDNS_B_DNS
TLD_A=${DG_TLD_SERVERS%%,*}
TLD_B=${DG_TLD_SERVERS##*,}
T0=$SECONDS

ZA="a$E2E_ID.test"    # healthy -> suspended -> restored; hosts ns1/ns2 for ZX
ZX="x$E2E_ID.test"    # name servers ns1/ns2.$ZA: DependencyBroken while ZA is suspended
ZP="p$E2E_ID.test"    # parked by the registrar
ZS="s$E2E_ID.test"    # one TLD server stale
ZG="g$E2E_ID.test"    # vanity NS, glue removed
ZM="m$E2E_ID.test"    # vanity NS, glue wrong
PARK1="ns1.parking$E2E_ID.sm."
PARK2="ns2.parking$E2E_ID.sm."
NS_PROVIDERS="ns1.pdns-a.net. ns1.pdns-b.net."

# Everything this test writes into the test. TLD (delegation and glue) goes at exit, at both servers.
tld_forget() { nsupd_tlds test. "update delete $1." "update delete ns1.$1." "update delete ns2.$1."; }
for z in "$ZA" "$ZX" "$ZP" "$ZS" "$ZG" "$ZM"; do
  cleanup_zone "$z."
  CLEANUPS+=("tld_forget $z")
done

# delegate_providers Z [SERVER]: Z delegated to ns1.pdns-a.net. + ns1.pdns-b.net. (out of bailiwick, no glue).
delegate_providers() {
  local cmds=("update delete $1. NS" "update add $1. 300 NS ns1.pdns-a.net." "update add $1. 300 NS ns1.pdns-b.net.")
  if [ -n "${2:-}" ]; then nsupd_tld "$2" test. "${cmds[@]}"; else nsupd_tlds test. "${cmds[@]}"; fi ||
    fail "nsupdate of the test. TLD refused for $1"
}
# delegate_vanity Z GLUE1 GLUE2: Z delegated to ns1.Z/ns2.Z with those glue addresses ("" : no glue).
delegate_vanity() {
  local z=$1 cmds=("update delete $1. NS" "update delete ns1.$1." "update delete ns2.$1."
    "update add $1. 300 NS ns1.$1." "update add $1. 300 NS ns2.$1.")
  [ -n "$2" ] && cmds+=("update add ns1.$z. 300 A $2")
  [ -n "$3" ] && cmds+=("update add ns2.$z. 300 A $3")
  nsupd_tlds test. "${cmds[@]}" || fail "nsupdate of the test. TLD refused for $z"
}

# domain NAME ZONE [EXTRA_SPEC_LINES]: a Domain on PowerDNS A + B probed every 10s.
domain() {
  apply_domain "$1" "$2" "[{name: pdns-a}, {name: pdns-b}]" "  checks: {delegation: {interval: 10s}}
${3:-}"
}

# finding DOMAIN REASON: "severity" of that finding ("" when absent).
finding() { jp domain "$1" ".status.findings[?(@.reason==\"$2\")].severity"; }
finding_is() { [ "$(finding "$1" "$2")" = "$3" ]; }
wait_finding() {
  retry "$4" finding_is "$1" "$2" "$3" ||
    fail "Domain $1: finding $2 is '$(finding "$1" "$2")' after $4s, want $3 (findings: $(findings "$1"))"
}
# findings DOMAIN: "Reason:Severity ..." of all findings.
findings() {
  kubectl -n "$NS" get domain "$1" -o jsonpath='{range .status.findings[*]}{.reason}:{.severity} {end}' 2>/dev/null
}
# The delegation findings a user must act on: Warning or Critical, SinglePointOfFailure left out.
problems() {
  local f out=""
  for f in $(findings "$1"); do
    case "$f" in
      SinglePointOfFailure:*) ;;
      DelegationMissing:* | NameserversChanged:* | GlueMissing:* | GlueMismatch:* | LameNameserver:* | \
        SerialDrift:* | RecordsNotServed:* | ParentUnreachable:* | DependencyBroken:*)
        case "$f" in *:Warning | *:Critical) out+="$f " ;; esac ;;
    esac
  done
  printf '%s' "${out% }"
}
# event TYPE REASON DOMAIN [NOTE-REGEX]: an Event of that type and reason about that Domain.
event() {
  kubectl -n "$NS" get events.events.k8s.io -o \
    jsonpath='{range .items[*]}{.type}{"\t"}{.reason}{"\t"}{.regarding.name}{"\t"}{.note}{"\n"}{end}' 2>/dev/null |
    grep -qE -- "^$1	$2	$3	.*${4:-}"
}
# The delegation Events so far other than SinglePointOfFailure: "Type/Reason/Domain ...".
delegation_events() {
  kubectl -n "$NS" get events.events.k8s.io -o \
    jsonpath='{range .items[*]}{.type}/{.reason}/{.regarding.name}{"\n"}{end}' 2>/dev/null |
    grep -E '/(DelegationHealthy|DelegationMissing|NameserversChanged|Glue[A-Za-z]+|LameNameserver|SerialDrift|RecordsNotServed|ParentUnreachable|DependencyBroken)/' |
    sort -u | tr '\n' ' ' | sed 's/ $//' || true
}
# checks DOMAIN: number of delegation checks logged so far for it.
checks() { grep -c "delegation domain=$NS/$1 .*decision=check" "$E2E_LOGS/$E2E_NAME.controller.log" || true; }
wait_checks() {
  local want=$(($(checks "$1") + $2))
  retry "$3" bash -c "[ \$(grep -c 'delegation domain=$NS/$1 .*decision=check' '$E2E_LOGS/$E2E_NAME.controller.log') -ge $want ]" ||
    fail "Domain $1: fewer than $2 more delegation checks within $3s (interval 10s)"
}

e2e_start
e2e_providers

# --- The bed's DNS as the registry has it: every zone delegated. ---
delegate_providers "$ZA"
delegate_providers "$ZP"
delegate_providers "$ZS"
delegate_vanity "$ZG" 127.53.1.1 127.53.1.2
delegate_vanity "$ZM" 127.53.1.1 127.53.1.2
nsupd_tlds test. "update add $ZX. 300 NS ns1.$ZA." "update add $ZX. 300 NS ns2.$ZA." ||
  fail "nsupdate of the test. TLD refused for $ZX"

VANITY_G="  nameservers: [{name: ns1.$ZG., addresses: [127.53.1.1]}, {name: ns2.$ZG., addresses: [127.53.1.2]}]"
VANITY_M="  nameservers: [{name: ns1.$ZM., addresses: [127.53.1.1]}, {name: ns2.$ZM., addresses: [127.53.1.2]}]"
domain ha "$ZA" "  records: [{name: ns1, type: A, values: [127.53.1.1]}, {name: ns2, type: A, values: [127.53.1.2]}]"
domain hx "$ZX" "  nameservers: [{name: ns1.$ZA.}, {name: ns2.$ZA.}]"
domain park "$ZP"
domain stale "$ZS"
domain glue "$ZG" "$VANITY_G"
domain wrong "$ZM" "$VANITY_M"

# 1. Healthy: delegated as desired, both providers authoritative.
for d in ha park stale glue wrong hx; do wait_cond "$d" RecordsSynced True/Synced 60; done
for ip in "$DG_PDNS_A_DNS" "$DG_PDNS_B_DNS"; do
  serves "$ip" "$ZA" NS "$NS_PROVIDERS" || fail "$ZA NS at $ip is '$(served "$ip" "$ZA" NS)', want $NS_PROVIDERS"
done
for d in ha park stale glue wrong; do wait_cond "$d" DelegationHealthy True/DelegationHealthy 40; done
for d in ha park stale glue wrong; do
  p="$(problems "$d")"
  [ -z "$p" ] || fail "healthy Domain $d has delegation findings $p"
done
# Both NS under .net (a TLD other than the zone's): the verdict's SinglePointOfFailure, a Warning finding.
spof="$(finding ha SinglePointOfFailure)"
[ "$spof" = Warning ] || fail "Domain ha: SinglePointOfFailure '$spof' for NS all under .net, want Warning"
[ -z "$(finding glue SinglePointOfFailure)" ] || fail "Domain glue: SinglePointOfFailure for two in-bailiwick NS on two providers"
# The zone whose NS all live under $ZA: one registered domain, and dependsOn names it.
retry 30 bash -c "[ \"\$(kubectl -n $NS get domain hx -o jsonpath='{.status.dependsOn}')\" = '[\"$ZA.\"]' ]" ||
  fail "Domain hx: status.dependsOn is '$(jp domain hx .status.dependsOn)', want [\"$ZA.\"]"
[ -z "$(finding hx DependencyBroken)" ] || fail "Domain hx: DependencyBroken while $ZA is delegated"
retry 30 finding_is hx SinglePointOfFailure Warning || fail "Domain hx: no SinglePointOfFailure Warning for NS all under $ZA"
wait_cond ha Ready True/Healthy 60
servers="$(jp domain ha '.status.delegation.servers[*].authoritative')"
[ "$servers" = "true true" ] || fail "Domain ha: status.delegation.servers authoritative '$servers', want 'true true'"
# New zones are probed once the records controller has created them: no alarm raised and cleared on the way.
ev="$(delegation_events)"
[ -z "$ev" ] || fail "Events while the Domains came up healthy: $ev"
note "healthy after $((SECONDS - T0))s: 5 zones DelegationHealthy (SinglePointOfFailure $spof for NS under .net)"

# 2. Suspension: the registry removes $ZA from both TLD servers. Critical only after two confirmed probes.
t=$SECONDS
nsupd_tlds test. "update delete $ZA. NS" || fail "cannot remove the delegation of $ZA"
# 3. Parking: the registrar replaces $ZP's name servers with its parking servers (at both TLD servers).
nsupd_tlds test. "update delete $ZP. NS" "update add $ZP. 300 NS $PARK1" "update add $ZP. 300 NS $PARK2" ||
  fail "cannot park $ZP"
# 4. One stale TLD server: $ZS removed at a only.
stale0=$(checks stale)
nsupd_tld "$TLD_A" test. "update delete $ZS. NS" || fail "cannot remove $ZS at $TLD_A"
# 5. Glue: removed for $ZG, wrong (ns1 -> 127.53.1.3, the BIND provider without the zone) for $ZM.
nsupd_tlds test. "update delete ns1.$ZG. A" "update delete ns2.$ZG. A" || fail "cannot remove the glue of $ZG"
nsupd_tlds test. "update delete ns1.$ZM. A" "update add ns1.$ZM. 300 A 127.53.1.3" || fail "cannot change the glue of $ZM"
serves "$TLD_B" "$ZA" NS "" || fail "TLD server b still delegates $ZA after the update"

wait_finding ha DelegationMissing Warning 25      # first probe: not yet confirmed
wait_finding ha DelegationMissing Critical 30     # second probe: confirmed from both TLD servers
note "DelegationMissing Critical $((SECONDS - t))s after the suspension"
wait_cond ha DelegationHealthy False/DelegationMissing 10
wait_cond ha Ready False/DelegationMissing 20
retry 10 event Warning DelegationMissing ha "$ZA" || fail "no Warning Event DelegationMissing for ha"
wait_finding park NameserversChanged Critical 30
msg="$(jp domain park '.status.findings[?(@.reason=="NameserversChanged")].message')"
grep -q "$PARK1" <<<"$msg" || fail "NameserversChanged does not name the parking servers: $msg"
wait_cond park DelegationHealthy False/NameserversChanged 10
retry 10 event Warning NameserversChanged park || fail "no Warning Event NameserversChanged for park"
wait_finding glue GlueMissing Critical 30
wait_cond glue DelegationHealthy False/GlueMissing 10
wait_finding wrong GlueMismatch Critical 30
msg="$(jp domain wrong '.status.findings[?(@.reason=="GlueMismatch")].message')"
grep -q "127.53.1.3" <<<"$msg" || fail "GlueMismatch does not name the wrong glue: $msg"
wait_cond wrong DelegationHealthy False/GlueMismatch 10
wait_finding hx DependencyBroken Critical 30
msg="$(jp domain hx '.status.findings[?(@.reason=="DependencyBroken")].message')"
grep -q "$ZA" <<<"$msg" || fail "DependencyBroken does not name $ZA: $msg"
[ "$(jp domain hx .status.dependsOn)" = "[\"$ZA.\"]" ] || fail "Domain hx: dependsOn '$(jp domain hx .status.dependsOn)'"
wait_cond hx DelegationHealthy False/DependencyBroken 10
# Confirmed like the hosting zone's own loss: a Warning on the first probe that saw it, Critical on the second.
first="$(grep "delegation domain=$NS/hx .*DependencyBroken:" "$E2E_LOGS/$E2E_NAME.controller.log" | head -1 |
  grep -o 'DependencyBroken:[A-Za-z]*' || true)"
[ "$first" = DependencyBroken:Warning ] || fail "Domain hx: the first probe after the suspension said $first, want a Warning until confirmed"
retry 10 event Warning DependencyBroken hx "$ZA" || fail "no Warning Event DependencyBroken for hx"
note "parking NameserversChanged, GlueMissing, GlueMismatch, DependencyBroken: all Critical by $((SECONDS - t))s"

# The stale TLD server: a Warning on every probe, never Critical (at least 3 probes after the change).
wait_finding stale DelegationMissing Warning 5
wait_checks stale 2 35
sev="$(finding stale DelegationMissing)"
[ "$sev" = Warning ] || fail "Domain stale: DelegationMissing '$sev' with one of two TLD servers stale, want Warning"
msg="$(jp domain stale '.status.findings[?(@.reason=="DelegationMissing")].message')"
grep -q "not confirmed" <<<"$msg" || fail "Domain stale: the finding does not say it is unconfirmed: $msg"
grep "delegation domain=$NS/stale " "$E2E_LOGS/$E2E_NAME.controller.log" | grep -q "DelegationMissing:Critical" &&
  fail "Domain stale: DelegationMissing was Critical on some probe with one stale TLD server"
note "one stale TLD server: DelegationMissing Warning over $(($(checks stale) - stale0)) probes, never Critical"

# 6. Recovery: the registry restores $ZA (and the other zones); the findings clear.
t=$SECONDS
delegate_providers "$ZA"
wait_cond ha DelegationHealthy True/DelegationHealthy 30
note "DelegationHealthy again $((SECONDS - t))s after the restore"
retry 10 event Normal DelegationHealthy ha || fail "no Normal Event DelegationHealthy for ha"
[ -z "$(problems ha)" ] || fail "Domain ha recovered with findings $(problems ha)"
wait_cond ha Ready True/Healthy 20
retry 30 bash -c "! kubectl -n $NS get domain hx -o jsonpath='{.status.findings[*].reason}' | grep -q DependencyBroken" ||
  fail "Domain hx: DependencyBroken stays after $ZA was restored"
delegate_vanity "$ZG" 127.53.1.1 127.53.1.2
wait_cond glue DelegationHealthy True/DelegationHealthy 30
note "all cases passed in $((SECONDS - T0))s"
