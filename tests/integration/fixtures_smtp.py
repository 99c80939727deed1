"""SMTP servers on 127.0.0.1 for the mail tests (SERVICES.md): aiosmtpd
saving each message as N.eml (raw) and N.json (envelope, TLS, AUTH user).

Started once per session, in the foreground as children of pytest:
  - "tls": offers STARTTLS (a self-signed certificate for localhost and
    127.0.0.1, which is its own CA: cert) and AUTH LOGIN/PLAIN as
    user/password, neither required (so a refused AUTH still delivers);
  - "plain": no STARTTLS, no AUTH.
Both refuse RCPT TO for any nobody@ address (550 5.1.1, as postfix says
of an unknown user).
The smtp fixture (per test) empties both mailboxes first.

Helpers: mailprobe() runs tests/tools/mailprobe (one message through
mail_send), alertprobe() runs tests/tools/alertprobe (one finished run
through the alert policy), mail_settings() writes a mail group.
"""
import email
import email.policy
import json
import os
import subprocess
import sys
import time

import pytest

from conftest import BUILD, HERE
from conftest import free_port

SERVER = os.path.join(HERE, "servers", "smtp_server.py")
MAILPROBE = os.path.join(BUILD, "tests", "tools", "mailprobe")
ALERTPROBE = os.path.join(BUILD, "tests", "tools", "alertprobe")
USER = "cw"
PASSWORD = "secret"


class Mail:
    """One saved message: envelope (from, to, tls, auth), raw bytes, and
    msg, parsed with the standard library's RFC 5322 parser."""

    def __init__(self, base):
        with open(base + ".json") as f:
            self.envelope = json.load(f)
        with open(base + ".eml", "rb") as f:
            self.raw = f.read()
        self.msg = email.message_from_bytes(self.raw,
                                            policy=email.policy.default)

    @property
    def subject(self):
        return str(self.msg["Subject"])

    @property
    def body(self):
        """The decoded text, with the wire's CRLF as LF."""
        return self.msg.get_content().replace("\r\n", "\n")


class SmtpServer:
    def __init__(self, root, name, extra):
        self.dir = os.path.join(root, name)
        os.makedirs(self.dir)
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, SERVER, str(self.port), self.dir] + extra,
            stdout=subprocess.PIPE, stderr=open(self.dir + ".log", "w"),
            text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "READY":
            self.stop()
            raise RuntimeError("SMTP server %s did not start" % name)

    def clear(self):
        for f in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, f))

    def messages(self):
        names = sorted(f[:-4] for f in os.listdir(self.dir)
                       if f.endswith(".eml"))
        return [Mail(os.path.join(self.dir, n)) for n in names]

    def wait(self, n, timeout=15):
        """The messages, once there are at least n of them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.messages()
            if len(got) >= n:
                return got
            time.sleep(0.05)
        raise AssertionError("%d message(s) expected, %d arrived"
                             % (n, len(self.messages())))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class SmtpServers:
    def __init__(self, root):
        self.root = root
        self.cert = os.path.join(root, "cert.pem")
        self.key = os.path.join(root, "key.pem")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-days", "30", "-subj", "/CN=localhost", "-addext",
             "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", self.key, "-out", self.cert],
            check=True, capture_output=True)
        self.user = USER
        self.password_file = self.secret("password", PASSWORD)
        self.wrong_password_file = self.secret("wrong-password", "nope")
        self.tls = SmtpServer(root, "tls", [self.cert, self.key, USER,
                                            PASSWORD])
        self.plain = SmtpServer(root, "plain", [])

    def secret(self, name, text):
        path = os.path.join(self.root, name)
        with open(path, "w") as f:
            f.write(text + "\n")
        os.chmod(path, 0o600)
        return path

    def stop(self):
        self.tls.stop()
        self.plain.stop()


@pytest.fixture(scope="session")
def smtp_servers(tmp_path_factory):
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        pytest.skip("python3-aiosmtpd is not installed")
    servers = SmtpServers(str(tmp_path_factory.mktemp("smtp")))
    yield servers
    servers.stop()


@pytest.fixture
def smtp(smtp_servers):
    smtp_servers.tls.clear()
    smtp_servers.plain.clear()
    return smtp_servers


def mailprobe(*args, timeout=60):
    return subprocess.run([MAILPROBE] + [str(a) for a in args],
                          capture_output=True, text=True, timeout=timeout)


def alertprobe(project, *args, timeout=60):
    return subprocess.run([ALERTPROBE] + [str(a) for a in args],
                          env=project.env(), capture_output=True, text=True,
                          timeout=timeout)


def mail_settings(server, to=("ops@example.com",), **extra):
    """A mail group (libconfig text) for a server of the fixture."""
    conf = {"smtp_server": '"localhost"', "smtp_port": str(server.port),
            "starttls": '"no"', "from": '"cronwrap@%h"',
            "to": "[ %s ]" % ", ".join('"%s"' % t for t in to),
            "timeout": '"20s"'}
    for k, v in extra.items():
        conf[k] = v if isinstance(v, (int, float)) or v.startswith(("[", '"')) \
            else '"%s"' % v
    return "mail = { %s };\n" % " ".join(
        "%s = %s;" % (k, v) for k, v in conf.items())
