"""The bed as the chaos suite touches it: kubectl, PowerDNS API, dig, nsupdate, the registry's control API, bed parts.

Every call goes to the bed's real components (hack/testbed.sh env); nothing here is a fake. Calls that may meet a
fault (apiserver restarting, PowerDNS killed) are retried by the caller that knows what it wants to be true.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise SystemExit(f"FAIL: chaos: bed variable {name} is unset (eval \"$(hack/testbed.sh env)\")")
    return value


def sh(args: list[str], stdin: str | None = None, timeout: float = 60, check: bool = True) -> str:
    """Runs a command; returns stdout. check=True raises RuntimeError naming the command and its stderr."""
    try:
        p = subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise RuntimeError(f"{' '.join(args[:4])}: timed out after {timeout}s") from e
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}: exit {p.returncode}: {p.stderr.strip()[:300]}")
    return p.stdout


def until(what: str, seconds: float, fn, interval: float = 0.5):
    """Calls fn until it returns a truthy value without raising; raises RuntimeError naming `what` on timeout."""
    deadline = time.monotonic() + seconds
    last = ""
    while True:
        try:
            out = fn()
            if out:
                return out
        except Exception as e:  # noqa: BLE001 - any failure is retried until the deadline
            last = str(e)
        if time.monotonic() >= deadline:
            raise RuntimeError(f"{what}: not within {seconds:.0f}s {('(' + last[:200] + ')') if last else ''}")
        time.sleep(interval)


class Kube:
    """kubectl against the bed's apiserver, in one namespace."""

    def __init__(self, ns: str):
        self.ns = ns

    def run(self, *args: str, stdin: str | None = None, timeout: float = 30, check: bool = True) -> str:
        return sh(["kubectl", "-n", self.ns, "--request-timeout=10s", *args], stdin=stdin, timeout=timeout, check=check)

    def apply(self, obj: dict, retry_for: float = 90) -> dict:
        """kubectl apply of one object, retried through apiserver faults (apply is idempotent); returns the object
        as the apiserver stored it."""
        body = json.dumps(obj)
        return json.loads(until(f"kubectl apply {obj['kind']}/{obj['metadata']['name']}", retry_for,
                                lambda: self.run("apply", "--server-side", "--force-conflicts",
                                                 "--field-manager=chaos-user", "-o", "json", "-f", "-", stdin=body),
                                interval=1))

    def delete(self, kind: str, name: str, retry_for: float = 90) -> None:
        until(f"kubectl delete {kind}/{name}", retry_for,
              lambda: self.run("delete", kind, name, "--ignore-not-found", "--wait=false") or True, interval=1)

    def get(self, kind: str, name: str | None = None) -> dict:
        args = ["get", kind] + ([name] if name else []) + ["-o", "json"]
        return json.loads(self.run(*args))

    def get_retry(self, kind: str, name: str | None = None, retry_for: float = 60) -> dict:
        return until(f"kubectl get {kind}", retry_for, lambda: self.get(kind, name), interval=1)


def http(method: str, url: str, body: dict | None = None, headers: dict | None = None,
         timeout: float = 10) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class PowerDNS:
    def __init__(self, which: str):
        self.api = env(f"DG_PDNS_{which}_API")
        self.key = env(f"DG_PDNS_{which}_KEY")
        self.dns = env(f"DG_PDNS_{which}_DNS")

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        return http(method, f"{self.api}/api/v1/servers/localhost{path}", body, {"X-API-Key": self.key})

    def create_zone(self, zone: str, rrsets: list[dict]) -> None:
        code, out = self.call("POST", "/zones", {"name": zone, "kind": "Native", "nameservers": [],
                                                 "rrsets": rrsets})
        if code not in (201, 409):
            raise RuntimeError(f"PowerDNS {self.api}: creating {zone}: {code} {out[:200]!r}")

    def delete_zone(self, zone: str) -> None:
        self.call("DELETE", f"/zones/{zone}")


def dig(server: str, name: str, rtype: str) -> list[str] | None:
    """The sorted answer values of one query (RD=0), [] for NODATA/NXDOMAIN, None when the server did not answer."""
    addr, _, port = server.partition(":")
    out = sh(["dig", "+norec", "+time=2", "+tries=2", f"-p{port or 53}", f"@{addr}", name, rtype],
             timeout=15, check=False)
    if "status: NOERROR" not in out and "status: NXDOMAIN" not in out:
        return None
    values = []
    in_answer = False
    for line in out.splitlines():
        if line.startswith(";; ANSWER SECTION"):
            in_answer = True
            continue
        if in_answer:
            if not line.strip():
                break
            f = line.split(None, 4)
            if len(f) == 5 and f[3] == rtype:
                values.append(f[4].strip())
    return sorted(values)


def nsupdate(server: str, zone: str, commands: list[str], key: str) -> None:
    addr, _, port = server.partition(":")
    script = f"server {addr} {port or 53}\nzone {zone}\n" + "\n".join(commands) + "\nsend\n"
    sh(["nsupdate", "-y", key, "-t", "5"], stdin=script, timeout=20)


def rfc2136_key() -> str:
    return f"hmac-sha256:{env('DG_RFC2136_TSIG_NAME')}:{env('DG_RFC2136_TSIG_SECRET')}"


def tld_key() -> str:
    return f"hmac-sha256:{env('DG_TLD_TSIG_NAME')}:{env('DG_TLD_TSIG_SECRET')}"


def tld_servers() -> list[str]:
    return env("DG_TLD_SERVERS").split(",")


def registry(path: str, body: dict) -> None:
    code, out = http("POST", f"{env('DG_REGISTRY_CONTROL')}/{path}", body)
    if code != 200:
        raise RuntimeError(f"registry control {path} {body}: {code} {out[:200]!r}")


def bed_dir() -> str:
    return os.environ.get("DG_BED_DIR", "/tmp/domainguard-bed")


def part_pid(part: str) -> int | None:
    try:
        with open(os.path.join(bed_dir(), "pids", f"{part}.pid")) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def testbed(action: str, part: str) -> None:
    """hack/testbed.sh stop|start|restart PART of the bed in DG_BED_DIR (restores what a fault stopped)."""
    sh([os.path.join(ROOT, "hack", "testbed.sh"), action, part], timeout=240)


def bed_status_ok() -> bool:
    return subprocess.run([os.path.join(ROOT, "hack", "testbed.sh"), "status"], capture_output=True,
                          timeout=60).returncode == 0
