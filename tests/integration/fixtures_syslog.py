"""A syslog catcher: runs cronwrap in a private mount namespace whose
/dev/log is a socket of the test's (SERVICES.md), and returns what was
logged."""
import json
import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURE = os.path.join(HERE, "servers", "syslog_capture.py")

PRIVATE_DEV = r'''
d=$(mktemp -d); mount -t tmpfs tmpfs "$d"
for n in null zero full random urandom tty; do cp -a /dev/$n "$d"/; done
ln -s /proc/self/fd "$d"/fd; mkdir "$d"/shm "$d"/pts
mount --bind "$d" /dev
exec /usr/bin/python3 "$@"
'''


class SyslogRun:
    def __init__(self, result):
        self.status = result["status"]
        self.stdout = result["stdout"]
        self.stderr = result["stderr"]
        self.messages = result["syslog"]

    def lines(self, ident="cronwrap"):
        """(priority, message text) of the lines of ident."""
        out = []
        for m in self.messages:
            pri, rest = m[1:].split(">", 1)
            # "<13>Nov 23 16:19:35 ident[pid]: message"
            head, _, text = rest.partition(": ")
            if head.split(" ")[-1].startswith(ident):
                out.append((int(pri), text))
        return out


@pytest.fixture(scope="session")
def syslog_run():
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare for a private /dev/log")

    def run(argv, env, timeout=120):
        p = subprocess.run(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             PRIVATE_DEV, "sh", CAPTURE] + list(argv),
            env=env, capture_output=True, text=True, timeout=timeout)
        assert p.returncode == 0, p.stderr
        return SyslogRun(json.loads(p.stdout))
    return run
