#!/usr/bin/env bash
# The local test bed of domainguard: everything integration and e2e tests talk to, on loopback only.
#
#   hack/testbed.sh up [--without-kube]   start (no-op when already up); prints where each part listens
#   hack/testbed.sh down                  stop every process it started (by PID) and remove its addresses
#   hack/testbed.sh status                one line per part; exit 0 only when all answer
#   hack/testbed.sh env                   `export VAR=...` lines: eval "$(hack/testbed.sh env)"
#   hack/testbed.sh stop|start PART       one part (etcd kube-apiserver pdns-a pdns-b bind-root bind-tld-a
#   hack/testbed.sh restart PART            bind-tld-b bind-c registry); its data survives
#
# Parts: etcd (127.0.0.1:23790, peer :23800) and kube-apiserver (https://127.0.0.1:16443, RBAC) with an admin
# kubeconfig; PowerDNS A/B (API 127.0.0.1:18081/:18082, DNS 127.53.1.1/.2:53); BIND root (127.53.0.1), TLD
# servers a/b (127.53.10.1/.2, each primary for test. sm. net.), RFC 2136 provider bind-c (127.53.1.3); the
# registry server (RDAP 127.0.0.1:18480, WHOIS :18043 and :18044).
#
# Environment: DG_BED_DIR (default /tmp/domainguard-bed) holds configs, data, logs (logs/<part>.log) and PID
# files; `up` on a bed that is not fully up stops what is left and starts afresh. --without-kube (or
# DG_BED_WITHOUT_KUBE=1) leaves out etcd and kube-apiserver; `env` then omits their variables.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
shopt -u patsub_replacement 2>/dev/null || true

BED_TEMPLATES="$DG_ROOT/hack/bed"
B="${DG_BED_DIR:-/tmp/domainguard-bed}"
case "$B" in /*) ;; *) B="$PWD/$B" ;; esac
B="${B%/}"
[ -n "$B" ] && [ "$B" != / ] || die "DG_BED_DIR must not be /"

# Addresses BIND and PowerDNS listen on; added to lo by `up`, removed by `down`.
BED_ADDRS=(127.53.0.1 127.53.10.1 127.53.10.2 127.53.1.1 127.53.1.2 127.53.1.3)
ALL_PARTS=(etcd kube-apiserver pdns-a pdns-b bind-root bind-tld-a bind-tld-b bind-c registry)
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON="$(command -v python3 || echo python3)"

# ---------------------------------------------------------------------------------------------------------
# Parts: how each is addressed, started and checked.

part_addr() {  # the DNS address of a BIND/PowerDNS part
  case "$1" in
    pdns-a) echo 127.53.1.1 ;; pdns-b) echo 127.53.1.2 ;; bind-c) echo 127.53.1.3 ;;
    bind-root) echo 127.53.0.1 ;; bind-tld-a) echo 127.53.10.1 ;; bind-tld-b) echo 127.53.10.2 ;;
  esac
}
pdns_api_port() { case "$1" in pdns-a) echo 18081 ;; pdns-b) echo 18082 ;; esac; }
rndc_port() {
  case "$1" in bind-c) echo 18953 ;; bind-root) echo 18954 ;; bind-tld-a) echo 18955 ;; bind-tld-b) echo 18956 ;; esac
}

# Where a part listens, for messages and `up`'s summary.
part_where() {
  case "$1" in
    etcd) echo "http://127.0.0.1:23790 (peer 127.0.0.1:23800)" ;;
    kube-apiserver) echo "https://127.0.0.1:16443 (kubeconfig $B/kube/kubeconfig)" ;;
    pdns-a|pdns-b) echo "API http://127.0.0.1:$(pdns_api_port "$1"), DNS $(part_addr "$1"):53" ;;
    bind-c) echo "DNS 127.53.1.3:53 (RFC 2136 + TSIG), rndc 127.0.0.1:$(rndc_port bind-c)" ;;
    bind-*) echo "DNS $(part_addr "$1"):53, rndc 127.0.0.1:$(rndc_port "$1")" ;;
    registry) echo "RDAP http://127.0.0.1:18480/, WHOIS 127.0.0.1:18043 (registrar :18044)" ;;
  esac
}

# The (addr port proto) triples a part needs free before it starts.
part_ports() {
  case "$1" in
    etcd) echo "127.0.0.1 23790 tcp 127.0.0.1 23800 tcp" ;;
    kube-apiserver) echo "127.0.0.1 16443 tcp" ;;
    pdns-*) echo "127.0.0.1 $(pdns_api_port "$1") tcp $(part_addr "$1") 53 tcp $(part_addr "$1") 53 udp" ;;
    bind-*) echo "$(part_addr "$1") 53 tcp $(part_addr "$1") 53 udp 127.0.0.1 $(rndc_port "$1") tcp" ;;
    registry) echo "127.0.0.1 18480 tcp 127.0.0.1 18043 tcp 127.0.0.1 18044 tcp" ;;
  esac
}

pid_file() { echo "$B/pids/$1.pid"; }

# Prints the PID of a running part; fails when it is not running. A PID counts only if that process's
# command line names this bed dir, so a recycled PID is never mistaken for (or killed as) ours.
part_pid() {
  local f pid
  f="$(pid_file "$1")"
  [ -s "$f" ] || return 1
  pid="$(cat "$f")"
  is_bed_pid "$pid" || return 1
  echo "$pid"
}
is_bed_pid() {
  [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] || return 1
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$B/"* ]]
}

# check_<part>: does it answer? Quiet, fast, exit status only.
curl_q() { curl -fs --max-time 2 -o /dev/null "$@"; }
# (Output is captured before matching: with pipefail, `cmd | grep -q` fails when grep exits first.)
dig_q() { local out; out="$(dig +norec +time=1 +tries=1 "$@" 2>/dev/null)"; [[ "$out" == *"status: NOERROR"* ]]; }
check_etcd() { curl_q http://127.0.0.1:23790/health; }
check_kube-apiserver() {
  [ "$(curl -fsS --max-time 3 --cacert "$B/kube/ca.crt" -H "Authorization: Bearer $(cat "$B/kube/admin.token")" \
    https://127.0.0.1:16443/readyz 2>/dev/null)" = ok ]
}
check_pdns() {
  curl_q -H "X-API-Key: $(cat "$B/$1/api.key")" "http://127.0.0.1:$(pdns_api_port "$1")/api/v1/servers/localhost" &&
    dig +time=1 +tries=1 "@$(part_addr "$1")" version.bind CH TXT >/dev/null 2>&1
}
check_pdns-a() { check_pdns pdns-a; }
check_pdns-b() { check_pdns pdns-b; }
check_bind() { rndc -c "$B/$1/rndc.conf" status >/dev/null 2>&1 && dig_q "@$(part_addr "$1")" "$2" SOA; }
check_bind-root() { check_bind bind-root .; }
check_bind-tld-a() { check_bind bind-tld-a test.; }
check_bind-tld-b() { check_bind bind-tld-b test.; }
check_bind-c() { rndc -c "$B/bind-c/rndc.conf" status >/dev/null 2>&1 && dig +time=1 +tries=1 @127.53.1.3 version.bind CH TXT >/dev/null 2>&1; }
check_registry() {
  local out
  curl_q http://127.0.0.1:18480/_control/fixtures || return 1
  out="$( (exec 3<>/dev/tcp/127.0.0.1/18043 && printf 'example.test\r\n' >&3 && timeout 2 cat <&3) 2>/dev/null)"
  [ -n "$out" ]
}

part_timeout() { case "$1" in kube-apiserver) echo 180 ;; etcd) echo 60 ;; *) echo 30 ;; esac; }

# start_part PART: launch its run script detached (own session, so a Ctrl-C of the caller does not reach
# it), record its PID, wait until it answers. One-line error naming the part and its log otherwise.
start_part() {
  local p=$1 pid t deadline
  if pid="$(part_pid "$p")"; then
    info "$p already running (pid $pid)"
  else
    rm -f "$(pid_file "$p")"
    # shellcheck disable=SC2046 # the triples are split on purpose
    set -- $(part_ports "$p")
    while [ $# -ge 3 ]; do port_free "$1" "$2" "$3"; shift 3; done
    : >>"$B/logs/$p.log"
    printf '%s ==> start\n' "$(date -u +%FT%TZ)" >>"$B/logs/$p.log"
    # fd 9 is testbed.sh's lock, fd 3 the one `flock /tmp/dg-bed.lock hack/testbed.sh ...` holds: the part must
    # not inherit either, or the lock would live as long as the part.
    setsid "$B/run/$p" >>"$B/logs/$p.log" 2>&1 </dev/null 3>&- 9>&- &
    pid=$!
    echo "$pid" >"$(pid_file "$p")"
  fi
  t="$(part_timeout "$p")"
  deadline=$((SECONDS + t))
  until "check_$p"; do
    # kill -0, not is_bed_pid: until the child has exec'd its run script, its command line is still this
    # script's, without the bed dir in it (seen under load: a part reported as exited before it started).
    if ! kill -0 "$pid" 2>/dev/null || [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" = Z ]; then
      die "$p exited while starting: $(tail -n 1 "$B/logs/$p.log" 2>/dev/null | cut -c1-200) (log: $B/logs/$p.log)"
    fi
    [ "$SECONDS" -lt "$deadline" ] ||
      die "$p does not answer at $(part_where "$p") after ${t}s (log: $B/logs/$p.log)"
    sleep 0.2
  done
}

# stop_part PART: TERM by PID, KILL after 10 s; verified gone.
stop_part() {
  local p=$1 pid
  if pid="$(part_pid "$p")"; then
    kill_pid "$pid"
  fi
  rm -f "$(pid_file "$p")"
}
kill_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do
    is_bed_pid "$pid" || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    is_bed_pid "$pid" || return 0
    sleep 0.1
  done
  die "could not stop pid $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-120))"
}

# ---------------------------------------------------------------------------------------------------------
# Generation of the bed dir: secrets, certificates, configs, zones, run scripts, env file.

# render TEMPLATE OUT KEY=VALUE...: replaces @KEY@ in TEMPLATE.
render() {
  local tpl out=$2 kv k v
  tpl="$(cat "$1")"
  shift 2
  for kv in "$@"; do
    k=${kv%%=*}
    v=${kv#*=}
    tpl=${tpl//"@$k@"/"$v"}
  done
  printf '%s\n' "$tpl" >"$out"
}

secret() { openssl rand -base64 32; }
token() { openssl rand -hex 24; }
# kept NAME GENERATOR: a secret that survives down/up of this bed dir (in $B/secrets), so the variables a
# developer exported once stay valid when the bed is restarted.
kept() {
  local f="$B/secrets/$1"
  if [ ! -s "$f" ]; then
    mkdir -p "$B/secrets"
    chmod 700 "$B/secrets"
    "$2" >"$f.tmp"
    chmod 600 "$f.tmp"
    mv "$f.tmp" "$f"
  fi
  cat "$f"
}
api_key() { openssl rand -hex 20; }

write_run() {  # write_run PART CMD...: the part's run script, exec'ing CMD so its PID is the part's PID
  local p=$1
  shift
  { echo '#!/bin/sh'; printf 'exec'; printf ' %q' "$@"; echo; } >"$B/run/$p"
  chmod +x "$B/run/$p"
}

write_bin() {  # write_bin NAME TESTBED_ARGS...: a command tests can run, e.g. $B/bin/pdns-a-stop
  local name=$1
  shift
  {
    echo '#!/bin/sh'
    printf 'DG_BED_DIR=%q exec %q' "$B" "$DG_ROOT/hack/testbed.sh"
    printf ' %q' "$@"
    echo
  } >"$B/bin/$name"
  chmod +x "$B/bin/$name"
}

gen_kube() {
  local k="$B/kube" ext
  mkdir -p "$k/certs"
  step "kube: CA, serving and admin client certificates, service account keys"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -subj "/CN=domainguard-bed-ca" \
    -keyout "$k/ca.key" -out "$k/ca.crt" 2>/dev/null
  ext="$k/serving.ext"
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' >"$ext"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$k/apiserver.key" -out "$k/apiserver.csr" 2>/dev/null
  openssl x509 -req -sha256 -days 30 -in "$k/apiserver.csr" -CA "$k/ca.crt" -CAkey "$k/ca.key" -CAcreateserial \
    -extfile "$ext" -out "$k/apiserver.crt" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' >"$k/client.ext"
  openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=bed-admin" -keyout "$k/admin.key" -out "$k/admin.csr" 2>/dev/null
  openssl x509 -req -sha256 -days 30 -in "$k/admin.csr" -CA "$k/ca.crt" -CAkey "$k/ca.key" -CAcreateserial \
    -extfile "$k/client.ext" -out "$k/admin.crt" 2>/dev/null
  openssl genrsa -out "$k/sa.key" 2048 2>/dev/null
  openssl rsa -in "$k/sa.key" -pubout -out "$k/sa.pub" 2>/dev/null
  kept kube-admin-token token >"$k/admin.token"
  printf '%s,bed-admin-token,bed-admin-token-uid,"system:masters"\n' "$(cat "$k/admin.token")" >"$k/tokens.csv"
  chmod 600 "$k"/*.key "$k/admin.token" "$k/tokens.csv"
  local b64="base64 -w0"
  cat >"$k/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: domainguard-bed
  cluster:
    server: https://127.0.0.1:16443
    certificate-authority-data: $($b64 "$k/ca.crt")
users:
- name: bed-admin
  user:
    client-certificate-data: $($b64 "$k/admin.crt")
    client-key-data: $($b64 "$k/admin.key")
contexts:
- name: domainguard-bed
  context:
    cluster: domainguard-bed
    user: bed-admin
    namespace: default
current-context: domainguard-bed
EOF
  chmod 600 "$k/kubeconfig"

  mkdir -p "$B/etcd"
  write_run etcd "$(etcd_bin_dir)/etcd" --name bed --data-dir "$B/etcd/data" \
    --listen-client-urls http://127.0.0.1:23790 --advertise-client-urls http://127.0.0.1:23790 \
    --listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 \
    --initial-cluster bed=http://127.0.0.1:23800 --initial-cluster-state new \
    --unsafe-no-fsync --log-level warn
  write_run kube-apiserver "$(kube_bin_dir)/kube-apiserver" \
    --etcd-servers=http://127.0.0.1:23790 \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port=16443 \
    --cert-dir="$k/certs" --tls-cert-file="$k/apiserver.crt" --tls-private-key-file="$k/apiserver.key" \
    --client-ca-file="$k/ca.crt" --token-auth-file="$k/tokens.csv" \
    --authorization-mode=RBAC \
    --service-cluster-ip-range=10.96.0.0/24 \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$k/sa.pub" --service-account-signing-key-file="$k/sa.key" \
    --disable-admission-plugins=ServiceAccount \
    --profiling=false --v=1
}

gen_pdns() {
  local p=$1 d="$B/$1"
  mkdir -p "$d"
  kept "$p-api-key" api_key >"$d/api.key"
  chmod 600 "$d/api.key"
  sqlite3 "$d/pdns.sqlite3" </usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
  render "$BED_TEMPLATES/pdns.conf.in" "$d/pdns.conf" NAME="$p" DIR="$d" API_KEY="$(cat "$d/api.key")" \
    API_PORT="$(pdns_api_port "$p")" ADDR="$(part_addr "$p")"
  write_run "$p" pdns_server --config-dir="$d"
}

gen_bind() {  # gen_bind PART TSIG_NAME TSIG_SECRET OPTIONS ZONES
  local p=$1 d="$B/$1" rndc_secret
  mkdir -p "$d/zones"
  rndc_secret="$(secret)"
  render "$BED_TEMPLATES/named.conf.in" "$d/named.conf" NAME="$p" DIR="$d" ADDR="$(part_addr "$p")" \
    RNDC_PORT="$(rndc_port "$p")" RNDC_SECRET="$rndc_secret" TSIG_NAME="$2" TSIG_SECRET="$3" OPTIONS="$4" ZONES="$5"
  render "$BED_TEMPLATES/rndc.conf.in" "$d/rndc.conf" NAME="$p" RNDC_PORT="$(rndc_port "$p")" RNDC_SECRET="$rndc_secret"
  chmod 600 "$d/named.conf" "$d/rndc.conf"
  named-checkconf "$d/named.conf" || die "generated $d/named.conf does not check"
  write_run "$p" named -g -n 1 -u root -c "$d/named.conf"
}

gen_dns() {
  step "DNS: PowerDNS A/B, BIND root, TLD a/b, RFC 2136 provider"
  gen_pdns pdns-a
  gen_pdns pdns-b

  local tld_key=bed-tld-update tld_secret zones_tld="" t p
  tld_secret="$(kept tld-tsig-secret secret)"
  printf 'TSIG_NAME=%s\nTSIG_SECRET=%s\n' "$tld_key" "$tld_secret" >"$B/tld-tsig.env"
  # TLD zones: primary, dynamic (nsupdate with the TLD key), transfers to loopback.
  for t in test sm net; do
    zones_tld+="zone \"$t.\" { type primary; file \"zones/$t.zone\"; allow-update { key \"$tld_key\"; }; allow-transfer { 127.0.0.0/8; }; };"$'\n'
  done
  for p in bind-tld-a bind-tld-b; do
    gen_bind "$p" "$tld_key" "$tld_secret" "  notify no;" "$zones_tld"
    for t in test sm net; do
      render "$BED_TEMPLATES/zones/tld.zone.in" "$B/$p/zones/$t.zone" TLD="$t"
    done
    cat "$BED_TEMPLATES/zones/net.extra.in" >>"$B/$p/zones/net.zone"
    for t in test sm net; do
      named-checkzone -q "$t" "$B/$p/zones/$t.zone" || die "generated $B/$p/zones/$t.zone does not check"
    done
  done
  gen_bind bind-root "$tld_key" "$tld_secret" "  notify no;" \
    "zone \".\" { type primary; file \"zones/root.zone\"; allow-update { key \"$tld_key\"; }; allow-transfer { 127.0.0.0/8; }; };"
  cp "$BED_TEMPLATES/zones/root.zone.in" "$B/bind-root/zones/root.zone"

  local c_key=bed-rfc2136 c_secret
  c_secret="$(kept rfc2136-tsig-secret secret)"
  # notify explicit: NOTIFY only to also-notify targets a test sets (rndc modzone), never to name servers
  # looked up through BIND's built-in (Internet) root hints.
  gen_bind bind-c "$c_key" "$c_secret" "  allow-new-zones yes;"$'\n'"  notify explicit;" ""
  printf 'TSIG_NAME=%s\nTSIG_SECRET=%s\n' "$c_key" "$c_secret" >"$B/bind-c/tsig.env"
  chmod 600 "$B/tld-tsig.env" "$B/bind-c/tsig.env"

  cat >"$B/root.hints" <<'EOF'
; Root hints of the domainguard test bed: the only root server is the bed's own, on loopback.
.                        3600000      NS    A.ROOT-SERVERS.NET.
A.ROOT-SERVERS.NET.      3600000      A     127.53.0.1
EOF
}

gen_registry() {
  mkdir -p "$B/registry"
  write_run registry "$PYTHON" "$BED_TEMPLATES/registry_server.py" --rdap 127.0.0.1:18480 --whois 127.0.0.1:18043 \
    --whois-registrar 127.0.0.1:18044 --fixtures "$BED_TEMPLATES/fixtures/registry" --state "$B/registry/state" \
    --tld-servers 127.53.10.1,127.53.10.2
  cat >"$B/rdap-bootstrap.json" <<EOF
{
  "version": "1.0",
  "publication": "$(date -u +%FT%TZ)",
  "description": "RDAP bootstrap of the domainguard test bed: test. and net. are served by the local registry server",
  "services": [
    [["test", "net"], ["http://127.0.0.1:18480/"]]
  ]
}
EOF
}

gen_bins() {
  mkdir -p "$B/bin"
  local p
  for p in pdns-a pdns-b; do
    write_bin "$p-stop" stop "$p"
    write_bin "$p-start" start "$p"
  done
  write_bin kube-apiserver-restart restart kube-apiserver
  printf '#!/bin/sh\nexec rndc -c %q "$@"\n' "$B/bind-c/rndc.conf" >"$B/bin/rfc2136-rndc"
  printf '#!/bin/sh\nDG_BED_DIR=%q exec %q "$@"\n' "$B" "$BED_TEMPLATES/rfc2136-addzone.sh" >"$B/bin/rfc2136-addzone"
  chmod +x "$B/bin/rfc2136-rndc" "$B/bin/rfc2136-addzone"
}

# write_env: the variables tests read, as `export` lines, in $B/env.
write_env() {
  local e="$B/env.tmp"
  # shellcheck disable=SC1091
  local TSIG_NAME TSIG_SECRET tld_name tld_secret
  source "$B/tld-tsig.env"
  tld_name=$TSIG_NAME tld_secret=$TSIG_SECRET
  source "$B/bind-c/tsig.env"
  # Plain values stay plain (the file is read by people too); anything else is single-quoted.
  exp() {
    if [[ "$2" =~ ^[A-Za-z0-9_./:,@+=-]*$ ]]; then
      printf 'export %s=%s\n' "$1" "$2"
    else
      printf "export %s='%s'\n" "$1" "${2//\'/\'\\\'\'}"
    fi
  }
  {
    exp DG_BED_DIR "$B"
    if [ "$WITH_KUBE" = 1 ]; then
      exp KUBECONFIG "$B/kube/kubeconfig"
      exp DG_KUBE_SERVER https://127.0.0.1:16443
      exp DG_KUBE_CA "$B/kube/ca.crt"
      exp DG_KUBE_ADMIN_TOKEN "$(cat "$B/kube/admin.token")"
      exp DG_ETCD_ENDPOINT http://127.0.0.1:23790
      exp DG_ETCDCTL "$(etcd_bin_dir)/etcdctl"
      exp DG_KUBE_APISERVER_RESTART "$B/bin/kube-apiserver-restart"
    fi
    local p v
    for p in a b; do
      v=${p^^}
      exp "DG_PDNS_${v}_API" "http://127.0.0.1:$(pdns_api_port "pdns-$p")"
      exp "DG_PDNS_${v}_KEY" "$(cat "$B/pdns-$p/api.key")"
      exp "DG_PDNS_${v}_DNS" "$(part_addr "pdns-$p")"
      exp "DG_PDNS_${v}_STOP" "$B/bin/pdns-$p-stop"
      exp "DG_PDNS_${v}_START" "$B/bin/pdns-$p-start"
    done
    exp DG_RFC2136_SERVER 127.53.1.3:53
    exp DG_RFC2136_TSIG_NAME "$TSIG_NAME"
    exp DG_RFC2136_TSIG_ALG hmac-sha256
    exp DG_RFC2136_TSIG_SECRET "$TSIG_SECRET"
    exp DG_RFC2136_RNDC "$B/bin/rfc2136-rndc"
    exp DG_RFC2136_ADDZONE "$B/bin/rfc2136-addzone"
    exp DG_ROOT_HINTS "$B/root.hints"
    exp DG_TLD_TSIG_NAME "$tld_name"
    exp DG_TLD_TSIG_SECRET "$tld_secret"
    exp DG_TLD_SERVERS 127.53.10.1,127.53.10.2
    exp DG_RDAP_URL http://127.0.0.1:18480/
    exp DG_RDAP_BOOTSTRAP "$B/rdap-bootstrap.json"
    exp DG_WHOIS_ADDR 127.0.0.1:18043
    exp DG_REGISTRY_CONTROL http://127.0.0.1:18480/_control
  } >"$e"
  chmod 600 "$e"
  mv "$e" "$B/env"
}

# ---------------------------------------------------------------------------------------------------------
# Seeding: the provider zones that net. delegates to.

seed_pdns() {
  local p=$1 zone=$2 addr
  addr="$(part_addr "$p")"
  local body
  body="$(jq -cn --arg z "$zone." --arg ns "ns1.$zone." --arg a "$addr" \
    '{name:$z, kind:"Native", nameservers:[$ns], rrsets:[{name:$ns, type:"A", ttl:300, records:[{content:$a, disabled:false}]}]}')"
  local code
  code="$(curl -sS --max-time 10 -o "$B/logs/$p.seed.out" -w '%{http_code}' -X POST \
    -H "X-API-Key: $(cat "$B/$p/api.key")" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$(pdns_api_port "$p")/api/v1/servers/localhost/zones" -d "$body")" || true
  [ "$code" = 201 ] || [ "$code" = 409 ] ||
    die "$p: creating zone $zone through the API gave HTTP $code: $(head -c 200 "$B/logs/$p.seed.out") (log: $B/logs/$p.log)"
}

seed() {
  step "seeding provider zones pdns-a.net, pdns-b.net, bind-c.net"
  seed_pdns pdns-a pdns-a.net
  seed_pdns pdns-b pdns-b.net
  if ! rndc -c "$B/bind-c/rndc.conf" zonestatus bind-c.net >/dev/null 2>&1; then
    DG_BED_DIR="$B" "$BED_TEMPLATES/rfc2136-addzone.sh" bind-c.net "ns1 300 IN A 127.53.1.3" >/dev/null ||
      die "bind-c: adding zone bind-c.net failed (log: $B/logs/bind-c.log)"
  fi
}

# ---------------------------------------------------------------------------------------------------------
# Commands.

active_parts() {
  if [ "$WITH_KUBE" = 1 ]; then
    printf '%s\n' "${ALL_PARTS[@]}"
  else
    printf '%s\n' "${ALL_PARTS[@]}" | grep -vxE 'etcd|kube-apiserver'
  fi
}

# Is every part of a completed `up` running and answering? Quiet.
bed_is_up() {
  [ -f "$B/up.done" ] || return 1
  WITH_KUBE="$(cat "$B/up.done")"
  local p
  for p in $(active_parts); do
    part_pid "$p" >/dev/null && "check_$p" || return 1
  done
}

# The addresses belong to the network namespace while bed dirs do not: the owner file, one per network
# namespace, names the bed dir that added them, so `down` (or the clean-up in `up`) of another bed dir never
# takes them from a running bed, and a bed in another namespace (a second bed beside a developer's, CI's own)
# is no conflict.
NETNS_ID=$(readlink /proc/self/ns/net 2>/dev/null | tr -dc 0-9)
ADDRS_OWNER=/run/domainguard-bed${NETNS_ID:+-$NETNS_ID}.addrs
[ -d /run ] && [ -w /run ] || ADDRS_OWNER=/tmp/domainguard-bed${NETNS_ID:+-$NETNS_ID}.addrs
addrs_add() {
  local a have held=0
  have="$(ip -4 addr show dev lo)"
  for a in "${BED_ADDRS[@]}"; do [[ "$have" == *" $a/32 "* ]] && held=1; done
  # An owner file whose addresses are not on lo is stale: its namespace was deleted without `down` and the kernel
  # gave this new namespace the same inode number (seen with `ip netns del` then `add`).
  if [ "$held" = 1 ] && [ -s "$ADDRS_OWNER" ] && [ "$(cat "$ADDRS_OWNER")" != "$B" ] &&
    [ -f "$(cat "$ADDRS_OWNER")/up.done" ]; then
    die "another test bed ($(cat "$ADDRS_OWNER")) is up and holds ${BED_ADDRS[*]}; hack/testbed.sh down it first"
  fi
  echo "$B" >"$ADDRS_OWNER"
  for a in "${BED_ADDRS[@]}"; do
    [[ "$have" == *" $a/32 "* ]] || ip addr add "$a/32" dev lo ||
      die "cannot add address $a/32 to lo (needs root / CAP_NET_ADMIN)"
  done
}
addrs_del() {
  local a have
  if [ -s "$ADDRS_OWNER" ] && [ "$(cat "$ADDRS_OWNER")" != "$B" ]; then
    return 0  # another bed dir's addresses
  fi
  rm -f "$ADDRS_OWNER"
  have="$(ip -4 addr show dev lo)"
  for a in "${BED_ADDRS[@]}"; do
    if [[ "$have" == *" $a/32 "* ]]; then
      ip addr del "$a/32" dev lo || die "cannot remove address $a/32 from lo"
    fi
  done
}

# Processes of this bed that have no (valid) PID file any more, e.g. after a kill -9 of `up` right after a
# start: those whose executable is one of ours and whose command line names this bed dir.
stray_pids() {
  local d pid comm
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
    comm="$(cat "$d/comm" 2>/dev/null)" || continue
    # The daemons, and a part caught between setsid and exec (comm is then setsid or the run script's name).
    case "$comm" in
      etcd|kube-apiserver|pdns_server|named|isc-net-*|python3*|setsid|pdns-a|pdns-b|bind-*|registry) ;;
      *) continue ;;
    esac
    is_bed_pid "$pid" && echo "$pid"
  done
}

cmd_down() {
  [ -d "$B" ] || { addrs_del; step "test bed is down ($B does not exist)"; return; }
  rm -f "$B/up.done"
  local p pid
  DG_BED_DIR="$B" "$BED_TEMPLATES/alerting.sh" down || true
  for p in registry kube-apiserver etcd pdns-a pdns-b bind-c bind-tld-a bind-tld-b bind-root; do
    stop_part "$p"
  done
  # Twice: a part whose start was interrupted may exec its daemon just after the first sweep.
  local sweep
  for sweep in 1 2; do
    for pid in $(stray_pids); do
      info "stopping stray bed process $pid ($(cat "/proc/$pid/comm" 2>/dev/null))"
      kill_pid "$pid"
    done
    [ "$sweep" = 2 ] || sleep 0.5
  done
  addrs_del
  [ -z "$(stray_pids)" ] || die "processes of $B still running: $(stray_pids | tr '\n' ' ')"
  step "test bed is down (logs kept in $B/logs)"
}

cmd_up() {
  local want=$WITH_KUBE
  # Up already, with kube too if asked for: nothing to do. (A bed without kube asked for kube starts afresh.)
  if bed_is_up && [ "$WITH_KUBE" -ge "$want" ]; then
    step "test bed already up in $B"
    print_where
    return
  fi
  WITH_KUBE=$want
  local t0=$SECONDS
  need openssl curl jq sqlite3 ip ss dig nsupdate rndc named named-checkconf named-checkzone pdns_server setsid
  [ -x "$PYTHON" ] || die "missing dependency 'python3' (run hack/install.sh)"
  [ -f /usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql ] ||
    die "missing PowerDNS sqlite schema (package pdns-backend-sqlite3; run hack/install.sh)"
  [ -f "$BED_TEMPLATES/registry_server.py" ] || die "missing $BED_TEMPLATES/registry_server.py"
  if [ "$WITH_KUBE" = 1 ]; then
    [ -x "$(etcd_bin_dir)/etcd" ] || die "missing binary $(etcd_bin_dir)/etcd (run hack/install.sh --tools)"
    [ -x "$(etcd_bin_dir)/etcdctl" ] || die "missing binary $(etcd_bin_dir)/etcdctl (run hack/install.sh --tools)"
    [ -x "$(kube_bin_dir)/kube-apiserver" ] ||
      die "missing binary $(kube_bin_dir)/kube-apiserver (run hack/install.sh --tools, or up --without-kube)"
    [ -x "$(kube_bin_dir)/kubectl" ] || die "missing binary $(kube_bin_dir)/kubectl (run hack/install.sh --tools)"
  fi
  [ "$(id -u)" -eq 0 ] || die "the test bed needs root (it adds addresses to lo and binds port 53)"

  # Whatever a previous, interrupted or partly stopped bed left: stop it, then start afresh.
  if [ -d "$B" ]; then
    if [ -n "$(ls -A "$B")" ] && [ ! -f "$B/.domainguard-bed" ]; then
      die "$B exists and is not a test bed dir; set DG_BED_DIR elsewhere"
    fi
    (cmd_down) >/dev/null 2>&1 || cmd_down
    # The marker stays: an `up` that stops at a taken port must leave a dir the next `up` still recognises.
    find "$B" -mindepth 1 -maxdepth 1 ! -name secrets ! -name .domainguard-bed -exec rm -rf {} +
  fi
  local p
  for p in $(active_parts); do
    # shellcheck disable=SC2046 # the triples are split on purpose
    set -- $(part_ports "$p")
    while [ $# -ge 3 ]; do port_free "$1" "$2" "$3"; shift 3; done
  done
  mkdir -p "$B"/{pids,logs,run,bin}
  touch "$B/.domainguard-bed"
  step "test bed in $B"
  addrs_add

  [ "$WITH_KUBE" = 1 ] && gen_kube
  gen_dns
  gen_registry
  gen_bins

  step "starting parts"
  for p in $(active_parts); do
    [ "$p" = kube-apiserver ] && continue  # after etcd answers
    info "$p"
    start_part "$p"
  done
  seed
  if [ "$WITH_KUBE" = 1 ]; then
    info "kube-apiserver (takes a while)"
    start_part kube-apiserver
  fi
  info "alerting: Prometheus, Alertmanager, its webhook receiver, SMTP (hack/bed/alerting.sh)"
  # Only the alerting tests need these: a part that does not start is reported, and the rest of the bed stands.
  DG_BED_DIR="$B" "$BED_TEMPLATES/alerting.sh" up 3>&- 9>&- ||
    info "alerting parts did not start (logs in $B/alerting/); tests/e2e/alerting_e2e.sh will fail, others are unaffected"
  write_env
  DG_BED_DIR="$B" "$BED_TEMPLATES/alerting.sh" env >>"$B/env"
  echo "$WITH_KUBE" >"$B/up.done"
  step "test bed up in $((SECONDS - t0))s"
  print_where
}

print_where() {
  local p
  for p in $(active_parts); do
    printf '    %-15s %s\n' "$p" "$(part_where "$p")" >&2
  done
  info "eval \"\$(hack/testbed.sh env)\"   (env file: $B/env)"
}

cmd_status() {
  local p ok=0 pid state
  if [ -f "$B/up.done" ]; then WITH_KUBE="$(cat "$B/up.done")"; fi
  for p in $(active_parts); do
    if pid="$(part_pid "$p")"; then
      if "check_$p"; then state="up (pid $pid)"; else state="NOT ANSWERING (pid $pid, log $B/logs/$p.log)"; ok=1; fi
    else
      state="stopped"
      ok=1
    fi
    printf '%-15s %-40s %s\n' "$p" "$state" "$(part_where "$p")"
  done
  [ -f "$B/up.done" ] || { echo "(no completed 'up' in $B)"; ok=1; }
  # The alerting parts are reported but do not make the bed "down": tests that need them start them (idempotent).
  DG_BED_DIR="$B" "$BED_TEMPLATES/alerting.sh" status || true
  return $ok
}

cmd_env() {
  [ -f "$B/up.done" ] && [ -f "$B/env" ] || die "test bed in $B is not up (hack/testbed.sh up)"
  cat "$B/env"
}

known_part() {
  local p
  for p in "${ALL_PARTS[@]}"; do [ "$p" = "$1" ] && return 0; done
  die "unknown part '$1' (one of: ${ALL_PARTS[*]})"
}

# Serialise commands on one bed: two `up`s at once would race for ports and PID files.
lock() {
  exec 9>"$B.lock"
  flock -w 600 9 || die "another hack/testbed.sh holds $B.lock for over 10 min"
}

WITH_KUBE=1
[ "${DG_BED_WITHOUT_KUBE:-0}" = 1 ] && WITH_KUBE=0
cmd=${1:-}
shift || true
case "$cmd" in
  up)
    [ "${1:-}" = --without-kube ] && WITH_KUBE=0
    mkdir -p "$(dirname "$B")"
    lock
    cmd_up
    ;;
  down) lock; cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  stop|start|restart)
    [ $# -eq 1 ] || die "usage: hack/testbed.sh $cmd PART"
    known_part "$1"
    lock
    [ -f "$B/run/$1" ] || die "part $1 is not set up in $B (hack/testbed.sh up)"
    case "$cmd" in
      stop) stop_part "$1" ;;
      start) start_part "$1" ;;
      restart) stop_part "$1"; start_part "$1" ;;
    esac
    ;;
  -h|--help|help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '${cmd}' (up|down|status|env|stop|start|restart PART; see --help)" ;;
esac
