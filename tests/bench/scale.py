#!/usr/bin/env python3
"""The scale benchmark's driver (run by bench_scale.sh on a bed of its own; targets: issue 14, tests/bench/README.md).

Phases, in one run, against the bed's kube-apiserver and both PowerDNS (each behind tests/bench/count_proxy.py):
  kube floor   N Domains x R records (2 providers each, delegated in the bed's `test.` TLD, so healthy) applied
               with `kubectl apply --server-side -f` of one multi-document file while NO controller runs; its
               apiserver writes are the user's own writes, subtracted from every later count. Measured again
               after the steady phase with the controller stopped; the ratio uses the mean of both.
  convergence  `domainguard run` started; the same apply of N other Domains; kubectl time vs the floor (<= 1.2x),
               the last zone served over DNS at both PowerDNS after kubectl returns (<= 2 s), then apiserver writes
               per new Domain once they settle (<= 3) and PowerDNS API requests per new zone.
               Each timed apply (both floors too) also reports the CPU seconds each process used meanwhile
               (CpuWindow), and this one domainguard's own apiserver requests by verb: whether a slow apply is the
               apiserver's work for domainguard or CPU taken by others on the same cores.
  steady       a window (default 300 s): apiserver writes per Domain per hour (0), PowerDNS requests per provider
               per poll interval (<= 1) and zone reads (0).
  big          (DG_SCALE_BIG=10000) the namespace grown to that many Domains, the controller restarted: start to
               first reconcile (<= 5 s), RSS (<= 150 MB), the shortest window holding one delegation check of every
               Domain (<= 15 s), CPU over one delegation interval (<= 0.5 core), apiserver writes per minute (0).
Apiserver writes are apiserver_request_total of verbs POST, PUT, PATCH, APPLY, DELETE, DELETECOLLECTION from the
apiserver's /metrics (the bed's apiserver serves only this run). Leases (leader election, the apiserver's own) and
the apiserver's endpoints writes are listed apart and not counted per Domain. Prints a table (figure, target, measured, pass/fail) and writes JSON; exits 0 even when a target
is missed (a benchmark reports), 2 only when it could not measure.
"""
import argparse
import http.client
import json
import os
import re
import resource
import select
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

WRITE_VERBS = {"POST", "PUT", "PATCH", "APPLY", "DELETE", "DELETECOLLECTION"}


def log(msg):
    print("    " + msg, flush=True)


def rrsets_of(zone, count):
    """R records of one zone: apex MX and TXT, www A and AAAA, mx A, then h<i> A."""
    out = [("@", "MX", 300, ["10 mx.%s" % zone]), ("@", "TXT", 300, ['"v=spf1 -all"']),
           ("www", "A", 60, ["192.0.2.80"]), ("www", "AAAA", 60, ["2001:db8::80"]), ("mx", "A", 300, ["192.0.2.25"])]
    i = 0
    while len(out) < count:
        i += 1
        out.append(("h%d" % i, "A", 300, ["198.51.100.%d" % (i % 250 + 1)]))
    return out[:count]


def manifest(namespace, items, records, providers):
    """One multi-document YAML file (JSON documents) of Domains; items = [(name, zone)]."""
    f = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    for name, zone in items:
        recs = [{"name": n, "type": t, "ttl": ttl, "values": v} for n, t, ttl, v in rrsets_of(zone, records)]
        f.write(json.dumps({
            "apiVersion": "domainguard.io/v1alpha1", "kind": "Domain",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"zone": zone.rstrip("."), "providers": [{"name": p} for p in providers], "records": recs,
                     "checks": {"delegation": {"interval": "1m"}}}}))
        f.write("\n---\n")
    f.close()
    return f.name


LOADS = []  # the machine's 1-minute load average after each timed apply (the bench shares the machine)
KUBECTL_CPU = []  # kubectl's own CPU seconds (user + system) of each timed apply
KUBECTL_PREFIX = []  # ["taskset", "-c", "0"] with --pin: the user's kubectl beside the control plane


def kubectl_apply(path):
    """Seconds `kubectl apply --server-side -f path` took; its CPU seconds (from wait4, kubectl's alone, not the
    bench's other children) are appended to KUBECTL_CPU."""
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(KUBECTL_PREFIX + ["kubectl", "apply", "--server-side", "-f", path], stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        took = time.monotonic() - t0
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    KUBECTL_CPU.append(usage.ru_utime + usage.ru_stime)
    LOADS.append(round(os.getloadavg()[0], 2))
    os.unlink(path)
    if p.returncode != 0:
        raise RuntimeError("kubectl apply failed: " + stderr[-500:])
    return took


def proc_cpu_s(pid):
    """utime + stime of /proc/PID/stat in seconds; None when the process is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, ValueError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_s():
    """CPU seconds the whole machine spent busy (every core; /proc/stat less idle and iowait)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


# The bed's processes whose CPU a timed apply is charged with (pid files of hack/testbed.sh; each run script execs
# its server, so the recorded pid is the server). BIND: the root, the two TLD servers and the RFC 2136 server.
BED_PARTS = (("apiserver", "kube-apiserver"), ("etcd", "etcd"), ("pdns-a", "pdns-a"), ("pdns-b", "pdns-b"),
             ("bind", "bind-root"), ("bind", "bind-tld-a"), ("bind", "bind-tld-b"), ("bind", "bind-c"),
             ("registry", "registry"))


class CpuWindow:
    """CPU seconds used over one timed apply by each bed process, kubectl, the controller, the counting proxies and
    the bench itself (with its DNS queries), beside the machine's busy CPU ("others": everything else on the
    machine, e.g. other people's builds). Says whether a slow apply is the apiserver's work or CPU taken elsewhere."""

    def __init__(self, bed_dir, proxy_pids, controller_pid=None):
        self.pids = {}
        for label, part in BED_PARTS:
            try:
                with open(os.path.join(bed_dir, "pids", part + ".pid")) as f:
                    self.pids.setdefault(label, []).append(int(f.read().strip()))
            except (OSError, ValueError):
                pass
        if proxy_pids:
            self.pids["proxies"] = list(proxy_pids)
        if controller_pid:
            self.pids["domainguard"] = [controller_pid]

    def _sample(self):
        out = {k: sum(proc_cpu_s(p) or 0.0 for p in ps) for k, ps in self.pids.items()}
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        out["bench"] = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
        return out, machine_busy_s(), time.monotonic()

    def start(self):
        self.s0 = self._sample()

    def stop(self):
        """{label: CPU s} over the window, "kubectl" its own, "bench" without kubectl, "others" the rest of the
        machine's busy time; and the wall time and the machine's capacity (cores x wall)."""
        (c1, busy1, t1), (c0, busy0, t0) = self._sample(), self.s0
        d = {k: round(c1[k] - c0.get(k, 0.0), 2) for k in c1}
        d["kubectl"] = round(KUBECTL_CPU[-1], 2) if KUBECTL_CPU else 0.0
        d["bench"] = round(max(0.0, d["bench"] - d["kubectl"]), 2)  # kubectl is a reaped child: counted once
        busy = busy1 - busy0
        d["others"] = round(max(0.0, busy - sum(d.values())), 2)
        return {"cpu_s": d, "busy_s": round(busy, 2), "wall_s": round(t1 - t0, 2), "cores": os.cpu_count()}


def fmt_cpu(w):
    order = ["apiserver", "etcd", "kubectl", "domainguard", "pdns-a", "pdns-b", "bind", "registry", "proxies",
             "bench", "others"]
    parts = ["%s %.1f" % (k, w["cpu_s"][k]) for k in order if k in w["cpu_s"]]
    return "%s; machine busy %.1f of %d x %.1f s" % (", ".join(parts), w["busy_s"], w["cores"], w["wall_s"])


def delegate(zones, add=True):
    """Delegates (or removes) every zone in the bed's `test.` TLD, at both TLD servers, to both PowerDNS."""
    key = "hmac-sha256:%s:%s" % (os.environ["DG_TLD_TSIG_NAME"], os.environ["DG_TLD_TSIG_SECRET"])
    for server in os.environ["DG_TLD_SERVERS"].split(","):
        lines = ["server %s 53" % server, "zone test."]
        for i, z in enumerate(zones):
            if add:
                lines += ["update add %s 3600 IN NS ns1.pdns-a.net." % z, "update add %s 3600 IN NS ns1.pdns-b.net." % z]
            else:
                lines.append("update delete %s NS" % z)
            if i % 500 == 499 or i == len(zones) - 1:
                lines.append("send")
        r = subprocess.run(["nsupdate", "-y", key], input="\n".join(lines) + "\n", capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("nsupdate at %s: %s" % (server, r.stderr[-300:]))


class Apiserver:
    def __init__(self):
        u = urllib.parse.urlparse(os.environ["DG_KUBE_SERVER"])
        self.host, self.port = u.hostname, u.port
        self.ctx = ssl.create_default_context(cafile=os.environ["DG_KUBE_CA"])
        self.token = os.environ["DG_KUBE_ADMIN_TOKEN"]

    def get(self, path):
        c = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=60)
        c.request("GET", path, headers={"Authorization": "Bearer " + self.token})
        r = c.getresponse()
        body = r.read()
        c.close()
        if r.status != 200:
            raise RuntimeError("GET %s: HTTP %d" % (path, r.status))
        return body

    def writes(self):
        """{(verb, resource, subresource): count} of write requests served so far."""
        out = {}
        for line in self.get("/metrics").decode().splitlines():
            if not line.startswith("apiserver_request_total{"):
                continue
            labels = dict(re.findall(r'(\w+)="([^"]*)"', line[: line.rindex("}")]))
            if labels.get("verb") not in WRITE_VERBS:
                continue
            k = (labels["verb"], labels.get("resource", ""), labels.get("subresource", ""))
            out[k] = out.get(k, 0) + float(line.rsplit(" ", 1)[1])
        return out


def diff(after, before):
    return {k: after.get(k, 0) - before.get(k, 0) for k in set(after) | set(before) if after.get(k, 0) != before.get(k, 0)}


# Written by the apiserver itself (its identity Leases, the `kubernetes` Service endpoints) and by leader election:
# a fixed cost per process, not per Domain, so listed apart.
INFRA = {"leases", "endpoints", "endpointslices"}


def split_infra(d):
    """(writes to anything but INFRA, writes to INFRA)."""
    return (sum(v for k, v in d.items() if k[1] not in INFRA), sum(v for k, v in d.items() if k[1] in INFRA))


def fmt_writes(d):
    return ", ".join("%s %s%s %d" % (k[0], k[1], "/" + k[2] if k[2] else "", v) for k, v in sorted(d.items())) or "none"


def proxy_counts(url):
    with urllib.request.urlopen(url + "/_counts", timeout=10) as r:
        return json.loads(r.read())


SERVED_A = re.compile(rb"\x00\x01\x00\x01.{4}\x00\x04\xc0\x00\x02\x50", re.S)  # IN A, TTL, 192.0.2.80


def www_question(zone):
    """The question section of `www.<zone> A IN`."""
    q = b"".join(bytes([len(l)]) + l.encode() for l in ("www." + zone).rstrip(".").split("."))
    return q + b"\x00\x00\x01\x00\x01"


def served_round(sock, server, pending, questions, seen, window=256, wait=1.0):
    """One round: asks `server` (UDP 53, no recursion) www.<zone> A for every zone in `pending`, at most `window`
    in flight; a zone whose answer holds the A record 192.0.2.80 is served: recorded in `seen` at the moment its
    answer arrived and taken out of `pending`. Answers not come within `wait` s are asked again next round."""
    todo, inflight, qid = sorted(pending), {}, 0
    last = time.monotonic()
    while todo or inflight:
        while todo and len(inflight) < window:
            z = todo.pop()
            qid = (qid + 1) & 0xFFFF
            inflight[qid] = z
            sock.sendto(struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0) + questions[z], (server, 53))
        if not select.select([sock], [], [], wait)[0]:
            if time.monotonic() - last >= wait:
                break
            continue
        while True:
            try:
                pkt = sock.recv(4096)
            except BlockingIOError:
                break
            now = last = time.monotonic()
            if len(pkt) < 12:
                continue
            qid_in = struct.unpack(">H", pkt[:2])[0]
            z = inflight.get(qid_in)
            if z is None or pkt[12:12 + len(questions[z])] != questions[z]:
                continue  # a late answer of an earlier round
            del inflight[qid_in]
            q = questions[z]
            ancount = struct.unpack(">H", pkt[6:8])[0]
            if pkt[3] & 0xF == 0 and ancount > 0 and SERVED_A.search(pkt, 12 + len(q)):
                pending.discard(z)
                seen[z] = now


def served_at(server, zones, timeout, fast=None):
    """{zone: monotonic time first served} of www.<zone> A at `server`, asked in rounds 0.2 s apart for every zone
    not yet served, from the bench's own process (dig subprocesses cost ~1 CPU-s per timed apply). With `fast`
    (the timed apply), nothing is asked until it is set — the queries must not take CPU from the apply they
    measure —, so a zone served before kubectl returned is seen in the first round after (~0.05 s for 1,000)."""
    pending, seen = set(zones), {}
    deadline = time.monotonic() + timeout
    if fast is not None:
        fast.wait(timeout)
    questions = {z: www_question(z) for z in zones}
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    try:
        while pending and time.monotonic() < deadline:
            served_round(sock, server, pending, questions, seen)
            if pending:
                time.sleep(0.2)
    finally:
        sock.close()
    return seen


class ServedWatch(threading.Thread):
    def __init__(self, server, zones, timeout, fast):
        super().__init__(daemon=True)
        self.server, self.zones, self.timeout, self.fast, self.seen = server, zones, timeout, fast, {}

    def run(self):
        self.seen = served_at(self.server, self.zones, self.timeout, self.fast)


class Controller:
    """`domainguard run` for one namespace; metrics and probes on free ports."""

    def __init__(self, args):
        self.args, self.proc = args, None

    def start(self):
        a = self.args
        cmd = [a.bin, "run", "--kubeconfig=" + os.environ["KUBECONFIG"], "--namespace=" + a.namespace,
               "--leader-election-namespace=" + a.namespace, "--workers=%d" % a.workers,
               "--metrics-bind-address=127.0.0.1:%d" % a.metrics_port,
               "--health-probe-bind-address=127.0.0.1:%d" % a.probe_port,
               "--root-hints=" + os.environ["DG_ROOT_HINTS"], "--rdap-bootstrap=" + os.environ["DG_RDAP_BOOTSTRAP"],
               "--rdap-bootstrap-url=" + os.environ["DG_RDAP_URL"] + "bootstrap.json",
               "--whois-servers=test=" + os.environ["DG_WHOIS_ADDR"], "--drift-poll-interval=%ds" % a.poll]
        logf = open(a.log, "a")
        self.started, self.started_wall = time.monotonic(), time.time()
        self.proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT)
        logf.close()
        for _ in range(300):
            if self.proc.poll() is not None:
                raise RuntimeError("controller exited with %d (log: %s)" % (self.proc.returncode, a.log))
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/readyz" % a.probe_port, timeout=1).read()
                return
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("controller not ready within 30 s (log: %s)" % a.log)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def metrics(self):
        url = "http://127.0.0.1:%d/metrics" % self.args.metrics_port
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read().decode()

    def check_alive(self, phase):
        """Figures taken after the controller exited would flatter it: stop measuring instead."""
        if self.proc is None or self.proc.poll() is not None:
            raise RuntimeError("the controller exited (code %s) during %s; see %s" %
                               (self.proc.returncode if self.proc else "?", phase, self.args.log))

    def dns_queries(self):
        """{purpose: count} of domainguard_dns_queries_total (DNS queries, e.g. SOA serial polls over DNS)."""
        out = {}
        try:
            text = self.metrics()
        except Exception:
            return out
        for line in text.splitlines():
            if line.startswith("domainguard_dns_queries_total{"):
                labels = dict(re.findall(r'(\w+)="([^"]*)"', line[: line.rindex("}")]))
                k = labels.get("purpose", "")
                out[k] = out.get(k, 0) + float(line.rsplit(" ", 1)[1])
        return out

    def own_requests(self):
        """{(verb, resource): count} of every request in domainguard_apiserver_requests_total (reads too); None when
        the controller does not export it."""
        try:
            text = self.metrics()
        except Exception:
            return None
        out = None
        for line in text.splitlines():
            if line.startswith("domainguard_apiserver_requests_total{"):
                labels = dict(re.findall(r'(\w+)="([^"]*)"', line[: line.rindex("}")]))
                out = out if out is not None else {}
                k = (labels.get("verb", ""), labels.get("resource", ""))
                out[k] = out.get(k, 0) + float(line.rsplit(" ", 1)[1])
        return out

    def reconciles(self):
        """{controller: count} of controller_runtime_reconcile_total (every result); None when unreadable."""
        try:
            text = self.metrics()
        except Exception:
            return None
        out = {}
        for line in text.splitlines():
            if line.startswith("controller_runtime_reconcile_total{"):
                labels = dict(re.findall(r'(\w+)="([^"]*)"', line[: line.rindex("}")]))
                k = labels.get("controller", "")
                out[k] = out.get(k, 0) + float(line.rsplit(" ", 1)[1])
        return out

    def own_writes(self):
        """{(verb, resource): count} of domainguard's own writes (own_requests without get, list and watch; None when
        the controller does not export it)."""
        all_requests = self.own_requests()
        if all_requests is None:
            return None
        return {k: v for k, v in all_requests.items() if k[0] not in ("get", "list", "watch")}

    def rss_mb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
        return 0.0

    def hwm_mb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
        return 0.0

    def cpu_s(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Report:
    def __init__(self):
        self.rows, self.notes = [], []

    def add(self, figure, target, measured, ok, value=None, how=""):
        """ok: True/False, or None when there is no target or it was not measured."""
        self.rows.append({"figure": figure, "target": target, "measured": measured,
                          "result": {True: "pass", False: "FAIL", None: "-"}[ok], "value": value, "how": how})
        log("%-52s %s" % (figure, measured))

    def table(self):
        w0 = max(len(r["figure"]) for r in self.rows)
        w1 = max(len(r["target"]) for r in self.rows)
        w2 = max(len(r["measured"]) for r in self.rows)
        print("\n| %-*s | %-*s | %-*s | result |" % (w0, "figure", w1, "target", w2, "measured"))
        print("| %s | %s | %s | --- |" % ("-" * w0, "-" * w1, "-" * w2))
        for r in self.rows:
            print("| %-*s | %-*s | %-*s | %s |" % (w0, r["figure"], w1, r["target"], w2, r["measured"], r["result"]))
        for n in self.notes:
            print("note: " + n)
        sys.stdout.flush()


def settle(api, quiet, limit):
    """Waits until no apiserver write but INFRA happened for `quiet` s (at most `limit` s); returns the wait."""
    t0 = time.monotonic()
    last, last_change = split_infra(api.writes())[0], time.monotonic()
    while time.monotonic() - t0 < limit:
        time.sleep(1)
        now = split_infra(api.writes())[0]
        if now != last:
            last, last_change = now, time.monotonic()
        elif time.monotonic() - last_change >= quiet:
            break
    return time.monotonic() - t0


def zone_served_figures(rep, seen_by, zones, t_start, kubectl_s, label):
    missing = {p: len(zones) - len(s) for p, s in seen_by.items()}
    if any(missing.values()):
        rep.add("%s: every zone served at every provider" % label, "all", "%s not served" % missing, False, None,
                "www.<zone> A asked at each PowerDNS")
        return None
    last = max(max(s.values()) for s in seen_by.values()) - t_start
    after = max(0.0, last - kubectl_s)
    rep.add("%s: last zone served after kubectl returned" % label, "<= 2 s",
            "%.2f s (%.2f s after kubectl started)" % (after, last), after <= 2.0, after,
            "www.<zone> A asked at both PowerDNS from the bench (UDP), every zone not yet served, in rounds 0.2 s apart from "
            "when kubectl returned (none while it runs)")
    return after


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--namespace", required=True, help="watched by the controller")
    ap.add_argument("--floor-namespace", required=True, help="never watched: the kube floor")
    ap.add_argument("--domains", type=int, default=1000)
    ap.add_argument("--records", type=int, default=20)
    ap.add_argument("--big", type=int, default=0, help="grow to this many Domains for the 10,000 figures (0: skip)")
    ap.add_argument("--big-records", type=int, default=5)
    ap.add_argument("--steady", type=float, default=300, help="steady-state window (s)")
    ap.add_argument("--poll", type=int, default=30, help="--drift-poll-interval (s)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--proxy-a", required=True)
    ap.add_argument("--proxy-b", required=True)
    ap.add_argument("--metrics-port", type=int, required=True)
    ap.add_argument("--probe-port", type=int, required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--tag", required=True)
    ap.add_argument("--pin", action="store_true", help="bench_scale.sh pinned the control plane to CPU 0 and the "
                    "rest to CPU 1 (DG_SCALE_PIN=1): run kubectl on CPU 0")
    ap.add_argument("--proxy-pids", default="", help="pids of the counting proxies, comma-separated (CPU figures)")
    args = ap.parse_args()
    if args.pin:
        KUBECTL_PREFIX[:] = ["taskset", "-c", "0"]
    args.proxy_pids = [int(p) for p in args.proxy_pids.split(",") if p]

    env = os.environ
    api = Apiserver()
    rep = Report()
    ctl = Controller(args)
    proxies = {"pdns-a": args.proxy_a, "pdns-b": args.proxy_b}
    dns = {"pdns-a": env["DG_PDNS_A_DNS"], "pdns-b": env["DG_PDNS_B_DNS"]}
    n, r = args.domains, args.records
    bed = env.get("DG_BED_DIR", "/tmp/domainguard-bed")
    meta = {"domains": n, "records": r, "providers": 2, "poll_interval_s": args.poll, "steady_window_s": args.steady,
            "workers": args.workers, "pinned": args.pin, "big": args.big, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    t_run = time.monotonic()
    status = 0
    try:
        floor_zones = ["f%s-%d.test." % (args.tag, i) for i in range(n)]
        zones = ["s%s-%d.test." % (args.tag, i) for i in range(n)]
        t0 = time.monotonic()
        delegate(floor_zones + zones)
        log("delegated %d zones in test. at both TLD servers in %.1f s" % (2 * n, time.monotonic() - t0))

        # 1. Kube floor: nothing watches.
        path = manifest(args.floor_namespace, [("d%d" % i, z) for i, z in enumerate(floor_zones)], r, ["pdns-a", "pdns-b"])
        w0 = api.writes()
        cpu = CpuWindow(bed, args.proxy_pids)
        cpu.start()
        floor_s = kubectl_apply(path)
        cpu_floor = cpu.stop()
        cpu_add(rep, "floor", cpu_floor)
        time.sleep(2)
        user = diff(api.writes(), w0)
        rep.add("kube floor: kubectl apply, no controller", "-", "%d Domains x %d records in %.1f s" % (n, r, floor_s),
                None, floor_s, "kubectl apply --server-side -f one file of N Domains, no controller running")
        rep.notes.append("user's own writes per apply (subtracted): " + fmt_writes(user))

        # 2. Convergence with the controller running.
        ctl.start()
        log("controller ready in %.1f s" % (time.monotonic() - ctl.started))
        time.sleep(5)
        path = manifest(args.namespace, [("d%d" % i, z) for i, z in enumerate(zones)], r, ["pdns-a", "pdns-b"])
        w0, p0, o0 = api.writes(), {p: proxy_counts(u) for p, u in proxies.items()}, ctl.own_writes()
        fast = threading.Event()
        watches = {p: ServedWatch(dns[p], zones, max(600.0, 10 * floor_s), fast) for p in dns}
        t0 = time.monotonic()
        cpu = CpuWindow(bed, args.proxy_pids, ctl.proc.pid)
        r0, k0 = ctl.own_requests(), ctl.reconciles()
        c0 = ctl.cpu_s()
        cpu.start()
        for w in watches.values():
            w.start()
        with_s = kubectl_apply(path)
        fast.set()
        cpu_with = cpu.stop()
        cpu_add(rep, "with domainguard", cpu_with)
        r1, k1 = ctl.own_requests(), ctl.reconciles()
        rep.add("kubectl apply with domainguard running", "-", "%.1f s" % with_s, None, with_s, "as the floor")
        reconciles_note(rep, "during that apply", k0, k1, n)
        if r0 is not None and r1 is not None:
            d = diff(r1, r0)
            rep.add("domainguard's apiserver requests during that apply", "-", "%d (%s)" % (sum(d.values()), ", ".join(
                "%s %s %d" % (k[0], k[1], v) for k, v in sorted(d.items())) or "none"), None,
                {"%s %s" % k: v for k, v in d.items()},
                "domainguard_apiserver_requests_total by verb and resource over the kubectl apply (watches not counted)")
        for w in watches.values():
            w.join()
        zone_served_figures(rep, {p: w.seen for p, w in watches.items()}, zones, t0, with_s, "convergence")
        # Counted until 15 s without a write, at most 60 s after the last zone was served (a controller that
        # rewrites status on every check never falls quiet: its per-minute writes are the steady figure).
        waited = settle(api, quiet=15, limit=60)
        conv = diff(api.writes(), w0)
        ctl_writes = diff(conv, {k: v for k, v in user.items()})
        ctl_total = split_infra(ctl_writes)[0]
        per_domain = ctl_total / n
        rep.add("apiserver writes per new Domain (status + Events)", "<= 3", "%.2f" % per_domain, per_domain <= 3,
                per_domain, "apiserver_request_total writes from the apply until 15 s without a write (at most 60 s after "
                "the last zone served), minus the floor's writes, over N")
        rep.notes.append("controller writes while converging (settled after %.0f s): %s" %
                         (waited, fmt_writes({k: v for k, v in ctl_writes.items() if k[1] not in INFRA})))
        ctl.check_alive("convergence")
        own_note(rep, "converging", o0, ctl.own_writes(), n)
        reconciles_note(rep, "from the apply until settled", k0, ctl.reconciles(), n)
        conv_cpu = ctl.cpu_s() - c0
        rep.add("domainguard CPU from the apply until settled", "-", "%.1f s (%.1f ms per new Domain)" %
                (conv_cpu, 1000.0 * conv_cpu / n), None, conv_cpu,
                "the controller's user + system CPU from the apply's start until 15 s without a write: all the work "
                "of N new Domains, not only what fell inside kubectl's window")
        p1 = {p: proxy_counts(u) for p, u in proxies.items()}
        for p in proxies:
            d = diff(p1[p], p0[p])
            per_zone = sum(d.values()) / n
            rep.add("%s API requests per new zone" % p, "<= 2", "%.2f (%s)" %
                    (per_zone, ", ".join("%s %d" % kv for kv in sorted(d.items()))), per_zone <= 2, per_zone,
                    "requests through count_proxy.py from the apply until settled, over N")

        # 3. Steady state.
        w0, p0, o0 = api.writes(), {p: proxy_counts(u) for p, u in proxies.items()}, ctl.own_writes()
        q0, wall0 = ctl.dns_queries(), time.time()
        time.sleep(args.steady)
        ctl.check_alive("the steady window")
        q = diff(ctl.dns_queries(), q0)
        rep.notes.append("steady: DNS queries by purpose (domainguard_dns_queries_total) in %.0f s: %s" % (
            args.steady, ", ".join("%s %d" % kv for kv in sorted(q.items())) or "none"))
        own_note(rep, "steady", o0, ctl.own_writes(), n)
        steady = diff(api.writes(), w0)
        p1 = {p: proxy_counts(u) for p, u in proxies.items()}
        st_total, st_leases = split_infra(steady)
        per_hour = st_total / n * 3600 / args.steady
        rep.add("steady: apiserver writes per Domain per hour", "0", "%.2f (%d writes in %.0f s%s)" %
                (per_hour, st_total, args.steady, ": " + fmt_writes({k: v for k, v in steady.items() if k[1] not in INFRA})
                 if st_total else ""), st_total == 0, per_hour,
                "apiserver_request_total writes over the window, Leases apart")
        by, first = logged_writes(args.log, wall0, time.time())
        rep.add("steady: of those, a Domain's first write by that controller", "-", "%d (%s)" % (first, ", ".join(
            "%s %d" % kv for kv in sorted(by.items())) or "none"), None, first,
            "controller log lines with wrote=true in the window, by controller and decision; 'first' = no earlier "
            "wrote=true of that controller for that Domain (convergence still arriving, not a rewrite)")
        rep.notes.append("steady: Lease and endpoints writes (leader election, the apiserver's own) %d in %.0f s" %
                         (st_leases, args.steady))
        intervals = args.steady / args.poll
        for p in proxies:
            d = diff(p1[p], p0[p])
            per_poll = sum(d.values()) / intervals
            reads = sum(v for k, v in d.items() if k == "GET zone")
            rep.add("steady: %s requests per poll interval" % p, "<= 1", "%.1f for %d zones (%s)" %
                    (per_poll, n, ", ".join("%s %d" % kv for kv in sorted(d.items())) or "none"), per_poll <= 1,
                    per_poll, "requests through count_proxy.py over the window / (window / --drift-poll-interval)")
            rep.add("steady: %s zone reads" % p, "0", "%d" % reads, reads == 0, reads, "GET .../zones/NAME in the window")

        # 4. The kube floor again, the controller stopped: the machine's load moves (other work, compaction),
        # so the ratio is taken against the mean of a floor before and one after.
        ctl.stop()
        time.sleep(5)
        more = ["g%s-%d.test." % (args.tag, i) for i in range(n)]
        path = manifest(args.floor_namespace, [("e%d" % i, z) for i, z in enumerate(more)], r, ["pdns-a", "pdns-b"])
        cpu = CpuWindow(bed, args.proxy_pids)
        cpu.start()
        floor2_s = kubectl_apply(path)
        cpu_floor2 = cpu.stop()
        cpu_add(rep, "floor again", cpu_floor2)
        rep.add("kube floor again, controller stopped", "-", "%.1f s" % floor2_s, None, floor2_s, "as the floor")
        ratio = with_s / ((floor_s + floor2_s) / 2)
        rep.add("kubectl apply: with controller / without", "<= 1.2x", "%.2fx" % ratio, ratio <= 1.2, ratio,
                "the apply with the controller over the mean of the two floors, same N, same run")
        if not args.pin:  # pinned, the control plane has one core of its own: no shared budget to divide
            room_row(rep, (floor_s + floor2_s) / 2, cpu_floor, cpu_floor2, cpu_with)

        # 5. Big.
        if args.big > n:
            big(args, api, ctl, rep, zones, dns)
        else:
            rep.add("10,000 Domains figures", "-", "skipped (DG_SCALE_BIG unset)", None)
    except Exception as e:
        rep.notes.append("benchmark stopped early: %s" % e)
        print("ERROR: %s" % e, flush=True)
        status = 2
    finally:
        ctl.stop()
    meta["wall_s"] = round(time.monotonic() - t_run, 1)
    meta["load_after_applies"] = LOADS
    rep.notes.append("1-minute load average after each timed kubectl apply: %s (2 cores)" % LOADS)
    if args.pin:
        rep.notes.append("pinned (DG_SCALE_PIN=1): kube-apiserver, etcd and kubectl on CPU 0; the controller, both "
                         "PowerDNS, BIND, the registry, the proxies and the bench on CPU 1")
    rep.notes.append("benchmark wall time %.0f s" % meta["wall_s"])
    rep.table()
    with open(args.json, "w") as f:
        json.dump({"run": meta, "figures": rep.rows, "notes": rep.notes}, f, indent=1)
    print("JSON: " + args.json)
    cleanup(args)
    return status


def room_row(rep, floor_s, floor1, floor2, with_):
    """What 1.2x of the floor leaves the controller on this machine: the cores for 1.2 x the mean floor, less the
    floor's own work (the machine's busy CPU-s, mean of both floors) and what the controller's requests cost the
    bed's other processes in the window (both PowerDNS, BIND, the registry) and the counting proxies. Given twice:
    with the cores counted 100 % usable (an upper bound: a controller spending more cannot meet 1.2x in that run
    however its work is scheduled) and at the share of the cores the apply with the controller kept busy."""
    cores = with_["cores"]
    capacity = cores * 1.2 * floor_s
    floor_work = (floor1["busy_s"] + floor2["busy_s"]) / 2
    caused = sum(with_["cpu_s"].get(k, 0.0) for k in ("pdns-a", "pdns-b", "bind", "registry", "proxies"))
    busy = with_["busy_s"] / (cores * with_["wall_s"]) if with_["wall_s"] else 1.0
    room, room_busy = capacity - floor_work - caused, busy * capacity - floor_work - caused
    used = with_["cpu_s"].get("domainguard", 0.0)
    rep.add("CPU-s left for the controller at 1.2x", "-", "%.1f at 100 %% busy, %.1f at the %.0f %% the apply with it "
            "reached (%d x 1.2 x %.1f s = %.1f, less the floors' %.1f and the bed's and proxies' %.1f); domainguard "
            "used %.1f" % (room, room_busy, 100 * busy, cores, floor_s, capacity, floor_work, caused, used), None,
            {"room": room, "room_at_busy": room_busy, "used": used},
            "cores x 1.2 x mean floor wall (x the with-apply's busy share), less the mean floor busy CPU-s and the "
            "with-apply CPU-s of PowerDNS A+B, BIND, the registry and the proxies")


def cpu_add(rep, label, w):
    rep.add("CPU s during the %s apply" % label, "-", fmt_cpu(w), None, w,
            "utime+stime of /proc/PID/stat of the bed's processes (pid files), the controller and the proxies; "
            "kubectl's from wait4; bench = scale.py and its DNS queries; others = /proc/stat busy less all of these")


def reconciles_note(rep, phase, before, after, n):
    """Reconciles per new Domain by controller (controller_runtime_reconcile_total), a row of the table."""
    if before is None or after is None:
        return
    d = {k: v for k, v in diff(after, before).items() if v}
    total = sum(d.values()) / n
    rep.add("reconciles per new Domain %s" % phase, "-", "%.2f (%s)" % (total, ", ".join(
        "%s %.2f" % (k, v / n) for k, v in sorted(d.items())) or "none"), None,
        {k: v / n for k, v in d.items()}, "controller_runtime_reconcile_total by controller over the span, over N")


def own_note(rep, phase, before, after, n):
    """The controller's own count of its writes, beside apiserver_request_total (a cross-check)."""
    if before is None or after is None:
        return
    d = {k: v for k, v in diff(after, before).items() if k[1] not in ("leases",)}
    rep.notes.append("%s: domainguard_apiserver_requests_total writes (Leases apart) %d = %.2f per Domain: %s" % (
        phase, sum(d.values()), sum(d.values()) / n,
        ", ".join("%s %s %d" % (k[0], k[1], v) for k, v in sorted(d.items())) or "none"))


def cleanup(args):
    """Deletes this run's Domains and zones, so a bed used again starts as it was (the bed has no
    kube-controller-manager: a deleted namespace keeps its objects)."""
    t0 = time.monotonic()
    for ns in (args.namespace, args.floor_namespace):
        subprocess.run(["kubectl", "-n", ns, "delete", "domains", "--all", "--wait=false"], capture_output=True)
    deleted = 0
    for which in ("A", "B"):
        u = urllib.parse.urlparse(os.environ["DG_PDNS_%s_API" % which])
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        headers = {"X-API-Key": os.environ["DG_PDNS_%s_KEY" % which]}
        c.request("GET", "/api/v1/servers/localhost/zones", headers=headers)
        r = c.getresponse()
        zones = [z["name"] for z in json.loads(r.read()) if args.tag in z["name"]] if r.status == 200 else []
        for z in zones:
            c.request("DELETE", "/api/v1/servers/localhost/zones/" + z, headers=headers)
            c.getresponse().read()
            deleted += 1
        c.close()
    names = ["%s%s-%d.test." % (p, args.tag, i) for p in "fsg" for i in range(args.domains)]
    names += ["b%s-%d.test." % (args.tag, i) for i in range(max(0, args.big - args.domains))]
    try:
        delegate(names, add=False)
    except RuntimeError as e:
        log("cleanup: %s" % e)
    log("cleanup: Domains, delegations and %d zones of this run deleted in %.0f s" % (deleted, time.monotonic() - t0))


def big(args, api, ctl, rep, zones, dns):
    n, big_n = args.domains, args.big
    extra = ["b%s-%d.test." % (args.tag, i) for i in range(big_n - n)]
    t0 = time.monotonic()
    delegate(extra)
    ctl.start()
    path = manifest(args.namespace, [("b%d" % i, z) for i, z in enumerate(extra)], args.big_records, ["pdns-a", "pdns-b"])
    apply_s = kubectl_apply(path)
    seen = {p: served_at(dns[p], extra, timeout=1800) for p in dns}
    ctl.check_alive("the big setup")
    setup_s = time.monotonic() - t0
    rep.add("big: setup (delegate, apply, zones through the controller)", "-", "%d Domains more in %.0f s "
            "(kubectl %.0f s), %s zones served" % (len(extra), setup_s, apply_s, {p: len(s) for p, s in seen.items()}),
            None, setup_s, "nsupdate, kubectl apply --server-side, www A asked until served at both PowerDNS")
    settle(api, quiet=15, limit=60)

    ctl.stop()
    offset = os.path.getsize(args.log)
    ctl.start()
    ready_s = time.monotonic() - ctl.started
    # The controller's log (one line per decision naming the Domain) times the reconciles: scraping a /metrics
    # page of 10,000 Domains many times a second would load the process being measured.
    first = None
    while time.monotonic() - ctl.started < 60 and first is None:
        for ts, line in log_lines(args.log, offset):
            if " domain=" in line:
                first = ts - ctl.started_wall
                break
        time.sleep(0.2)
    rep.add("big: start to first reconcile", "<= 5 s", "%s (ready %.2f s)" %
            ("%.2f s" % first if first is not None else "none in 60 s", ready_s),
            first is not None and first <= 5, first, "exec to the first log line naming a Domain")
    t_all = None
    while time.monotonic() - ctl.started < 300 and t_all is None:
        checks = delegation_checks(args.log, offset)
        if len({d for _, d in checks}) >= big_n:
            seen = set()
            for ts, d in sorted(checks):
                seen.add(d)
                if len(seen) >= big_n:
                    t_all = ts - ctl.started_wall
                    break
        else:
            time.sleep(2)
    rep.add("big: start to every Domain's first delegation check", "-",
            "%.1f s" % t_all if t_all else "not within 300 s", None, t_all,
            "exec to the log line of the last Domain's first delegation check")
    settle(api, quiet=10, limit=60)
    # One delegation interval (1 m) and a margin: CPU, writes, and every delegation check's time.
    window = 75.0
    offset = os.path.getsize(args.log)
    w0, c0, t0, wall0 = api.writes(), ctl.cpu_s(), time.monotonic(), time.time()
    time.sleep(window)
    ctl.check_alive("the big window")
    cpu = (ctl.cpu_s() - c0) / (time.monotonic() - t0)
    writes = split_infra(diff(api.writes(), w0))[0]
    rss, hwm = ctl.rss_mb(), ctl.hwm_mb()
    events = sorted((ts, d) for ts, d in delegation_checks(args.log, offset) if ts >= wall0)
    rep.add("big: controller RSS", "<= 150 MB", "%.0f MB (peak %.0f MB)" % (rss, hwm), rss <= 150, rss,
            "VmRSS / VmHWM of /proc/PID/status at the end of the window")
    rep.add("big: CPU over one delegation interval", "<= 0.5 core", "%.2f core" % cpu, cpu <= 0.5, cpu,
            "utime+stime of /proc/PID/stat over %.0f s" % window)
    per_min = writes / (window / 60)
    rep.add("big: apiserver writes per minute, steady", "0", "%.1f" % per_min, writes == 0, per_min,
            "apiserver_request_total writes over the window, Leases and endpoints apart")
    by, first = logged_writes(args.log, wall0, wall0 + window)
    rep.add("big: of those, a Domain's first write by that controller", "-", "%d (%s)" % (first, ", ".join(
        "%s %d" % kv for kv in sorted(by.items())) or "none"), None, first,
        "as the steady row of the same name: convergence still arriving (the Domains just added), not rewrites")
    span = shortest_round(events, big_n)
    rep.add("big: one full delegation round (wall)", "<= 15 s",
            "%.1f s" % span if span is not None else "no full round in %.0f s (%d checks of %d Domains)" %
            (window, len(events), len({d for _, d in events})), span is not None and span <= 15, span,
            "shortest span of delegation check log lines holding one check of every Domain, over %.0f s" % window)


LOG_TS = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z ")


def log_lines(path, offset):
    """(unix time, line) of the controller's log lines written after `offset`."""
    import calendar
    out = []
    with open(path, errors="replace") as f:
        f.seek(offset)
        for line in f:
            m = LOG_TS.match(line)
            if m:
                ts = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")) + float(m.group(2) or 0)
                out.append((ts, line))
    return out


def delegation_checks(path, offset):
    """(unix time, Domain) of every delegation check logged after `offset` (`delegation domain=NS/NAME ...
    decision=check`)."""
    out = []
    for ts, line in log_lines(path, offset):
        if " delegation " in line and " decision=check" in line:
            m = re.search(r" domain=(\S+)", line)
            if m:
                out.append((ts, m.group(1)))
    return out


def logged_writes(path, t0, t1):
    """From the controller's log (lines with wrote=true between unix times t0 and t1): ({"controller decision":
    count}, number of those that were the first write of that controller for that Domain — convergence still
    arriving, e.g. first registration lookups held to the registry's rate)."""
    by, first, seen = {}, 0, set()
    for ts, line in log_lines(path, 0):
        if " wrote=true" not in line:
            continue
        parts = line.split()
        ctl = parts[2] if len(parts) > 2 else "?"
        m = re.search(r" domain=(\S+)", line)
        dec = re.search(r" decision=(\S+)", line)
        key = (ctl, m.group(1) if m else "")
        if t0 <= ts <= t1:
            k = "%s %s" % (ctl, dec.group(1) if dec else "?")
            by[k] = by.get(k, 0) + 1
            if key not in seen:
                first += 1
        seen.add(key)
    return by, first


def shortest_round(events, n):
    """The shortest time span of sorted (ts, Domain) events holding at least one event of n distinct Domains: one
    batched round is short; checks staggered over the interval span about the interval."""
    span, have, j = None, {}, 0
    for ts, d in events:
        have[d] = have.get(d, 0) + 1
        while len(have) >= n:
            s = ts - events[j][0]
            span = s if span is None else min(span, s)
            dj = events[j][1]
            have[dj] -= 1
            if have[dj] == 0:
                del have[dj]
            j += 1
    return span


if __name__ == "__main__":
    sys.exit(main())
