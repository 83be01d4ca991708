"""The workload: seeded random creates, edits and deletes of Domains, their recordsFrom ConfigMaps and Ingresses,
and the model of what the user wants (the desired state the invariants compare the world with).

Every random choice comes from the round's seeded Random, in schedule order, so `--seed N` replays the same steps.
A change enters the model only once the apiserver took it (Kube.apply retries through faults).
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field

PROVIDERS = ["pdns-a", "pdns-b", "bind-c"]
NAMES = ["www", "api", "mail", "app", "shop", "r1", "r2", "r3", "r4", "r5", "_dmarc", "*.wild", "deep.sub"]
CNAME_NAMES = ["c-docs", "c-help", "c-blog"]
TYPES = ["A", "AAAA", "TXT", "MX"]
FAILOVER_LABEL = "chaos.domainguard.io/failover"


def rand_values(rng: random.Random, rtype: str, zone: str) -> list[str]:
    n = rng.randint(1, 3)
    if rtype == "A":
        vals = {f"192.0.2.{rng.randint(1, 254)}" for _ in range(n)}
    elif rtype == "AAAA":
        vals = {f"2001:db8::{rng.randint(1, 0xffff):x}" for _ in range(n)}
    elif rtype == "TXT":
        vals = {f'"chaos {rng.randint(0, 10**6)}"' for _ in range(n)}
    elif rtype == "MX":
        vals = {f"{10 * (i + 1)} mx{rng.randint(1, 9)}.example.net." for i in range(n)}
    else:  # CNAME: one target
        vals = {f"www.{zone}."}
    return sorted(vals)


@dataclass
class DomainModel:
    name: str
    zone: str  # without the trailing dot
    providers: list[str]
    records: dict[tuple[str, str], dict] = field(default_factory=dict)  # (name, type) -> {ttl, values}
    cm_records: dict[str, str] = field(default_factory=dict)  # recordsFrom: name -> A value
    ownership: str = "Records"
    max_delete: int = 30
    was_zone_mode: bool = False  # once Zone, foreign records may be pruned legitimately
    ever_names: set = field(default_factory=set)  # (name, type) ever desired: must be gone when no longer desired
    failover: dict | None = None
    delegation_interval: str = "10s"
    deleted: bool = False

    def cm_name(self) -> str:
        return f"{self.name}-zone"

    def desired(self) -> dict[tuple[str, str], list[str]]:
        """(relative name, type) -> sorted values, as a name server should answer (no apex NS/SOA)."""
        out = {k: sorted(v["values"]) for k, v in self.records.items()}
        for n, ip in self.cm_records.items():
            out[(n, "A")] = [ip]
        return out

    def to_object(self) -> dict:
        spec: dict = {
            "zone": self.zone,
            "providers": [{"name": p} for p in self.providers],
            "records": [{"name": n, "type": t, "ttl": v["ttl"], "values": v["values"]}
                        for (n, t), v in sorted(self.records.items())],
            "ownership": self.ownership,
            "safety": {"maxDeletePercent": self.max_delete},
            "checks": {"delegation": {"interval": self.delegation_interval}},
        }
        if self.cm_records:
            spec["recordsFrom"] = {"configMapRef": {"name": self.cm_name(), "key": "zone"}}
        if self.failover:
            spec["failover"] = self.failover
        return {"apiVersion": "domainguard.io/v1alpha1", "kind": "Domain", "metadata": {"name": self.name},
                "spec": spec}

    def cm_object(self) -> dict:
        text = "".join(f"{n} 300 IN A {ip}\n" for n, ip in sorted(self.cm_records.items()))
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": self.cm_name()},
                "data": {"zone": text}}


@dataclass
class IngressModel:
    """A user's Ingress or (when the Gateway API is installed) HTTPRoute, selected for failover by label or not."""
    name: str
    hosts: list[str]
    selected: bool
    kind: str = "Ingress"
    deleted: bool = False
    applied: dict | None = None  # the object as the apiserver returned it after the user's last apply

    def resource(self) -> str:
        return "ingress" if self.kind == "Ingress" else "httproute"

    def to_object(self) -> dict:
        labels = {"app": "chaos"}
        if self.selected:
            labels[FAILOVER_LABEL] = "true"
        meta = {"name": self.name, "labels": labels, "annotations": {"chaos.domainguard.io/owner": "user"}}
        if self.kind == "HTTPRoute":
            return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": meta,
                    "spec": {"parentRefs": [{"name": "gw"}], "hostnames": self.hosts,
                             "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                                        "backendRefs": [{"name": "web", "port": 80}]}]}}
        rules = [{"host": h, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
            "service": {"name": "web", "port": {"number": 80}}}}]}} for h in self.hosts]
        return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta,
                "spec": {"ingressClassName": "nginx", "rules": rules}}


class Workload:
    """The model plus the steps that change it; `step()` picks one change, applies it, records it."""

    def __init__(self, rng: random.Random, kube, run_id: str, n_domains: int, log):
        self.rng = rng
        self.kube = kube
        self.log = log
        self.run_id = run_id
        self.domains: list[DomainModel] = []
        self.ingresses: list[IngressModel] = []
        self.next_domain = 0
        self.next_ingress = 0
        self.n_domains = n_domains
        self.primary: DomainModel | None = None
        self.backup: DomainModel | None = None
        self.httproutes = False  # the Gateway API CRDs are installed: HTTPRoutes too

    # --- construction ---------------------------------------------------------------------------------------
    def new_domain(self) -> DomainModel:
        i = self.next_domain
        self.next_domain += 1
        rng = self.rng
        zone = f"c{self.run_id}-{i}.test"
        providers = sorted(rng.sample(PROVIDERS, rng.randint(1, 3)))
        d = DomainModel(name=f"d{i}", zone=zone, providers=providers)
        for _ in range(rng.randint(2, 6)):
            self._add_record(d)
        if rng.random() < 0.5:
            d.cm_records = {f"cm{j}": f"198.51.100.{rng.randint(1, 254)}" for j in range(rng.randint(1, 4))}
        d.max_delete = rng.choice([30, 30, 100, 5])
        return d

    def failover_pair(self, lb_ip: str) -> tuple[DomainModel, DomainModel]:
        """A primary under .test on PowerDNS A+B and its backup under .sm on BIND, Standby, selected by label."""
        backup = DomainModel(name="fobk", zone=f"c{self.run_id}-fobk.sm", providers=["bind-c"])
        backup.records = {("www", "A"): {"ttl": 300, "values": ["192.0.2.10"]},
                          ("@", "MX"): {"ttl": 300, "values": ["10 mx1.example.net."]}}
        primary = DomainModel(name="fo", zone=f"c{self.run_id}-fo.test", providers=["pdns-a", "pdns-b"])
        primary.records = {("www", "A"): {"ttl": 300, "values": [lb_ip]}}
        primary.failover = {"domain": backup.zone, "mode": "Standby", "confirmations": 3,
                            "ingressSelector": {"matchLabels": {FAILOVER_LABEL: "true"}}}
        if self.httproutes:
            primary.failover["httpRouteSelector"] = {"matchLabels": {FAILOVER_LABEL: "true"}}
        self.primary, self.backup = primary, backup
        return primary, backup

    def _add_record(self, d: DomainModel) -> None:
        rng = self.rng
        if rng.random() < 0.15:
            name, rtype = rng.choice(CNAME_NAMES), "CNAME"
        else:
            name, rtype = rng.choice(NAMES), rng.choice(TYPES)
            if rtype == "MX" and name.startswith("*"):
                rtype = "A"
            if name.startswith("_"):  # BIND's check-names: A/AAAA/MX owners must be host names
                rtype = "TXT"
        d.records[(name, rtype)] = {"ttl": rng.choice([60, 300, 3600]), "values": rand_values(rng, rtype, d.zone)}

    # --- applying ---------------------------------------------------------------------------------------------
    def apply_domain(self, d: DomainModel) -> None:
        if d.cm_records:
            self.kube.apply(d.cm_object())
        self.kube.apply(d.to_object())
        d.ever_names |= set(d.desired().keys())

    def apply_ingress(self, ing: IngressModel) -> None:
        ing.applied = self.kube.apply(ing.to_object())

    def live_domains(self) -> list[DomainModel]:
        return [d for d in self.domains if not d.deleted]

    # --- one random step --------------------------------------------------------------------------------------
    def step(self) -> str:
        rng = self.rng
        live = [d for d in self.live_domains() if d.failover is None and d is not self.backup]
        kinds = ["edit_records", "edit_records", "edit_records", "edit_cm", "providers", "ownership", "safety",
                 "ingress", "ingress"]
        if len(live) < self.n_domains:
            kinds.append("create")
        if len(live) > 2:
            kinds.append("delete")
        kind = rng.choice(kinds)
        if kind == "create" or not live:
            d = self.new_domain()
            self.on_create(d)  # foreign records first; a failure here leaves the model as it was
            self.domains.append(d)
            self.apply_domain(d)
            return f"create Domain {d.name} zone {d.zone} providers {d.providers}"
        if kind == "ingress":
            return self._ingress_step()
        d = rng.choice(live)
        before = copy.deepcopy(d.records)
        if kind == "edit_records":
            op = rng.choice(["add", "remove", "change", "ttl"])
            keys = sorted(d.records)
            if op == "add" or not keys:
                self._add_record(d)
            elif op == "remove" and len(keys) > 1:
                del d.records[rng.choice(keys)]
            elif op == "ttl":
                k = rng.choice(keys)
                d.records[k]["ttl"] = rng.choice([60, 120, 300, 3600])
            else:
                k = rng.choice(keys)
                d.records[k]["values"] = rand_values(rng, k[1], d.zone)
            what = f"records {op}"
        elif kind == "edit_cm":
            n = rng.randint(0, 5)
            d.cm_records = {f"cm{j}": f"198.51.100.{rng.randint(1, 254)}" for j in range(n)}
            what = f"recordsFrom {n} records"
        elif kind == "providers":
            d.providers = sorted(rng.sample(PROVIDERS, rng.randint(1, 3)))
            what = f"providers {d.providers}"
        elif kind == "ownership":
            d.ownership = "Zone" if d.ownership == "Records" else "Records"
            d.was_zone_mode |= d.ownership == "Zone"
            what = f"ownership {d.ownership}"
        elif kind == "safety":
            d.max_delete = rng.choice([0, 5, 30, 100])
            what = f"maxDeletePercent {d.max_delete}"
        else:  # delete
            d.deleted = True
            self.kube.delete("domain", d.name)
            if d.cm_records:
                self.kube.delete("configmap", d.cm_name())
            return f"delete Domain {d.name}"
        del before
        self.apply_domain(d)
        return f"edit Domain {d.name}: {what}"

    def _ingress_step(self) -> str:
        rng = self.rng
        assert self.primary is not None
        live = [i for i in self.ingresses if not i.deleted]
        op = rng.choice(["create", "create", "edit", "select", "delete"]) if live else "create"
        if op == "create":
            i = self.next_ingress
            self.next_ingress += 1
            kind = "HTTPRoute" if self.httproutes and rng.random() < 0.4 else "Ingress"
            ing = IngressModel(name=f"{'ing' if kind == 'Ingress' else 'route'}{i}", hosts=self._hosts(),
                               selected=rng.random() < 0.7, kind=kind)
            self.ingresses.append(ing)
            self.apply_ingress(ing)
            self.on_ingress(ing)
            return f"create {kind} {ing.name} hosts {ing.hosts} selected {ing.selected}"
        ing = rng.choice(live)
        if op == "delete":
            ing.deleted = True
            self.kube.delete(ing.resource(), ing.name)
            return f"delete {ing.kind} {ing.name}"
        if op == "edit":
            ing.hosts = self._hosts()
        else:
            ing.selected = not ing.selected
        self.apply_ingress(ing)
        return f"edit {ing.kind} {ing.name}: hosts {ing.hosts} selected {ing.selected}"

    def _hosts(self) -> list[str]:
        rng = self.rng
        assert self.primary is not None
        pool = [f"{h}.{self.primary.zone}" for h in ("app", "api", "shop", "m")] + ["other.example.org"]
        return sorted(set(rng.sample(pool, rng.randint(1, 3))))

    # Hooks the round sets: seed foreign records for a new zone, set an Ingress's load balancer.
    def on_create(self, d: DomainModel) -> None:  # pragma: no cover - replaced by the round
        pass

    def on_ingress(self, ing: IngressModel) -> None:  # pragma: no cover - replaced by the round
        pass
