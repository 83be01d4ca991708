#!/usr/bin/env python3
"""An HTTP receiver for the test bed: every POST (webhook, Slack, Alertmanager webhook) is appended to a JSON
Lines file, one object per request: {"time", "path", "headers", "body"} (body parsed as JSON when it is JSON,
else text). GET /_received returns the file's lines as a JSON array. Nothing else.

  hook_receiver.py --listen 127.0.0.1:19094 --out received.jsonl [--tls-cert C --tls-key K]
"""
import argparse
import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    out = None

    def log_message(self, fmt, *args):  # quiet: the JSONL file is the record
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode("utf-8", "replace")
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw
        rec = {"time": time.time(), "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
               "body": body, "raw": raw}
        with LOCK, open(self.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(rec) + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        if self.path != "/_received":
            self.send_response(404)
            self.end_headers()
            return
        with LOCK:
            try:
                lines = [json.loads(l) for l in open(self.out, encoding="utf-8") if l.strip()]
            except FileNotFoundError:
                lines = []
        data = json.dumps(lines).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    a = ap.parse_args()
    host, port = a.listen.rsplit(":", 1)
    Handler.out = a.out
    srv = ThreadingHTTPServer((host, int(port)), Handler)
    if a.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
