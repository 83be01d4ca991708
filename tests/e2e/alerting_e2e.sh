#!/usr/bin/env bash
# Alerts reach people, for real: a staged fault (the glue of a zone removed at the TLD servers) travels
#   - through AlertChannels of each type, delivered by a real `domainguard run`: a local HTTP receiver for the
#     generic webhook (HMAC-signed) and the Slack-shaped one, the bed's Alertmanager (v2 API), and the bed's SMTP
#     server (STARTTLS + AUTH) for e-mail — each receiver sees the Domain and the reason;
#   - through the chart's alerting rules in the bed's Prometheus, scraping this controller's /metrics, to the bed's
#     Alertmanager and its webhook receiver.
# Then: a controller restart mid-incident sends nothing twice; a receiver down for DG_E2E_DOWN_SECONDS (120)
# gets every notice once it returns (the resolved one after the glue is restored), none twice; channels with a
# missing Secret, an unreachable URL or a TLS failure are not Ready with a clear message, turn
# AlertChannelFailing on their Domain within a minute, and the working channels keep delivering; no HMAC key,
# SMTP password or secret URL appears in a log, a status or an Event.
source "$(dirname "$0")/lib.sh"
need_env DG_TLD_SERVERS DG_TLD_TSIG_NAME DG_TLD_TSIG_SECRET
DOWN_SECONDS=${DG_E2E_DOWN_SECONDS:-120}
INTERVAL=10            # spec.checks.delegation.interval of the Domains
CONFIRMATIONS=2        # parent-side findings turn Critical on the second probe
BUDGET=$((INTERVAL * CONFIRMATIONS + 10))

# The bed's alerting parts (started on a bed brought up before they existed, too).
DG_BED_DIR="${DG_BED_DIR:-/tmp/domainguard-bed}" "$E2E_ROOT/hack/bed/alerting.sh" up || fail "alerting parts of the bed did not start"
eval "$(DG_BED_DIR="${DG_BED_DIR:-/tmp/domainguard-bed}" "$E2E_ROOT/hack/bed/alerting.sh" env)"
PY=/usr/bin/python3

ZG="g$E2E_ID.test"   # the Domain whose glue is removed
ZL="l$E2E_ID.test"   # the Domain routed only to broken channels
tld_forget() { nsupd_tlds test. "update delete $1." "update delete ns1.$1." "update delete ns2.$1."; }
for z in "$ZG" "$ZL"; do cleanup_zone "$z."; CLEANUPS+=("tld_forget $z"); done
glue() {
  nsupd_tlds test. "update delete $ZG. NS" "update delete ns1.$ZG." "update delete ns2.$ZG." \
    "update add $ZG. 300 NS ns1.$ZG." "update add $ZG. 300 NS ns2.$ZG." \
    "update add ns1.$ZG. 300 A 127.53.1.1" "update add ns2.$ZG. 300 A 127.53.1.2" || fail "cannot delegate $ZG with glue"
}
unglue() { nsupd_tlds test. "update delete ns1.$ZG. A" "update delete ns2.$ZG. A" || fail "cannot remove the glue of $ZG"; }

# Secrets this test must never find in a log, a status or an Event.
HMAC_KEY="hmac-$E2E_ID-$(openssl rand -hex 8)"
SLACK_TOKEN="slacktoken$(openssl rand -hex 8)"
SMTP_PASSWORD="$(cat "$DG_SMTP_PASSWORD_FILE")"

# A local HTTP receiver for the webhook and Slack channels (and, over https, the TLS failure).
HOOK_PORT=$(free_port)
HOOK_OUT="$E2E_LOGS/$E2E_NAME.hooks.jsonl"
: >"$HOOK_OUT"
HOOK_PID=""
hook_up() {
  "$PY" "$E2E_ROOT/hack/bed/hook_receiver.py" --listen "127.0.0.1:$HOOK_PORT" --out "$HOOK_OUT" &
  HOOK_PID=$!
  retry 10 curl -fs "http://127.0.0.1:$HOOK_PORT/_received" || fail "hook receiver did not start"
}
hook_down() { kill "$HOOK_PID" 2>/dev/null; wait "$HOOK_PID" 2>/dev/null || true; HOOK_PID=""; }
CLEANUPS+=('[ -n "$HOOK_PID" ] && kill $HOOK_PID')
CLOSED_PORT=$(free_port)
TARGET_FILE="$DG_PROMETHEUS_TARGETS/$NS.json"
CLEANUPS+=("rm -f $TARGET_FILE")
AM_MARK=$(wc -l <"$DG_ALERTMANAGER_RECEIVED" 2>/dev/null || echo 0)
MAIL_MARK="$(date +%s)"

# count KIND STATUS REASON [SEVERITY]: notices of this test's Domain glue received so far.
#   KIND webhook|slack: at the hook receiver; alertmanager-channel: alerts the AlertChannel posted, as the bed's
#   Alertmanager forwarded them; alertmanager-rule: alerts of the chart's rules, from Prometheus; mail: messages.
count() {
  "$PY" - "$1" "$2" "$3" "$NS" "$ZG" "$HOOK_OUT" "$DG_ALERTMANAGER_RECEIVED" "$AM_MARK" "$DG_SMTP_MAILDIR" "$MAIL_MARK" "${4:-}" <<'PY'
import glob, json, os, sys
kind, status, reason, ns, zone, hooks, am, am_mark, maildir, mail_mark, sev = sys.argv[1:]
head = status.upper() + " " + (sev + " " if sev else "")
def lines(p, skip=0):
    try:
        return [json.loads(l) for i, l in enumerate(open(p)) if i >= skip and l.strip()]
    except FileNotFoundError:
        return []
n = 0
if kind == "webhook":
    for r in lines(hooks):
        b = r["body"]
        if r["path"] == "/webhook" and isinstance(b, dict) and b.get("namespace") == ns and b.get("domain") == "glue" \
           and b.get("status") == status and b.get("reason") == reason and (not sev or b.get("severity") == sev):
            n += 1
elif kind == "slack":
    for r in lines(hooks):
        b = r["body"]
        if r["path"].startswith("/slack/") and isinstance(b, dict) and \
           b.get("text", "").startswith(head) and (" %s on %s (%s/glue)" % (reason, zone, ns)) in b.get("text", ""):
            n += 1
elif kind.startswith("alertmanager"):
    want_source = kind == "alertmanager-channel"
    for r in lines(am, int(am_mark)):
        for a in r["body"].get("alerts", []):
            l = a.get("labels", {})
            if l.get("namespace") == ns and l.get("domain") == "glue" and l.get("alertname") == reason and \
               a.get("status") == status and (l.get("source") == "domainguard") == want_source and \
               (not sev or l.get("severity") == sev):
                n += 1
elif kind == "mail":
    for p in glob.glob(os.path.join(maildir, "*.eml")):
        if int(os.path.basename(p).split("-")[0]) < int(mail_mark) - 1:
            continue
        m = open(p, errors="replace").read()
        if ("Subject: [domainguard] %s" % head) in m and reason in m and ("(%s/glue)" % ns) in m:
            n += 1
print(n)
PY
}
at_least() { [ "$(count "$1" "$2" "$3" "${5:-}")" -ge "$4" ]; }
# dups: notice ids delivered more than once to the webhook or by e-mail (each notice carries a stable id).
dups() {
  "$PY" - "$HOOK_OUT" "$DG_SMTP_MAILDIR" "$MAIL_MARK" "$NS" <<'PY'
import collections, glob, json, os, re, sys
hooks, maildir, mail_mark, ns = sys.argv[1:]
seen = collections.Counter()
for l in open(hooks):
    if not l.strip():
        continue
    r = json.loads(l)
    b = r["body"]
    if r["path"] == "/webhook" and isinstance(b, dict) and b.get("status") != "test":
        seen["webhook " + b.get("id", "")] += 1
for p in glob.glob(os.path.join(maildir, "*.eml")):
    if int(os.path.basename(p).split("-")[0]) < int(mail_mark) - 1:
        continue
    m = open(p, errors="replace").read()
    if "(%s/" % ns not in m:
        continue
    i = re.search(r"^X-Domainguard-Notice: (.*)$", m, re.M)
    if i and not i.group(1).startswith("test"):
        seen["mail " + i.group(1).strip()] += 1
print(" ".join(k for k, v in seen.items() if v > 1))
PY
}

# --- Controller, providers, receivers, channels, Domains. ---
e2e_start
kubectl wait --for=condition=Established crd/alertchannels.domainguard.io --timeout=30s >/dev/null || fail "AlertChannel CRD not established"
e2e_providers
hook_up
printf '[{"targets":["127.0.0.1:%s"],"labels":{"e2e":"%s"}}]\n' "$METRICS_PORT" "$NS" >"$TARGET_FILE"
glue
nsupd_tlds test. "update add $ZL. 300 NS ns1.pdns-a.net." "update add $ZL. 300 NS ns1.pdns-b.net." || fail "cannot delegate $ZL"

kubectl -n "$NS" create secret generic hook-key --from-literal=key="$HMAC_KEY" >/dev/null
kubectl -n "$NS" create secret generic slack --from-literal=url="http://127.0.0.1:$HOOK_PORT/slack/T0/B0/$SLACK_TOKEN" >/dev/null
kubectl -n "$NS" create secret generic smtp --from-literal=username="$DG_SMTP_USER" --from-literal=password="$SMTP_PASSWORD" >/dev/null
CA_INDENTED="$(sed 's/^/      /' "$DG_SMTP_CA")"
kubectl -n "$NS" apply -f - >/dev/null <<YAML || fail "kubectl apply of the AlertChannels refused"
apiVersion: domainguard.io/v1alpha1
kind: AlertChannel
metadata: {name: hook}
spec:
  webhook: {url: "http://127.0.0.1:$HOOK_PORT/webhook", signingSecretRef: {name: hook-key, key: key}}
  domainSelector: {matchLabels: {team: web}}
---
apiVersion: domainguard.io/v1alpha1
kind: AlertChannel
metadata: {name: slack}
spec:
  slack: {urlSecretRef: {name: slack, key: url}}
  domainSelector: {matchLabels: {team: web}}
---
apiVersion: domainguard.io/v1alpha1
kind: AlertChannel
metadata: {name: am}
spec:
  alertmanager: {url: "$DG_ALERTMANAGER_URL"}
  domainSelector: {matchLabels: {team: web}}
---
apiVersion: domainguard.io/v1alpha1
kind: AlertChannel
metadata: {name: mail}
spec:
  email:
    server: "$DG_SMTP_SERVER"
    from: domainguard@e2e.test
    to: [ops@e2e.test]
    usernameSecretRef: {name: smtp, key: username}
    passwordSecretRef: {name: smtp, key: password}
    caBundle: |
$CA_INDENTED
  domainSelector: {matchLabels: {team: web}}
---
apiVersion: domainguard.io/v1alpha1
kind: AlertChannel
metadata: {name: bad-secret}
spec:
  webhook: {url: "http://127.0.0.1:$HOOK_PORT/never", signingSecretRef: {name: absent, key: key}}
  domainSelector: {matchLabels: {team: lonely}}
---
apiVersion: domainguard.io/v1alpha1
kind: AlertChannel
metadata: {name: unreachable}
spec:
  webhook: {url: "http://127.0.0.1:$CLOSED_PORT/hook"}
  domainSelector: {matchLabels: {team: lonely}}
---
apiVersion: domainguard.io/v1alpha1
kind: AlertChannel
metadata: {name: tls}
spec:
  webhook: {url: "https://127.0.0.1:$HOOK_PORT/tls"}
  domainSelector: {matchLabels: {team: lonely}}
YAML
T_CHANNELS=$SECONDS
# The registry publishes the registrant of $ZL as hostmaster@$ZL (and a redacted technical contact).
registry_select "$ZL" contact-own-domain
kubectl -n "$NS" apply -f - >/dev/null <<YAML || fail "kubectl apply of the Domains refused"
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: glue, labels: {team: web}}
spec:
  zone: $ZG
  providers: [{name: pdns-a}, {name: pdns-b}]
  nameservers: [{name: ns1.$ZG., addresses: [127.53.1.1]}, {name: ns2.$ZG., addresses: [127.53.1.2]}]
  checks: {delegation: {interval: ${INTERVAL}s}}
---
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: lonely, labels: {team: lonely}}
spec:
  zone: $ZL
  providers: [{name: pdns-a}, {name: pdns-b}]
  checks: {delegation: {interval: ${INTERVAL}s}}
YAML

# finding DOMAIN REASON: "severity" of that finding ("" when absent).
finding() { jp domain "$1" ".status.findings[?(@.reason==\"$2\")].severity"; }
finding_is() { [ "$(finding "$1" "$2")" = "$3" ]; }
# ch CHANNEL: "status/reason" of its Ready condition.
ch() { printf '%s/%s' "$(jp alertchannel "$1" '.status.conditions[?(@.type=="Ready")].status')" \
  "$(jp alertchannel "$1" '.status.conditions[?(@.type=="Ready")].reason')"; }
ch_is() { [ "$(ch "$1")" = "$2" ]; }
ch_msg() { jp alertchannel "$1" '.status.conditions[?(@.type=="Ready")].message'; }
wait_ch() { retry "$3" ch_is "$1" "$2" || fail "AlertChannel $1: Ready is '$(ch "$1")' after $3s, want $2 ($(ch_msg "$1"))"; }

# 1. Working channels prove themselves with a test notice; broken ones say why.
for c in hook slack am mail; do wait_ch "$c" True/Delivering 30; done
wait_ch bad-secret False/InvalidSpec 30
[[ "$(ch_msg bad-secret)" == *'spec.webhook.signingSecretRef'*'"absent"'* ]] || fail "bad-secret: message '$(ch_msg bad-secret)' does not name the field and the Secret"
wait_ch unreachable False/DeliveryFailed 30
[[ "$(ch_msg unreachable)" == *"127.0.0.1:$CLOSED_PORT"* ]] || fail "unreachable: message '$(ch_msg unreachable)' does not name the URL"
wait_ch tls False/DeliveryFailed 30
note "channel messages: bad-secret: $(ch_msg bad-secret) | unreachable: $(ch_msg unreachable) | tls: $(ch_msg tls)"
retry 60 bash -c "[ \"\$(kubectl -n $NS get domain lonely -o jsonpath='{.status.findings[?(@.reason==\"AlertChannelFailing\")].message}')\" != '' ] &&
  kubectl -n $NS get domain lonely -o jsonpath='{.status.findings[?(@.reason==\"AlertChannelFailing\")].message}' | grep -q 'AlertChannel unreachable: 3'" ||
  fail "Domain lonely: no AlertChannelFailing naming 'unreachable' after 3 failed attempts within 60s (findings: $(jp domain lonely '.status.findings[*].reason'))"
FAILING_AFTER=$((SECONDS - T_CHANNELS))
[ "$(jp domain lonely '.status.findings[?(@.reason=="AlertChannelFailing")].severity')" = Critical ] || fail "AlertChannelFailing is not Critical"
# NoAlertChannel once the last routed channel (tls) has failed as often too, which may come a retry later.
retry 60 finding_is lonely NoAlertChannel Warning ||
  fail "Domain lonely: no NoAlertChannel Warning while every channel routed to it fails (findings: $(jp domain lonely '.status.findings[*].reason'))"
note "AlertChannelFailing (3 failed attempts) on Domain lonely ${FAILING_AFTER}s after the channels were created"
# The dead mailbox: renewal notices of $ZL go to an address on $ZL itself.
retry 60 finding_is lonely NoticesToOwnDomain Warning ||
  fail "Domain lonely: no NoticesToOwnDomain Warning for a registrant e-mail on its own zone (findings: $(jp domain lonely '.status.findings[*].reason'))"
m="$(jp domain lonely '.status.findings[?(@.reason=="NoticesToOwnDomain")].message')"
[[ "$m" == *"hostmaster@$ZL"* && "$m" != *REDACTED* ]] || fail "NoticesToOwnDomain message '$m' does not name hostmaster@$ZL alone"
[ -z "$(finding glue NoticesToOwnDomain)" ] || fail "Domain glue: NoticesToOwnDomain although its registry publishes no contact on it"

# 1b. Unmonitored domains: an Ingress serving a host under a registrable domain no Domain covers gets a Warning
# Event and domainguard_unmonitored_domain; a Domain for it clears the series. Its host under the glue Domain's
# zone is covered and never reported.
ZU="u$E2E_ID.test"
cleanup_zone "$ZU."
kubectl -n "$NS" apply -f - >/dev/null <<YAML || fail "kubectl apply of the Ingress refused"
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  rules:
  - host: www.$ZG
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
  - host: app.$ZU
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
YAML
unmonitored() { curl -fs "http://127.0.0.1:$METRICS_PORT/metrics" | grep -F "domainguard_unmonitored_domain{namespace=\"$NS\",domain=\"$1\"} 1"; }
retry 30 unmonitored "$ZU" || fail "no domainguard_unmonitored_domain for $ZU within 30s of an Ingress serving app.$ZU"
unmonitored "$ZG" >/dev/null && fail "domainguard_unmonitored_domain for $ZG, which Domain glue covers"
retry 15 event_seen UnmonitoredDomain "app.$ZU" || fail "no UnmonitoredDomain Event naming app.$ZU"
# The same from the command line, through the kubeconfig: `check --discover-from-cluster` checks $ZU too.
out="$("$DG_BIN" check --discover-from-cluster --kubeconfig "$KUBECONFIG" --discover-namespace "$NS" --no-registration \
  --root-hints "$DG_ROOT_HINTS" -o json 2>"$E2E_LOGS/$E2E_NAME.check.err")" || true
"$PY" - "$out" "$ZU" "$ZG" "$NS" <<'PY' || fail "check --discover-from-cluster: $ZU not checked as UnmonitoredDomain (output: ${out:0:400})"
import json, sys
out, zu, zg, ns = sys.argv[1:]
d = {x["zone"]: x for x in json.loads(out)["domains"]}
f = [x for x in d[zu + "."]["findings"] if x["reason"] == "UnmonitoredDomain"]
assert f and f[0]["severity"] == "Warning" and ("Ingress %s/shop (app.%s)" % (ns, zu)) in f[0]["message"], f
assert zg + "." not in d, "a covered zone was checked"
PY
kubectl -n "$NS" apply -f - >/dev/null <<YAML || fail "kubectl apply of Domain u refused"
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: u, labels: {team: web}}
spec:
  zone: $ZU
  providers: [{name: pdns-a}]
YAML
retry 30 bash -c "! curl -fs http://127.0.0.1:$METRICS_PORT/metrics | grep -qF 'domain=\"$ZU\"'" ||
  fail "domainguard_unmonitored_domain for $ZU still exported 30s after a Domain covers it"
kubectl -n "$NS" delete domain u --wait=false >/dev/null
note "unmonitored: $ZU reported (metric + Event on the Ingress) and cleared once a Domain covers it"

# 2. Healthy first: the glue Domain is delegated and served.
wait_cond glue DelegationHealthy True/DelegationHealthy 90
[ -z "$(jp domain glue '.status.findings[?(@.reason=="AlertChannelFailing")].reason')" ] || fail "Domain glue: AlertChannelFailing while its channels work"

# 3. The fault: glue removed at both TLD servers. Every channel type and the Prometheus rule see it.
t0=$SECONDS
unglue
# lat KIND STATUS REASON SECONDS [SEVERITY]: seconds from t0 until KIND has received it.
lat() { retry "$4" at_least "$1" "$2" "$3" 1 "${5:-}" || fail "$1: no $2 $3 ${5:-} for Domain glue within $4s"; echo $((SECONDS - t0)); }
L_HOOK=$(lat webhook firing GlueMissing 90)
retry 90 finding_is glue GlueMissing Critical || fail "Domain glue: GlueMissing not Critical within 90s of the fault"
L_FINDING=$((SECONDS - t0))
L_HOOK_C=$(lat webhook firing GlueMissing 60 Critical)
L_SLACK=$(lat slack firing GlueMissing 30 Critical)
L_AMCH=$(lat alertmanager-channel firing GlueMissing 30 Critical)
L_MAIL=$(lat mail firing GlueMissing 30 Critical)
L_RULE=$(lat alertmanager-rule firing GlueMissing 60 Critical)
note "GlueMissing received: first notice (Warning, one parent probe) ${L_HOOK}s; Domain Critical (confirmed) ${L_FINDING}s; Critical notice webhook ${L_HOOK_C}s, slack ${L_SLACK}s, alertmanager (channel) ${L_AMCH}s, e-mail ${L_MAIL}s; Prometheus rule via Alertmanager ${L_RULE}s (target interval x confirmations + 10 = ${BUDGET}s; rule for: shortened to 5s on the bed)"
# What alerting adds is asserted: each channel has the Critical notice within 5 s of the Domain reporting it. (The
# end-to-end figure above also holds the prober's confirmations, which a loaded bed can stretch.)
for l in "$L_HOOK_C" "$L_SLACK" "$L_AMCH" "$L_MAIL"; do
  [ "$l" -le $((L_FINDING + 5)) ] || fail "a channel received GlueMissing Critical ${l}s after the fault, the Domain had it at ${L_FINDING}s"
done
# The webhook is signed with the Secret's key.
"$PY" - "$HOOK_OUT" "$HMAC_KEY" <<'PY' || fail "webhook signature does not verify with the Secret's key"
import hashlib, hmac, json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
hooks = [r for r in recs if r["path"] == "/webhook"]
assert hooks, "no webhook request"
for r in hooks:
    want = "sha256=" + hmac.new(sys.argv[2].encode(), r["raw"].encode(), hashlib.sha256).hexdigest()
    assert r["headers"].get("x-domainguard-signature") == want, r["headers"]
PY

# 4. Restart mid-incident: the new controller sends nothing twice.
kill "$CONTROLLER_PID"; wait "$CONTROLLER_PID" 2>/dev/null || true
mv "$E2E_LOGS/$E2E_NAME.controller.log" "$E2E_LOGS/$E2E_NAME.controller-1.log"
"$DG_BIN" run --kubeconfig="$KUBECONFIG" --namespace="$NS" --leader-election-namespace="$NS" \
  --metrics-bind-address="127.0.0.1:$METRICS_PORT" --health-probe-bind-address="127.0.0.1:$PROBE_PORT" \
  --root-hints="$DG_ROOT_HINTS" --rdap-bootstrap="$DG_RDAP_BOOTSTRAP" --rdap-bootstrap-url="${DG_RDAP_URL}bootstrap.json" \
  --whois-servers="test=$DG_WHOIS_ADDR,sm=$DG_WHOIS_ADDR,net=$DG_WHOIS_ADDR" --drift-poll-interval=2s \
  >"$E2E_LOGS/$E2E_NAME.controller.log" 2>&1 &
CONTROLLER_PID=$!
retry 40 curl -fs "http://127.0.0.1:$PROBE_PORT/readyz" || fail "restarted controller not ready within 40s"
sleep $((INTERVAL * 2))
d="$(dups)"
[ -z "$d" ] || fail "notices delivered twice across a controller restart: $d"
[ "$(count webhook firing GlueMissing Critical)" = 1 ] || fail "webhook: GlueMissing Critical $(count webhook firing GlueMissing Critical) times after the restart, want 1"
note "restart mid-incident: 0 duplicate notices (webhook and e-mail ids; GlueMissing Critical once)"

# 5. The receiver is down while the glue comes back: the resolved notices wait, then arrive once.
hook_down
t1=$SECONDS
glue
t0=$SECONDS
retry 60 bash -c "kubectl -n $NS get alertchannel hook -o jsonpath='{.status.outbox[*].status}' | grep -q resolved" ||
  fail "AlertChannel hook: no resolved notice queued within 60s of the restore (outbox: $(jp alertchannel hook '.status.outbox[*].id'))"
L_MAIL_RES=$(lat mail resolved GlueMissing 60)
L_RULE_RES=$(lat alertmanager-rule resolved GlueMissing 90)
wait_ch hook False/DeliveryFailed 60
note "receiver down: hook $(ch hook), outbox $(jp alertchannel hook '.status.outbox[*].status')"
sleep $((DOWN_SECONDS - (SECONDS - t1) > 0 ? DOWN_SECONDS - (SECONDS - t1) : 0))
hook_up
t2=$SECONDS
retry 330 at_least webhook resolved GlueMissing 1 || fail "webhook: resolved GlueMissing not delivered within 330s of the receiver's return"
retry 60 at_least slack resolved GlueMissing 1 || fail "slack: resolved GlueMissing not delivered after the receiver's return"
note "receiver back after ${DOWN_SECONDS}s down: resolved delivered $((SECONDS - t2))s later (backoff); e-mail resolved ${L_MAIL_RES}s and rule resolved ${L_RULE_RES}s after the restore"
wait_ch hook True/Delivering 30
sleep 5
# Every notice once: no id twice, and the receiver that was down got the resolved GlueMissing.
d="$(dups)"
[ -z "$d" ] || fail "notices delivered twice: $d"
[ "$(count webhook firing GlueMissing Critical)" = 1 ] || fail "webhook: GlueMissing Critical received $(count webhook firing GlueMissing Critical) times, want 1"
[ "$(count alertmanager-channel resolved GlueMissing)" -ge 1 ] || fail "Alertmanager never got the channel's GlueMissing resolved"

# 6. Secrets appear nowhere a user or an attacker reads.
dump="$(kubectl -n "$NS" get alertchannels,domains -o yaml; kubectl -n "$NS" get events.events.k8s.io -o yaml)"
for s in "$HMAC_KEY" "$SLACK_TOKEN" "$SMTP_PASSWORD"; do
  grep -qF -- "$s" <<<"$dump" && fail "a secret appears in an AlertChannel, Domain or Event"
  grep -qF -- "$s" "$E2E_LOGS/$E2E_NAME.controller.log" "$E2E_LOGS/$E2E_NAME.controller-1.log" && fail "a secret appears in the controller log"
done
note "passed in $((SECONDS)) s"
