#!/usr/bin/env bash
# Builds the domainguard container image without a daemon or a registry, reproducibly.
#
#   hack/image.sh [--binary PATH] [--tag TAG] [--out FILE] [--import [--namespace NS] [--address SOCKET]]
#   hack/image.sh --pause [--tag TAG] [--out FILE] [--import ...]
#
# The image holds exactly: /domainguard (a stripped copy of the binary), the shared libraries `ldd` names and
# the dynamic loader, the CA bundle (/etc/ssl/certs/ca-certificates.crt, with OpenSSL's default path linked to it),
# the root hints (/usr/share/dns/root.hints, the default of --root-hints), the shipped RDAP bootstrap
# (/usr/share/domainguard/iana-rdap-dns.json, the default of --rdap-bootstrap), and /etc/passwd + /etc/group
# naming the non-root user 65532 it runs as. No shell, no package manager.
#
# The output is an OCI image layout in a tar (oci-layout, index.json, blobs/sha256/...), which
# `ctr -n k8s.io images import` reads. Every entry has a fixed mtime, owner 0:0 and a fixed mode, entries are
# sorted, and gzip writes no name or time: the same binary and the same Debian files give the same manifest
# digest. The last lines printed are "digest sha256:...", "size N bytes (compressed layer M bytes)".
#
#   --binary PATH   default build/controller/app/domainguard (build it first: cmake --build build --target domainguard)
#   --tag TAG       default domainguard/domainguard:<appVersion of charts/domainguard/Chart.yaml>
#   --out FILE      default build/image/domainguard-image.tar
#   --import        also import it into containerd (ctr -n NS images import; NS default k8s.io) at --address
#                   (default $DG_CONTAINERD_ADDRESS, else containerd's default socket)
#   --pause         instead: the Pod sandbox ("pause") image of the bed's node, a static build of the Kubernetes
#                   module's build/pause/linux/pause.c (same release as the bed's kube-apiserver), tag
#                   registry.k8s.io/pause:<its Makefile TAG>-dg
set -euo pipefail
source "$(dirname "$0")/lib.sh"

BIN="$DG_ROOT/build/controller/app/domainguard"
TAG=""
OUT="$DG_ROOT/build/image/domainguard-image.tar"
IMPORT=0
PAUSE=0
CTR_NS=k8s.io
CTR_ADDRESS="${DG_CONTAINERD_ADDRESS:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) BIN=$2; shift ;;
    --tag) TAG=$2; shift ;;
    --out) OUT=$2; shift ;;
    --import) IMPORT=1 ;;
    --namespace) CTR_NS=$2; shift ;;
    --address) CTR_ADDRESS=$2; shift ;;
    --pause) PAUSE=1 ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see hack/image.sh --help)" ;;
  esac
  shift
done
need tar gzip sha256sum jq
PAUSE_SRC="$(go env GOMODCACHE 2>/dev/null || echo /root/go/pkg/mod)/k8s.io/kubernetes@$DG_KUBE_VERSION/build/pause"
if [ -z "$TAG" ]; then
  if [ "$PAUSE" = 1 ]; then
    [ -f "$PAUSE_SRC/Makefile" ] || die "no $PAUSE_SRC (run hack/install.sh --tools)"
    TAG="registry.k8s.io/pause:$(sed -n 's/^TAG ?= *//p' "$PAUSE_SRC/Makefile")-dg"
  else
    app_version="$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$DG_ROOT/charts/domainguard/Chart.yaml")"
    [ -n "$app_version" ] || die "no appVersion in charts/domainguard/Chart.yaml"
    TAG="domainguard/domainguard:$app_version"
  fi
fi
# containerd's CRI plugin names images by their normalized reference: docker.io/library/x for a bare x,
# docker.io/<repo> for a path without a registry.
case "$TAG" in
  *:*) ;;
  *) die "--tag '$TAG' needs an explicit :tag" ;;
esac
first="${TAG%%/*}"
if [[ "$TAG" != */* ]]; then
  REF="docker.io/library/$TAG"
elif [[ "$first" == *.* || "$first" == *:* || "$first" == localhost ]]; then
  REF="$TAG"
else
  REF="docker.io/$TAG"
fi

work="$(mktemp -d /tmp/domainguard-image.XXXXXX)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root"

# Modes never depend on the caller's umask: directories 0755, files 0644, then the executables.
fix_modes() {
  find "$root" -type d -exec chmod 0755 {} +
  find "$root" -type f -exec chmod 0644 {} +
}

domainguard_rootfs() {
  need ldd objcopy
  [ -x "$BIN" ] || die "no domainguard binary at $BIN (build it: cmake --build build --target domainguard)"
  local ca_bundle=/etc/ssl/certs/ca-certificates.crt root_hints=/usr/share/dns/root.hints
  local bootstrap="$DG_ROOT/controller/registration/data/iana-rdap-dns.json" f path libs=0
  local libdir=usr/lib/x86_64-linux-gnu
  for f in "$ca_bundle" "$root_hints" "$bootstrap"; do
    [ -s "$f" ] || die "missing $f (run hack/install.sh)"
  done
  mkdir -p "$root/$libdir" "$root/usr/lib64" "$root/etc/ssl/certs" "$root/usr/lib/ssl" "$root/usr/share/dns" \
    "$root/usr/share/domainguard"
  step "image: rootfs from $BIN"
  objcopy --strip-all "$BIN" "$root/domainguard"
  # Every library the loader will open, copied (symlinks resolved) under the name it is asked for. A merged-/usr
  # layout like Debian's: /lib and /lib64 link into /usr, and the loader's default search path finds the rest.
  while read -r path; do
    [ -n "$path" ] || continue
    cp -L "$path" "$root/$libdir/$(basename "$path")"
    libs=$((libs + 1))
  done < <(ldd "$BIN" | awk '/=> \// { print $3; next } /^\t\/[^ ]+ \(/ { print $1 }' | sort -u)
  [ -f "$root/$libdir/ld-linux-x86-64.so.2" ] || die "ldd named no dynamic loader for $BIN"
  ln -s "../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$root/usr/lib64/ld-linux-x86-64.so.2"
  ln -s usr/lib "$root/lib"
  ln -s usr/lib64 "$root/lib64"
  cp "$ca_bundle" "$root/etc/ssl/certs/ca-certificates.crt"
  ln -s /etc/ssl/certs/ca-certificates.crt "$root/usr/lib/ssl/cert.pem"
  cp "$root_hints" "$root/usr/share/dns/root.hints"
  cp "$bootstrap" "$root/usr/share/domainguard/iana-rdap-dns.json"
  printf 'root:x:0:0:root:/:/sbin/nologin\nnonroot:x:65532:65532:domainguard:/:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
  fix_modes
  chmod 0755 "$root/domainguard" "$root/$libdir"/*.so*
  info "$libs shared libraries"
  # The binary runs from this root alone: catches a library ldd did not name.
  if [ "$(id -u)" -eq 0 ] && command -v chroot >/dev/null; then
    chroot --userspec=65532:65532 "$root" /domainguard version >/dev/null 2>"$work/version.err" ||
      die "the image's /domainguard does not run in its own root: $(head -c 300 "$work/version.err")"
  fi
  ENTRYPOINT=/domainguard CMD='["run"]' IMG_USER=65532:65532
  ENV='["SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"]'
}

pause_rootfs() {
  need gcc
  [ -f "$PAUSE_SRC/linux/pause.c" ] || die "no $PAUSE_SRC/linux/pause.c (run hack/install.sh --tools)"
  step "image: static pause from $PAUSE_SRC/linux/pause.c"
  gcc -Os -Wall -Werror -static -DVERSION="${TAG##*:}" -o "$root/pause" "$PAUSE_SRC/linux/pause.c" ||
    die "gcc of pause.c failed"
  strip "$root/pause"
  fix_modes
  chmod 0755 "$root/pause"
  ENTRYPOINT=/pause CMD='[]' IMG_USER=65535:65535 ENV='[]'
}

if [ "$PAUSE" = 1 ]; then pause_rootfs; else domainguard_rootfs; fi

# deterministic_tar DIR OUT: sorted entries, mtime 0, owner 0:0, no atime/ctime/pax times.
deterministic_tar() {
  (cd "$1" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) >"$work/list"
  tar --create --file "$2" --directory "$1" --no-recursion --verbatim-files-from --files-from "$work/list" \
    --format=gnu --owner=0 --group=0 --numeric-owner --mtime=@0 --mode='go-w'
}

step "image: layer, config, manifest"
blobs="$work/oci/blobs/sha256"
mkdir -p "$blobs"
deterministic_tar "$root" "$work/layer.tar"
diff_id="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
gzip -n -6 <"$work/layer.tar" >"$work/layer.tar.gz"
layer_digest="$(sha256sum "$work/layer.tar.gz" | cut -d' ' -f1)"
layer_size="$(stat -c %s "$work/layer.tar.gz")"
uncompressed="$(stat -c %s "$work/layer.tar")"
mv "$work/layer.tar.gz" "$blobs/$layer_digest"

# blob FILE: moves FILE to blobs/sha256/<digest>, prints "digest size".
blob() {
  local d s
  d="$(sha256sum "$1" | cut -d' ' -f1)"
  s="$(stat -c %s "$1")"
  mv "$1" "$blobs/$d"
  echo "$d $s"
}
jq -cnS --arg diff "sha256:$diff_id" --arg user "$IMG_USER" --arg entry "$ENTRYPOINT" --argjson cmd "$CMD" \
  --argjson env "$ENV" '{
  architecture: "amd64", os: "linux", created: "1970-01-01T00:00:00Z",
  config: {User: $user, Entrypoint: [$entry], Cmd: $cmd, WorkingDir: "/", Env: $env},
  rootfs: {type: "layers", diff_ids: [$diff]},
  history: [{created: "1970-01-01T00:00:00Z", created_by: "hack/image.sh"}]
}' >"$work/config.json"
read -r config_digest config_size < <(blob "$work/config.json")
jq -cnS --arg cd "sha256:$config_digest" --argjson cs "$config_size" \
  --arg ld "sha256:$layer_digest" --argjson ls "$layer_size" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
  layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $ld, size: $ls}]
}' >"$work/manifest.json"
read -r manifest_digest manifest_size < <(blob "$work/manifest.json")
jq -cnS --arg md "sha256:$manifest_digest" --argjson ms "$manifest_size" --arg ref "$REF" --arg tag "${TAG##*:}" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $md, size: $ms,
               platform: {architecture: "amd64", os: "linux"},
               annotations: {"io.containerd.image.name": $ref, "org.opencontainers.image.ref.name": $tag}}]
}' >"$work/oci/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$work/oci/oci-layout"
find "$work/oci" -type d -exec chmod 0755 {} +
find "$work/oci" -type f -exec chmod 0644 {} +
mkdir -p "$(dirname "$OUT")"
deterministic_tar "$work/oci" "$OUT.tmp"
mv "$OUT.tmp" "$OUT"

step "image $REF in $OUT"
if [ "$IMPORT" = 1 ]; then
  need ctr
  args=(-n "$CTR_NS")
  [ -n "$CTR_ADDRESS" ] && args=(--address "$CTR_ADDRESS" "${args[@]}")
  ctr "${args[@]}" images import --no-unpack=false "$OUT" >/dev/null ||
    die "ctr images import of $OUT failed"
  info "imported into containerd (namespace $CTR_NS${CTR_ADDRESS:+, $CTR_ADDRESS})"
fi
echo "ref $REF"
echo "digest sha256:$manifest_digest"
echo "size $((layer_size + config_size + manifest_size)) bytes (compressed layer $layer_size bytes, unpacked $uncompressed bytes)"
