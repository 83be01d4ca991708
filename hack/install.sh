#!/usr/bin/env bash
# Installs everything domainguard needs to build, test and demo on Debian bookworm, as root. Idempotent.
#
#   hack/install.sh              apt packages, then kube-apiserver, kubectl, etcd, etcdctl, helm and the node's
#                                kubelet, kube-controller-manager, kube-scheduler, kube-proxy built with Go
#   hack/install.sh --packages   apt packages only
#   hack/install.sh --tools      Go-built binaries only
#
# Environment: DOMAINGUARD_CACHE (default /var/cache/domainguard) holds the Go-built binaries, keyed by version;
# a second run finds them there and costs seconds. GOMODCACHE/GOCACHE are Go's own caches.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

APT_PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config clang clang-tidy libclang-rt-14-dev
  # libraries of the design
  libcpprest-dev libyaml-cpp-dev libc-ares-dev libssl-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev libldns-dev libpsl-dev libidn2-dev zlib1g-dev nlohmann-json3-dev
  # test bed: DNS providers and the local DNS hierarchy
  pdns-server pdns-backend-sqlite3 sqlite3 bind9 bind9-utils bind9-dnsutils ldnsutils dns-root-data
  # alert rules and webhook receipt
  prometheus prometheus-alertmanager
  # alert channels: e-mail over SMTP (libcurl), and the bed's SMTP server with STARTTLS
  libcurl4-openssl-dev python3-aiosmtpd
  # scripts
  openssl curl iproute2 procps psmisc python3 jq ca-certificates
  # tests/chaos: clock steps on the controller (wall clock only) through LD_PRELOAD
  faketime
  # the bed's real node (hack/node.sh): container runtime, CNI plugins, kube-proxy's iptables
  containerd runc containernetworking-plugins iptables conntrack
)

install_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    step "apt packages: all ${#APT_PACKAGES[@]} present"
    return
  fi
  [ "$(id -u)" -eq 0 ] || die "installing apt packages needs root (missing: ${missing[*]})"
  step "apt packages: installing ${#missing[@]}: ${missing[*]}"
  # Package scripts must not start pdns, named or prometheus as system services: the test bed runs its own
  # instances on loopback, and a system named would take port 53.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/domainguard-apt.log 2>&1 ||
    { tail -20 /tmp/domainguard-apt.log >&2; die "apt-get install failed (log: /tmp/domainguard-apt.log)"; }
  [ "$created_policy" -eq 1 ] && rm -f "$policy"
  # Debian may still have started them (no systemd here means invoke-rc.d mostly does nothing); stop any.
  pkill -x pdns_server 2>/dev/null || true
  pkill -x named 2>/dev/null || true
  pkill -x prometheus 2>/dev/null || true
  pkill -x prometheus-alertmanager 2>/dev/null || true
}

# go_build MODULE_DIR OUT_DIR NAME=PKG... : builds each main package of a hack/tools module into OUT_DIR/NAME.
go_build() {
  local moddir=$1 out=$2
  shift 2
  need go
  mkdir -p "$out"
  local spec pkg name
  for spec in "$@"; do
    name=${spec%%=*}
    pkg=${spec#*=}
    if [ -x "$out/$name" ]; then
      info "$name: cached in $out"
      continue
    fi
    step "building $name ($pkg) with Go; a cold build takes minutes"
    local t0=$SECONDS
    (cd "$moddir" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$out/$name.tmp" "$pkg") ||
      die "go build of $pkg failed"
    mv "$out/$name.tmp" "$out/$name"
    info "$name built in $((SECONDS - t0))s"
  done
}

# The Gateway API CRDs (standard channel) the bed installs for the HTTPRoute failover tests: the YAML ships inside
# the Go module sigs.k8s.io/gateway-api (version in hack/tools/gateway-api/go.mod), fetched from the module proxy
# and kept in $DG_CACHE/gateway-api-<version>/.
install_gateway_api_crds() {
  local version dir out
  version=$(awk '$1 == "require" && $2 == "sigs.k8s.io/gateway-api" { print $3 }' "$DG_ROOT/hack/tools/gateway-api/go.mod")
  out="$DG_CACHE/gateway-api-$version"
  if ls "$out"/gateway.networking.k8s.io_httproutes.yaml >/dev/null 2>&1; then
    info "Gateway API CRDs: cached in $out"
    return
  fi
  need go
  dir=$(cd "$DG_ROOT/hack/tools/gateway-api" && go mod download -json "sigs.k8s.io/gateway-api@$version" | jq -r .Dir) ||
    die "go mod download of sigs.k8s.io/gateway-api@$version failed"
  mkdir -p "$out.tmp"
  cp "$dir"/config/crd/standard/gateway.networking.k8s.io_*.yaml "$out.tmp/"
  rm -f "$out.tmp"/*vap*  # a ValidatingAdmissionPolicy, not a CRD
  chmod u+w "$out.tmp"/*.yaml
  rm -rf "$out"
  mv "$out.tmp" "$out"
  info "Gateway API CRDs $version in $out"
}

install_tools() {
  go_build "$DG_ROOT/hack/tools/kube" "$(kube_bin_dir)" \
    kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver kubectl=k8s.io/kubernetes/cmd/kubectl
  go_build "$DG_ROOT/hack/tools/etcd" "$(etcd_bin_dir)" \
    etcd=go.etcd.io/etcd/server/v3 etcdctl=go.etcd.io/etcd/etcdctl/v3
  go_build "$DG_ROOT/hack/tools/helm" "$(helm_bin_dir)" helm=helm.sh/helm/v3/cmd/helm
  install_gateway_api_crds
  # The bed's node (hack/node.sh), same Kubernetes release as kube-apiserver; its own module, so that adding
  # them did not move kube-apiserver's dependency set.
  go_build "$DG_ROOT/hack/tools/node" "$DG_CACHE/node-$DG_KUBE_VERSION" \
    kubelet=k8s.io/kubernetes/cmd/kubelet kube-controller-manager=k8s.io/kubernetes/cmd/kube-controller-manager \
    kube-scheduler=k8s.io/kubernetes/cmd/kube-scheduler kube-proxy=k8s.io/kubernetes/cmd/kube-proxy
  step "tools ready: $(kube_bin_dir), $(etcd_bin_dir), $(helm_bin_dir), $DG_CACHE/node-$DG_KUBE_VERSION"
}

case "${1:-all}" in
  all) install_packages; install_tools ;;
  --packages) install_packages ;;
  --tools) install_tools ;;
  -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
  *) die "unknown option '$1' (see hack/install.sh --help)" ;;
esac
