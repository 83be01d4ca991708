# shellcheck shell=bash disable=SC2034
# Shared helpers of the end-to-end tests (tests/e2e/*_e2e.sh). Sourced, never run.
#
# An e2e test is what a user does: kubectl apply of Secrets, DNSProviders and Domains into a namespace of the
# bed's real kube-apiserver, a real `domainguard run` reconciling them (this namespace only), and dig against
# the real PowerDNS / BIND servers and the local DNS hierarchy. Each test exits non-zero with one "FAIL: ..."
# line saying what a user would notice. Needs the bed's variables (hack/test.sh exports them) and
# DG_DOMAINGUARD_BIN (default build/controller/app/domainguard).
set -euo pipefail
E2E_NAME="$(basename "$0" .sh)"
E2E_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$E2E_ROOT/hack/lib.sh"
tools_path

DG_BIN="${DG_DOMAINGUARD_BIN:-$E2E_ROOT/build/controller/app/domainguard}"
E2E_LOGS="${DG_E2E_LOGS:-$E2E_ROOT/build/test-logs}"
mkdir -p "$E2E_LOGS"
# Unique per run: namespaces stay Terminating on the bed (no controller-manager), zones live on shared providers.
E2E_ID="$(date +%s | tail -c 6)$$"
NS="e2e-${E2E_NAME//_/-}-$E2E_ID"
NS="${NS:0:63}"
CONTROLLER_PID=""
CLEANUPS=()

fail() {
  printf 'FAIL: %s: %s\n' "$E2E_NAME" "$*" >&2
  if [ -n "$CONTROLLER_PID" ]; then
    printf '    (controller log: %s; last lines:)\n' "$E2E_LOGS/$E2E_NAME.controller.log" >&2
    tail -5 "$E2E_LOGS/$E2E_NAME.controller.log" 2>/dev/null | sed 's/^/      /' >&2
  fi
  exit 1
}
note() { printf '    %s: %s\n' "$E2E_NAME" "$*" >&2; }

# retry SECONDS CMD...: until CMD succeeds (quietly) or SECONDS pass.
retry() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.3
  done
}

need_env() {
  local v
  for v in "$@"; do [ -n "${!v:-}" ] || fail "bed variable $v is unset (eval \"\$(hack/testbed.sh env)\")"; done
}

on_exit() {
  local rc=$? c
  [ -n "$CONTROLLER_PID" ] && kill "$CONTROLLER_PID" 2>/dev/null && wait "$CONTROLLER_PID" 2>/dev/null
  for c in "${CLEANUPS[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
  kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  exit $rc
}
trap on_exit EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# e2e_start [EXTRA FLAGS...]: namespace, CRDs, and a domainguard controller for this namespace.
e2e_start() {
  need_env KUBECONFIG DG_ROOT_HINTS DG_RDAP_BOOTSTRAP DG_WHOIS_ADDR
  [ -x "$DG_BIN" ] || fail "no domainguard binary at $DG_BIN (build first)"
  # Tests run side by side: two first applies can both try to create a CRD, and one gets AlreadyExists.
  retry 20 kubectl apply -f "$E2E_ROOT/crds/" || kubectl apply -f "$E2E_ROOT/crds/" >/dev/null ||
    fail "kubectl apply of crds/ failed"
  kubectl wait --for=condition=Established crd/domains.domainguard.io crd/dnsproviders.domainguard.io \
    --timeout=30s >/dev/null || fail "CRDs not established"
  kubectl create namespace "$NS" >/dev/null || fail "cannot create namespace $NS"
  METRICS_PORT=$(free_port)
  PROBE_PORT=$(free_port)
  NOTIFY_PORT=$(free_port)
  E2E_RUN_FLAGS=(--kubeconfig="$KUBECONFIG" --namespace="$NS" --leader-election-namespace="$NS"
    --metrics-bind-address="127.0.0.1:$METRICS_PORT" --health-probe-bind-address="127.0.0.1:$PROBE_PORT"
    --root-hints="$DG_ROOT_HINTS" --rdap-bootstrap="$DG_RDAP_BOOTSTRAP" --rdap-bootstrap-url="${DG_RDAP_URL}bootstrap.json"
    --whois-servers="test=$DG_WHOIS_ADDR,sm=$DG_WHOIS_ADDR,net=$DG_WHOIS_ADDR"
    --notify-listen-address="127.0.0.1:$NOTIFY_PORT" --drift-poll-interval=2s "$@")
  "$DG_BIN" run "${E2E_RUN_FLAGS[@]}" >"$E2E_LOGS/$E2E_NAME.controller.log" 2>&1 &
  CONTROLLER_PID=$!
  retry 30 curl -fs "http://127.0.0.1:$PROBE_PORT/readyz" || fail "controller not ready within 30s"
}

# e2e_restart: the controller stopped (SIGTERM) and started again with e2e_start's flags; the old log is kept as
# $E2E_NAME.controller-1.log (-2, ...), the new one is $E2E_NAME.controller.log.
e2e_restart() {
  local i=1
  kill "$CONTROLLER_PID" 2>/dev/null || true
  wait "$CONTROLLER_PID" 2>/dev/null || true
  while [ -e "$E2E_LOGS/$E2E_NAME.controller-$i.log" ]; do i=$((i + 1)); done
  mv "$E2E_LOGS/$E2E_NAME.controller.log" "$E2E_LOGS/$E2E_NAME.controller-$i.log"
  "$DG_BIN" run "${E2E_RUN_FLAGS[@]}" >"$E2E_LOGS/$E2E_NAME.controller.log" 2>&1 &
  CONTROLLER_PID=$!
  retry 40 curl -fs "http://127.0.0.1:$PROBE_PORT/readyz" || fail "restarted controller not ready within 40s"
}

# apply_domain NAME ZONE PROVIDERS [SPEC_LINES]: kubectl apply of Domain NAME in $NS; PROVIDERS is YAML
# ("[{name: pdns-a}, {name: pdns-b}]"), SPEC_LINES more of its spec, indented two spaces.
apply_domain() {
  kubectl -n "$NS" apply -f - >/dev/null <<YAML || fail "kubectl apply of Domain $1 refused"
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: $1}
spec:
  zone: $2
  providers: $3
${4:-}
YAML
}

# backup_zone_records: spec.records of a failover backup zone with a life of its own, so that the failover
# records are a small share of it (records.maxDeletePercent never holds a failback).
backup_zone_records() {
  cat <<'YAML'
  records:
  - {name: "@", type: MX, values: ["10 mx1.example.net.", "20 mx2.example.net."]}
  - {name: "@", type: TXT, values: ["\"v=spf1 -all\""]}
  - {name: www, type: A, values: [192.0.2.10]}
  - {name: www, type: AAAA, values: ["2001:db8::10"]}
  - {name: status, type: A, values: [192.0.2.11]}
  - {name: docs, type: A, values: [192.0.2.12]}
  - {name: mail, type: A, values: [192.0.2.13]}
  - {name: help, type: CNAME, values: [www]}
  - {name: _dmarc, type: TXT, values: ["\"v=DMARC1; p=reject\""]}
  - {name: blog, type: A, values: [192.0.2.14]}
YAML
}

# Secrets and DNSProviders for the bed's PowerDNS A/B and BIND (RFC 2136) in $NS (hack/lib.sh).
e2e_providers() {
  need_env DG_PDNS_A_API DG_PDNS_A_KEY DG_PDNS_B_API DG_PDNS_B_KEY DG_RFC2136_SERVER DG_RFC2136_TSIG_NAME \
    DG_RFC2136_TSIG_SECRET
  bed_apply_providers "$NS" >/dev/null || fail "Secrets or DNSProviders refused"
}

# pdns_api A|B METHOD PATH [BODY]: a PowerDNS API call; prints the HTTP code.
pdns_api() {
  local which=$1 method=$2 path=$3 body=${4:-} url key
  if [ "$which" = A ]; then url=$DG_PDNS_A_API key=$DG_PDNS_A_KEY; else url=$DG_PDNS_B_API key=$DG_PDNS_B_KEY; fi
  curl -s -o /dev/null -w '%{http_code}' -X "$method" -H "X-API-Key: $key" -H 'Content-Type: application/json' \
    ${body:+--data "$body"} "$url/api/v1/servers/localhost$path"
}

# Removes zone $1 from both PowerDNS and BIND at exit.
cleanup_zone() {
  CLEANUPS+=("pdns_api A DELETE /zones/$1" "pdns_api B DELETE /zones/$1" "$DG_RFC2136_RNDC delzone -clean ${1%.}")
}

# served SERVER NAME TYPE: the sorted answer values (dig +short), RD=0.
served() { dig +norec +short +time=2 +tries=2 "@$1" "$2" "$3" 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//'; }

# serves SERVER NAME TYPE WANT: `served` equals WANT.
serves() { [ "$(served "$1" "$2" "$3")" = "$4" ]; }

# jp KIND NAME JSONPATH: one field of an object of $NS.
jp() { kubectl -n "$NS" get "$1" "$2" -o "jsonpath={$3}" 2>/dev/null; }

# cond DOMAIN TYPE: "status/reason" of a Domain condition.
cond() {
  printf '%s/%s' "$(jp domain "$1" ".status.conditions[?(@.type==\"$2\")].status")" \
    "$(jp domain "$1" ".status.conditions[?(@.type==\"$2\")].reason")"
}
cond_is() { [ "$(cond "$1" "$2")" = "$3" ]; }

# wait_cond DOMAIN TYPE STATUS/REASON SECONDS
wait_cond() {
  retry "$4" cond_is "$1" "$2" "$3" || fail "Domain $1: $2 is '$(cond "$1" "$2")' after $4s, want $3 ($(jp domain "$1" ".status.conditions[?(@.type==\"$2\")].message"))"
}

# event_seen REASON [NOTE-REGEX]: an Event in $NS with that reason (and note).
event_seen() {
  local out
  out="$(kubectl -n "$NS" get events.events.k8s.io -o jsonpath='{range .items[*]}{.reason}{"\t"}{.note}{"\n"}{end}' 2>/dev/null)" || return 1
  grep -qE -- "^$1	.*${2:-}" <<<"$out"
}

# nsupd TLD_SERVER COMMANDS...: a TSIG-signed update of the test. TLD at one TLD server.
nsupd_tld() {
  local server=$1 zone=$2
  shift 2
  { printf 'server %s\nzone %s\n' "$server" "$zone"; printf '%s\n' "$@"; printf 'send\n'; } |
    nsupdate -y "hmac-sha256:$DG_TLD_TSIG_NAME:$DG_TLD_TSIG_SECRET" -t 5
}
# Both TLD servers.
nsupd_tlds() {
  local s
  for s in ${DG_TLD_SERVERS//,/ }; do nsupd_tld "$s" "$@" || return 1; done
}

# registry_select DOMAIN RDAP_FIXTURE [WHOIS_FIXTURE]: what the local registry answers for DOMAIN.
registry_select() {
  local body="{\"domain\":\"$1\",\"rdap\":\"$2\"${3:+,\"whois\":\"$3\"}}"
  curl -fs -X POST -H 'Content-Type: application/json' --data "$body" "$DG_REGISTRY_CONTROL/select" >/dev/null ||
    fail "registry control refused $body"
}

# registry_register DOMAIN NS...: the local registry holds DOMAIN with those name servers (default registrar and
# expiry), whether or not the TLD servers delegate it. A name neither registered, listed in
# hack/bed/fixtures/registry/domains.json nor delegated at the TLD servers is not registered (RDAP 404).
registry_register() {
  local d=$1 ns
  shift
  ns="$(printf '"%s",' "$@")"
  curl -fs -X POST -H 'Content-Type: application/json' --data "{\"domain\":\"$d\",\"nameservers\":[${ns%,}]}" \
    "$DG_REGISTRY_CONTROL/register" >/dev/null || fail "registry control refused to register $d"
  CLEANUPS+=("curl -fs -X POST --data '{\"domain\":\"$d\"}' $DG_REGISTRY_CONTROL/unregister")
}
