#!/usr/bin/env python3
"""A counting HTTP proxy in front of one PowerDNS API, for the scale benchmark (tests/bench/scale.py).

Every request is forwarded unchanged to --upstream (keep-alive, one upstream connection per client connection) and
counted by method and kind of path:
  zones        .../zones                   (GET: every zone with its serial in one request; POST: create a zone)
  zones?zone   GET .../zones?zone=NAME     (one zone's entry: a serial check of one zone)
  zone         .../zones/NAME              (one zone: read, PATCH, DELETE)
  zone/...     .../zones/NAME/...          (notify, rectify, export, ...)
  other        anything else
GET /_counts on the proxy itself answers the counts so far as JSON {"GET zone": 12, ...} and is not counted.

  count_proxy.py --listen 127.0.0.1:PORT --upstream http://127.0.0.1:18081
"""
import argparse
import http.client
import http.server
import json
import threading
import urllib.parse

COUNTS = {}
LOCK = threading.Lock()
HOP_HEADERS = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}


def kind(path):
    u = urllib.parse.urlsplit(path)
    parts = [p for p in u.path.split("/") if p]
    if "zones" not in parts:
        return "other"
    rest = parts[parts.index("zones") + 1:]
    if not rest:
        return "zones?zone" if "zone=" in u.query else "zones"
    return "zone" if len(rest) == 1 else "zone/..."


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None  # (host, port)

    def log_message(self, *args):
        pass

    def _conn(self):
        if getattr(self, "_up", None) is None:
            self._up = http.client.HTTPConnection(*self.upstream, timeout=60)
        return self._up

    def _reply(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _forward(self):
        if self.command == "GET" and self.path == "/_counts":
            with LOCK:
                body = json.dumps(COUNTS, sort_keys=True).encode()
            self._reply(200, body, [("Content-Type", "application/json")])
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS and k.lower() != "host"}
        key = "%s %s" % (self.command, kind(self.path))
        with LOCK:
            COUNTS[key] = COUNTS.get(key, 0) + 1
        for attempt in range(2):
            try:
                c = self._conn()
                c.request(self.command, self.path, body=body, headers=headers)
                r = c.getresponse()
                data = r.read()
                break
            except (http.client.HTTPException, OSError):
                if self._up is not None:
                    self._up.close()
                self._up = None
                if attempt == 1:
                    self._reply(502, b"count_proxy: upstream unreachable")
                    return
        out = [(k, v) for k, v in r.getheaders() if k.lower() not in HOP_HEADERS and k.lower() != "content-length"]
        self._reply(r.status, data, out)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--listen", required=True, help="host:port")
    ap.add_argument("--upstream", required=True, help="the PowerDNS API base URL, e.g. http://127.0.0.1:18081")
    args = ap.parse_args()
    up = urllib.parse.urlsplit(args.upstream)
    Proxy.upstream = (up.hostname, up.port or 80)
    host, port = args.listen.rsplit(":", 1)
    server = http.server.ThreadingHTTPServer((host, int(port)), Proxy)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
