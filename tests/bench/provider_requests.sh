#!/usr/bin/env bash
# Provider requests of a real `domainguard run`, every PowerDNS API request counted by a proxy in front of PowerDNS A
# (tests/bench/count_proxy.cc, built by count_proxy.sh): N new Domains converging (R records each, one provider),
# then the same N Domains at rest for REST seconds. Issue #14 item 8: at rest at most one request per provider per
# poll interval whatever the number of zones; a new zone at most 2 requests, an edit at most 3.
#
#   eval "$(hack/testbed.sh env)"; flock /tmp/dg-bed.lock tests/bench/provider_requests.sh
#
# Knobs: DG_REQ_DOMAINS (200), DG_REQ_RECORDS (5), DG_REQ_REST (120 s), DG_REQ_POLL (30 s, --drift-poll-interval),
# DG_DOMAINGUARD_BIN (build/controller/app/domainguard). The zones are deleted at PowerDNS afterwards.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/hack/lib.sh"
tools_path
for v in KUBECONFIG DG_PDNS_A_API DG_PDNS_A_KEY DG_ROOT_HINTS DG_RDAP_BOOTSTRAP DG_WHOIS_ADDR; do
  [ -n "${!v:-}" ] || die "bed variable $v is unset: eval \"\$(hack/testbed.sh env)\""
done
BIN="${DG_DOMAINGUARD_BIN:-$ROOT/build/controller/app/domainguard}"
[ -x "$BIN" ] || die "no domainguard binary at $BIN"
N=${DG_REQ_DOMAINS:-200} R=${DG_REQ_RECORDS:-5} REST=${DG_REQ_REST:-120} POLL=${DG_REQ_POLL:-30}
TAG="$(date +%s | tail -c 6)$$"
NS="req-$TAG"
WORK="$(mktemp -d)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PROXY_PORT=$(free_port) METRICS_PORT=$(free_port) PROBE_PORT=$(free_port)
PIDS=()
cleanup() {
  set +e  # every step runs, whatever the one before it returned (a killed child's wait returns 143)
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  for i in $(seq 0 $((N - 1))); do  # straight at PowerDNS, not through the proxy
    curl -s -o /dev/null -X DELETE -H "X-API-Key: $DG_PDNS_A_KEY" \
      "$DG_PDNS_A_API/api/v1/servers/localhost/zones/req-$TAG-$i.test." || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

PROXY="$("$ROOT/tests/bench/count_proxy.sh" "$WORK")"
"$PROXY" --listen "127.0.0.1:$PROXY_PORT" --upstream "$DG_PDNS_A_API" \
  >"$WORK/proxy.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PROXY_PORT/_counts" >/dev/null 2>&1 && break; sleep 0.1; done
kubectl apply -f "$ROOT/crds/" >/dev/null
kubectl wait --for=condition=Established crd/domains.domainguard.io crd/dnsproviders.domainguard.io --timeout=30s >/dev/null
kubectl create namespace "$NS" >/dev/null
kubectl -n "$NS" create secret generic pdns-a --from-literal=api-key="$DG_PDNS_A_KEY" >/dev/null
pdns_provider_yaml pdns-a "http://127.0.0.1:$PROXY_PORT" | kubectl -n "$NS" apply -f - >/dev/null
"$BIN" run --kubeconfig="$KUBECONFIG" --namespace="$NS" --leader-election-namespace="$NS" \
  --metrics-bind-address="127.0.0.1:$METRICS_PORT" --health-probe-bind-address="127.0.0.1:$PROBE_PORT" \
  --root-hints="$DG_ROOT_HINTS" --rdap-bootstrap="$DG_RDAP_BOOTSTRAP" --rdap-bootstrap-url="${DG_RDAP_URL}bootstrap.json" \
  --whois-servers="test=$DG_WHOIS_ADDR" --drift-poll-interval="${POLL}s" >"$WORK/controller.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PROBE_PORT/readyz" >/dev/null 2>&1 && break; sleep 0.3; done
curl -fs "http://127.0.0.1:$PROBE_PORT/readyz" >/dev/null || die "controller not ready within 30 s"

python3 - "$NS" "$TAG" "$N" "$R" "$REST" "$POLL" "http://127.0.0.1:$PROXY_PORT/_counts" <<'PY'
import json, subprocess, sys, tempfile, time, urllib.request
ns, tag, n, r, rest, poll, counts_url = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), \
    float(sys.argv[5]), float(sys.argv[6]), sys.argv[7]

def counts():
    with urllib.request.urlopen(counts_url, timeout=10) as resp:
        return json.load(resp)

def diff(a, b):
    return {k: a.get(k, 0) - b.get(k, 0) for k in sorted(set(a) | set(b)) if a.get(k, 0) != b.get(k, 0)}

def synced():
    out = subprocess.run(["kubectl", "-n", ns, "get", "domains", "-o", "json"], capture_output=True, text=True,
                         check=True).stdout
    done = 0
    for d in json.loads(out)["items"]:
        for c in d.get("status", {}).get("conditions", []):
            if c.get("type") == "RecordsSynced" and c.get("status") == "True":
                done += 1
    return done

docs = []
for i in range(n):
    z = "req-%s-%d.test" % (tag, i)
    recs = [{"name": "h%d" % j, "type": "A", "ttl": 300, "values": ["192.0.2.%d" % (j + 1)]} for j in range(r)]
    docs.append(json.dumps({"apiVersion": "domainguard.io/v1alpha1", "kind": "Domain",
                            "metadata": {"name": "req-%d" % i, "namespace": ns},
                            "spec": {"zone": z, "providers": [{"name": "pdns-a"}], "records": recs}}))
with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
    f.write("\n---\n".join(docs) + "\n")
c0 = counts()
t0 = time.monotonic()
subprocess.run(["kubectl", "apply", "-f", f.name], capture_output=True, check=True)
while synced() < n:
    if time.monotonic() - t0 > 600:
        sys.exit("only %d of %d Domains RecordsSynced after 600 s" % (synced(), n))
    time.sleep(2)
conv_s = time.monotonic() - t0
c1 = counts()
time.sleep(rest)
c2 = counts()
conv, at_rest = diff(c1, c0), diff(c2, c1)
total_conv, total_rest = sum(conv.values()), sum(at_rest.values())
print("converging: %d new Domains x %d records RecordsSynced in %.1f s: %d PowerDNS requests (%.2f per zone) %s" %
      (n, r, conv_s, total_conv, total_conv / n, json.dumps(conv)))
print("at rest: %d Domains for %.0f s (poll %.0f s, %.1f intervals): %d PowerDNS requests %s" %
      (n, rest, poll, rest / poll, total_rest, json.dumps(at_rest)))
print(json.dumps({"domains": n, "records": r, "converge_s": round(conv_s, 1), "converge_requests": total_conv,
                  "converge_by_kind": conv, "rest_s": rest, "poll_s": poll, "rest_requests": total_rest,
                  "rest_by_kind": at_rest}))
PY
