#!/usr/bin/env bash
# e2e: runs alone (stops both TLD servers of the bed, which every other test delegates through)
# Issue #15 item 6: DependencyBroken follows any failed state of a zone hosting our name servers, at the severity
# its cause justifies. A hosting zone H (on PowerDNS A + B) holds the name servers of a dependent zone D; both
# parent servers of H (the bed's two TLD servers) are stopped: nobody without a cache can resolve D's name servers.
# What a user would notice: D gets DependencyBroken as a Warning naming ParentUnreachable (the parent cannot be
# asked: not proof of a lost delegation), and it is cleared once the parent servers answer again.
source "$(dirname "$0")/lib.sh"
need_env DG_PDNS_A_DNS DG_PDNS_B_DNS DG_TLD_SERVERS
H="host$E2E_ID.test"
D="dep$E2E_ID.test"
INTERVAL=10
cleanup_zone "$H."
cleanup_zone "$D."
CLEANUPS+=("hack_start_tlds" "nsupd_tlds test. 'update delete $H.' 'update delete $D.'")
hack_start_tlds() { "$E2E_ROOT/hack/testbed.sh" start bind-tld-a; "$E2E_ROOT/hack/testbed.sh" start bind-tld-b; }

finding() {
  kubectl -n "$NS" get domain "$1" -o jsonpath="{range .status.findings[?(@.reason==\"$2\")]}{.severity} {.message}{end}" 2>/dev/null
}
finding_has() { finding "$1" "$2" | grep -q -- "$3"; }
no_finding() { [ -z "$(finding "$1" "$2")" ]; }

nsupd_tlds test. "update delete $H." "update add $H. 300 NS ns1.pdns-a.net." "update add $H. 300 NS ns1.pdns-b.net." \
  "update delete $D." "update add $D. 300 NS ns1.$H." "update add $D. 300 NS ns2.$H." ||
  fail "nsupdate of the test. TLD refused"

e2e_start
e2e_providers
kubectl -n "$NS" apply -f - >/dev/null <<YAML || fail "kubectl apply of the Domains refused"
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: host}
spec:
  zone: $H
  providers: [{name: pdns-a}, {name: pdns-b}]
  records:
  - {name: ns1, type: A, values: [127.53.1.1]}
  - {name: ns2, type: A, values: [127.53.1.2]}
  checks: {delegation: {interval: ${INTERVAL}s}}
---
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: dep}
spec:
  zone: $D
  providers: [{name: pdns-a}, {name: pdns-b}]
  nameservers: [{name: ns1.$H.}, {name: ns2.$H.}]
  records: [{name: www, type: A, values: [192.0.2.80]}]
  checks: {delegation: {interval: ${INTERVAL}s}}
YAML
wait_cond host DelegationHealthy True/DelegationHealthy 60
wait_cond dep DelegationHealthy True/DelegationHealthy 60
retry 30 bash -c "[ \"\$(kubectl -n $NS get domain dep -o jsonpath='{.status.dependsOn}')\" = '[\"$H.\"]' ]" ||
  fail "Domain dep: status.dependsOn is '$(jp domain dep .status.dependsOn)', want [\"$H.\"]"
no_finding dep DependencyBroken || fail "DependencyBroken while $H is healthy: $(finding dep DependencyBroken)"

# Both parent servers of the hosting zone stop answering.
t0=$SECONDS
"$E2E_ROOT/hack/testbed.sh" stop bind-tld-a >/dev/null || fail "cannot stop bind-tld-a"
"$E2E_ROOT/hack/testbed.sh" stop bind-tld-b >/dev/null || fail "cannot stop bind-tld-b"
retry $((3 * INTERVAL + 30)) finding_has dep DependencyBroken "ParentUnreachable" ||
  fail "no DependencyBroken naming ParentUnreachable $((SECONDS - t0))s after both TLD servers stopped: '$(finding dep DependencyBroken)'"
sev="$(finding dep DependencyBroken | cut -d' ' -f1)"
[ "$sev" = Warning ] || fail "DependencyBroken is $sev for an unreachable parent, want Warning: $(finding dep DependencyBroken)"
note "both TLD servers stopped: dep has DependencyBroken $sev after $((SECONDS - t0))s: $(finding dep DependencyBroken)"

# Restored.
t0=$SECONDS
hack_start_tlds >/dev/null || fail "cannot start the TLD servers again"
retry $((3 * INTERVAL + 30)) no_finding dep DependencyBroken ||
  fail "DependencyBroken not cleared $((SECONDS - t0))s after the TLD servers came back: $(finding dep DependencyBroken)"
note "TLD servers back: DependencyBroken cleared after $((SECONDS - t0))s"
