#!/usr/bin/env bash
# The alerting parts of the test bed, called by hack/testbed.sh (up, down, status) and usable on a bed that is
# already up (idempotent `up`):
#   am-receiver   127.0.0.1:19094  HTTP receiver of Alertmanager's webhook (hook_receiver.py; requests in
#                                  $B/alerting/am-received.jsonl)
#   alertmanager  127.0.0.1:19093  Debian's prometheus-alertmanager: every alert routed to am-receiver at once
#                                  (group_wait 1s), resolved ones too
#   prometheus    127.0.0.1:19090  Debian's prometheus: scrapes the targets tests list in $B/alerting/targets/*.json
#                                  (file_sd, every 2s) and evaluates the chart's rules (charts/domainguard/files/
#                                  alerts.yaml) every 2s, with every `for:` shortened to 5s so a test takes seconds
#   smtp          127.0.0.1:19025  aiosmtpd with STARTTLS required (certificate for 127.0.0.1 from the bed's own
#                                  CA, $B/alerting/smtp-ca.crt) and AUTH (user domainguard, password in
#                                  $B/alerting/smtp.password); messages in $B/alerting/mail/
#
#   hack/bed/alerting.sh up|down|status|env
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
B="${DG_BED_DIR:-/tmp/domainguard-bed}"
A="$B/alerting"
PYTHON=/usr/bin/python3
PARTS=(am-receiver smtp alertmanager prometheus)

die() { printf 'alerting: %s\n' "$*" >&2; exit 1; }
pidf() { echo "$A/$1.pid"; }
running() {
  local pid
  pid="$(cat "$(pidf "$1")" 2>/dev/null)" || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$A/"
}
check() {
  case "$1" in
    am-receiver) curl -fs --max-time 2 -o /dev/null http://127.0.0.1:19094/_received ;;
    alertmanager) curl -fs --max-time 2 -o /dev/null http://127.0.0.1:19093/-/ready ;;
    prometheus) curl -fs --max-time 2 -o /dev/null http://127.0.0.1:19090/-/ready ;;
    smtp) (exec 3<>/dev/tcp/127.0.0.1/19025 && timeout 2 head -c 3 <&3 | grep -q 220) 2>/dev/null ;;
  esac
}

gen() {
  mkdir -p "$A"/{targets,mail,prometheus-data,alertmanager-data}
  # A CA of the bed's alerting parts and the SMTP server's certificate for 127.0.0.1 (kept across ups).
  if [ ! -s "$A/smtp.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=domainguard bed alerting CA" \
      -keyout "$A/smtp-ca.key" -out "$A/smtp-ca.crt" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$A/smtp.key" -out "$A/smtp.csr" >/dev/null 2>&1
    printf 'subjectAltName=IP:127.0.0.1\n' >"$A/smtp.ext"
    openssl x509 -req -in "$A/smtp.csr" -CA "$A/smtp-ca.crt" -CAkey "$A/smtp-ca.key" -CAcreateserial -days 3650 \
      -extfile "$A/smtp.ext" -out "$A/smtp.crt" >/dev/null 2>&1
  fi
  [ -s "$A/smtp.password" ] || { openssl rand -hex 16 >"$A/smtp.password"; chmod 600 "$A/smtp.password"; }
  cat >"$A/alertmanager.yml" <<YAML
route:
  receiver: bed-webhook
  group_by: [alertname, namespace, domain]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
- name: bed-webhook
  webhook_configs:
  - url: http://127.0.0.1:19094/alertmanager
    send_resolved: true
YAML
  # The chart's rules, with every hold-down shortened for tests (the chart's own values stay in the chart).
  sed -E 's/^( +for:) .*/\1 5s/' "$ROOT/charts/domainguard/files/alerts.yaml" >"$A/alerts.yaml"
  cat >"$A/prometheus.yml" <<YAML
global:
  scrape_interval: 2s
  evaluation_interval: 2s
rule_files: [$A/alerts.yaml]
alerting:
  alertmanagers:
  - static_configs: [{targets: ["127.0.0.1:19093"]}]
scrape_configs:
- job_name: domainguard
  file_sd_configs:
  - files: ["$A/targets/*.json"]
    refresh_interval: 2s
YAML
  cat >"$A/run-am-receiver" <<SH
#!/bin/sh
exec $PYTHON $HERE/hook_receiver.py --listen 127.0.0.1:19094 --out $A/am-received.jsonl
SH
  cat >"$A/run-smtp" <<SH
#!/bin/sh
exec $PYTHON $HERE/smtp_server.py --listen 127.0.0.1:19025 --cert $A/smtp.crt --key $A/smtp.key --user domainguard --password-file $A/smtp.password --out $A/mail
SH
  cat >"$A/run-alertmanager" <<SH
#!/bin/sh
exec prometheus-alertmanager --config.file=$A/alertmanager.yml --storage.path=$A/alertmanager-data --web.listen-address=127.0.0.1:19093 --cluster.listen-address=
SH
  cat >"$A/run-prometheus" <<SH
#!/bin/sh
exec prometheus --config.file=$A/prometheus.yml --storage.tsdb.path=$A/prometheus-data --web.listen-address=127.0.0.1:19090 --web.enable-lifecycle
SH
  chmod +x "$A"/run-*
}

start() {
  local p=$1 deadline
  if running "$p" && check "$p"; then return 0; fi
  # Detached, without the caller's lock descriptors (3: `flock /tmp/dg-bed.lock ...`, 9: testbed.sh's own).
  setsid "$A/run-$p" >>"$A/$p.log" 2>&1 </dev/null 3>&- 9>&- &
  echo $! >"$(pidf "$p")"
  deadline=$((SECONDS + 30))
  until check "$p"; do
    kill -0 "$(cat "$(pidf "$p")")" 2>/dev/null || die "$p exited while starting (log $A/$p.log: $(tail -n1 "$A/$p.log"))"
    [ "$SECONDS" -lt "$deadline" ] || die "$p does not answer after 30s (log $A/$p.log)"
    sleep 0.2
  done
}

stop() {
  local p=$1 pid i
  running "$p" || { rm -f "$(pidf "$p")"; return 0; }
  pid="$(cat "$(pidf "$p")")"
  kill "$pid" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$(pidf "$p")"
}

env_lines() {
  cat <<ENV
export DG_ALERTMANAGER_URL=http://127.0.0.1:19093
export DG_ALERTMANAGER_RECEIVED=$A/am-received.jsonl
export DG_PROMETHEUS_URL=http://127.0.0.1:19090
export DG_PROMETHEUS_TARGETS=$A/targets
export DG_SMTP_SERVER=127.0.0.1:19025
export DG_SMTP_USER=domainguard
export DG_SMTP_PASSWORD_FILE=$A/smtp.password
export DG_SMTP_CA=$A/smtp-ca.crt
export DG_SMTP_MAILDIR=$A/mail
ENV
}

case "${1:-}" in
  up)
    for c in prometheus prometheus-alertmanager openssl curl; do command -v "$c" >/dev/null || die "missing $c (run hack/install.sh)"; done
    "$PYTHON" -c 'import aiosmtpd' 2>/dev/null || die "missing python3-aiosmtpd (run hack/install.sh)"
    mkdir -p "$A"
    gen
    for p in "${PARTS[@]}"; do start "$p"; done
    # A Prometheus that was already running reads the regenerated rules now.
    curl -fs --max-time 5 -X POST -o /dev/null http://127.0.0.1:19090/-/reload || die "prometheus did not reload its rules"
    env_lines >"$A/env"
    ;;
  down) for p in prometheus alertmanager smtp am-receiver; do stop "$p"; done ;;
  status)
    rc=0
    for p in "${PARTS[@]}"; do
      if running "$p" && check "$p"; then s="up (pid $(cat "$(pidf "$p")"))"; else s=stopped; rc=1; fi
      printf '%-15s %s\n' "$p" "$s"
    done
    exit $rc
    ;;
  env) env_lines ;;
  *) die "usage: hack/bed/alerting.sh up|down|status|env" ;;
esac
