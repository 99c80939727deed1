"""HTTP servers on 127.0.0.1 for webhooks and pings (SERVICES.md): each
request is saved as NNNN.json (method, path, headers, body).

Started once per session: "ok" answers 200, "fail" answers 500 (to see
the retries).  The http fixture (per test) empties both first.
"""
import json
import os
import socket
import subprocess
import sys
import time

import pytest

from conftest import HERE, free_port

SERVER = os.path.join(HERE, "servers", "http_server.py")


class HttpServer:
    def __init__(self, root, name, status):
        self.dir = os.path.join(root, name)
        os.makedirs(self.dir)
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, SERVER, str(self.port), self.dir, str(status)],
            stdout=subprocess.DEVNULL, stderr=open(self.dir + ".log", "w"))
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port),
                                         0.2).close()
                break
            except OSError:
                if self.proc.poll() is not None or \
                        time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("HTTP server %s did not start" % name)
                time.sleep(0.05)

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def clear(self):
        for f in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, f))

    def requests(self):
        out = []
        for f in sorted(os.listdir(self.dir)):
            if f.endswith(".json"):
                with open(os.path.join(self.dir, f)) as fh:
                    out.append(json.load(fh))
        return out

    def wait(self, n, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.requests()
            if len(got) >= n:
                return got
            time.sleep(0.05)
        raise AssertionError("%d request(s) expected, %d arrived"
                             % (n, len(self.requests())))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class HttpServers:
    def __init__(self, root):
        self.ok = HttpServer(root, "ok", 200)
        self.fail = HttpServer(root, "fail", 500)

    def stop(self):
        self.ok.stop()
        self.fail.stop()


@pytest.fixture(scope="session")
def http_servers(tmp_path_factory):
    servers = HttpServers(str(tmp_path_factory.mktemp("http")))
    yield servers
    servers.stop()


@pytest.fixture
def http(http_servers):
    http_servers.ok.clear()
    http_servers.fail.clear()
    return http_servers
