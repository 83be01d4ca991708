#!/usr/bin/env bash
# Builds tests/bench/count_proxy.cc (the benchmarks' counting pass-through in front of a PowerDNS API) into DIR
# when it is missing or older than its source, and prints the binary's path. Usage: count_proxy.sh DIR
set -euo pipefail
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/count_proxy.cc"
DIR=${1:?usage: count_proxy.sh DIR}
mkdir -p "$DIR"
BIN="$DIR/count_proxy"
if [ ! -x "$BIN" ] || [ "$SRC" -nt "$BIN" ]; then
  "${CXX:-c++}" -std=c++17 -O2 -Wall -Wextra -Werror -pthread -o "$BIN.tmp" "$SRC"
  mv "$BIN.tmp" "$BIN"
fi
echo "$BIN"
