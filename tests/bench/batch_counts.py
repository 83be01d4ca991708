#!/usr/bin/env python3
"""Driver of batch_counts.sh (see there): reconciles and cache unpacks per new Domain while a batch is applied."""
import argparse
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale  # noqa: E402  (the scale bench's manifest, delegation and cleanup)


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def reconciles(metrics_port):
    """{controller: count} of controller_runtime_reconcile_total, every result."""
    text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % metrics_port, timeout=30).read().decode()
    out = {}
    for line in text.splitlines():
        if line.startswith("controller_runtime_reconcile_total{"):
            labels = dict(re.findall(r'(\w+)="([^"]*)"', line[: line.rindex("}")]))
            out[labels.get("controller", "")] = out.get(labels.get("controller", ""), 0) + float(line.rsplit(" ", 1)[1])
    return out


def status_applies(log_path):
    """(Domains with a status apply, status applies, applies with the registration part) in the controller's log."""
    domains, applies, registration = set(), 0, 0
    with open(log_path, errors="replace") as f:
        for line in f:
            if "status domain=" in line and "decision=apply" in line:
                m = re.search(r"status domain=(\S+)", line)
                domains.add(m.group(1))
                applies += 1
                registration += "registration" in line
    return len(domains), applies, registration


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--namespace", required=True)
    ap.add_argument("--tag", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--domains", type=int, default=200)
    ap.add_argument("--records", type=int, default=20)
    ap.add_argument("--settle", type=float, default=5)
    ap.add_argument("--probe", default="", help="perf event counting kube::UnpackJson calls")
    ap.add_argument("--record", default="", help="also perf record the probe with call graphs into this file")
    a = ap.parse_args()
    n = a.domains
    zones = ["s%s-%d.test." % (a.tag, i) for i in range(n)]
    scale.delegate(zones)
    metrics_port, probe_port = free_port(), free_port()
    log_path = os.path.join(a.out, "controller.log")
    cmd = [a.bin, "run", "--kubeconfig=" + os.environ["KUBECONFIG"], "--namespace=" + a.namespace,
           "--leader-election-namespace=" + a.namespace, "--workers=2",
           "--metrics-bind-address=127.0.0.1:%d" % metrics_port,
           "--health-probe-bind-address=127.0.0.1:%d" % probe_port,
           "--root-hints=" + os.environ["DG_ROOT_HINTS"], "--rdap-bootstrap=" + os.environ["DG_RDAP_BOOTSTRAP"],
           "--rdap-bootstrap-url=" + os.environ["DG_RDAP_URL"] + "bootstrap.json",
           "--whois-servers=test=" + os.environ["DG_WHOIS_ADDR"], "--drift-poll-interval=30s"]
    with open(log_path, "a") as logf:
        proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT)
    perf = None
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/readyz" % probe_port, timeout=1).read()
                break
            except Exception:
                time.sleep(0.1)
        time.sleep(3)
        perf_out = os.path.join(a.out, "perf.txt")
        if a.probe:
            perf = subprocess.Popen(["perf", "stat", "-x,", "-e", a.probe, "-p", str(proc.pid), "-o", perf_out])
            if a.record:
                rec = subprocess.Popen(["perf", "record", "-q", "-e", a.probe, "--call-graph", "dwarf,16384", "-p",
                                        str(proc.pid), "-o", a.record], stdout=subprocess.DEVNULL)
            time.sleep(0.5)
        k0 = reconciles(metrics_port)
        path = scale.manifest(a.namespace, [("d%d" % i, z) for i, z in enumerate(zones)], a.records,
                              ["pdns-a", "pdns-b"])
        t0 = time.monotonic()
        kubectl_s = scale.kubectl_apply(path)
        k_apply = reconciles(metrics_port)
        deadline = time.monotonic() + 300
        while status_applies(log_path)[0] < n and time.monotonic() < deadline:
            time.sleep(0.5)
        first_passes_s = time.monotonic() - t0
        time.sleep(a.settle)
        k1 = reconciles(metrics_port)
        unpacks = None
        if perf:
            if a.record:
                rec.send_signal(signal.SIGINT)
                rec.wait()
            perf.send_signal(signal.SIGINT)
            perf.wait()
            with open(perf_out) as f:
                for line in f:
                    if a.probe in line:
                        unpacks = float(line.split(",")[0])
        written, applies, registration = status_applies(log_path)
    finally:
        if perf and perf.poll() is None:
            perf.kill()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(40)
        except subprocess.TimeoutExpired:
            proc.kill()
    print("%d Domains x %d records in one kubectl apply (%.1f s); every first pass applied %.1f s after it started, "
          "counted %.0f s more" % (n, a.records, kubectl_s, first_passes_s, a.settle))
    print("status applies in the span: %d for %d Domains (%d with the registration part)" % (applies, written,
                                                                                        registration))
    for label, before, after in (("during the apply", k0, k_apply), ("until settled", k0, k1)):
        d = {k: after.get(k, 0) - before.get(k, 0) for k in after if after.get(k, 0) != before.get(k, 0)}
        print("reconciles per new Domain %s: %.2f (%s)" % (label, sum(d.values()) / n, ", ".join(
            "%s %.2f" % (k, v / n) for k, v in sorted(d.items()))))
    if unpacks is not None:
        print("cache unpacks (kube::UnpackJson calls) per new Domain until settled: %.2f (%d)" % (unpacks / n, unpacks))
    print("controller log: " + log_path)
    scale.cleanup(argparse.Namespace(namespace=a.namespace, floor_namespace=a.namespace, tag=a.tag, domains=n, big=0))


if __name__ == "__main__":
    main()
