"""Invariants checked once the faults stopped: what a user would notice, asked of the real servers and apiserver.

Each check returns a list of violations (one line each, naming the Domain/object and what differs); empty = holds.
"""

from __future__ import annotations

import json

import bed
from workload import DomainModel

SIBLING_LABEL = "domainguard.io/failover-sibling"


def provider_dns(name: str) -> str:
    return {"pdns-a": bed.env("DG_PDNS_A_DNS"), "pdns-b": bed.env("DG_PDNS_B_DNS"),
            "bind-c": bed.env("DG_RFC2136_SERVER")}[name]


def fqdn(name: str, zone: str) -> str:
    return f"{zone}." if name == "@" else f"{name}.{zone}."


def norm(rtype: str, values: list[str]) -> list[str]:
    """Values as dig prints them: lower-case names, IPv6 as dig shortens it (the model writes it short already)."""
    if rtype in ("MX", "CNAME"):
        return sorted(v.lower() for v in values)
    return sorted(values)


def records(d: DomainModel, foreign: dict) -> list[str]:
    """Every provider of d serves exactly its desired records; names no longer desired are gone; foreign records
    seeded before the round are still served (Records mode)."""
    out = []
    desired = d.desired()
    for p in d.providers:
        server = provider_dns(p)
        for (name, rtype), values in sorted(desired.items()):
            got = bed.dig(server, fqdn(name, d.zone), rtype)
            if got is None or norm(rtype, got) != norm(rtype, values):
                out.append(f"Domain {d.name} ({d.zone}) at {p}: {name} {rtype} serves {got}, want {values}")
        for name, rtype in sorted(d.ever_names - set(desired)):
            if (name, rtype) in foreign.get(p, {}):
                continue
            got = bed.dig(server, fqdn(name, d.zone), rtype)
            if got:
                out.append(f"Domain {d.name} ({d.zone}) at {p}: {name} {rtype} no longer desired, still serves {got}")
    return out


def foreign_kept(zone: str, foreign: dict, label: str) -> list[str]:
    """Records nobody asked domainguard to manage, seeded at the providers before the round: none lost."""
    out = []
    for p, recs in sorted(foreign.items()):
        for (name, rtype), values in sorted(recs.items()):
            got = bed.dig(provider_dns(p), fqdn(name, zone), rtype)
            if got is None or norm(rtype, got) != norm(rtype, values):
                out.append(f"{label} ({zone}) at {p}: foreign record {name} {rtype} serves {got}, was {values}")
    return out


def condition(obj: dict, ctype: str) -> dict:
    for c in obj.get("status", {}).get("conditions", []) or []:
        if c.get("type") == ctype:
            return c
    return {}


def status_agrees(d: DomainModel, obj: dict, delegated: bool) -> list[str]:
    """The Domain's status says what the providers and parents really do."""
    out = []
    st = obj.get("status", {})
    gen = obj["metadata"].get("generation")
    if st.get("observedGeneration") != gen:
        out.append(f"Domain {d.name}: status.observedGeneration {st.get('observedGeneration')} != generation {gen}")
    rs = condition(obj, "RecordsSynced")
    if rs.get("status") != "True":  # Synced, or DriftRepaired after a repair
        out.append(f"Domain {d.name}: RecordsSynced {rs.get('status')}/{rs.get('reason')} ({rs.get('message', '')[:160]}) "
                   "though every provider serves the desired records")
    provs = {p.get("name"): p for p in st.get("providers", []) or []}
    for p in d.providers:
        ps = provs.get(p)
        if not ps or not ps.get("synced") or ps.get("pendingChanges", 0) != 0:
            out.append(f"Domain {d.name}: status.providers[{p}] is {json.dumps(ps)[:200]}, the provider serves it all")
    dh = condition(obj, "DelegationHealthy")
    if delegated and dh.get("status") != "True":
        out.append(f"Domain {d.name}: DelegationHealthy {dh.get('status')}/{dh.get('reason')} though both TLD servers "
                   f"delegate it ({dh.get('message', '')[:160]})")
    if not delegated and dh.get("status") == "True":
        out.append(f"Domain {d.name}: DelegationHealthy True though no parent delegates {d.zone}")
    return out


def _hosts(obj: dict) -> list[str]:
    if obj["kind"] == "HTTPRoute":
        return sorted(obj["spec"].get("hostnames") or [])
    return sorted(r.get("host", "") for r in obj["spec"].get("rules") or [])


def ingresses(kube, workload) -> list[str]:
    """No user Ingress or HTTPRoute changed (as the apiserver returned it after the user's last apply); exactly one
    sibling per selected object with a host in the primary zone (Standby), none for the others, none without an
    original, nothing else in the namespace."""
    out = []
    kinds = [("Ingress", "ingress")] + ([("HTTPRoute", "httproute")] if workload.httproutes else [])
    zone = workload.primary.zone
    backup = workload.backup.zone
    for kind, resource in kinds:
        by_name = {}
        for i in kube.get_retry(resource)["items"]:
            i.setdefault("kind", kind)
            by_name[i["metadata"]["name"]] = i
        mine = [m for m in workload.ingresses if m.kind == kind]
        want_siblings = {}
        for ing in mine:
            live = by_name.get(ing.name)
            if ing.deleted:
                if live and not live["metadata"].get("deletionTimestamp"):
                    out.append(f"{kind} {ing.name}: deleted by the user, still there")
                continue
            if not live:
                out.append(f"{kind} {ing.name}: the user's object is gone")
                continue
            want = ing.applied or ing.to_object()
            for key in ("labels", "annotations"):
                if (live["metadata"].get(key) or {}) != (want["metadata"].get(key) or {}):
                    out.append(f"{kind} {ing.name}: metadata.{key} changed to {live['metadata'].get(key)}, "
                               f"the user's apply gave {want['metadata'].get(key)}")
            if live["spec"] != want["spec"]:
                out.append(f"{kind} {ing.name}: spec changed to {json.dumps(live['spec'])[:300]}")
            in_zone = [h for h in ing.hosts if h.endswith("." + zone)]
            if ing.selected and in_zone:
                want_siblings[f"{ing.name}-failover"] = sorted(h[: -len(zone)] + backup for h in in_zone)
        siblings = {n: i for n, i in by_name.items()
                    if (i["metadata"].get("labels") or {}).get(SIBLING_LABEL) == "true"}
        for name, hosts in sorted(want_siblings.items()):
            sib = siblings.get(name)
            if not sib:
                out.append(f"{kind} {name[:-9]}: selected with hosts in {zone}, no sibling {name}")
            elif _hosts(sib) != hosts:
                out.append(f"sibling {kind} {name}: hosts {_hosts(sib)}, want {hosts}")
        for name in sorted(set(siblings) - set(want_siblings)):
            if not siblings[name]["metadata"].get("deletionTimestamp"):
                out.append(f"sibling {kind} {name}: exists though its original is not selected, has no host in "
                           f"{zone} or is gone")
        for n in sorted(set(by_name) - set(siblings) - {m.name for m in mine}):
            out.append(f"{kind} {n}: not the user's and not a labelled sibling")
    return out


def events_bounded(kube, names: list[str], bound: int) -> tuple[list[str], dict, dict]:
    """No Event storm: Event objects about each Domain stay under `bound` for the round. Repeats of one Event join
    its series (series.count, written at most every 30 s) and are reported, not bounded: that is the aggregation
    working, one object and a few writes."""
    items = kube.get_retry("events.events.k8s.io")["items"]
    objects: dict[str, int] = {}
    occurrences: dict[str, int] = {}
    for e in items:
        if (e.get("regarding") or {}).get("kind") != "Domain":
            continue
        n = e["regarding"].get("name", "")
        objects[n] = objects.get(n, 0) + 1
        occurrences[n] = occurrences.get(n, 0) + max(1, (e.get("series") or {}).get("count", 1))
    out = [f"Domain {n}: {c} Event objects in the round (bound {bound})" for n, c in sorted(objects.items())
           if n in names and c > bound]
    return out, objects, occurrences


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
