#!/usr/bin/env python3
"""The test bed's SMTP server (aiosmtpd): STARTTLS required before AUTH (PLAIN/LOGIN) and before mail is taken;
every accepted message is written to OUT_DIR/<n>.eml with its envelope in OUT_DIR/<n>.json.

  smtp_server.py --listen 127.0.0.1:19025 --cert C --key K --user U --password-file P --out DIR
"""
import argparse
import json
import os
import ssl
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

COUNTER = [0]
LOCK = threading.Lock()


class Saver:
    def __init__(self, out):
        self.out = out

    async def handle_DATA(self, server, session, envelope):
        with LOCK:
            COUNTER[0] += 1
            n = "%d-%06d" % (int(time.time()), COUNTER[0])
        with open(os.path.join(self.out, n + ".eml"), "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(os.path.join(self.out, n + ".json"), "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos, "tls": session.ssl is not None,
                       "authenticated": bool(session.authenticated), "time": time.time()}, f)
        return "250 Message accepted"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    password = open(a.password_file).read().strip()
    host, port = a.listen.rsplit(":", 1)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)

    def auth(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and data.login.decode() == a.user and data.password.decode() == password
        return AuthResult(success=ok)

    c = Controller(Saver(a.out), hostname=host, port=int(port), tls_context=ctx, require_starttls=True,
                   authenticator=auth, auth_required=True, auth_require_tls=True, ready_timeout=10)
    c.start()
    threading.Event().wait()


if __name__ == "__main__":
    main()
