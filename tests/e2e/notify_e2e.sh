#!/usr/bin/env bash
# Drift found by DNS NOTIFY, not by polling: BIND (the RFC 2136 provider) notifies domainguard of every change of
# the zone; a record deleted behind domainguard's back is put back at once although the serial poll and the full
# compare are 10 minutes away.
source "$(dirname "$0")/lib.sh"
need_env DG_RFC2136_ADDZONE DG_RFC2136_RNDC DG_RFC2136_TSIG_NAME DG_RFC2136_TSIG_SECRET
C_DNS=${DG_RFC2136_SERVER%:*}
Z="ntf$E2E_ID.test"
cleanup_zone "$Z."
# Later flags win: no serial poll, no full compare within the test.
e2e_start --drift-poll-interval=10m --drift-full-interval=10m
e2e_providers
DG_ADDZONE_NOTIFY="127.0.0.1 port $NOTIFY_PORT" "$DG_RFC2136_ADDZONE" "$Z" >/dev/null || fail "cannot create $Z on BIND"
kubectl -n "$NS" apply -f - >/dev/null <<YAML || fail "Domain refused"
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: notified}
spec:
  zone: $Z
  providers: [{name: bind-c}]
  records:
  - {name: "@", type: MX, values: ["10 mail.$Z."]}
  - {name: mail, type: A, values: [192.0.2.25]}
YAML
wait_cond notified RecordsSynced True/Synced 60
serves "$C_DNS" "$Z" MX "10 mail.$Z." || fail "MX not served after sync"
repairs() { grep -c "zone=$Z. provider=bind-c decision=apply .*reason=DriftRepaired" "$E2E_LOGS/$E2E_NAME.controller.log"; }
repaired_more() { [ "$(repairs)" -gt "$repairs_before" ]; }
# Let the NOTIFYs of domainguard's own writes pass first.
sleep 3
repairs_before=$(repairs || true)
t0=$(date +%s%N)
printf 'server %s\nzone %s\nupdate delete %s MX\nsend\n' "$C_DNS" "$Z" "$Z." |
  nsupdate -y "hmac-sha256:$DG_RFC2136_TSIG_NAME:$DG_RFC2136_TSIG_SECRET" -t 5 || fail "nsupdate deleting the MX failed"
# The delete is seen either at BIND or, when the NOTIFY's repair beat this query (tens of ms on an idle bed), as a
# DriftRepaired write in the controller's log for this zone.
serves "$C_DNS" "$Z" MX "" || retry 10 repaired_more || fail "the MX was neither seen deleted nor repaired"
retry 30 serves "$C_DNS" "$Z" MX "10 mail.$Z." || fail "the MX deleted at BIND was not restored within 30s (poll is 10m: NOTIFY missed)"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
grep -q "zone=$Z. from=.* decision=notify" "$E2E_LOGS/$E2E_NAME.controller.log" || fail "the controller logged no NOTIFY for $Z"
retry 10 event_seen DriftRepaired || fail "no DriftRepaired Event"
note "MX deleted at BIND restored ${ms} ms later through NOTIFY (poll and full compare 10m away)"
