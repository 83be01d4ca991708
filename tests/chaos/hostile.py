"""Hostile input at the API, on PowerDNS A, with the round's controllers running: each case must be refused by
the apiserver naming the field, or applied whole, or refused by domainguard with a clear condition and nothing of
it written — never a crash, never half-applied.
"""

from __future__ import annotations

import json
import random
import subprocess
import time

import bed
import checks

BIG = 10_000
SSHFP = "1 1 " + "ab" * 20
TLSA = "3 1 1 " + "cd" * 32
EVERY_TYPE = [  # (name, type, value): one of each type the CRD accepts
    ("@", "MX", "10 mx1.example.net."), ("www", "A", "192.0.2.1"), ("www", "AAAA", "2001:db8::1"),
    ("@", "CAA", '0 issue "letsencrypt.org"'), ("docs", "CNAME", "www.example.net."), ("@", "HTTPS", "1 . alpn=h2"),
    ("sip", "NAPTR", '100 10 "S" "SIP+D2U" "" _sip._udp.example.net.'), ("sub", "NS", "ns1.example.net."),
    ("ptr", "PTR", "host.example.net."), ("_https._tcp", "SRV", "10 5 443 www.example.net."),
    ("www", "SSHFP", SSHFP), ("svc", "SVCB", "1 svc.example.net. alpn=h2"), ("_443._tcp.www", "TLSA", TLSA),
    ("@", "TXT", '"v=spf1 -all"'),
]


class Hostile:
    def __init__(self, rnd):
        self.rnd = rnd
        self.kube = rnd.kube
        self.run_id = rnd.run_id
        self.pdns = bed.env("DG_PDNS_A_DNS")
        self.out: list[str] = []
        self.rng = random.Random(rnd.seed * 31 + 7)

    def log(self, msg: str) -> None:
        self.rnd.log("hostile: " + msg)

    def zone(self, tag: str) -> str:
        z = f"h{tag}-{self.run_id}.test"
        self.rnd.zones_made.add(z)
        return z

    def domain(self, name: str, zone: str, records: list[dict] | None = None, cm: str | None = None) -> dict:
        # maxDeletePercent 100: these cases are about input, not about the delete hold (the workload tests that).
        spec: dict = {"zone": zone, "providers": [{"name": "pdns-a"}], "records": records or [],
                      "safety": {"maxDeletePercent": 100}}
        if cm:
            spec["recordsFrom"] = {"configMapRef": {"name": cm, "key": "zone"}}
        return {"apiVersion": "domainguard.io/v1alpha1", "kind": "Domain", "metadata": {"name": name}, "spec": spec}

    def configmap(self, name: str, text: str) -> None:
        self.kube.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"zone": text}})

    def records_cond(self, name: str) -> dict:
        try:
            return checks.condition(self.kube.get("domain", name), "RecordsSynced")
        except Exception:  # noqa: BLE001
            return {}

    def settle(self, name: str, seconds: float) -> dict:
        """Waits until RecordsSynced is True, or False with a reason that is not a transient one."""
        def done():
            c = self.records_cond(name)
            if c.get("status") == "True" or c.get("reason") in ("ZoneConflict", "ChangeBlocked"):
                return c
            # a ConfigMap applied just before the Domain may not be in the controller's cache yet
            if c.get("reason") == "InvalidRecord" and "not found" not in c.get("message", ""):
                return c
            return None
        try:
            return bed.until(f"Domain {name} settled", seconds, done, interval=1)
        except RuntimeError:
            return self.records_cond(name)

    def served(self, zone: str, name: str, rtype: str) -> list[str] | None:
        return bed.dig(self.pdns, checks.fqdn(name, zone), rtype)

    def refused_by_apiserver(self, label: str, obj: dict, field: str) -> None:
        p = subprocess.run(["kubectl", "-n", self.kube.ns, "apply", "-f", "-"], input=json.dumps(obj),
                           capture_output=True, text=True, timeout=60)
        if p.returncode == 0:
            self.kube.delete("domain", obj["metadata"]["name"])
            self.out.append(f"hostile {label}: accepted by the apiserver (want refused naming {field})")
        elif field not in p.stderr:
            self.out.append(f"hostile {label}: refused without naming {field}: {p.stderr.strip()[:200]}")
        else:
            self.log(f"{label}: refused by the apiserver ({p.stderr.strip().splitlines()[-1][:160]})")

    # --- the cases ---------------------------------------------------------------------------------------------
    def big(self) -> None:
        z = self.zone("big")
        text = "".join(f"h{i} 300 IN A 10.{i // 65536}.{(i // 256) % 256}.{i % 256}\n" for i in range(BIG))
        self.configmap("h-big", text)
        t = time.monotonic()
        self.kube.apply(self.domain("h-big", z, cm="h-big"))
        c = self.settle("h-big", 180)
        took = time.monotonic() - t
        if c.get("status") != "True":
            self.out.append(f"hostile {BIG} records: RecordsSynced {c.get('status')}/{c.get('reason')} after {took:.0f}s "
                            f"({c.get('message', '')[:160]})")
            return
        for i in self.rng.sample(range(BIG), 15):
            want = [f"10.{i // 65536}.{(i // 256) % 256}.{i % 256}"]
            if self.served(z, f"h{i}", "A") != want:
                self.out.append(f"hostile {BIG} records: h{i}.{z} not served as {want}")
                return
        self.log(f"{BIG} records from recordsFrom: synced and served in {took:.1f}s")

    def megabyte(self) -> None:
        z = self.zone("mb")
        line = 'm{i} 300 IN TXT "' + "x" * 200 + '"\n'
        n = 1_000_000 // len(line.format(i=1000))
        text = "".join(line.format(i=i) for i in range(n))
        self.configmap("h-mb", text)
        self.kube.apply(self.domain("h-mb", z, cm="h-mb"))
        c = self.settle("h-mb", 180)
        got = self.served(z, f"m{n - 1}", "TXT")
        if c.get("status") == "True" and got:
            self.log(f"1 MB recordsFrom ({len(text)} bytes, {n} TXT records): applied whole")
        elif c.get("status") == "False" and c.get("message") and not got:
            self.log(f"1 MB recordsFrom: refused with {c.get('reason')}: {c.get('message')[:160]}; nothing written")
        else:
            self.out.append(f"hostile 1 MB recordsFrom: RecordsSynced {c.get('status')}/{c.get('reason')}, "
                            f"last record served {got}")

    def limits(self) -> None:
        z = self.zone("lim")
        l63 = "a" * 63
        room = 253 - len(z) - 1  # a name whose FQDN is 253 characters (255 octets on the wire)
        labels, left = [], room
        while left > 0:
            n = min(63, left - 1 if left > 64 else left)
            labels.append("b" * n)
            left -= n + 1
        longname = ".".join(labels)
        records = [{"name": n, "type": t, "values": [v]} for n, t, v in EVERY_TYPE]
        records += [{"name": l63, "type": "A", "values": ["192.0.2.63"]},
                    {"name": longname, "type": "A", "values": ["192.0.2.255"]},
                    {"name": "xn--bcher-kva", "type": "A", "values": ["192.0.2.77"]},
                    {"name": "*.wild", "type": "A", "values": ["192.0.2.42"]}]
        merged: dict = {}
        for r in records:  # one entry per (name, type): the CRD is a map keyed by both
            merged.setdefault((r["name"], r["type"]), r)
        self.configmap("h-lim", "\\065bc 300 IN A 192.0.2.12\n")  # a decimal escape: the name "Abc"
        self.kube.apply(self.domain("h-lim", z, list(merged.values()), cm="h-lim"))
        c = self.settle("h-lim", 90)
        if c.get("status") != "True":
            self.out.append(f"hostile limits/types: RecordsSynced {c.get('status')}/{c.get('reason')} "
                            f"({c.get('message', '')[:200]})")
            return
        want = {(l63, "A"): ["192.0.2.63"], (longname, "A"): ["192.0.2.255"], ("xn--bcher-kva", "A"): ["192.0.2.77"],
                ("*.wild", "A"): ["192.0.2.42"], ("anything.wild", "A"): ["192.0.2.42"],
                ("abc", "A"): ["192.0.2.12"]}
        for n, t, v in EVERY_TYPE:
            if t != "NS":  # a delegation is answered as a referral, not an answer
                want.setdefault((n, t), None)
        for (n, t), v in want.items():
            got = self.served(z, n, t)
            if (v is None and not got) or (v is not None and got != v):
                self.out.append(f"hostile limits/types: {n}.{z} {t} serves {got}, want {v or 'the record'}")
        self.log(f"every record type, a 63-octet label, a 255-octet name, IDN, wildcard and escaped names: "
                 f"applied and served ({len(merged)} record sets)")

    def refused(self) -> None:
        z = self.zone("ref")
        base = self.domain("h-ref", z)
        cases = [
            ("64-octet label", [{"name": "c" * 64, "type": "A", "values": ["192.0.2.1"]}], "name"),
            ("a U-label (not punycode)", [{"name": "bücher", "type": "A", "values": ["192.0.2.1"]}], "name"),
            ("name over 253 characters", [{"name": ("d" * 60 + ".") * 4 + "d" * 20, "type": "A",
                                           "values": ["192.0.2.1"]}], "name"),
            ("duplicated entries", [{"name": "w", "type": "A", "values": ["192.0.2.1"]},
                                    {"name": "w", "type": "A", "values": ["192.0.2.2"]}], "records"),
            ("an A record that is not an address", [{"name": "w", "type": "A", "values": ["not-an-ip"]}], "values"),
        ]
        for label, recs, field in cases:
            obj = json.loads(json.dumps(base))
            obj["spec"]["records"] = recs
            self.refused_by_apiserver(label, obj, field)

    def bad_files(self) -> None:
        """Master files the apiserver cannot check: domainguard refuses each with InvalidRecord naming recordsFrom,
        and writes nothing of the Domain (its good record is not served either)."""
        cases = [("escaped dot inside a label", "esc\\.dot 300 IN A 192.0.2.11\n"),
                 ("64-octet label", "c" * 64 + " 300 IN A 192.0.2.1\n"),
                 ("255+ octet name", ".".join(["e" * 63] * 4) + " 300 IN A 192.0.2.1\n"),
                 ("U-label", "bücher 300 IN A 192.0.2.1\n"),
                 ("unknown type", "w 300 IN BOGUS 1\n"),
                 ("truncated line", "w 300 IN MX\n")]
        for i, (label, text) in enumerate(cases):
            z = self.zone(f"bad{i}")
            self.configmap(f"h-bad{i}", "good 300 IN A 192.0.2.200\n" + text)
            self.kube.apply(self.domain(f"h-bad{i}", z, [{"name": "keep", "type": "A", "values": ["192.0.2.201"]}],
                                        cm=f"h-bad{i}"))
        for i, (label, _) in enumerate(cases):
            z = f"hbad{i}-{self.run_id}.test"
            c = self.settle(f"h-bad{i}", 60)
            served = (self.served(z, "good", "A") or []) + (self.served(z, "keep", "A") or [])
            if c.get("status") == "True" and label.startswith("escaped"):
                self.log(f"recordsFrom with an {label}: applied")  # legal DNS, if not a host name
            elif c.get("status") == "True":
                self.out.append(f"hostile recordsFrom {label}: accepted (RecordsSynced True), want InvalidRecord")
            elif c.get("reason") != "InvalidRecord" or "recordsFrom" not in c.get("message", ""):
                self.out.append(f"hostile recordsFrom {label}: {c.get('status')}/{c.get('reason')} "
                                f"({c.get('message', '')[:160]}), want InvalidRecord naming recordsFrom")
            elif served:
                self.out.append(f"hostile recordsFrom {label}: half-applied, {served} served")
            else:
                self.log(f"recordsFrom with a {label}: InvalidRecord ({c.get('message', '')[:120]}); nothing written")

    def flipping(self) -> None:
        z = self.zone("flip")
        self.configmap("h-flip", "flip 300 IN A 192.0.2.1\n")
        self.kube.apply(self.domain("h-flip", z, cm="h-flip"))
        last = 1
        for i in range(2, 22):  # the ConfigMap changes every second for 20 s
            self.configmap("h-flip", f"flip 300 IN A 192.0.2.{i}\nn{i} 300 IN A 192.0.2.{i}\n")
            last = i
            time.sleep(1)
        t = time.monotonic()
        try:
            bed.until("the last ConfigMap served", 60, lambda: self.served(z, "flip", "A") == [f"192.0.2.{last}"]
                      and self.served(z, f"n{last}", "A") == [f"192.0.2.{last}"]
                      and self.records_cond("h-flip").get("status") == "True")
        except RuntimeError as e:
            self.out.append(f"hostile ConfigMap changing every second: {e}")
            return
        stale = [f"n{i}" for i in range(2, last) if self.served(z, f"n{i}", "A")]
        if stale:
            self.out.append(f"hostile ConfigMap changing every second: records of older versions still served: {stale}")
        else:
            self.log(f"ConfigMap changed 20 times in 20 s: the last version served {time.monotonic() - t:.1f}s after")

    def fight(self) -> None:
        z = self.zone("fight")
        for i in range(10):
            self.kube.apply(self.domain(f"h-fight{i}", z, [{"name": f"w{i}", "type": "A", "values": [f"192.0.2.{i + 1}"]}]))
            if i == 0:
                time.sleep(1.2)  # creationTimestamp has one-second resolution: the first is clearly the oldest
        before = len(self.out)
        conds = {}
        for i in range(10):
            conds[i] = self.settle(f"h-fight{i}", 60)
        winners = [i for i, c in conds.items() if c.get("status") == "True"]
        losers = [i for i, c in conds.items() if c.get("reason") == "ZoneConflict"]
        if winners != [0] or len(losers) != 9:
            self.out.append(f"hostile 10 Domains for one zone: synced {winners}, ZoneConflict {losers} "
                            f"(want only h-fight0 synced, 9 ZoneConflict)")
        served = [i for i in range(10) if self.served(z, f"w{i}", "A")]
        if served != [0]:
            self.out.append(f"hostile 10 Domains for one zone: records of {served} served, want only h-fight0's")
        if len(self.out) == before:
            self.log("10 Domains for one zone: the oldest applied, 9 ZoneConflict, nothing of theirs written")


def run(rnd) -> list[str]:
    h = Hostile(rnd)
    for case in (h.refused, h.limits, h.bad_files, h.fight, h.flipping, h.big, h.megabyte):
        try:
            case()
        except Exception as e:  # noqa: BLE001 - a case that could not run is a failure of the suite
            h.out.append(f"hostile {case.__name__}: could not run: {e}")
    for c in rnd.controllers:
        if not c.alive() and not c.held_down:
            h.out.append(f"hostile: controller {c.identity} is not running after the hostile input")
    return h.out
