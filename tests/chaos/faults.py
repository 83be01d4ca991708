"""Fault injectors. Each fault is `start()` then, after its duration, `stop()`, which restores the bed part it
touched (the suite runs on the CI bed after the e2e tests and must leave it healthy). `restore_all()` is the
safety net the round calls at the end whatever happened.
"""

from __future__ import annotations

import http.server
import json
import os
import random
import signal
import socketserver
import threading
import time
import urllib.error
import urllib.request

import bed


class PdnsProxy:
    """A small HTTP proxy in front of one PowerDNS API: passes requests through, or answers 500 / 422, or
    delays them, as `mode` says. DNSProvider pdns-b points at it for the whole round."""

    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        self.mode = "pass"
        self.counts: dict[str, int] = {}
        self.on_next_patch = None  # a callable run a few ms after the next PATCH went upstream (kill mid-PATCH)
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *_):  # quiet: the round logs what it does
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                mode = proxy.mode
                proxy.counts[mode] = proxy.counts.get(mode, 0) + 1
                if mode in ("500", "422") and self.command != "GET" or mode == "500":
                    code = int(mode)
                    out = json.dumps({"error": f"chaos proxy: injected {code}"}).encode()
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                    return
                if mode == "slow":
                    time.sleep(6)
                hook = proxy.on_next_patch
                if hook is not None and self.command == "PATCH":
                    proxy.on_next_patch = None
                    threading.Timer(0.005, hook).start()
                req = urllib.request.Request(proxy.upstream + self.path, data=body, method=self.command)
                for k, v in self.headers.items():
                    if k.lower() not in ("host", "content-length", "connection"):
                        req.add_header(k, v)
                try:
                    with urllib.request.urlopen(req, timeout=30) as r:
                        code, headers, out = r.status, r.headers, r.read()
                except urllib.error.HTTPError as e:
                    code, headers, out = e.code, e.headers, e.read()
                except OSError:
                    self.send_error(502)
                    return
                self.send_response(code)
                for k, v in headers.items():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):  # a client that gave up on a slow answer
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


class Faults:
    """The injectors of one round. `names()` lists them; the schedule picks from it with the round's Random."""

    def __init__(self, rnd, log):
        self.rnd = rnd  # the round (controllers, workload, proxy)
        self.log = log
        self.active: dict[str, dict] = {}
        self.lock = threading.Lock()
        self.injected: dict[str, int] = {}

    @staticmethod
    def names() -> list[str]:
        return ["controller_kill", "leader_kill", "apiserver_restart", "etcd_compact", "pdns_kill",
                "pdns_api_500", "pdns_api_422", "pdns_api_slow", "bind_refuse", "rdap_faults", "whois_cut",
                "parent_flap", "clock_step", "pdns_kill_mid_patch"]

    def start(self, name: str, rng: random.Random) -> None:
        with self.lock:
            self.injected[name] = self.injected.get(name, 0) + 1
        getattr(self, f"_start_{name}")(rng)

    def stop(self, name: str) -> None:
        fn = getattr(self, f"_stop_{name}", None)
        if fn:
            fn()

    # --- controllers ---------------------------------------------------------------------------------------
    def _start_controller_kill(self, rng):
        c = rng.choice(self.rnd.controllers)
        self.log(f"fault: kill -9 controller {c.identity} (pid {c.pid()})")
        c.kill9()
        self.active["controller_kill"] = {"c": c}

    def _stop_controller_kill(self):
        st = self.active.pop("controller_kill", None)
        if st:
            st["c"].start()

    def _start_leader_kill(self, rng):
        try:  # right after an apiserver restart nobody may hold the Lease yet
            leader = bed.until("a leader", 20, self.rnd.leader, interval=1)
        except RuntimeError:
            leader = None
        if leader is None:
            self.log("fault: leader_kill: no leader holds the Lease right now; nothing killed")
            return
        self.log(f"fault: kill -9 the leader {leader.identity} (pid {leader.pid()}); the standby takes over")
        leader.kill9()
        self.active["leader_kill"] = {"c": leader}

    def _stop_leader_kill(self):
        st = self.active.pop("leader_kill", None)
        if st:
            st["c"].start()

    # --- kube ----------------------------------------------------------------------------------------------
    def _start_apiserver_restart(self, rng):
        self.log("fault: kube-apiserver restart")
        self.active["apiserver_restart"] = {}
        try:
            bed.testbed("restart", "kube-apiserver")
        finally:
            self.active.pop("apiserver_restart", None)
        self.log("fault: kube-apiserver back")

    def _start_etcd_compact(self, rng):
        etcdctl = bed.env("DG_ETCDCTL")
        ep = bed.env("DG_ETCD_ENDPOINT")
        st = json.loads(bed.sh([etcdctl, f"--endpoints={ep}", "endpoint", "status", "-w", "json"]))
        rev = st[0]["Status"]["header"]["revision"]
        bed.sh([etcdctl, f"--endpoints={ep}", "compact", str(rev)], check=False)
        bed.sh([etcdctl, f"--endpoints={ep}", "defrag"], check=False, timeout=120)
        self.log(f"fault: etcd compacted at revision {rev} and defragmented (watches from older revisions get 410)")

    # --- PowerDNS ------------------------------------------------------------------------------------------
    def _start_pdns_kill(self, rng):
        part = "pdns-a"
        pid = bed.part_pid(part)
        self.log(f"fault: kill -9 {part} (pid {pid})")
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.active["pdns_kill"] = {"part": part}

    def _stop_pdns_kill(self):
        st = self.active.pop("pdns_kill", None)
        if st:
            bed.testbed("start", st["part"])
            self.log(f"fault: {st['part']} restarted")

    def _start_pdns_kill_mid_patch(self, rng):
        def kill():
            pid = bed.part_pid("pdns-b")
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    return
                self.active["pdns_kill_mid_patch"]["killed"] = True
                self.log(f"fault: kill -9 pdns-b (pid {pid}) while a PATCH is in flight")
        self.active["pdns_kill_mid_patch"] = {"killed": False}
        self.rnd.proxy.on_next_patch = kill
        self.log("fault: pdns-b is killed at the next PATCH through its API")

    def _stop_pdns_kill_mid_patch(self):
        st = self.active.pop("pdns_kill_mid_patch", None)
        self.rnd.proxy.on_next_patch = None
        if st is not None:
            bed.testbed("start", "pdns-b")  # a no-op when no PATCH came
            if st["killed"]:
                self.log("fault: pdns-b restarted")

    def _proxy(self, mode):
        self.rnd.proxy.mode = mode
        self.active[f"pdns_api_{mode}"] = {}
        self.log(f"fault: PowerDNS B API answers {mode}")

    def _unproxy(self, mode):
        if self.active.pop(f"pdns_api_{mode}", None) is not None and self.rnd.proxy.mode == mode:
            self.rnd.proxy.mode = "pass"
            self.log("fault: PowerDNS B API passes again")

    def _start_pdns_api_500(self, rng): self._proxy("500")
    def _stop_pdns_api_500(self): self._unproxy("500")
    def _start_pdns_api_422(self, rng): self._proxy("422")
    def _stop_pdns_api_422(self): self._unproxy("422")
    def _start_pdns_api_slow(self, rng): self._proxy("slow")
    def _stop_pdns_api_slow(self): self._unproxy("slow")

    # --- BIND ----------------------------------------------------------------------------------------------
    def _bind_zones(self) -> list[str]:
        return sorted({d.zone for d in self.rnd.workload.domains if "bind-c" in d.providers})

    def _start_bind_refuse(self, rng):
        zones = self._bind_zones()
        rndc = bed.env("DG_RFC2136_RNDC")
        for z in zones:  # a frozen zone refuses dynamic updates (REFUSED) and keeps serving
            bed.sh([rndc, "freeze", z], check=False)
        self.active["bind_refuse"] = {"zones": zones}
        self.log(f"fault: BIND refuses updates of {len(zones)} zones (rndc freeze)")

    def _stop_bind_refuse(self):
        st = self.active.pop("bind_refuse", None)
        if st:
            rndc = bed.env("DG_RFC2136_RNDC")
            for z in st["zones"]:
                bed.sh([rndc, "thaw", z], check=False)
            self.log("fault: BIND accepts updates again (rndc thaw)")

    # --- registry ------------------------------------------------------------------------------------------
    def _registered(self) -> list[str]:
        return [d.zone for d in (self.rnd.workload.primary, self.rnd.workload.backup) if d]

    def _start_rdap_faults(self, rng):
        sel = {}
        for z in self._registered():
            fx = rng.choice(["throttled", "server-error", "garbage", "truncated", "throttled-no-retry-after"])
            bed.registry("select", {"domain": z, "rdap": fx})
            sel[z] = fx
        self.active["rdap_faults"] = {"sel": sel}
        self.log(f"fault: RDAP answers {sel}")

    def _stop_rdap_faults(self):
        st = self.active.pop("rdap_faults", None)
        if st:
            for z in st["sel"]:
                bed.registry("unselect", {"domain": z})
            self.log("fault: RDAP answers normally again")

    def _start_whois_cut(self, rng):
        zones = self._registered()
        for z in zones:  # RDAP down too, so the WHOIS fallback is taken and meets a cut answer
            bed.registry("select", {"domain": z, "rdap": "server-error", "whois": "truncated"})
        self.active["whois_cut"] = {"zones": zones}
        self.log(f"fault: WHOIS answers cut mid-answer for {zones} (RDAP 503)")

    def _stop_whois_cut(self):
        st = self.active.pop("whois_cut", None)
        if st:
            for z in st["zones"]:
                bed.registry("unselect", {"domain": z})

    # --- parents -------------------------------------------------------------------------------------------
    def _start_parent_flap(self, rng):
        p = self.rnd.workload.primary
        server = rng.choice(bed.tld_servers())
        bed.nsupdate(server, "test.", [f"update delete {p.zone}. NS"], bed.tld_key())
        self.active["parent_flap"] = {"server": server}
        self.log(f"fault: TLD server {server} drops the delegation of {p.zone}")

    def _stop_parent_flap(self):
        st = self.active.pop("parent_flap", None)
        if st:
            self.rnd.delegate_primary([st["server"]])
            self.log(f"fault: TLD server {st['server']} delegates again")

    # --- clocks ------------------------------------------------------------------------------------------------
    def _start_clock_step(self, rng):
        from controller import FAKETIME_LIB
        if not os.path.exists(FAKETIME_LIB):
            self.log("fault: clock_step left out: libfaketime not installed (apt-get install faketime)")
            return
        offset = rng.choice(["+3600", "+600", "+86400", "-120"])
        targets = self.rnd.controllers if rng.random() < 0.5 else [rng.choice(self.rnd.controllers)]
        for c in targets:
            c.step_clock(offset)
        self.active["clock_step"] = {"targets": targets}
        self.log(f"fault: wall clock of {[c.slot for c in targets]} steps {offset}s (monotonic unchanged)")

    def _stop_clock_step(self):
        st = self.active.pop("clock_step", None)
        if st:
            for c in st["targets"]:
                c.step_clock("+0")
            self.log("fault: wall clocks back to real time")

    # --- the safety net ------------------------------------------------------------------------------------
    def restore_all(self) -> list[str]:
        """Stops every active fault and brings every bed part back; returns what could not be restored."""
        problems = []
        for name in list(self.active):
            try:
                self.stop(name)
            except Exception as e:  # noqa: BLE001 - keep restoring the rest
                problems.append(f"{name}: {e}")
        self.rnd.proxy.mode = "pass"
        for c in self.rnd.controllers:
            if os.path.exists(c.clock_file()):
                c.step_clock("+0")
        self.rnd.proxy.on_next_patch = None
        for part in ("pdns-a", "pdns-b", "kube-apiserver"):
            try:
                bed.testbed("start", part)
            except Exception as e:  # noqa: BLE001
                problems.append(f"start {part}: {e}")
        return problems

