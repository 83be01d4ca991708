#!/usr/bin/env bash
# A real single-node Kubernetes cluster beside the test bed, so that domainguard runs as Pods installed by helm.
#
#   hack/node.sh up       start (no-op when already up); prints the kubeconfig and how long it took
#   hack/node.sh down     stop every process it started, its Pods and containers, remove its network and rules
#   hack/node.sh status   one line per part; exit 0 only when all answer and the node is Ready
#   hack/node.sh env      `export VAR=...` lines: DG_NODE_KUBECONFIG, DG_CONTAINERD_ADDRESS, DG_NODE_DIR, DG_NODE_NETNS
#
# Everything of the node lives in a network namespace of its own ("dg-node") and a mount namespace of its own,
# so that its ports, iptables rules and mounts never mix with the machine's or the shared bed's:
#   etcd (127.0.0.1:2379 inside), kube-apiserver (:6443, advertised as 10.244.0.1, ServiceAccount admission on,
#   Node,RBAC authorization), kube-controller-manager, kube-scheduler, containerd 1.6 + runc (own root, state and
#   socket under the node dir), kubelet (cgroupfs under /dg-node, cgroup v1), kube-proxy (iptables mode), and the
#   CNI bridge dg0 = 10.244.0.1/24 for the Pods. The host reaches the namespace over a veth pair (host dgn0
#   10.245.0.1/30, node 10.245.0.2/30): the admin kubeconfig points at https://10.245.0.2:6443.
#
# The node namespace has no default route: Pods reach nothing outside this machine. They reach the shared bed
# (hack/testbed.sh: DNS hierarchy and providers on 127.53.x.y:53, PowerDNS APIs, RDAP and WHOIS on 127.0.0.1)
# at the very addresses the bed's env names: the CNI chain ends with hack/node/dg-bedlink, which maps those
# destinations in each Pod's namespace onto 10.53.0.0/16, routed to the host, where dgn0's rules map them back
# onto the host's loopback with source 127.0.0.1 (the bed's servers only answer loopback). Only port 53 of
# 127.53/16 and the bed's TCP ports 18081 18082 18480 18043 18044 of 127.0.0.1 are mapped.
#
# While it runs, kubelet's kernel settings are the machine's (kernel.panic 10, kernel.panic_on_oops 1,
# vm.overcommit_memory 1): `down` puts back the values `up` found.
#
# Environment: DG_NODE_DIR (default /tmp/domainguard-node) holds certificates, configs, data, logs/<part>.log and
# PID files. Needs root, the apt packages containerd runc containernetworking-plugins iptables conntrack, and
# kubelet, kube-controller-manager, kube-scheduler, kube-proxy from hack/install.sh --tools.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N="${DG_NODE_DIR:-/tmp/domainguard-node}"
case "$N" in /*) ;; *) N="$PWD/$N" ;; esac
N="${N%/}"
[ -n "$N" ] && [ "$N" != / ] || die "DG_NODE_DIR must not be /"

NETNS=dg-node
NODE_NAME=dg-node
HOST_IF=dgn0 NODE_IF=dgn1
HOST_ADDR=10.245.0.1 NODE_ADDR=10.245.0.2
BRIDGE=dg0 NODE_IP=10.244.0.1 POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/24 KUBERNETES_SVC=10.96.0.1
BED_MAP=10.53.0.0/16 BED_LOOPBACK=10.53.255.254
BED_TCP_PORTS=18081,18082,18480,18043,18044
CGROUP_ROOT=dg-node
PARTS=(etcd kube-apiserver containerd kube-controller-manager kube-scheduler kubelet kube-proxy)
KUBELET_SYSCTLS=(kernel.panic kernel.panic_on_oops vm.overcommit_memory vm.panic_on_oom kernel.keys.root_maxkeys
  kernel.keys.root_maxbytes)

node_bin_dir() { echo "$DG_CACHE/node-$DG_KUBE_VERSION"; }
kube_bin() { echo "$(kube_bin_dir)/$1"; }
node_bin() { echo "$(node_bin_dir)/$1"; }
# in_node CMD...: CMD inside the node's network and mount namespaces.
in_node() { nsenter --net="/run/netns/$NETNS" --mount="$N/ns/mnt" -- "$@"; }
nk() { "$(kube_bin kubectl)" --kubeconfig "$N/kube/admin.kubeconfig" "$@"; }

pid_file() { echo "$N/pids/$1.pid"; }
# A PID counts only if its command line names the node dir: a recycled PID is never mistaken for ours.
is_node_pid() {
  [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] || return 1
  [[ "$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" == *"$N/"* ]]
}
part_pid() {
  local f="$N/pids/$1.pid" pid
  [ -s "$f" ] || return 1
  pid="$(cat "$f")"
  is_node_pid "$pid" || return 1
  echo "$pid"
}

curl_node() { in_node curl -fsS --max-time 3 "$@"; }
check_etcd() { curl_node http://127.0.0.1:2379/health >/dev/null 2>&1; }
check_kube-apiserver() {
  [ "$(curl -fsS --max-time 3 --cacert "$N/kube/ca.crt" --cert "$N/kube/admin.crt" --key "$N/kube/admin.key" \
    "https://$NODE_ADDR:6443/readyz" 2>/dev/null)" = ok ]
}
check_containerd() { ctr --address "$N/containerd/containerd.sock" version >/dev/null 2>&1; }
check_kube-controller-manager() { curl_node -k https://127.0.0.1:10257/healthz >/dev/null 2>&1; }
check_kube-scheduler() { curl_node -k https://127.0.0.1:10259/healthz >/dev/null 2>&1; }
check_kubelet() { curl_node http://127.0.0.1:10248/healthz >/dev/null 2>&1; }
check_kube-proxy() { curl_node http://127.0.0.1:10256/healthz >/dev/null 2>&1; }
part_timeout() { case "$1" in kube-apiserver) echo 180 ;; *) echo 60 ;; esac; }

start_part() {
  local p=$1 pid deadline
  : >>"$N/logs/$p.log"
  # fd 9 is the lock: the part must not inherit it.
  setsid "$N/run/$p" >>"$N/logs/$p.log" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$(pid_file "$p")"
  deadline=$((SECONDS + $(part_timeout "$p")))
  until "check_$p"; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" = Z ]; then
      die "$p exited while starting: $(tail -n 1 "$N/logs/$p.log" | cut -c1-240) (log: $N/logs/$p.log)"
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "$p does not answer after $(part_timeout "$p")s (log: $N/logs/$p.log)"
    sleep 0.3
  done
}

kill_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do is_node_pid "$pid" || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 50); do is_node_pid "$pid" || return 0; sleep 0.1; done
  die "could not stop pid $pid"
}

# write_run PART CMD...: the part's run script; it execs CMD inside the node's namespaces, so the PID is the part's.
write_run() {
  local p=$1
  shift
  { echo '#!/bin/sh'; printf 'exec nsenter --net=/run/netns/%s --mount=%q --' "$NETNS" "$N/ns/mnt"; printf ' %q' "$@"; echo; } >"$N/run/$p"
  chmod +x "$N/run/$p"
}

# ---------------------------------------------------------------------------------------------------------
# Certificates and kubeconfigs.

# cert NAME SUBJECT EXT: a key and a certificate signed by the node's CA.
cert() {
  local k="$N/kube"
  openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$k/$1.key" -out "$k/$1.csr" 2>/dev/null
  printf '%s\n' "$3" >"$k/$1.ext"
  openssl x509 -req -sha256 -days 30 -in "$k/$1.csr" -CA "$k/ca.crt" -CAkey "$k/ca.key" -CAcreateserial \
    -extfile "$k/$1.ext" -out "$k/$1.crt" 2>/dev/null
  chmod 600 "$k/$1.key"
}

# kubeconfig NAME SERVER: a kubeconfig with the client certificate NAME.
kubeconfig() {
  local k="$N/kube" b64="base64 -w0"
  cat >"$k/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: dg-node
  cluster:
    server: $2
    certificate-authority-data: $($b64 "$k/ca.crt")
users:
- name: $1
  user:
    client-certificate-data: $($b64 "$k/$1.crt")
    client-key-data: $($b64 "$k/$1.key")
contexts:
- name: dg-node
  context: {cluster: dg-node, user: $1, namespace: default}
current-context: dg-node
EOF
  chmod 600 "$k/$1.kubeconfig"
}

gen_certs() {
  local k="$N/kube" client='extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature,keyEncipherment'
  mkdir -p "$k"
  step "node: CA, serving and client certificates, service account keys"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -subj "/CN=domainguard-node-ca" \
    -keyout "$k/ca.key" -out "$k/ca.crt" 2>/dev/null
  cert apiserver "/CN=kube-apiserver" "subjectAltName=IP:$NODE_IP,IP:$NODE_ADDR,IP:127.0.0.1,IP:$KUBERNETES_SVC,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature,keyEncipherment"
  cert kubelet-serving "/CN=$NODE_NAME" "subjectAltName=IP:$NODE_IP,DNS:$NODE_NAME
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature,keyEncipherment"
  cert admin "/O=system:masters/CN=node-admin" "$client"
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
  cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" "$client"
  cert kube-controller-manager "/CN=system:kube-controller-manager" "$client"
  cert kube-scheduler "/CN=system:kube-scheduler" "$client"
  cert kube-proxy "/CN=system:kube-proxy" "$client"
  openssl genrsa -out "$k/sa.key" 2048 2>/dev/null
  openssl rsa -in "$k/sa.key" -pubout -out "$k/sa.pub" 2>/dev/null
  chmod 600 "$k"/*.key
  kubeconfig admin "https://$NODE_ADDR:6443"
  local c
  for c in kubelet kube-controller-manager kube-scheduler kube-proxy; do
    kubeconfig "$c" "https://$NODE_IP:6443"
  done
}

# ---------------------------------------------------------------------------------------------------------
# Network: the node's namespace, the veth to the host, the bridge, and the host's rules for the bed.

net_up() {
  step "node: network namespace $NETNS, $HOST_IF $HOST_ADDR <-> $NODE_IF $NODE_ADDR, bridge $BRIDGE $NODE_IP/24"
  ip netns add "$NETNS"
  ip link add "$HOST_IF" type veth peer name "$NODE_IF" netns "$NETNS"
  ip addr add "$HOST_ADDR/30" dev "$HOST_IF"
  ip link set "$HOST_IF" up
  ip -n "$NETNS" link set lo up
  ip -n "$NETNS" addr add "$NODE_ADDR/30" dev "$NODE_IF"
  ip -n "$NETNS" link set "$NODE_IF" up
  # The bridge exists before kube-apiserver starts: its advertised address must be local and non-loopback.
  # The CNI bridge plugin then adopts it (same name, same gateway address).
  ip -n "$NETNS" link add "$BRIDGE" type bridge
  ip -n "$NETNS" addr add "$NODE_IP/24" dev "$BRIDGE"
  ip -n "$NETNS" link set "$BRIDGE" up
  # Routes: the bed's mapped addresses to the host, Service IPs onto the bridge (kube-proxy rewrites them before
  # they leave); no default route, so nothing reaches past this machine.
  ip -n "$NETNS" route add "$BED_MAP" via "$HOST_ADDR"
  ip -n "$NETNS" route add "$SERVICE_CIDR" dev "$BRIDGE" src "$NODE_IP"
  ip route add "$POD_CIDR" via "$NODE_ADDR"
  ip netns exec "$NETNS" sysctl -qw net.ipv4.ip_forward=1
  ip netns exec "$NETNS" sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null ||
    info "net.bridge.bridge-nf-call-iptables not settable in the namespace (kube-proxy warns; Pod-to-Service works)"

  # Host: what arrives on dgn0 for the bed's mapped addresses goes to the host's loopback, from 127.0.0.1.
  sysctl -qw "net.ipv4.conf.$HOST_IF.route_localnet=1"
  iptables -t nat -N DG-NODE-PRE
  iptables -t nat -A DG-NODE-PRE -d "$BED_LOOPBACK/32" -p tcp -m multiport --dports "$BED_TCP_PORTS" \
    -j DNAT --to-destination 127.0.0.1
  iptables -t nat -A DG-NODE-PRE -d "$BED_MAP" -p udp --dport 53 -j NETMAP --to 127.53.0.0/16
  iptables -t nat -A DG-NODE-PRE -d "$BED_MAP" -p tcp --dport 53 -j NETMAP --to 127.53.0.0/16
  iptables -t nat -A PREROUTING -i "$HOST_IF" -j DG-NODE-PRE
  iptables -t nat -N DG-NODE-IN
  iptables -t nat -A DG-NODE-IN -d 127.0.0.0/8 -j SNAT --to-source 127.0.0.1
  iptables -t nat -A INPUT -i "$HOST_IF" -j DG-NODE-IN
}

net_down() {
  iptables -t nat -D PREROUTING -i "$HOST_IF" -j DG-NODE-PRE 2>/dev/null || true
  iptables -t nat -F DG-NODE-PRE 2>/dev/null && iptables -t nat -X DG-NODE-PRE 2>/dev/null || true
  iptables -t nat -D INPUT -i "$HOST_IF" -j DG-NODE-IN 2>/dev/null || true
  iptables -t nat -F DG-NODE-IN 2>/dev/null && iptables -t nat -X DG-NODE-IN 2>/dev/null || true
  ip route del "$POD_CIDR" via "$NODE_ADDR" 2>/dev/null || true
  ip link del "$HOST_IF" 2>/dev/null || true
  ip netns del "$NETNS" 2>/dev/null || true
}

# The mount namespace: kubelet makes its root dir an rshared mount and mounts volumes, containerd mounts
# snapshots and Pod network namespaces; all of it stays inside, and goes when the namespace is dropped.
mnt_up() {
  mkdir -p "$N/ns"
  mount --bind "$N/ns" "$N/ns"
  mount --make-private "$N/ns"
  touch "$N/ns/mnt"
  unshare --mount="$N/ns/mnt" --propagation slave true
}
mnt_down() {
  umount "$N/ns/mnt" 2>/dev/null || true
  umount "$N/ns" 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------------------
# Configuration of the parts.

gen_configs() {
  local k="$N/kube"
  mkdir -p "$N/etcd" "$N/containerd" "$N/cni/bin" "$N/cni/net.d" "$N/kubelet" "$N/pod-logs" "$N/kube-proxy"
  write_run etcd "$(etcd_bin_dir)/etcd" --name node --data-dir "$N/etcd/data" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster node=http://127.0.0.1:2380 --initial-cluster-state new --unsafe-no-fsync --log-level warn
  write_run kube-apiserver "$(kube_bin kube-apiserver)" \
    --etcd-servers=http://127.0.0.1:2379 --bind-address=0.0.0.0 --secure-port=6443 --advertise-address="$NODE_IP" \
    --cert-dir="$k/certs" --tls-cert-file="$k/apiserver.crt" --tls-private-key-file="$k/apiserver.key" \
    --client-ca-file="$k/ca.crt" --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$k/sa.pub" --service-account-signing-key-file="$k/sa.key" \
    --kubelet-client-certificate="$k/apiserver-kubelet-client.crt" --kubelet-client-key="$k/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP --profiling=false --v=1
  write_run kube-controller-manager "$(node_bin kube-controller-manager)" \
    --kubeconfig="$k/kube-controller-manager.kubeconfig" --authentication-kubeconfig="$k/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig="$k/kube-controller-manager.kubeconfig" --bind-address=127.0.0.1 --leader-elect=false \
    --root-ca-file="$k/ca.crt" --service-account-private-key-file="$k/sa.key" --use-service-account-credentials=true \
    --service-cluster-ip-range="$SERVICE_CIDR" --cluster-signing-cert-file="$k/ca.crt" \
    --cluster-signing-key-file="$k/ca.key" --profiling=false --v=1
  write_run kube-scheduler "$(node_bin kube-scheduler)" \
    --kubeconfig="$k/kube-scheduler.kubeconfig" --authentication-kubeconfig="$k/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig="$k/kube-scheduler.kubeconfig" --bind-address=127.0.0.1 --leader-elect=false \
    --profiling=false --v=1

  # containerd 1.6: its own root, state, socket; CRI with the cgroupfs driver, overlayfs, our pause image.
  # restrict_oom_score_adj: without CAP_SYS_RESOURCE nothing may lower oom_score_adj below 0, and the pause
  # sandbox would fail in runc ("can't get final child's PID from pipe: EOF"; runc's debug log says
  # "oom_score_adj: Permission denied").
  cat >"$N/containerd/config.toml" <<EOF
version = 2
root = "$N/containerd/root"
state = "$N/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$N/containerd/containerd.sock"
[ttrpc]
  address = "$N/containerd/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$N/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_REF"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$N/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$N/cni/bin"
    conf_dir = "$N/cni/net.d"
EOF
  write_run containerd /usr/bin/containerd --config "$N/containerd/config.toml"

  # CNI: the Debian plugins, then dg-bedlink (the bed's loopback addresses, see the header).
  local plugin
  for plugin in bridge host-local portmap loopback; do
    [ -x "/usr/lib/cni/$plugin" ] || die "missing /usr/lib/cni/$plugin (apt-get install containernetworking-plugins)"
    ln -sf "/usr/lib/cni/$plugin" "$N/cni/bin/$plugin"
  done
  ln -sf "$DG_ROOT/hack/node/dg-bedlink" "$N/cni/bin/dg-bedlink"
  cat >"$N/cni/net.d/10-dg.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "dg-pods",
  "plugins": [
    {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$NODE_IP"}]],
              "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "$N/cni/ipam"}},
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "dg-bedlink", "bedMap": "$BED_MAP", "bedLoopback": "$BED_LOOPBACK", "tcpPorts": "$BED_TCP_PORTS"}
  ]
}
EOF

  # kubelet: cgroup v1 allowed, cgroupfs under /dg-node, oom_score_adj 0 (no CAP_SYS_RESOURCE), no read-only port.
  printf 'options timeout:1 attempts:1\n' >"$N/resolv.conf"
  cat >"$N/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$k/ca.crt"}
authorization: {mode: Webhook}
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: "$k/kubelet-serving.crt"
tlsPrivateKeyFile: "$k/kubelet-serving.key"
cgroupDriver: cgroupfs
cgroupRoot: /$CGROUP_ROOT
failCgroupV1: false
oomScoreAdj: 0
containerRuntimeEndpoint: unix://$N/containerd/containerd.sock
podLogsDir: "$N/pod-logs"
volumePluginDir: "$N/kubelet/volume-plugins"
resolvConf: "$N/resolv.conf"
clusterDomain: cluster.local
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
registerNode: true
syncFrequency: 10s
fileCheckFrequency: 10s
nodeStatusUpdateFrequency: 5s
EOF
  write_run kubelet "$(node_bin kubelet)" --config="$N/kubelet/config.yaml" --kubeconfig="$k/kubelet.kubeconfig" \
    --root-dir="$N/kubelet/root" --cert-dir="$N/kubelet/pki" --node-ip="$NODE_IP" --hostname-override="$NODE_NAME" --v=1

  cat >"$N/kube-proxy/config.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: "$k/kube-proxy.kubeconfig"}
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
clusterCIDR: $POD_CIDR
nodePortAddresses: [$NODE_IP/32]
iptables: {localhostNodePorts: false, masqueradeAll: false}
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  write_run kube-proxy "$(node_bin kube-proxy)" --config="$N/kube-proxy/config.yaml" --v=1
}

# ---------------------------------------------------------------------------------------------------------
# Commands.

need_all() {
  [ "$(id -u)" -eq 0 ] || die "the node needs root (namespaces, mounts, iptables)"
  need openssl curl ip iptables nsenter unshare setsid containerd containerd-shim-runc-v2 runc ctr conntrack gcc
  local b
  for b in "$(etcd_bin_dir)/etcd" "$(kube_bin kube-apiserver)" "$(kube_bin kubectl)"; do
    [ -x "$b" ] || die "missing $b (run hack/install.sh --tools)"
  done
  for b in kubelet kube-controller-manager kube-scheduler kube-proxy; do
    [ -x "$(node_bin "$b")" ] || die "missing $(node_bin "$b") (run hack/install.sh --tools)"
  done
  [ -d /sys/fs/cgroup/memory ] || [ -f /sys/fs/cgroup/cgroup.controllers ] || die "no cgroup hierarchy at /sys/fs/cgroup"
}

node_ready() {
  [ "$(nk get node "$NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

node_is_up() {
  [ -f "$N/up.done" ] || return 1
  local p
  for p in "${PARTS[@]}"; do part_pid "$p" >/dev/null && "check_$p" || return 1; done
  node_ready
}

# Processes of the node without a valid PID file: the containerd shims (their command lines name the node's
# socket) and parts whose start was interrupted.
stray_pids() {
  local d pid
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
    case "$(cat "$d/comm" 2>/dev/null)" in
      etcd|kube-apiserver|kube-controller|kube-scheduler|kubelet|kube-proxy|containerd|containerd-shim|nsenter|setsid) ;;
      *) continue ;;
    esac
    is_node_pid "$pid" && echo "$pid"
  done
}

# kubelet's cgroupRoot must exist in every cgroup v1 hierarchy; a new cpuset starts empty and takes no task
# until it has the parent's CPUs and memory nodes.
cgroups_up() {
  local h
  for h in /sys/fs/cgroup/*/; do
    [ -d "$h" ] && [ ! -L "${h%/}" ] || continue
    mkdir -p "$h$CGROUP_ROOT"
    if [ -f "${h}cpuset.cpus" ]; then
      cat "${h}cpuset.cpus" >"$h$CGROUP_ROOT/cpuset.cpus"
      cat "${h}cpuset.mems" >"$h$CGROUP_ROOT/cpuset.mems"
    fi
  done
}

# The node's cgroups (every Pod's processes) in each cgroup v1 hierarchy, deepest first.
node_cgroups() {
  local h
  for h in /sys/fs/cgroup/*/; do
    [ -d "$h$CGROUP_ROOT" ] && find "$h$CGROUP_ROOT" -depth -type d
  done
  return 0
}

cmd_down() {
  rm -f "$N/up.done"
  local p pid cg sweep
  # Pods first, while containerd still runs: kill every process in the node's cgroups (the containers).
  for p in kube-proxy kubelet kube-scheduler kube-controller-manager; do
    pid="$(part_pid "$p")" && kill_pid "$pid"
    rm -f "$(pid_file "$p")"
  done
  for sweep in 1 2 3; do
    for cg in $(node_cgroups); do
      [ -f "$cg/cgroup.procs" ] && xargs -r kill -KILL <"$cg/cgroup.procs" 2>/dev/null || true
    done
    sleep 0.3
  done
  for p in containerd kube-apiserver etcd; do
    pid="$(part_pid "$p")" && kill_pid "$pid"
    rm -f "$(pid_file "$p")"
  done
  for sweep in 1 2; do
    for pid in $(stray_pids); do kill_pid "$pid"; done
    [ "$sweep" = 2 ] || sleep 0.5
  done
  for cg in $(node_cgroups); do rmdir "$cg" 2>/dev/null || true; done
  mnt_down
  net_down
  restore_sysctls
  step "node is down (logs kept in $N/logs)"
}

# kubelet sets kernel.panic, kernel.panic_on_oops, vm.overcommit_memory...: put back what the machine had.
save_sysctls() {
  local s
  [ -s "$N/sysctls.saved" ] && return 0
  for s in "${KUBELET_SYSCTLS[@]}"; do printf '%s=%s\n' "$s" "$(sysctl -n "$s" 2>/dev/null)"; done >"$N/sysctls.saved"
}
restore_sysctls() {
  [ -s "$N/sysctls.saved" ] || return 0
  local kv
  while IFS= read -r kv; do [ -n "${kv#*=}" ] && sysctl -qw "$kv" 2>/dev/null || true; done <"$N/sysctls.saved"
  rm -f "$N/sysctls.saved"
}

cmd_up() {
  if node_is_up; then
    step "node already up in $N"
    print_where
    return
  fi
  need_all
  local t0=$SECONDS saved=""
  if [ -d "$N" ]; then
    [ -z "$(ls -A "$N")" ] || [ -f "$N/.domainguard-node" ] || die "$N exists and is not a node dir; set DG_NODE_DIR elsewhere"
    (cmd_down) >/dev/null 2>&1 || cmd_down
    # Keep the saved sysctls of a node that went down without restoring them.
    [ -s "$N/sysctls.saved" ] && saved="$(cat "$N/sysctls.saved")"
    rm -rf "$N"
  fi
  ip netns list 2>/dev/null | grep -qw "$NETNS" && die "network namespace $NETNS exists but is not this node's (ip netns del $NETNS)"
  mkdir -p "$N"/{pids,logs,run}
  touch "$N/.domainguard-node"
  [ -n "$saved" ] && printf '%s\n' "$saved" >"$N/sysctls.saved"
  save_sysctls
  step "node in $N"
  PAUSE_REF="$(hack_image --pause --out "$N/pause.tar" | sed -n 's/^ref //p')" || die "pause image build failed"
  [ -n "$PAUSE_REF" ] || die "pause image build failed"
  net_up
  mnt_up
  gen_certs
  gen_configs

  step "starting the node's parts"
  local p
  for p in etcd kube-apiserver containerd; do info "$p"; start_part "$p"; done
  ctr --address "$N/containerd/containerd.sock" -n k8s.io images import "$N/pause.tar" >/dev/null ||
    die "importing the pause image into containerd failed"
  cgroups_up
  for p in kube-controller-manager kube-scheduler kubelet kube-proxy; do info "$p"; start_part "$p"; done
  wait_for "node $NODE_NAME Ready (log: $N/logs/kubelet.log)" 120 node_ready
  write_env
  touch "$N/up.done"
  step "node up in $((SECONDS - t0))s"
  print_where
}

hack_image() { "$DG_ROOT/hack/image.sh" "$@"; }

write_env() {
  {
    printf 'export DG_NODE_DIR=%s\n' "$N"
    printf 'export DG_NODE_KUBECONFIG=%s\n' "$N/kube/admin.kubeconfig"
    printf 'export DG_CONTAINERD_ADDRESS=%s\n' "$N/containerd/containerd.sock"
    printf 'export DG_NODE_NETNS=%s\n' "$NETNS"
  } >"$N/env"
}

print_where() {
  info "kube-apiserver https://$NODE_ADDR:6443 (kubeconfig $N/kube/admin.kubeconfig), node $NODE_NAME $NODE_IP"
  info "containerd $N/containerd/containerd.sock; Pods $POD_CIDR on $BRIDGE in netns $NETNS"
  info "eval \"\$(hack/node.sh env)\"   (env file: $N/env)"
}

cmd_status() {
  local p pid ok=0 state
  for p in "${PARTS[@]}"; do
    if pid="$(part_pid "$p")"; then
      if "check_$p"; then state="up (pid $pid)"; else state="NOT ANSWERING (pid $pid, log $N/logs/$p.log)"; ok=1; fi
    else
      state=stopped
      ok=1
    fi
    printf '%-24s %s\n' "$p" "$state"
  done
  if node_ready; then printf '%-24s %s\n' "node $NODE_NAME" Ready; else printf '%-24s %s\n' "node $NODE_NAME" "not Ready"; ok=1; fi
  [ -f "$N/up.done" ] || { echo "(no completed 'up' in $N)"; ok=1; }
  return $ok
}

cmd_env() {
  [ -f "$N/up.done" ] && [ -f "$N/env" ] || die "node in $N is not up (hack/node.sh up)"
  cat "$N/env"
}

lock() {
  mkdir -p "$(dirname "$N")"
  exec 9>"$N.lock"
  flock -w 600 9 || die "another hack/node.sh holds $N.lock for over 10 min"
}

case "${1:-}" in
  up) lock; cmd_up ;;
  down) lock; [ -d "$N" ] || { net_down; step "node is down ($N does not exist)"; exit 0; }; cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  -h|--help|help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '${1:-}' (up|down|status|env; see --help)" ;;
esac
