#!/usr/bin/env bash
# The demo: installs what is needed, builds domainguard, brings the local test bed up (kube-apiserver + etcd,
# two PowerDNS, BIND as RFC 2136 provider and a root -> TLD -> child DNS hierarchy, RDAP and WHOIS servers, all
# on loopback) and shows what domainguard does on it.
#
#   hack/demo.sh           run the demo and leave the bed up for exploring (hack/testbed.sh down when done)
#   hack/demo.sh --down    bring the bed down at the end
set -euo pipefail
source "$(dirname "$0")/lib.sh"

teardown=0
case "${1:-}" in
  "") ;;
  --down) teardown=1 ;;
  -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
  *) die "unknown option '$1' (see hack/demo.sh --help)" ;;
esac

cd "$DG_ROOT"
step "installing what is needed"
bash hack/install.sh
step "building domainguard"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target domainguard
DG=$DG_ROOT/build/controller/app/domainguard
"$DG" version

step "bringing the local test bed up"
bash hack/testbed.sh up
eval "$(bash hack/testbed.sh env)"
[ "$teardown" -eq 1 ] && trap 'bash hack/testbed.sh down' EXIT
bash hack/testbed.sh status

step "the bed's control plane"
tools_path
kubectl get namespaces
step "the local DNS hierarchy: root -> net. -> pdns-a.net."
dig +norec +noall +authority +additional @127.53.0.1 ns1.pdns-a.net. A
dig +norec +noall +authority +additional @127.53.10.1 ns1.pdns-a.net. A
dig +norec +noall +answer @127.53.1.1 ns1.pdns-a.net. A

step "done; the bed stays up (hack/testbed.sh down to stop it)"
