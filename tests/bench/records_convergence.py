#!/usr/bin/env python3
"""The records convergence benchmark's driver (run by bench_records_convergence.sh, which starts the controller).

In one run, against the bed's PowerDNS A and kube-apiserver:
  floor        N zones x R rrsets written straight to the PowerDNS API, one POST per zone, one connection, then
               checked over DNS; the zones are deleted again.
  convergence  N Domains x R records in one `kubectl apply -f`, timed from the start of kubectl to the moment
               every zone is served over DNS at PowerDNS A (the figure held to the target), and to the moment
               every Domain reports RecordsSynced=True for its generation (seen on a watch); then every record
               checked over DNS.
  steady       over a window of several poll intervals: provider calls by operation (the controller's
               domainguard_provider_requests_total) and every zone's serial at PowerDNS (unchanged = no write).
  drift        one record deleted at PowerDNS behind domainguard's back: time until it is served again.
  kube floor   the same N Domains applied with the same `kubectl apply -f` to a namespace no controller watches:
               what the apiserver alone costs (run last, so it does not load the apiserver during convergence).
Prints one figure per line and exits 1 when a target is missed or a record is not served.
"""
import argparse
import http.client
import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request


def rrsets_of(zone, count):
    """The R rrsets of one zone (the same for the floor and the Domains): apex MX and TXT, www A and AAAA, then A."""
    out = [
        ("@", "MX", 300, ["10 mx.%s" % zone]),
        ("@", "TXT", 300, ['"v=spf1 -all"']),
        ("www", "A", 60, ["192.0.2.80"]),
        ("www", "AAAA", 60, ["2001:db8::80"]),
        ("mx", "A", 300, ["192.0.2.25"]),
    ]
    i = 0
    while len(out) < count:
        i += 1
        out.append(("h%d" % i, "A", 300, ["198.51.100.%d" % (i % 250 + 1)]))
    return out[:count]


def fqdn(name, zone):
    return zone if name == "@" else "%s.%s" % (name, zone)


class PowerDns:
    def __init__(self, api, key):
        u = urllib.parse.urlparse(api)
        self.host, self.port, self.key = u.hostname, u.port, key
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def call(self, method, path, body=None):
        headers = {"X-API-Key": self.key, "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(3):
            try:
                self.conn.request(method, "/api/v1/servers/localhost" + path, body=data, headers=headers)
                r = self.conn.getresponse()
                text = r.read()
                return r.status, text
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt == 2:
                    raise
        return 0, b""

    def serials(self, zones):
        status, body = self.call("GET", "/zones")
        if status != 200:
            raise RuntimeError("PowerDNS zone list: HTTP %d" % status)
        wanted = set(zones)
        return {z["name"]: z.get("serial", 0) for z in json.loads(body) if z.get("name") in wanted}


class Kube:
    def __init__(self, server, ca, token):
        u = urllib.parse.urlparse(server)
        self.host, self.port = u.hostname, u.port
        self.ctx = ssl.create_default_context(cafile=ca)
        self.token = token

    def connect(self, timeout=30):
        return http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=timeout)

    def get(self, path):
        c = self.connect()
        c.request("GET", path, headers={"Authorization": "Bearer " + self.token})
        r = c.getresponse()
        body = r.read()
        c.close()
        if r.status != 200:
            raise RuntimeError("GET %s: HTTP %d %s" % (path, r.status, body[:200]))
        return json.loads(body)


def synced(obj):
    gen = obj.get("metadata", {}).get("generation", 0)
    for c in obj.get("status", {}).get("conditions", []) or []:
        if c.get("type") == "RecordsSynced":
            return c.get("status") == "True" and c.get("observedGeneration", 0) >= gen
    return False


class SyncWatch(threading.Thread):
    """Lists then watches the namespace's Domains; `done` is set when `want` of them are synced."""

    def __init__(self, kube, namespace, want):
        super().__init__(daemon=True)
        self.kube, self.ns, self.want = kube, namespace, want
        self.state = {}
        self.done = threading.Event()
        self.done_at = None
        self.first_synced_at = None
        self.error = None

    def note(self, obj):
        name = obj["metadata"]["name"]
        self.state[name] = synced(obj)
        if self.state[name] and self.first_synced_at is None:
            self.first_synced_at = time.monotonic()
        if not self.done.is_set() and sum(self.state.values()) >= self.want:
            self.done_at = time.monotonic()
            self.done.set()

    def run(self):
        base = "/apis/domainguard.io/v1alpha1/namespaces/%s/domains" % self.ns
        try:
            while not self.done.is_set():
                listed = self.kube.get(base)
                for obj in listed["items"]:
                    self.note(obj)
                rv = listed["metadata"]["resourceVersion"]
                c = self.kube.connect(timeout=300)
                c.request("GET", base + "?watch=1&allowWatchBookmarks=true&resourceVersion=" + rv,
                          headers={"Authorization": "Bearer " + self.kube.token})
                r = c.getresponse()
                if r.status != 200:
                    raise RuntimeError("watch: HTTP %d" % r.status)
                while not self.done.is_set():
                    line = r.readline()
                    if not line:
                        break
                    ev = json.loads(line)
                    if ev.get("type") in ("ADDED", "MODIFIED"):
                        self.note(ev["object"])
                    elif ev.get("type") == "ERROR":
                        break  # 410 Gone: list again
                c.close()
        except Exception as e:  # reported by the main thread
            self.error = e
            self.done.set()


class ServedWatch(threading.Thread):
    """Asks `server` for www.<zone> A of every zone not yet served, round after round (a zone is created with all
    its rrsets in one request, so one served record stands for the zone; dig_check confirms every record after).
    `done_at` is when the last zone was first seen served."""

    def __init__(self, server, zones):
        super().__init__(daemon=True)
        self.server, self.pending = server, set(zones)
        self.done = threading.Event()
        self.done_at = None

    def run(self):
        while self.pending:
            script = "".join("@%s www.%s A +norecurse +noall +answer +time=1 +tries=1\n" % (self.server, z)
                             for z in sorted(self.pending))
            out = subprocess.run(["dig", "-f", "-"], input=script, capture_output=True, text=True).stdout
            for line in out.splitlines():
                parts = line.split()
                if len(parts) >= 5 and parts[3] == "A" and parts[4] == "192.0.2.80":
                    self.pending.discard(parts[0].lower()[len("www."):])
            if self.pending:
                time.sleep(0.5)
        self.done_at = time.monotonic()
        self.done.set()


def dig_check(server, zones, count, parallel=4):
    """Queries every (name, type) of every zone at `server`; returns the list of missing or wrong answers."""
    expected = {}
    for z in zones:
        for name, rtype, _, values in rrsets_of(z, count):
            expected[(fqdn(name, z).lower(), rtype)] = sorted(values)
    keys = list(expected)
    chunks = [keys[i::parallel] for i in range(parallel)]
    procs = []
    files = []
    for chunk in chunks:
        f = tempfile.NamedTemporaryFile("w", suffix=".dig", delete=False)
        for name, rtype in chunk:
            f.write("@%s %s %s +norecurse +noall +answer +time=2 +tries=2\n" % (server, name, rtype))
        f.close()
        files.append(f.name)
        procs.append(subprocess.Popen(["dig", "-f", f.name], stdout=subprocess.PIPE, text=True))
    served = {}
    for p in procs:
        out, _ = p.communicate()
        for line in out.splitlines():
            parts = line.split(None, 4)
            if len(parts) < 5 or parts[2] != "IN":
                continue
            served.setdefault((parts[0].lower(), parts[3]), []).append(parts[4].strip())
    for f in files:
        os.unlink(f)
    bad = []
    for k, values in expected.items():
        got = sorted(served.get(k, []))
        if got != values:
            bad.append("%s %s: want %s, got %s" % (k[0], k[1], values, got or "nothing"))
    return bad


def domain_yaml(namespace, names, zones, count, provider):
    docs = []
    for name, z in zip(names, zones):
        recs = []
        for rname, rtype, ttl, values in rrsets_of(z, count):
            recs.append({"name": rname, "type": rtype, "ttl": ttl, "values": values})
        docs.append(json.dumps({
            "apiVersion": "domainguard.io/v1alpha1", "kind": "Domain",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"zone": z.rstrip("."), "providers": [{"name": provider}], "records": recs}}))
    return "\n---\n".join(docs) + "\n"


def provider_calls(metrics_url, namespace):
    """domainguard_provider_requests_total of `namespace`, summed by method."""
    with urllib.request.urlopen(metrics_url, timeout=10) as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        if not line.startswith("domainguard_provider_requests_total{"):
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', line[: line.rindex("}")]))
        if labels.get("namespace") != namespace:
            continue
        out[labels.get("method", "")] = out.get(labels.get("method", ""), 0) + float(line.rsplit(" ", 1)[1])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--namespace", required=True)
    ap.add_argument("--idle-namespace", required=True, help="a namespace no controller watches (the kube floor)")
    ap.add_argument("--domains", type=int, default=1000)
    ap.add_argument("--records", type=int, default=20)
    ap.add_argument("--tag", required=True, help="unique per run: part of every zone name")
    ap.add_argument("--metrics", required=True, help="the controller's /metrics URL")
    ap.add_argument("--poll-interval", type=float, required=True, help="the controller's --drift-poll-interval (s)")
    ap.add_argument("--steady-window", type=float, default=0, help="seconds (default 3 poll intervals)")
    ap.add_argument("--ratio-target", type=float, default=1.5)
    args = ap.parse_args()

    env = os.environ
    pdns = PowerDns(env["DG_PDNS_A_API"], env["DG_PDNS_A_KEY"])
    dns = env["DG_PDNS_A_DNS"]
    kube = Kube(env["DG_KUBE_SERVER"], env["DG_KUBE_CA"], env["DG_KUBE_ADMIN_TOKEN"])
    n, r = args.domains, args.records
    failures = []

    def fig(name, value):
        print("    %-44s %s" % (name, value), flush=True)

    # 1. The floor.
    floor_zones = ["floor-%s-%d.test." % (args.tag, i) for i in range(n)]
    bodies = []
    for z in floor_zones:
        rrsets = [{"name": fqdn(name, z), "type": t, "ttl": ttl,
                   "records": [{"content": v, "disabled": False} for v in values]}
                  for name, t, ttl, values in rrsets_of(z, r)]
        bodies.append({"name": z, "kind": "Native", "nameservers": ["ns1.pdns-a.net."], "rrsets": rrsets})
    t0 = time.monotonic()
    for b in bodies:
        status, text = pdns.call("POST", "/zones", b)
        if status != 201:
            sys.exit("floor: POST %s: HTTP %d %s" % (b["name"], status, text[:200]))
    floor_s = time.monotonic() - t0
    bad = dig_check(dns, floor_zones, r)
    for z in floor_zones:
        pdns.call("DELETE", "/zones/" + z)
    fig("floor: zones written", "%d x %d rrsets in %.2f s (%.0f zones/s), %d not served" %
        (n, r, floor_s, n / floor_s, len(bad)))
    if bad:
        failures.append("floor: %d records not served, e.g. %s" % (len(bad), bad[0]))

    # 2. Convergence through kubectl and the controller.
    names = ["conv-%d" % i for i in range(n)]
    zones = ["conv-%s-%d.test." % (args.tag, i) for i in range(n)]
    manifest = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    manifest.write(domain_yaml(args.namespace, names, zones, r, "pdns-a"))
    manifest.close()
    watch = SyncWatch(kube, args.namespace, n)
    watch.start()
    served = ServedWatch(dns, zones)
    t0 = time.monotonic()
    served.start()
    applied = subprocess.run(["kubectl", "apply", "-f", manifest.name], capture_output=True, text=True)
    kubectl_s = time.monotonic() - t0
    os.unlink(manifest.name)
    if applied.returncode != 0:
        sys.exit("kubectl apply failed: " + applied.stderr[-500:])
    deadline = max(120.0, 20 * floor_s)
    if not watch.done.wait(deadline):
        sys.exit("convergence: only %d of %d Domains synced after %.0f s" % (sum(watch.state.values()), n, deadline))
    if watch.error:
        sys.exit("convergence: watch failed: %s" % watch.error)
    conv_s = watch.done_at - t0
    if not served.done.wait(60):
        sys.exit("convergence: %d zones still not served 60 s after every Domain was synced" % len(served.pending))
    served_s = served.done_at - t0
    bad = dig_check(dns, zones, r)
    ratio = served_s / floor_s
    fig("convergence: kubectl apply", "%d Domains in %.2f s" % (n, kubectl_s))
    fig("convergence: first Domain synced", "%.2f s after kubectl started" % (watch.first_synced_at - t0))
    fig("convergence: every zone served (DNS)", "%.2f s after kubectl started (%.0f zones/s)" %
        (served_s, n / served_s))
    fig("convergence: all Domains synced", "%.2f s after kubectl started (%.0f Domains/s)" % (conv_s, n / conv_s))
    fig("convergence: after kubectl returned", "served %.2f s, synced %.2f s more" %
        (max(0.0, served_s - kubectl_s), max(0.0, conv_s - kubectl_s)))
    fig("convergence: records served (DNS)", "%d of %d" % (n * r - len(bad), n * r))
    fig("convergence / floor", "%.2fx (target <= %.2fx)" % (ratio, args.ratio_target))
    if bad:
        failures.append("convergence: %d records not served, e.g. %s" % (len(bad), bad[0]))
    if ratio > args.ratio_target:
        failures.append("convergence %.2f s is %.2fx the floor %.2f s (target <= %.2fx)" %
                        (served_s, ratio, floor_s, args.ratio_target))

    # 3. Steady state: nothing written, no zone read between full compares.
    window = args.steady_window or 3 * args.poll_interval
    time.sleep(min(args.poll_interval, 10))  # the passes queued during convergence settle
    before_calls = provider_calls(args.metrics, args.namespace)
    before_serials = pdns.serials(zones)
    time.sleep(window)
    after_calls = provider_calls(args.metrics, args.namespace)
    after_serials = pdns.serials(zones)
    delta = {m: after_calls.get(m, 0) - before_calls.get(m, 0) for m in set(after_calls) | set(before_calls)}
    writes = delta.get("apply", 0) + delta.get("create_zone", 0)
    reads = delta.get("read_zone", 0)
    moved = sum(1 for z in zones if after_serials.get(z) != before_serials.get(z))
    fig("steady: window", "%.0f s (poll interval %.0f s)" % (window, args.poll_interval))
    fig("steady: provider writes", "%d (apply %d, create_zone %d)" %
        (writes, delta.get("apply", 0), delta.get("create_zone", 0)))
    fig("steady: zone reads", "%d" % reads)
    fig("steady: serial polls", "%d (%.1f/s for %d Domains)" % (delta.get("serial", 0), delta.get("serial", 0) / window, n))
    fig("steady: zone serials changed at PowerDNS", "%d of %d" % (moved, n))
    if writes or moved:
        failures.append("steady state wrote: %d provider writes, %d serials moved" % (writes, moved))
    if reads:
        failures.append("steady state read %d zones between full compares" % reads)
    if delta.get("serial", 0) < n:
        failures.append("steady state: only %d serial polls in %.0f s for %d Domains" % (delta.get("serial", 0), window, n))

    # 4. Drift without NOTIFY: repaired within the poll interval + 2 s.
    victim = zones[n // 2]
    status, _ = pdns.call("PATCH", "/zones/" + victim,
                          {"rrsets": [{"name": "www." + victim, "type": "A", "changetype": "DELETE"}]})
    if status != 204:
        failures.append("drift: deleting www.%s A at PowerDNS: HTTP %d" % (victim, status))
    else:
        t0 = time.monotonic()
        repaired = None
        while time.monotonic() - t0 < args.poll_interval + 30:
            out = subprocess.run(["dig", "@" + dns, "www." + victim, "A", "+short", "+norecurse", "+time=1"],
                                 capture_output=True, text=True).stdout.split()
            if out == ["192.0.2.80"]:
                repaired = time.monotonic() - t0
                break
            time.sleep(0.05)
        fig("drift: record deleted at PowerDNS, served again", "after %s (target <= %.0f s)" %
            ("%.2f s" % repaired if repaired is not None else "never", args.poll_interval + 2))
        if repaired is None or repaired > args.poll_interval + 2:
            failures.append("drift repaired after %s (target <= poll interval + 2 s)" % repaired)

    # 5. The kube floor: the same kubectl apply where nothing watches.
    manifest = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    manifest.write(domain_yaml(args.idle_namespace, names, zones, r, "pdns-a"))
    manifest.close()
    t0 = time.monotonic()
    applied = subprocess.run(["kubectl", "apply", "-f", manifest.name], capture_output=True, text=True)
    idle_s = time.monotonic() - t0
    os.unlink(manifest.name)
    if applied.returncode != 0:
        failures.append("kube floor: kubectl apply failed: " + applied.stderr[-300:])
    else:
        fig("kube floor: kubectl apply, no controller", "%d Domains in %.2f s (%.2fx the PowerDNS floor)" %
            (n, idle_s, idle_s / floor_s))
        fig("convergence (served) / kube floor", "%.2fx" % (served_s / idle_s))
    subprocess.run(["kubectl", "-n", args.idle_namespace, "delete", "domains", "--all", "--wait=false"],
                   capture_output=True, text=True)

    # Zones written here are deleted at the provider (Domains never delete them).
    for z in zones:
        pdns.call("DELETE", "/zones/" + z)
    for f in failures:
        print("FAIL: " + f, flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
