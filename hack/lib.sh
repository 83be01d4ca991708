# Shared shell helpers for hack/*.sh. Sourced, never run.
# Every script prints what it does as "==> step" lines and fails with one line naming what is wrong.

DG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Binaries built from the Go module proxy live here, keyed by version, so a second install costs seconds.
DG_CACHE="${DOMAINGUARD_CACHE:-/var/cache/domainguard}"
# Pinned versions: kube-apiserver and kubectl from k8s.io/kubernetes, the etcd release that Kubernetes
# release pairs with (build/dependencies.yaml at that tag), and helm.
DG_KUBE_VERSION="v1.36.3"
DG_ETCD_VERSION="v3.6.8"
DG_HELM_VERSION="v3.22.0"

step() { printf '==> %s\n' "$*" >&2; }
info() { printf '    %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# need CMD... : fail with one line naming the first missing command.
need() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || die "missing dependency '$c' (run hack/install.sh)"
  done
}

# port_free ADDR PORT PROTO: fail with one line if something already listens there.
port_free() {
  local addr=$1 port=$2 proto=${3:-tcp} flag=-ltnH
  [ "$proto" = udp ] && flag=-lunH
  # Not `ss | grep -q`: under pipefail grep's early exit can fail ss with SIGPIPE and hide a taken port.
  if [ -n "$(ss "$flag" "src $addr:$port" 2>/dev/null)" ]; then
    die "port $addr:$port/$proto is already taken ($(ss "$flag" -p "src $addr:$port" | awk '{print $NF}' | head -1))"
  fi
}

# wait_for DESCRIPTION TIMEOUT_SECONDS CMD...: poll CMD until it succeeds; one-line error on timeout.
wait_for() {
  local what=$1 timeout=$2 deadline
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      die "timed out after ${timeout}s waiting for $what"
    fi
    sleep 0.2
  done
}

kube_bin_dir() { echo "$DG_CACHE/kube-$DG_KUBE_VERSION"; }
etcd_bin_dir() { echo "$DG_CACHE/etcd-$DG_ETCD_VERSION"; }
helm_bin_dir() { echo "$DG_CACHE/helm-$DG_HELM_VERSION"; }

# Puts the cached Go-built binaries first on PATH.
tools_path() {
  export PATH="$(kube_bin_dir):$(etcd_bin_dir):$(helm_bin_dir):$PATH"
}

# pdns_provider_yaml NAME URL [QPS]: a DNSProvider NAME for the PowerDNS API at URL (its key in the Secret NAME,
# api-key), name server ns1.NAME.net.; with QPS, a rate limit of QPS requests per second and as much burst.
pdns_provider_yaml() {
  local name=$1 url=$2 qps=${3:-}
  cat <<YAML
apiVersion: domainguard.io/v1alpha1
kind: DNSProvider
metadata: {name: $name}
spec:
  powerdns: {url: "$url", serverID: localhost, apiKeySecretRef: {name: $name, key: api-key}}
  nameservers: [ns1.$name.net.]
YAML
  if [ -n "$qps" ]; then echo "  rateLimit: {qps: $qps, burst: $qps}"; fi
}

# bed_apply_providers NS: Secrets and DNSProviders pdns-a, pdns-b (PowerDNS API) and bind-c (RFC 2136 + TSIG) for
# the test bed's providers in namespace NS, with kubectl. Needs the bed's variables (hack/testbed.sh env).
bed_apply_providers() {
  local ns=$1
  kubectl -n "$ns" create secret generic pdns-a --from-literal=api-key="$DG_PDNS_A_KEY" &&
    kubectl -n "$ns" create secret generic pdns-b --from-literal=api-key="$DG_PDNS_B_KEY" &&
    kubectl -n "$ns" create secret generic bind-c --from-literal=secret="$DG_RFC2136_TSIG_SECRET" &&
    {
      pdns_provider_yaml pdns-a "$DG_PDNS_A_API"
      echo ---
      pdns_provider_yaml pdns-b "$DG_PDNS_B_API"
      echo ---
      cat <<YAML
apiVersion: domainguard.io/v1alpha1
kind: DNSProvider
metadata: {name: bind-c}
spec:
  rfc2136:
    server: "$DG_RFC2136_SERVER"
    tsig: {keyName: "$DG_RFC2136_TSIG_NAME", algorithm: hmac-sha256, secretRef: {name: bind-c, key: secret}}
  nameservers: [ns1.bind-c.net.]
YAML
    } | kubectl -n "$ns" apply -f -
}
