#!/usr/bin/env python3
"""Local registry server for the domainguard test bed: RDAP (RFC 9082/9083) and WHOIS (RFC 3912) on loopback.

Serves, per domain, the fixture currently selected for it, so tests can switch a domain between "healthy",
"expiring", "on hold", "throttled", "garbage" ... without touching the Internet.

  python3 hack/bed/registry_server.py --rdap 127.0.0.1:18480 --whois 127.0.0.1:18043 \
      --fixtures hack/bed/fixtures/registry --state DIR [--pidfile F] [--whois-registrar 127.0.0.1:18044]

Endpoints
  RDAP (registry)   GET  /domain/<name>              the selected "rdap" fixture; 404 RDAP error for unknown names
  RDAP (registrar)  GET  /registrar/domain/<name>    the selected "registrar_rdap" fixture (the registry answer's
                                                     rel=related link points here: thin-registry model)
  Bootstrap         GET  /bootstrap.json             an RFC 9224 file mapping test., net. and com. to this server
  Control           POST /_control/select            {"domain":"example.test","rdap":NAME|null,"whois":NAME|null,
                                                      "registrar_rdap":NAME|null,"registrar_whois":NAME|null}
                                                     (keys left out keep their value; null clears -> not found)
                    POST /_control/unselect          {"domain":D}: D back to its default answer
                    POST /_control/register          {"domain":D,"nameservers":[...],"registrar":NAME,
                                                      "registrar_iana_id":"N","expires_in_days":N}: D is held
                                                     (only "domain" and "nameservers" are required)
                    POST /_control/unregister        {"domain":D}: D no longer held by the control API
                    POST /_control/reset             selections back to defaults, registrations made by the
                                                     control API dropped, request log cleared
                    GET  /_control/held?domain=D     what the registry holds for D (null: not registered)
                    GET  /_control/requests          {"domains":{name:{"rdap":{"count":N,"times":[...]},...}}}
                    GET  /_control/fixtures          the fixture names
                    GET  /_control/selected?domain=D the effective selection of D
  WHOIS (registry)  port-43 protocol on --whois: one query line in, text out, close. A query without a dot
                    ("sm") is answered like whois.iana.org (refer: whois.nic.<tld>).
  WHOIS (registrar) the same on --whois-registrar (default: the --whois port + 1) with the "registrar_whois" fixture.

Fixtures (see fixtures/registry/manifest.json): files rendered at serve time. Templates:
  {{now}} {{now+30d}} {{now-2h}} ...  RFC 3339 UTC ("2026-11-23T17:40:55Z"); units s m h d y(=365d)
  {{now+30d|%d-%b-%Y}}                 the same instant through strftime
  {{domain}} {{DOMAIN}} {{tld}} {{TLD}} {{label}}   the name asked for (lower/upper case)
  {{base}}                             this server's RDAP base URL ("http://127.0.0.1:18480/")
Fixture options (manifest): status, headers, delay (seconds), truncate (bytes: body cut, Content-Length of the
cut body), content_type.

Which names the registry holds (a default rule with "held_only": a name it does not hold is not registered: RDAP
404, WHOIS "No match for"): the names registered through the control API, then the names listed in
fixtures/registry/domains.json (each with its own name servers, registrar and expiry), then, with --tld-servers,
every name the bed's TLD servers delegate (its name servers as delegated, the default registrar and expiry of
domains.json) - the registry's data is what the TLD zone is generated from. A held name without an explicit
selection gets the default rule's fixtures with its own name servers, registrar and expiry written in.

Python 3.11 standard library only. Logs to stderr. SIGTERM/SIGINT: stops listening, exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import json
import os
import re
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.parse

MAX_TIMES_PER_ENDPOINT = 1000  # request timestamps kept per domain and endpoint (counts are exact)
ENDPOINTS = ("rdap", "registrar_rdap", "whois", "registrar_whois")


def log(msg: str) -> None:
    sys.stderr.write(f"{dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')} registry: {msg}\n")
    sys.stderr.flush()


def rfc3339(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_TEMPLATE = re.compile(r"\{\{\s*([A-Za-z_]+)\s*(?:([+-])\s*(\d+)\s*([smhdy]))?\s*(?:\|([^}]*))?\}\}")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "y": 365 * 86400}


def render(text: str, domain: str, base: str, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    domain = domain.lower().rstrip(".")
    labels = domain.split(".")
    values = {
        "domain": domain,
        "DOMAIN": domain.upper(),
        "tld": labels[-1],
        "TLD": labels[-1].upper(),
        "label": labels[0],
        "base": base,
    }

    def sub(m: re.Match) -> str:
        name, sign, amount, unit, fmt = m.groups()
        if name == "now":
            t = now
            if sign:
                delta = dt.timedelta(seconds=int(amount) * _UNITS[unit])
                t = now + delta if sign == "+" else now - delta
            return t.strftime(fmt) if fmt else rfc3339(t)
        if name in values:
            return values[name]
        return m.group(0)

    return _TEMPLATE.sub(sub, text)


class Fixtures:
    """The manifest plus file contents. Read once at start; immutable afterwards (thread-safe)."""

    def __init__(self, root: str):
        self.root = root
        with open(os.path.join(root, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        self.kinds: dict[str, dict[str, dict]] = {}
        for kind in ("rdap", "whois"):
            self.kinds[kind] = {}
            for name, spec in manifest.get(kind, {}).items():
                spec = dict(spec)
                path = os.path.join(root, spec["file"])
                with open(path, encoding="utf-8") as f:
                    spec["text"] = f.read()
                self.kinds[kind][name] = spec
        self.defaults = manifest.get("defaults", [])
        for rule in self.defaults:
            rule["_re"] = re.compile(rule["match"], re.IGNORECASE)
            for key in ENDPOINTS:
                kind = "rdap" if "rdap" in key else "whois"
                name = rule.get(key)
                if name is not None and name not in self.kinds[kind]:
                    raise ValueError(f"default rule {rule['match']}: unknown {kind} fixture {name}")
        self.iana = manifest.get("iana_whois")

    def get(self, kind: str, name: str | None) -> dict | None:
        if name is None:
            return None
        return self.kinds[kind].get(name)

    def default_rule(self, domain: str) -> dict | None:
        for rule in self.defaults:
            if rule["_re"].fullmatch(domain):
                return rule
        return None

    def default_selection(self, domain: str) -> dict:
        rule = self.default_rule(domain)
        return {k: (rule.get(k) if rule else None) for k in ENDPOINTS}


class State:
    """Selections and the request log. Guarded by one lock; persisted to DIR/selections.json."""

    def __init__(self, fixtures: Fixtures, state_dir: str):
        self.fixtures = fixtures
        self.state_dir = state_dir
        self.lock = threading.Lock()
        self.selections: dict[str, dict] = {}  # domain -> {endpoint: name|None} overriding defaults
        self.requests: dict[str, dict] = {}
        self._load()

    def _path(self) -> str:
        return os.path.join(self.state_dir, "selections.json")

    def _load(self) -> None:
        try:
            with open(self._path(), encoding="utf-8") as f:
                self.selections = json.load(f)
        except (OSError, ValueError):
            self.selections = {}

    def _save(self) -> None:
        tmp = self._path() + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.selections, f, indent=1, sort_keys=True)
        os.replace(tmp, self._path())

    def select(self, domain: str, changes: dict) -> dict:
        with self.lock:
            sel = self.selections.setdefault(domain, {})
            sel.update(changes)
            self._save()
            return self._effective(domain)

    def reset(self) -> None:
        with self.lock:
            self.selections = {}
            self.requests = {}
            self._save()

    def _effective(self, domain: str) -> dict:
        eff = self.fixtures.default_selection(domain)
        eff.update(self.selections.get(domain, {}))
        return eff

    def effective(self, domain: str) -> dict:
        with self.lock:
            return self._effective(domain)

    def unselect(self, domain: str) -> dict:
        with self.lock:
            self.selections.pop(domain, None)
            self._save()
            return self._effective(domain)

    def answer(self, domain: str, holdings: Holdings) -> tuple[dict, dict | None]:
        """(the fixture names per endpoint, the held data to write in or None). An explicit selection is served
        as it is; a default rule with "held_only" answers only for names the registry holds."""
        with self.lock:
            selected = domain in self.selections
            eff = self._effective(domain)
        if selected:
            return eff, None
        rule = self.fixtures.default_rule(domain)
        if not rule or not rule.get("held_only"):
            return eff, None
        held = holdings.held(domain)
        if held is None:
            return {k: None for k in ENDPOINTS}, None
        for k in ENDPOINTS:  # a name listed with fixtures of its own (domains.json "rdap"/"whois"...)
            if k in held:
                eff[k] = held[k]
        return eff, held

    def record(self, domain: str, endpoint: str) -> None:
        now = time.time()
        with self.lock:
            ep = self.requests.setdefault(domain, {}).setdefault(endpoint, {"count": 0, "times": []})
            ep["count"] += 1
            ep["times"].append(round(now, 6))
            if len(ep["times"]) > MAX_TIMES_PER_ENDPOINT:
                del ep["times"][: len(ep["times"]) - MAX_TIMES_PER_ENDPOINT]

    def snapshot(self) -> dict:
        with self.lock:
            return json.loads(json.dumps(self.requests))


def parse_days(text: str) -> int:
    """ "200d" or 200 -> 200."""
    return int(str(text).rstrip("d"))


class Holdings:
    """The names the registry holds: control-API registrations (state), domains.json, the TLD delegation."""

    def __init__(self, root: str, tld_servers: list[str], state_dir: str):
        path = os.path.join(root, "domains.json")
        data = {}
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        self.default = data.get("default", {"registrar": "Example Registrar, LLC", "registrar_iana_id": "1111",
                                            "expires_in_days": 200})
        self.listed = {normalise_domain(k): v for k, v in data.get("domains", {}).items()}
        self.tld_servers = tld_servers
        self.lock = threading.Lock()
        self.path = os.path.join(state_dir, "registered.json")
        try:
            with open(self.path, encoding="utf-8") as f:
                self.registered = json.load(f)
        except (OSError, ValueError):
            self.registered = {}

    def _save(self) -> None:
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.registered, f, indent=1, sort_keys=True)
        os.replace(tmp, self.path)

    def register(self, domain: str, entry: dict) -> None:
        with self.lock:
            self.registered[domain] = entry
            self._save()

    def unregister(self, domain: str) -> None:
        with self.lock:
            self.registered.pop(domain, None)
            self._save()

    def reset(self) -> None:
        with self.lock:
            self.registered = {}
            self._save()

    def delegated_ns(self, domain: str) -> list[str]:
        """The NS set a bed TLD server delegates `domain` to (first server that delegates it), or []."""
        for server in self.tld_servers:
            try:
                out = subprocess.run(["dig", "+norec", "+time=1", "+tries=1", f"@{server}", f"{domain}.", "NS",
                                      "+noall", "+answer", "+authority"], capture_output=True, text=True, timeout=4)
            except (OSError, subprocess.TimeoutExpired):
                continue
            ns = sorted({f[4].rstrip(".").lower() for f in (line.split() for line in out.stdout.splitlines())
                         if len(f) >= 5 and f[3] == "NS" and f[0].rstrip(".").lower() == domain})
            if ns:
                return ns
        return []

    def held(self, domain: str) -> dict | None:
        """{"nameservers", "registrar", "registrar_iana_id", "expires_in_days", "source"} or None."""
        with self.lock:
            entry = self.registered.get(domain)
        source = "control"
        if entry is None:
            entry, source = self.listed.get(domain), "domains.json"
        if entry is None and self.tld_servers:
            ns = self.delegated_ns(domain)
            entry, source = ({"nameservers": ns} if ns else None), "delegation"
        if entry is None:
            return None
        out = dict(self.default)
        out.update(entry)
        out["nameservers"] = [n.rstrip(".").lower() for n in out.get("nameservers", [])]
        out["source"] = source
        return out


# A held name's expiry is a date, as at a real registry: counted from when this registry started, not from each
# request (an expiry that moved with every lookup would be a changed registration at every check).
STARTED = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def patch_rdap(body: str, held: dict, now: dt.datetime) -> str:
    """The rendered RDAP answer with the held name's name servers, registrar and expiry."""
    try:
        obj = json.loads(body)
    except ValueError:
        return body
    if not isinstance(obj, dict):
        return body
    obj["nameservers"] = [{"objectClassName": "nameserver", "ldhName": n, "unicodeName": n}
                          for n in held["nameservers"]]
    for ent in obj.get("entities", []):
        if isinstance(ent, dict) and "registrar" in ent.get("roles", []):
            ent["handle"] = held["registrar_iana_id"]
            ent["publicIds"] = [{"type": "IANA Registrar ID", "identifier": held["registrar_iana_id"]}]
            ent["vcardArray"] = ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", held["registrar"]]]]
    expires = STARTED + dt.timedelta(days=parse_days(held["expires_in_days"]))
    for ev in obj.get("events", []):
        if isinstance(ev, dict) and ev.get("eventAction") == "expiration":
            ev["eventDate"] = rfc3339(expires)
    return json.dumps(obj, indent=1)


def patch_whois(text: str, held: dict, now: dt.datetime) -> str:
    """The rendered WHOIS answer (Verisign / registrar / SMNIC layouts) with the held name's data."""
    expires = rfc3339(STARTED + dt.timedelta(days=parse_days(held["expires_in_days"])))
    out: list[str] = []
    ns_done = False
    in_dns_block = False
    for line in text.splitlines():
        stripped = line.strip()
        indent = line[: len(line) - len(line.lstrip())]
        if in_dns_block:
            if stripped and line[:1].isspace():
                continue  # the SMNIC-like block's old servers
            in_dns_block = False
        if stripped.startswith("Name Server:"):
            if not ns_done:
                out.extend(f"{indent}Name Server: {n.upper()}" for n in held["nameservers"])
                ns_done = True
            continue
        if stripped == "DNS Servers:":
            out.append(line)
            out.extend(f"      {n}" for n in held["nameservers"])
            in_dns_block = True
            continue
        if stripped.startswith("Registrar:") and stripped != "Registrar:":
            line = f"{indent}Registrar: {held['registrar']}"
        elif stripped.startswith("Registrar IANA ID:"):
            line = f"{indent}Registrar IANA ID: {held['registrar_iana_id']}"
        elif stripped.startswith("Registry Expiry Date:"):
            line = f"{indent}Registry Expiry Date: {expires}"
        elif stripped.startswith("Registrar Registration Expiration Date:"):
            line = f"{indent}Registrar Registration Expiration Date: {expires}"
        out.append(line)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def normalise_domain(name: str) -> str:
    return urllib.parse.unquote(name).strip().rstrip(".").lower()


class RdapHandler(http.server.BaseHTTPRequestHandler):
    server_version = "dg-registry/1"
    protocol_version = "HTTP/1.1"

    # Set on the class by make_rdap_server.
    state: State
    fixtures: Fixtures
    holdings: Holdings
    base: str

    def log_message(self, fmt: str, *args) -> None:  # noqa: N802 (stdlib name)
        log(f"rdap {self.address_string()} " + fmt % args)

    def _send(self, status: int, body: bytes | str, content_type: str = "application/rdap+json",
              headers: dict | None = None) -> None:
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj) -> None:
        self._send(status, json.dumps(obj, indent=1, sort_keys=True), "application/json")

    def _rdap_error(self, status: int, title: str, description: list[str]) -> None:
        # RFC 9083 section 6: errorCode, title, description.
        self._send(status, json.dumps({
            "rdapConformance": ["rdap_level_0"],
            "errorCode": status,
            "title": title,
            "description": description,
        }))

    def _serve_fixture(self, domain: str, endpoint: str) -> None:
        self.state.record(domain, endpoint)
        selection, held = self.state.answer(domain, self.holdings)
        name = selection.get(endpoint)
        spec = self.fixtures.get("rdap", name)
        if spec is None:
            self._rdap_error(404, "Not Found", [f"The domain {domain} is not registered with this registry."]
                             if endpoint == "rdap" else [f"No registrar data for {domain}."])
            return
        if spec.get("delay"):
            time.sleep(float(spec["delay"]))
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        text = render(spec["text"], domain, self.base, now)
        if held is not None:
            text = patch_rdap(text, held, now)
        body = text.encode("utf-8")
        if spec.get("truncate") is not None:
            body = body[: int(spec["truncate"])]
        self._send(int(spec.get("status", 200)), body, spec.get("content_type", "application/rdap+json"),
                   spec.get("headers"))

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        try:
            if path.startswith("/domain/"):
                self._serve_fixture(normalise_domain(path[len("/domain/"):]), "rdap")
            elif path.startswith("/registrar/domain/"):
                self._serve_fixture(normalise_domain(path[len("/registrar/domain/"):]), "registrar_rdap")
            elif path == "/help":
                self._send(200, json.dumps({"rdapConformance": ["rdap_level_0"],
                                            "notices": [{"title": "dg-registry", "description": ["local test"]}]}))
            elif path == "/bootstrap.json":
                self._json(200, {
                    "version": "1.0",
                    "publication": rfc3339(dt.datetime.now(dt.timezone.utc)),
                    "description": "domainguard test bed: local RDAP for test., net. and com.",
                    "services": [[["test", "net", "com"], [self.base]]],
                })
            elif path == "/_control/requests":
                self._json(200, {"domains": self.state.snapshot()})
            elif path == "/_control/fixtures":
                self._json(200, {k: sorted(v) for k, v in self.fixtures.kinds.items()})
            elif path == "/_control/held":
                q = urllib.parse.parse_qs(url.query)
                domain = normalise_domain(q.get("domain", [""])[0])
                self._json(200, {"domain": domain, "held": self.holdings.held(domain)})
            elif path == "/_control/selected":
                q = urllib.parse.parse_qs(url.query)
                domain = normalise_domain(q.get("domain", [""])[0])
                self._json(200, {"domain": domain, **self.state.effective(domain)})
            elif path.startswith("/domain") or path.startswith("/nameserver") or path.startswith("/entity"):
                self._rdap_error(400, "Bad Request", ["Malformed or unsupported query."])
            else:
                self._rdap_error(404, "Not Found", ["Unknown path."])
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = urllib.parse.urlsplit(self.path).path
        if path == "/_control/reset":
            self.state.reset()
            self.holdings.reset()
            log("control: reset")
            self._json(200, {"ok": True})
            return
        if path in ("/_control/unselect", "/_control/register", "/_control/unregister"):
            try:
                req = json.loads(raw or b"{}")
                if not isinstance(req, dict) or not isinstance(req.get("domain"), str) or not req["domain"]:
                    raise ValueError("need a JSON object with a non-empty \"domain\"")
                domain = normalise_domain(req["domain"])
                if path == "/_control/register":
                    ns = req.get("nameservers")
                    if not isinstance(ns, list) or not ns or not all(isinstance(n, str) and n for n in ns):
                        raise ValueError("need \"nameservers\": a non-empty list of names")
                    entry = {"nameservers": ns}
                    for key in ("registrar", "registrar_iana_id"):
                        if key in req:
                            entry[key] = str(req[key])
                    if "expires_in_days" in req:
                        entry["expires_in_days"] = parse_days(req["expires_in_days"])
            except (ValueError, TypeError) as e:
                self._json(400, {"error": str(e)})
                return
            if path == "/_control/unselect":
                eff = self.state.unselect(domain)
                log(f"control: unselect {domain}")
                self._json(200, {"domain": domain, **eff})
            elif path == "/_control/register":
                self.holdings.register(domain, entry)
                log(f"control: register {domain} {json.dumps(entry, sort_keys=True)}")
                self._json(200, {"domain": domain, "held": self.holdings.held(domain)})
            else:
                self.holdings.unregister(domain)
                log(f"control: unregister {domain}")
                self._json(200, {"domain": domain, "held": self.holdings.held(domain)})
            return
        if path != "/_control/select":
            self._json(404, {"error": "unknown control path"})
            return
        try:
            req = json.loads(raw or b"{}")
            if not isinstance(req, dict) or not isinstance(req.get("domain"), str) or not req["domain"]:
                raise ValueError("need a JSON object with a non-empty \"domain\"")
            domain = normalise_domain(req["domain"])
            changes = {}
            for key in ENDPOINTS:
                if key not in req:
                    continue
                kind = "rdap" if "rdap" in key else "whois"
                name = req[key]
                if name is not None and (not isinstance(name, str) or name not in self.fixtures.kinds[kind]):
                    raise ValueError(f"unknown {kind} fixture {name!r} for {key}; "
                                     f"known: {', '.join(sorted(self.fixtures.kinds[kind]))}")
                changes[key] = name
        except ValueError as e:
            self._json(400, {"error": str(e)})
            return
        eff = self.state.select(domain, changes)
        log(f"control: select {domain} {json.dumps(changes, sort_keys=True)}")
        self._json(200, {"domain": domain, **eff})


class WhoisHandler(socketserver.StreamRequestHandler):
    # Set on the class by make_whois_server.
    state: State
    fixtures: Fixtures
    holdings: Holdings
    base: str
    endpoint: str  # "whois" or "registrar_whois"

    timeout = 10

    def handle(self) -> None:
        try:
            line = self.rfile.readline(1024)
        except (socket.timeout, ConnectionResetError):
            return
        query = line.decode("utf-8", "replace").strip()
        # Verisign-style servers accept "domain NAME" / "=NAME"; keep only the name.
        parts = query.split()
        if parts and parts[0].lower() == "domain" and len(parts) > 1:
            query = parts[1]
        query = query.lstrip("=")
        domain = normalise_domain(query)
        log(f"{self.endpoint} {self.client_address[0]} query {domain!r}")
        if not domain:
            self._write("% Error: empty query\r\n")
            return
        if "." not in domain and self.endpoint == "whois" and self.fixtures.iana:
            # whois.iana.org answers TLD queries with a "refer:" line.
            self.state.record(domain, self.endpoint)
            spec = self.fixtures.get("whois", self.fixtures.iana)
            self._write(render(spec["text"], domain, self.base))
            return
        self.state.record(domain, self.endpoint)
        selection, held = self.state.answer(domain, self.holdings)
        name = selection.get(self.endpoint)
        spec = self.fixtures.get("whois", name)
        if spec is None:
            spec, held = self.fixtures.get("whois", "not-found-verisign"), None
        if spec.get("delay"):
            time.sleep(float(spec["delay"]))
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        text = render(spec["text"], domain, self.base, now)
        if held is not None:
            text = patch_whois(text, held, now)
        if spec.get("truncate") is not None:
            text = text.encode("utf-8")[: int(spec["truncate"])].decode("utf-8", "ignore")
        self._write(text)

    def _write(self, text: str) -> None:
        # WHOIS servers answer with CRLF line ends.
        data = text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


class ThreadingTCP(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


class ThreadingHTTP(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


def parse_addr(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host.startswith("127.") and host != "localhost":
        raise argparse.ArgumentTypeError(f"{text}: loopback only")
    return host, int(port)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rdap", type=parse_addr, default=("127.0.0.1", 18480))
    ap.add_argument("--whois", type=parse_addr, default=("127.0.0.1", 18043))
    ap.add_argument("--whois-registrar", type=parse_addr, default=None,
                    help="registrar WHOIS listener (default: --whois port + 1)")
    ap.add_argument("--fixtures", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       "fixtures", "registry"))
    ap.add_argument("--state", required=True, help="state directory (selections survive a restart)")
    ap.add_argument("--pidfile")
    ap.add_argument("--tld-servers", default="",
                    help="comma-separated TLD server addresses: names they delegate are held (see above)")
    args = ap.parse_args()

    os.makedirs(args.state, exist_ok=True)
    fixtures = Fixtures(args.fixtures)
    state = State(fixtures, args.state)
    holdings = Holdings(args.fixtures, [s for s in args.tld_servers.split(",") if s], args.state)
    base = f"http://{args.rdap[0]}:{args.rdap[1]}/"
    registrar_addr = args.whois_registrar or (args.whois[0], args.whois[1] + 1)

    shared = {"state": state, "fixtures": fixtures, "holdings": holdings, "base": base}
    rdap_cls = type("Rdap", (RdapHandler,), dict(shared))
    whois_cls = type("Whois", (WhoisHandler,), {**shared, "endpoint": "whois"})
    rwhois_cls = type("RWhois", (WhoisHandler,), {**shared, "endpoint": "registrar_whois"})
    servers = [ThreadingHTTP(args.rdap, rdap_cls), ThreadingTCP(args.whois, whois_cls),
               ThreadingTCP(registrar_addr, rwhois_cls)]
    threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
               for s in servers]
    for t in threads:
        t.start()
    if args.pidfile:
        with open(args.pidfile, "w", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
    log(f"listening: rdap {base} whois {args.whois[0]}:{args.whois[1]} "
        f"registrar-whois {registrar_addr[0]}:{registrar_addr[1]}; "
        f"{len(fixtures.kinds['rdap'])} rdap + {len(fixtures.kinds['whois'])} whois fixtures")

    stop = threading.Event()

    def on_signal(signum, _frame):
        log(f"signal {signum}: stopping")
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stop.wait(0.5):
        pass
    for s in servers:
        s.shutdown()
        s.server_close()
    if args.pidfile:
        try:
            os.unlink(args.pidfile)
        except OSError:
            pass
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
