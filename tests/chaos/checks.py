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


def ingresses(kube, workload) -> list[str]:
    """No user Ingress changed; exactly one sibling per selected Ingress with a host in the primary zone (Standby),
    none for the others, none without an original."""
    out = []
    items = kube.get_retry("ingress")["items"]
    by_name = {i["metadata"]["name"]: i for i in items}
    zone = workload.primary.zone
    backup = workload.backup.zone
    want_siblings = {}
    for ing in workload.ingresses:
        live = by_name.get(ing.name)
        if ing.deleted:
            if live and not live["metadata"].get("deletionTimestamp"):
                out.append(f"Ingress {ing.name}: deleted by the user, still there")
            continue
        if not live:
            out.append(f"Ingress {ing.name}: the user's Ingress is gone")
            continue
        want = ing.to_object()
        for key in ("labels", "annotations"):
            got = {k: v for k, v in (live["metadata"].get(key) or {}).items()
                   if not k.startswith("kubectl.kubernetes.io/")}
            if got != want["metadata"][key]:
                out.append(f"Ingress {ing.name}: metadata.{key} changed to {got}, the user wrote {want['metadata'][key]}")
        if live["spec"] != want["spec"]:
            out.append(f"Ingress {ing.name}: spec changed to {json.dumps(live['spec'])[:300]}")
        in_zone = [h for h in ing.hosts if h.endswith("." + zone)]
        if ing.selected and in_zone:
            want_siblings[f"{ing.name}-failover"] = sorted(h[: -len(zone)] + backup for h in in_zone)
    siblings = {n: i for n, i in by_name.items() if (i["metadata"].get("labels") or {}).get(SIBLING_LABEL) == "true"}
    for name, hosts in sorted(want_siblings.items()):
        s = siblings.get(name)
        if not s:
            out.append(f"Ingress {name[:-9]}: selected with hosts in {zone}, no sibling {name}")
            continue
        got = sorted(r.get("host", "") for r in s["spec"].get("rules", []))
        if got != hosts:
            out.append(f"sibling {name}: hosts {got}, want {hosts}")
    for name in sorted(set(siblings) - set(want_siblings)):
        if not siblings[name]["metadata"].get("deletionTimestamp"):
            out.append(f"sibling {name}: exists though its original is not selected, has no host in {zone} or is gone")
    extra = [n for n, i in by_name.items() if n not in siblings and n not in {x.name for x in workload.ingresses}]
    for n in extra:
        out.append(f"Ingress {n}: not the user's and not a labelled sibling")
    return out


def events_bounded(kube, names: list[str], bound: int) -> tuple[list[str], dict]:
    """No Event storm: Events (counting series) about each Domain stay under `bound` for the round."""
    items = kube.get_retry("events.events.k8s.io")["items"]
    per: dict[str, int] = {}
    for e in items:
        if (e.get("regarding") or {}).get("kind") != "Domain":
            continue
        n = e["regarding"].get("name", "")
        per[n] = per.get(n, 0) + max(1, (e.get("series") or {}).get("count", 1))
    out = [f"Domain {n}: {c} Events in the round (bound {bound})" for n, c in sorted(per.items())
           if n in names and c > bound]
    return out, per


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
