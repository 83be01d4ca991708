#!/usr/bin/env bash
# Regression of chaos seed 222 (tests/chaos/README.md): a change held by maxDeletePercent (ChangeBlocked) is looked
# at again every poll interval, and each of those passes counted as one more failure of the records controller's
# backoff; so the first outage after the hold waited min(2 s * 2^passes, 5 min) for its next try. In the round:
# BIND refused a write for a few seconds, the approved change was written two minutes after it accepted updates
# again (quiesce 121 s after the first check, against a bound of 120 s). Here: a change held for 20 s (about 10
# polls at --drift-poll-interval=2s), approved while BIND refuses updates to the zone (rndc freeze), BIND thawed as
# soon as the refusal shows in the status: the change must be served within 30 s of the thaw (a 2-8 s backoff).
# Freezes only a zone of its own; ctest label chaos, RUN_SERIAL (its timing).
source "$(dirname "$0")/../e2e/lib.sh"
need_env DG_RFC2136_SERVER DG_RFC2136_ADDZONE DG_RFC2136_RNDC
C_DNS=${DG_RFC2136_SERVER%:*}
Z="s222-$E2E_ID.test"
cleanup_zone "$Z."
CLEANUPS+=("$DG_RFC2136_RNDC thaw $Z")  # never leave the zone frozen

e2e_start
e2e_providers
"$DG_RFC2136_ADDZONE" "$Z" >/dev/null || fail "cannot create $Z on BIND"

held_domain() {  # held_domain RECORD_LINES: Domain "held" on BIND alone, every deletion held
  apply_domain held "$Z" "[{name: bind-c}]" "  safety: {maxDeletePercent: 0}
  records:
  - {name: www, type: A, values: [192.0.2.80]}
$1"
}
held_domain "  - {name: old, type: A, values: [192.0.2.81]}"
wait_cond held RecordsSynced True/Synced 60
retry 20 serves "$C_DNS" "old.$Z" A 192.0.2.81 || fail "old.$Z A is not served by BIND after the first sync"

held_domain ""
wait_cond held RecordsSynced False/ChangeBlocked 30
sleep 20  # the held change is looked at again every poll interval (2 s): about 10 passes

"$DG_RFC2136_RNDC" freeze "$Z" >/dev/null || fail "rndc freeze $Z failed"
gen=$(jp domain held .metadata.generation)
kubectl -n "$NS" annotate --overwrite domain held "domainguard.io/approve-change=$gen" >/dev/null ||
  fail "cannot annotate Domain held"
refused() {
  local c
  c=$(cond held RecordsSynced)
  [ "${c%%/*}" = False ] && [ "${c#*/}" != ChangeBlocked ]
}
retry 30 refused || fail "the approved change refused by a frozen BIND never showed in the status (RecordsSynced $(cond held RecordsSynced))"
why=$(cond held RecordsSynced)
"$DG_RFC2136_RNDC" thaw "$Z" >/dev/null || fail "rndc thaw $Z failed"
thawed=$SECONDS

written() { [ "$(cond held RecordsSynced)" = True/Synced ] && serves "$C_DNS" "old.$Z" A ""; }
retry 30 written || fail "BIND has accepted updates for $((SECONDS - thawed)) s and the approved change is not written yet (RecordsSynced $(cond held RecordsSynced), old.$Z A served: '$(served "$C_DNS" "old.$Z" A)'): the held change's polls grew the backoff"
note "held 20 s, approved while BIND refused ($why), written $((SECONDS - thawed)) s after BIND accepted updates again"
