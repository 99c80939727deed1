"""Integration tests: drive the built cronwrap binary as a user would.

Fixture modules live beside this file as fixtures_*.py (servers: FTP, SSH,
SMTP, HTTP, PostgreSQL, MariaDB, syslog capture) and are loaded here.  Each
server starts once per session.

With CI=true a skipped test is a failure: a green CI means every server ran.
"""
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import textwrap
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("CRONWRAP_BUILD") or os.path.join(ROOT, "build")
CRONWRAP = os.path.join(BUILD, "cronwrap")
SANITIZED = bool(os.environ.get("CRONWRAP_SAN"))
IS_ROOT = os.geteuid() == 0

pytest_plugins = sorted(
    os.path.splitext(os.path.basename(p))[0]
    for p in glob.glob(os.path.join(HERE, "fixtures_*.py")))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "rss: a peak-memory bound, meaningful only in the plain "
        "build (ASan's shadow memory): deselected, not skipped, under SAN")


def pytest_collection_modifyitems(config, items):
    """Under the sanitizers the memory bounds are not run at all: the same
    CI runs them in the plain build.  Deselected rather than skipped, since
    a skip fails CI."""
    if not SANITIZED:
        return
    keep = [i for i in items if i.get_closest_marker("rss") is None]
    gone = [i for i in items if i.get_closest_marker("rss") is not None]
    if gone:
        config.hook.pytest_deselected(items=gone)
        items[:] = keep


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.skipped and os.environ.get("CI") == "true" \
            and not hasattr(rep, "wasxfail"):
        rep.outcome = "failed"
        rep.longrepr = "skipped under CI=true (a skip is a failure in CI): %s" \
            % (rep.longrepr,)


def open_path(path):
    """pytest's tmp_path is 0700: make it and its parents traversable, so
    that a job dropped to another user (and cwftp, postgres, mysql) can
    reach the files under it."""
    p = os.path.abspath(path)
    while p not in ("/", "/tmp"):
        st = os.stat(p)
        if st.st_uid == os.geteuid() and (st.st_mode & 0o755) != 0o755:
            os.chmod(p, (st.st_mode & 0o7777) | 0o755)
        p = os.path.dirname(p)


class Project:
    """A throwaway cronwrap installation: global config, jobs.d, state, logs
    and locks under one directory, used through CRONWRAP_CONFIG."""

    def __init__(self, root):
        self.root = str(root)
        os.makedirs(self.root, exist_ok=True)
        open_path(self.root)
        self.jobs_dir = os.path.join(self.root, "jobs.d")
        self.state_dir = os.path.join(self.root, "state")
        self.log_dir = os.path.join(self.root, "log")
        self.lock_dir = os.path.join(self.root, "lock")
        self.run_dir = os.path.join(self.root, "work")
        os.makedirs(self.jobs_dir)
        os.makedirs(self.run_dir)
        os.chmod(self.run_dir, 0o777)
        self.config = os.path.join(self.root, "cronwrap.conf")
        self.write_global("")

    def write_global(self, extra):
        """The directories of this project, then extra; a directory that
        extra sets is left to it."""
        extra = textwrap.dedent(extra)
        dirs = [("jobs_dir", "jobs.d"), ("state_dir", "state"),
                ("log_dir", "log"), ("lock_dir", "lock"),
                ("plugin_dir", os.path.join(BUILD, "jobs"))]
        with open(self.config, "w") as f:
            for key, value in dirs:
                if not re.search(r"^\s*%s\s*=" % key, extra, re.M):
                    f.write('%s = "%s";\n' % (key, value))
            f.write(extra)

    def write_job(self, name, text):
        path = os.path.join(self.jobs_dir, name + ".conf")
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def env(self, extra=None):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
               "CRONWRAP_CONFIG": self.config,
               "HOME": os.environ.get("HOME", "/root"),
               "LANG": "C.UTF-8"}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]
        if extra:
            env.update(extra)
        return env

    def run(self, *args, env=None, timeout=60, input=None, check=None):
        p = subprocess.run([CRONWRAP] + list(args), env=self.env(env),
                           stdin=subprocess.DEVNULL if input is None else None,
                           input=input, capture_output=True, text=True,
                           errors="replace", timeout=timeout)
        if check is not None:
            assert p.returncode == check, \
                "exit %d, expected %d\nstdout:\n%s\nstderr:\n%s" % (
                    p.returncode, check, p.stdout, p.stderr)
        return p

    def popen(self, *args, env=None, **kw):
        kw.setdefault("stdin", subprocess.DEVNULL)
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        return subprocess.Popen([CRONWRAP] + list(args), env=self.env(env),
                                text=True, errors="replace", **kw)

    def logs(self, job):
        d = os.path.join(self.log_dir, job)
        if not os.path.isdir(d):
            return []
        return sorted(os.path.join(d, f) for f in os.listdir(d))


@pytest.fixture
def project(tmp_path):
    return Project(tmp_path / "cw")


@pytest.fixture(scope="session")
def unprivileged_user():
    """A user to drop to when the tests run as root."""
    if not IS_ROOT:
        pytest.skip("needs root to create and switch users")
    name = "cwjob"
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "-m", "-s", "/bin/sh", name], check=True)
    return pwd.getpwnam(name)


def group_running(pgid):
    """Whether a process of group pgid runs, zombies aside (as cronwrap
    judges an orphaned group: one that init has not reaped yet has ended;
    os.killpg(pgid, 0) would still find it)."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


def free_port():
    """A TCP port of 127.0.0.1 free now, for a server a fixture starts."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, what, timeout=10):
    """Waits until something listens on port, failing early if proc (the
    server) exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("%s exited with %s" % (what, proc.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("%s did not listen on %d" % (what, port))


def which(prog):
    return shutil.which(prog, path="/usr/sbin:/usr/bin:/sbin:/bin")
