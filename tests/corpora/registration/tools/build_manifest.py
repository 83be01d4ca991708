#!/usr/bin/env python3
"""Builds cases.json (the corpus manifest) from sources.json (file -> origin + expected values written by hand
from each answer's text). The reasons are derived from the hand-written values with the contract's rules
(api.md; default policy warnBefore 720h, criticalBefore 168h, no transfer-lock expectation, no desired name
servers), independently of the C++ verdict code, so the test compares two derivations."""
import json, os, sys, datetime

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_NOW = "2013-06-01T00:00:00Z"
HOLDS = {"serverHold", "clientHold", "Suspended"}


def parse(t):
    return datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


def reasons(case):
    if case["registered"] is False:
        return ["NotRegistered"]
    if case["registered"] is None:
        return ["RegistrationUnknown"]
    out = []
    st = set(case["statuses"])
    if "pendingDelete" in st:
        out.append("PendingDelete")
    if "redemptionPeriod" in st:
        out.append("RedemptionPeriod")
    if st & HOLDS:
        out.append("RegistryHold")
    if case["expires"] is None:
        out.append("RegistrationUnknown")
    else:
        left = parse(case["expires"]) - parse(case.get("now", DEFAULT_NOW))
        if left <= datetime.timedelta(0):
            out.append("Expired")
        elif left <= datetime.timedelta(hours=168):
            out.append("ExpiryCritical")
        elif left <= datetime.timedelta(hours=720):
            out.append("ExpiringSoon")
    return sorted(out) or ["Registered"]


def main(src):
    sources = json.load(open(src))
    cases = []
    for rel in sorted(sources):
        s = sources[rel]
        c = dict(s["case"])
        entry = {"file": rel, "kind": rel.split("/")[0], "domain": c.pop("domain"),
                 "now": c.pop("now", DEFAULT_NOW)}
        if "http_status" in c:
            entry["http_status"] = c.pop("http_status")
        note = c.pop("note", None)
        exp = {"registered": c["registered"]}
        if c["registered"]:
            exp.update({"expires": c["expires"], "statuses": sorted(c["statuses"]), "registrar": c["registrar"],
                        "nameservers": sorted(n.lower().rstrip(".") for n in c["nameservers"])})
        exp["reasons"] = reasons(dict(c, now=entry["now"]))
        entry["expect"] = exp
        entry["source"] = {"repo": s["repo"], "path": s["path"], "commit": s["commit"]}
        if note:
            entry["note"] = note
        cases.append(entry)
    doc = {"comment": "Real WHOIS and RDAP answers with the values a reader finds in their text; see SOURCES.md.",
           "default_policy": {"warnBefore": "720h", "criticalBefore": "168h"}, "cases": cases}
    with open(os.path.join(ROOT, "cases.json"), "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    write_sources(cases)
    print(len(cases), "cases")


LICENCES = {
    "weppos/whois": "MIT (LICENSE.txt, Simone Carletti)",
    "weppos/whois-parser": "MIT (Simone Carletti; the fixtures moved here from weppos/whois)",
    "meeb/whoisit": "BSD-3-Clause (LICENSE, meeb)",
    "openrdap/rdap": "MIT (OpenRDAP project)",
    "pogzyb/whodap": "MIT (LICENSE, pogzyb)",
    "pogzyb/asyncwhois": "MIT (pogzyb)",
    "icann/icann-rdap": "MIT OR Apache-2.0 (ICANN; LICENSE-MIT, LICENSE-APACHE)",
    "20c/rdap": "Apache-2.0 (pyproject.toml, 20C)",
    "FreeTheDotYE/ye-rdap-whois": "code MIT (LICENSE); archived RDAP bodies: DATA-RIGHTS.md (public registry responses, no exclusive rights claimed)",
    "JakubOnderka/rdap_client": "BSD-2-Clause (LICENSE, Jakub Onderka)",
    "spatie/laravel-rdap": "MIT (composer.json, Spatie)",
}


def write_sources(cases):
    lines = ["# Registration corpus: sources", "",
             "Real WHOIS and RDAP answers, kept byte for byte as the public test suites below stored them (the",
             "registries' own text; only the file names are ours). Each row: the corpus file, where it comes from",
             "(repository, path, commit) and that repository's licence. The expected values in `cases.json` were",
             "written by hand from each answer's text (see README.md); none were copied from those projects'",
             "own parser expectations. The `rdap/yemennet/` answers come from a content-addressed archive of raw",
             "response bodies: each file's SHA-256 is the file name in its source path (`sha256sum` checks it).", "",
             "| file | repository | path | commit | licence |", "| --- | --- | --- | --- | --- |"]
    for c in cases:
        s = c["source"]
        lines.append("| `%s` | %s | `%s` | %s | %s |" % (c["file"], s["repo"], s["path"], s["commit"][:12],
                                                     LICENCES.get(s["repo"], "see repository")))
    with open(os.path.join(ROOT, "SOURCES.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "sources.json"))
