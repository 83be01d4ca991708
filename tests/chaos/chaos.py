#!/usr/bin/env python3
"""The chaos suite of domainguard (tests/chaos/README.md): a real `domainguard run` pair (leader + standby) on the
real bed, a seeded random workload of Domains, ConfigMaps and Ingresses, faults injected at random moments, then
invariants once everything quiesced, hostile input, and a scan of everything the suite saw for secret values.

  tests/chaos/run.sh [--seed N] [--minutes M] [--long] [--no-hostile]

Exit 0 when no invariant was violated. The seed is printed first; `--seed N` replays the same schedule of
workload steps and faults (timing of the real servers still varies).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bed  # noqa: E402
import checks  # noqa: E402
import hostile  # noqa: E402
from controller import Controller  # noqa: E402
from faults import Faults, PdnsProxy  # noqa: E402
from workload import DomainModel, IngressModel, Workload  # noqa: E402

LB_IP = "192.0.2.80"
FOREIGN = {("foreign-keep", "TXT"): ['"written by someone else"'], ("legacy", "A"): ["203.0.113.7"]}


class Round:
    def __init__(self, seed: int, minutes: float, logdir: str, binary: str, n_domains: int, quiesce_bound: float):
        self.seed = seed
        self.minutes = minutes
        self.logdir = logdir
        self.binary = binary
        self.quiesce_bound = quiesce_bound
        self.run_id = f"{seed % 100000}x{os.getpid() % 10000}"
        self.ns = f"chaos-{self.run_id}"
        self.kube = bed.Kube(self.ns)
        self.logf = open(os.path.join(logdir, "round.log"), "a")
        self.t0 = time.monotonic()
        self.violations: list[str] = []
        self.workload = Workload(random.Random(seed * 7 + 1), self.kube, self.run_id, n_domains, self.log)
        self.workload.on_create = self.seed_foreign
        self.workload.on_ingress = self.set_lb
        self.foreign: dict[str, dict] = {}  # zone -> provider -> {(name, type): values}
        self.controllers: list[Controller] = []
        self.proxy: PdnsProxy | None = None
        self.faults = Faults(self, self.log)
        self.secrets: dict[str, str] = {}
        self.metrics_seen: list[str] = []
        self.zones_made: set[str] = set()
        self.stopping = False

    def log(self, msg: str) -> None:
        line = f"[{time.monotonic() - self.t0:7.1f}s] {msg}"
        print(line, flush=True)
        self.logf.write(line + "\n")
        self.logf.flush()

    def supervise(self) -> None:
        """What kubelet does for the Pods: a controller that exited is started again. Exit 1 is how it leaves
        when it lost the Lease (by design); any other exit (a signal we did not send, an abort) is a crash."""
        while not self.stopping:
            for c in self.controllers:
                with c.lock:  # a fault's kill9/start holds it: what is seen here is one consistent state
                    if c.held_down or c.alive() or c.proc is None or self.stopping:
                        continue
                    code = c.exit_code()
                    c.exits.append(code)
                    if code != 1:
                        self.violations.append(f"controller {c.identity} crashed: exit {code} (log {c.log_path()})")
                    self.log(f"controller {c.identity} exited {code}; started again (as kubelet would)")
                    c.held_down = True  # restarted below, after a second, as kubelet's back-off would
                threading.Timer(1.0, lambda c=c: None if self.stopping else c.start()).start()
            time.sleep(0.5)

    # --- setup -------------------------------------------------------------------------------------------------
    def setup(self) -> None:
        bed.sh(["kubectl", "apply", "-f", os.path.join(bed.ROOT, "crds")])
        bed.sh(["kubectl", "wait", "--for=condition=Established", "crd/domains.domainguard.io",
                "crd/dnsproviders.domainguard.io", "--timeout=30s"])
        bed.sh(["kubectl", "create", "namespace", self.ns])
        self.proxy = PdnsProxy(bed.env("DG_PDNS_B_API"))
        # hack/lib.sh's providers, with pdns-b's API behind the fault proxy.
        e = dict(os.environ, DG_PDNS_B_API=self.proxy.url)
        import subprocess
        p = subprocess.run(["bash", "-c", f'source "{bed.ROOT}/hack/lib.sh" && bed_apply_providers "$0"', self.ns],
                           env=e, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"bed_apply_providers: {p.stderr.strip()[:300]}")
        self.secrets = {"PowerDNS A API key": bed.env("DG_PDNS_A_KEY"), "PowerDNS B API key": bed.env("DG_PDNS_B_KEY"),
                        "RFC 2136 TSIG secret": bed.env("DG_RFC2136_TSIG_SECRET"),
                        "TLD TSIG secret": bed.env("DG_TLD_TSIG_SECRET")}
        self.alert_channels()
        self.gateway_api()
        for slot in ("a", "b"):
            c = Controller(self.binary, self.ns, slot, self.logdir)
            c.start()
            self.controllers.append(c)
        for c in self.controllers:
            c.wait_started()
        threading.Thread(target=self.supervise, daemon=True).start()
        self.log(f"namespace {self.ns}: providers pdns-a, pdns-b (API through the fault proxy {self.proxy.url}), "
                 f"bind-c; controllers {[c.identity for c in self.controllers]}")

    def gateway_api(self) -> None:
        """The Gateway API CRDs (as tests/e2e/failover_httproute_e2e.sh installs them) and a Gateway with an address:
        HTTPRoutes join the workload. Without the CRDs in the cache the round has Ingresses only, and says so."""
        import glob
        crds = sorted(glob.glob("/var/cache/domainguard/gateway-api-*/gateway.networking.k8s.io_httproutes.yaml"))
        if not crds:
            self.log("no Gateway API CRDs in /var/cache/domainguard (hack/install.sh --tools): Ingresses only")
            return
        d = os.path.dirname(crds[-1])
        bed.sh(["kubectl", "apply", "--server-side", "-f", d])
        bed.sh(["kubectl", "wait", "--for=condition=Established", "crd/httproutes.gateway.networking.k8s.io",
                "crd/gateways.gateway.networking.k8s.io", "--timeout=30s"])
        self.kube.apply({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "gw"},
                         "spec": {"gatewayClassName": "example",
                                  "listeners": [{"name": "http", "protocol": "HTTP", "port": 80}]}})
        self.kube.run("patch", "gateway", "gw", "--subresource=status", "--type=merge", "-p", json.dumps(
            {"status": {"addresses": [{"type": "IPAddress", "value": LB_IP}]}}))
        self.workload.httproutes = True

    def alert_channels(self) -> None:
        """A webhook channel signing with an HMAC key and a Slack channel whose URL is a secret, both to a port
        nobody listens on: their failures are logged and put in status, and must not carry the secrets."""
        key = "chaos-hmac-" + "%032x" % random.Random(self.seed).getrandbits(128)
        token = "T0CHAOS/B0CHAOS/" + "%024x" % random.Random(self.seed + 1).getrandbits(96)
        self.secrets["webhook HMAC key"] = key
        self.secrets["Slack URL token"] = token
        for name, k, v in (("hook-key", "key", key), ("slack-url", "url", f"http://127.0.0.1:9/services/{token}")):
            self.kube.apply({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name},
                             "stringData": {k: v}})
        self.kube.apply({"apiVersion": "domainguard.io/v1alpha1", "kind": "AlertChannel",
                         "metadata": {"name": "hook"},
                         "spec": {"webhook": {"url": "http://127.0.0.1:9/hook",
                                              "signingSecretRef": {"name": "hook-key", "key": "key"}},
                                  "domainSelector": {}}})
        self.kube.apply({"apiVersion": "domainguard.io/v1alpha1", "kind": "AlertChannel",
                         "metadata": {"name": "slack"},
                         "spec": {"slack": {"urlSecretRef": {"name": "slack-url", "key": "url"}},
                                  "domainSelector": {}}})

    def seed_foreign(self, d: DomainModel) -> None:
        """Before a Domain exists its zone already holds records someone else wrote, on every provider it starts
        with; BIND gets the zone itself (domainguard never creates zones there)."""
        bed.sh([bed.env("DG_RFC2136_ADDZONE"), d.zone])
        self.zones_made.add(d.zone)
        per = self.foreign.setdefault(d.zone, {})
        for p in d.providers:
            if p == "bind-c":
                cmds = [f"update add {n}.{d.zone}. 300 {t} {v}" for (n, t), vs in FOREIGN.items() for v in vs]
                bed.nsupdate(bed.env("DG_RFC2136_SERVER"), d.zone + ".", cmds, bed.rfc2136_key())
            else:  # through a PowerDNS kill: retried until it is back
                pd = bed.PowerDNS(p[-1].upper())
                rrsets = [{"name": f"{n}.{d.zone}.", "type": t, "ttl": 300, "changetype": "REPLACE",
                           "records": [{"content": v, "disabled": False} for v in vs]}
                          for (n, t), vs in FOREIGN.items()]
                bed.until(f"zone {d.zone} with foreign records at {p}", 60,
                          lambda: pd.create_zone(d.zone + ".", rrsets) or True, interval=1)
            per[p] = dict(FOREIGN)

    def set_lb(self, ing: IngressModel) -> None:
        if ing.kind != "Ingress":
            return  # an HTTPRoute's address is its Gateway's (set at setup)
        bed.until(f"load balancer of Ingress {ing.name}", 60, lambda: self.kube.run(
            "patch", "ingress", ing.name, "--subresource=status", "--type=merge",
            "-p", json.dumps({"status": {"loadBalancer": {"ingress": [{"ip": LB_IP}]}}})) or True, interval=1)

    def delegate_primary(self, servers: list[str]) -> None:
        p = self.workload.primary
        for s in servers:
            bed.nsupdate(s, "test.", [f"update delete {p.zone}. NS", f"update add {p.zone}. 300 NS ns1.pdns-a.net.",
                                      f"update add {p.zone}. 300 NS ns1.pdns-b.net."], bed.tld_key())

    def initial(self) -> None:
        w = self.workload
        primary, backup = w.failover_pair(LB_IP)
        bed.sh([bed.env("DG_RFC2136_ADDZONE"), backup.zone])
        self.zones_made |= {primary.zone, backup.zone}
        self.delegate_primary(bed.tld_servers())
        for s in bed.tld_servers():
            bed.nsupdate(s, "sm.", [f"update delete {backup.zone}. NS",
                                    f"update add {backup.zone}. 300 NS ns1.bind-c.net."], bed.tld_key())
        bed.registry("register", {"domain": primary.zone, "nameservers": ["ns1.pdns-a.net.", "ns1.pdns-b.net."]})
        bed.registry("register", {"domain": backup.zone, "nameservers": ["ns1.bind-c.net."],
                                  "registrar": "Other Registrar", "registrar_iana_id": "9999"})
        w.domains += [backup, primary]
        w.apply_domain(backup)
        w.apply_domain(primary)
        for _ in range(w.n_domains):
            d = w.new_domain()
            w.domains.append(d)
            self.seed_foreign(d)
            w.apply_domain(d)
        for _ in range(2):
            self.log(w._ingress_step())
        self.log(f"initial: {len(w.domains)} Domains, {len(w.ingresses)} Ingresses; waiting for the first sync")
        t = time.monotonic()
        bed.until("every Domain RecordsSynced before any fault", 180, self.all_synced, interval=2)
        self.log(f"initial sync in {time.monotonic() - t:.1f}s")

    def all_synced(self) -> bool:
        items = {i["metadata"]["name"]: i for i in self.kube.get("domain")["items"]}
        for d in self.workload.live_domains():
            c = checks.condition(items.get(d.name, {}), "RecordsSynced")
            if c.get("status") != "True":
                return False
        return True

    # --- the schedule --------------------------------------------------------------------------------------------
    def schedule(self) -> list[tuple[float, str, str, float]]:
        """(at seconds, kind, what, duration): workload steps every 2-6 s, every fault at least once at a random
        moment (a long round: again and again), durations 3-20 s. Everything from the seed."""
        rng = random.Random(self.seed)
        window = self.minutes * 60
        out = []
        t = 1.0
        while t < window:
            out.append((t, "step", "", 0.0))
            t += rng.uniform(2, 6)
        names = Faults.names()
        n = max(len(names), int(window / 12))
        picks = rng.sample(names, len(names)) + [rng.choice(names) for _ in range(n - len(names))]
        for name in picks:
            out.append((rng.uniform(3, max(4, window - 20)), "fault", name, rng.uniform(3, 20)))
        return sorted(out)

    def run_schedule(self) -> float:
        sched = self.schedule()
        self.log(f"schedule: {sum(1 for s in sched if s[1] == 'step')} workload steps, "
                 f"{sum(1 for s in sched if s[1] == 'fault')} faults over {self.minutes * 60:.0f}s")
        start = time.monotonic()
        threads = []
        busy: set[str] = set()
        last_fault_end = [start]
        for i, (at, kind, name, dur) in enumerate(sched):
            delay = start + at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            for c in self.controllers:
                c.sample_rss()
            if kind == "step":
                try:
                    self.log("step: " + self.workload.step())
                except Exception as e:  # noqa: BLE001 - a step the apiserver never took is not in the model
                    self.log(f"step failed (not in the model): {e}")
                continue
            if name in busy:
                self.log(f"fault {name} still active; this one skipped")
                continue
            busy.add(name)
            frng = random.Random(self.seed * 1000 + i)
            th = threading.Thread(target=self._fault, args=(name, dur, frng, busy, last_fault_end), daemon=True)
            th.start()
            threads.append(th)
        for th in threads:
            th.join(300)
        return last_fault_end[0]

    def _fault(self, name, dur, rng, busy, last_end) -> None:
        try:
            self.faults.start(name, rng)
            time.sleep(dur)
            self.faults.stop(name)
        except Exception as e:  # noqa: BLE001 - a fault that could not be injected is logged, not a violation
            self.log(f"fault {name} failed: {e}")
        finally:
            busy.discard(name)
            last_end[0] = max(last_end[0], time.monotonic())

    # --- invariants ----------------------------------------------------------------------------------------------
    def approve_blocked(self, items: dict) -> None:
        """What a user does with a held change: approve its generation (the workload sets maxDeletePercent low on
        purpose)."""
        for d in self.workload.live_domains():
            obj = items.get(d.name)
            if obj and checks.condition(obj, "RecordsSynced").get("reason") == "ChangeBlocked":
                gen = str(obj["metadata"]["generation"])
                if (obj["metadata"].get("annotations") or {}).get("domainguard.io/approve-change") != gen:
                    self.kube.run("annotate", "--overwrite", "domain", d.name, f"domainguard.io/approve-change={gen}",
                                  check=False)
                    self.log(f"approve: Domain {d.name} generation {gen} (ChangeBlocked)")

    def invariants(self) -> list[str]:
        out = []
        items = {i["metadata"]["name"]: i for i in self.kube.get_retry("domain")["items"]}
        self.approve_blocked(items)
        w = self.workload
        for d in w.live_domains():
            obj = items.get(d.name)
            if not obj:
                out.append(f"Domain {d.name}: gone from the apiserver")
                continue
            out += checks.records(d, self.foreign.get(d.zone, {}))
            out += checks.status_agrees(d, obj, delegated=d in (w.primary, w.backup))
        for d in w.domains:
            if not d.was_zone_mode or d.deleted:
                out += checks.foreign_kept(d.zone, {} if d.was_zone_mode else self.foreign.get(d.zone, {}),
                                           f"Domain {d.name}")
        out += checks.ingresses(self.kube, w)
        for c in self.controllers:
            if not c.alive():
                out.append(f"controller {c.identity} exited with {c.exit_code()} (log {c.log_path()})")
        return out

    def quiesce(self, since: float) -> float | None:
        deadline = time.monotonic() + self.quiesce_bound
        last: list[str] = []
        next_note = time.monotonic() + 15
        while time.monotonic() < deadline:
            last = self.invariants()
            if not last:
                return time.monotonic() - since
            if time.monotonic() >= next_note:  # what a long quiesce waits for (the p99's explanation)
                self.log(f"quiesce: {len(last)} invariants still open, e.g. {last[0][:200]}")
                next_note += 15
            time.sleep(3)
        self.violations += last
        return None

    def checker_can_fail(self) -> list[str]:
        """The checks are asked about a world that differs from the model on purpose (one wanted value and one
        foreign record changed in a copy of the model): they must say so, or they prove nothing."""
        import copy
        d = next((d for d in self.workload.live_domains() if d.records and d.failover is None), None)
        if d is None:
            return []
        wrong = copy.deepcopy(d)
        (name, rtype), rec = sorted(wrong.records.items())[0]
        rec["values"] = ["203.0.113.250"] if rtype == "A" else ['"not what is served"'] if rtype == "TXT" else \
            ["2001:db8::dead"] if rtype == "AAAA" else ["99 nowhere.example.net."] if rtype == "MX" else ["x.example.net."]
        fake_foreign = {p: {("foreign-keep", "TXT"): ['"a value nobody wrote"']} for p in d.providers}
        found = checks.records(wrong, {}) + checks.foreign_kept(d.zone, fake_foreign, "self-test")
        if len(found) < 2 * len(d.providers):
            return [f"checker self-test: a changed model of Domain {d.name} gave only {found}"]
        self.log(f"checker self-test: a wrong model of Domain {d.name} is caught ({len(found)} differences)")
        return []

    def leader(self) -> Controller | None:
        try:
            lease = self.kube.get("lease", "domainguard-leader")
        except Exception:  # noqa: BLE001
            return None
        holder = lease.get("spec", {}).get("holderIdentity")
        return next((c for c in self.controllers if c.identity == holder and c.alive()), None)

    # --- secrets -------------------------------------------------------------------------------------------------
    def scan_secrets(self) -> list[str]:
        texts: dict[str, str] = {}
        for c in self.controllers:
            with open(c.log_path(), errors="replace") as f:
                texts[f"log of controller {c.slot}"] = f.read()
        for kind in ("domains", "dnsproviders", "alertchannels", "events", "events.events.k8s.io", "ingresses",
                     "httproutes",
                     "configmaps", "leases"):
            texts[f"kubectl get {kind}"] = self.kube.run("get", kind, "-o", "yaml", check=False)
        for i, m in enumerate(self.metrics_seen):
            texts[f"/metrics scrape {i}"] = m
        with open(os.path.join(self.logdir, "round.log"), errors="replace") as f:
            texts["the suite's own log"] = f.read()
        out = []
        for what, value in self.secrets.items():
            for where, text in texts.items():
                if value and value in text:
                    out.append(f"secret leak: the {what} appears in {where}")
        return out

    def sanitizer_reports(self) -> list[str]:
        """ASan/UBSan reports in the controllers' logs (a sanitizer build: README "Sanitizers")."""
        out = []
        for c in self.controllers:
            with open(c.log_path(), errors="replace") as f:
                for line in f:
                    if "ERROR: AddressSanitizer" in line or "runtime error:" in line or "ERROR: LeakSanitizer" in line:
                        out.append(f"controller {c.slot}: {line.strip()[:200]} (log {c.log_path()})")
                        break
        return out

    # --- teardown ------------------------------------------------------------------------------------------------
    def teardown(self) -> list[str]:
        self.stopping = True
        problems = self.faults.restore_all()
        for c in self.controllers:
            code = c.stop()
            if code not in (0, None) and c.starts > 0:
                self.log(f"controller {c.identity} exited {code} at SIGTERM")
        if self.proxy:
            self.proxy.close()
        bed.sh(["kubectl", "delete", "namespace", self.ns, "--wait=false"], check=False)
        w = self.workload
        for z in sorted(self.zones_made):
            for which in ("A", "B"):
                bed.PowerDNS(which).delete_zone(z + ".")
            bed.sh([bed.env("DG_RFC2136_RNDC"), "delzone", "-clean", z], check=False)
        if w.primary:
            for s in bed.tld_servers():
                bed.nsupdate(s, "test.", [f"update delete {w.primary.zone}. NS"], bed.tld_key())
                bed.nsupdate(s, "sm.", [f"update delete {w.backup.zone}. NS"], bed.tld_key())
            for z in (w.primary.zone, w.backup.zone):
                bed.registry("unregister", {"domain": z})
        if not bed.bed_status_ok():
            problems.append("the bed is not healthy after the round (hack/testbed.sh status)")
        return problems


def one_round(args, seed: int) -> dict:
    logdir = os.path.join(args.logs, f"seed-{seed}")
    os.makedirs(logdir, exist_ok=True)
    r = Round(seed, args.minutes, logdir, args.binary, args.domains, args.quiesce)
    r.log(f"chaos round: seed {seed} (replay: tests/chaos/run.sh --seed {seed} --minutes {args.minutes:g}); "
          f"logs {logdir}")
    result = {"seed": seed, "minutes": args.minutes, "violations": [], "quiesce_s": None}
    try:
        r.setup()
        r.initial()
        last_fault = r.run_schedule()
        for p in r.faults.restore_all():
            r.violations.append(f"restore: {p}")
        r.log(f"faults over ({r.faults.injected}); waiting for quiesce (bound {args.quiesce:.0f}s)")
        checks_from = time.monotonic()  # the workload's last step and every bed part's restart are behind
        q = r.quiesce(last_fault)
        result["quiesce_s"] = q
        # The same wait counted from the first check: the part that is domainguard's alone (the rest is workload
        # steps after the last fault and the suite making sure every bed part runs).
        result["quiesce_checks_s"] = None if q is None else q - (checks_from - last_fault)
        r.log(f"quiesced {q:.1f}s after the last fault, {result['quiesce_checks_s']:.1f}s after the first check"
              if q is not None else "did not quiesce")
        r.violations += r.checker_can_fail()
        r.metrics_seen += [c.metrics() for c in r.controllers]
        ev, per, occ = checks.events_bounded(r.kube, [d.name for d in r.workload.domains], args.event_bound)
        r.violations += ev
        result["events_max"] = max(per.values(), default=0)
        result["event_occurrences_max"] = max(occ.values(), default=0)
        rss = [max(c.rss_samples or [0]) for c in r.controllers]
        for c in r.controllers:
            c.sample_rss()
            if c.rss_samples and c.rss_samples[-1] > args.rss_bound_mb * 1024:
                r.violations.append(f"controller {c.identity}: RSS {c.rss_samples[-1] // 1024} MB > {args.rss_bound_mb} MB")
        result["rss_max_mb"] = max(rss) // 1024
        r.log(f"Event objects per Domain: at most {result['events_max']} (bound {args.event_bound}; occurrences "
              f"counting series at most {result['event_occurrences_max']}); controller RSS at most "
              f"{result['rss_max_mb']} MB (bound {args.rss_bound_mb} MB); restarts {[c.starts - 1 for c in r.controllers]}")
        if not args.no_hostile:
            r.violations += hostile.run(r)
            r.metrics_seen += [c.metrics() for c in r.controllers]
        r.violations += r.scan_secrets()
        result["faults"] = r.faults.injected
    except Exception as e:  # noqa: BLE001 - the round's own failure is reported as a violation, then cleaned up
        r.violations.append(f"the round could not run: {e}")
    except KeyboardInterrupt as e:
        r.violations.append(f"interrupted ({e}): the bed is restored, the round is not judged")
    finally:
        try:
            r.violations += [f"teardown: {p}" for p in r.teardown()]
        except Exception as e:  # noqa: BLE001
            r.violations.append(f"teardown: {e}")
        r.violations += r.sanitizer_reports()  # after the SIGTERM of teardown: LeakSanitizer reports at exit
    result["violations"] = r.violations
    for v in r.violations:
        r.log(f"VIOLATION: {v}")
    r.log(f"round seed {seed}: {len(r.violations)} violations")
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=None, help="replay this seed (default: a new one, printed)")
    ap.add_argument("--minutes", type=float, default=None, help="workload + faults per round (default 2; --long 6)")
    ap.add_argument("--long", action="store_true", help="rounds of --minutes with seeds N, N+1, ... for --total")
    ap.add_argument("--total", type=float, default=30, help="--long: minutes of rounds in all (default 30)")
    ap.add_argument("--domains", type=int, default=5, help="Domains of the workload besides the failover pair")
    ap.add_argument("--quiesce", type=float, default=120, help="bound of the wait for invariants (seconds)")
    ap.add_argument("--event-bound", type=int, default=100, help="Event objects per Domain allowed in a round")
    ap.add_argument("--rss-bound-mb", type=int, default=256, help="controller RSS allowed at the end")
    ap.add_argument("--no-hostile", action="store_true", help="leave out the hostile-input phase")
    ap.add_argument("--logs", default=os.environ.get("DG_CHAOS_LOGS", os.path.join(bed.ROOT, "build", "test-logs", "chaos")))
    ap.add_argument("--binary", default=os.environ.get("DG_DOMAINGUARD_BIN",
                                                       os.path.join(bed.ROOT, "build", "controller", "app", "domainguard")))
    args = ap.parse_args()

    def interrupted(signum, _frame):  # ctest's timeout, Ctrl-C, kill: end the round through its teardown
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    if args.minutes is None:
        args.minutes = 6 if args.long else 2
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(3), "big")
    print(f"chaos: seed {seed}", flush=True)
    if not os.access(args.binary, os.X_OK):
        print(f"FAIL: chaos: no domainguard binary at {args.binary} (build first)", file=sys.stderr)
        return 1
    os.makedirs(args.logs, exist_ok=True)
    results = []
    start = time.monotonic()
    while True:
        res = one_round(args, seed)
        if any(v.startswith("interrupted") for v in res["violations"]):
            print(f"FAIL: chaos seed {seed}: interrupted", file=sys.stderr)
            return 130
        results.append(res)
        with open(os.path.join(args.logs, "results.jsonl"), "a") as f:
            f.write(json.dumps(res) + "\n")
        if not args.long or time.monotonic() - start >= args.total * 60:
            break
        seed += 1
    bad = [r for r in results if r["violations"]]
    qs = sorted(r["quiesce_s"] for r in results if r["quiesce_s"] is not None)
    qc = sorted(r["quiesce_checks_s"] for r in results if r.get("quiesce_checks_s") is not None)
    def pct(xs: list[float], p: float) -> str:  # nearest-rank percentile
        return f"{xs[max(0, min(len(xs) - 1, int(-(-p * len(xs) // 100)) - 1))]:.1f}s" if xs else "-"
    print(f"chaos: {len(results)} rounds (seeds {[r['seed'] for r in results]}), {len(bad)} with violations; "
          f"quiesce after the last fault: {', '.join(f'{q:.1f}s' for q in qs) or 'never'} (p50 {pct(qs, 50)}, "
          f"p99 {pct(qs, 99)}); after the first check p50 {pct(qc, 50)}, p99 {pct(qc, 99)}", flush=True)
    for r in bad:
        for v in r["violations"]:
            print(f"FAIL: chaos seed {r['seed']}: {v}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
