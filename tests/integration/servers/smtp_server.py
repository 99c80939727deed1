#!/usr/bin/python3
import json, os, signal, ssl, sys, threading, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
port, d, *tls = sys.argv[1:]

class Saver:
    async def handle_RCPT(self, server, sess, env, address, options):
        if address.startswith("nobody@"):           # a mailbox that does not exist
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        env.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, sess, env):
        b = os.path.join(d, str(time.time_ns()))
        with open(b + ".json", "w") as f:
            json.dump({"from": env.mail_from, "to": env.rcpt_tos, "tls": sess.ssl is not None,
                       "auth": sess.auth_data if sess.authenticated else None}, f)
        with open(b + ".tmp", "wb") as f: f.write(env.original_content)
        os.rename(b + ".tmp", b + ".eml")           # .eml last: the pair is complete
        return "250 2.0.0 saved"

kw = {}
if tls:
    cert, key, user, pw = tls
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH); ctx.load_cert_chain(cert, key)
    def auth(server, sess, env, mech, data):
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (user.encode(), pw.encode())
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)
    kw = dict(tls_context=ctx, authenticator=auth, auth_require_tls=False)
ctl = Controller(Saver(), hostname="127.0.0.1", port=int(port), **kw)
ctl.start(); print("READY", flush=True)   # start() returns once it answers
stop = threading.Event(); signal.signal(signal.SIGTERM, lambda *_: stop.set()); stop.wait(); ctl.stop()
