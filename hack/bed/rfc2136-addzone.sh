#!/usr/bin/env bash
# Creates an empty dynamic zone on the test bed's RFC 2136 provider (BIND at 127.53.1.3): SOA + NS
# ns1.bind-c.net., updatable and transferable with the bed's RFC 2136 TSIG key only (unsigned updates are
# REFUSED). Extra record lines ("www 300 IN A 192.0.2.1", relative to the zone) may follow the zone name.
#
#   rfc2136-addzone.sh ZONE [RECORD_LINE...]        (the bed exports it as $DG_RFC2136_ADDZONE)
#
# DG_ADDZONE_NOTIFY="127.0.0.1 port 15353" makes BIND send NOTIFY for this zone there on every change (the bed's
# BIND has `notify explicit`: no NOTIFY goes anywhere else).
#
# Needs DG_BED_DIR (the generated $DG_RFC2136_ADDZONE wrapper sets it). Exit 0 once the zone answers.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 ZONE [RECORD_LINE...]" >&2; exit 2; }
bed=${DG_BED_DIR:?DG_BED_DIR is unset}
zone=${1%.}
shift
[ -n "$zone" ] || { echo "error: empty zone name" >&2; exit 2; }
case "$zone" in *[!A-Za-z0-9._-]*) echo "error: invalid zone name '$zone'" >&2; exit 2 ;; esac
dir="$bed/bind-c"
# shellcheck disable=SC1091
source "$dir/tsig.env"   # TSIG_NAME
file="$dir/zones/$zone.db"
# shellcheck disable=SC2016 # literal $TTL and $ORIGIN directives
{
  printf '$TTL 300\n'
  printf '%s. IN SOA ns1.bind-c.net. hostmaster.%s. 1 1800 900 604800 300\n' "$zone" "$zone"
  printf '%s. IN NS ns1.bind-c.net.\n' "$zone"
  printf '$ORIGIN %s.\n' "$zone"
  for line in "$@"; do printf '%s\n' "$line"; done
} >"$file.tmp"
named-checkzone -q "$zone" "$file.tmp" || { echo "error: zone $zone does not check (named-checkzone)" >&2; rm -f "$file.tmp"; exit 1; }
mv "$file.tmp" "$file"
notify=""
if [ -n "${DG_ADDZONE_NOTIFY:-}" ]; then
  case "$DG_ADDZONE_NOTIFY" in 127.*) ;; *) echo "error: DG_ADDZONE_NOTIFY must be a loopback address" >&2; exit 2 ;; esac
  notify="also-notify { $DG_ADDZONE_NOTIFY; };"
fi
rndc -c "$dir/rndc.conf" addzone "$zone" \
  "{ type primary; file \"$file\"; allow-update { key \"$TSIG_NAME\"; }; allow-transfer { key \"$TSIG_NAME\"; }; $notify };" ||
  { echo "error: rndc addzone $zone failed on the bind-c instance (log: $bed/logs/bind-c.log)" >&2; exit 1; }
for _ in $(seq 50); do
  dig +norec +short +time=1 +tries=1 @127.53.1.3 "$zone." SOA | grep -q . && exit 0
  sleep 0.1
done
echo "error: zone $zone added but 127.53.1.3 does not answer its SOA" >&2
exit 1
