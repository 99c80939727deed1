"""Requirements (SPEC: requires, unmet, unmet_timeout, unmet_poll; exit 69
and 75): a job that needs an upstream job, a file, a command or a URL waits,
skips or fails, and never runs on stale data.  The upstream jobs are real
cronwrap jobs run through the binary; the URLs are real local HTTP servers.
"""
import json
import os
import socket
import subprocess
import threading
import time

import pytest

from conftest import CRONWRAP, HERE
from conftest import free_port

# A daily window; its end is 2026-11-23 in UTC.
WINDOW = "2026-11-22T04:30:00Z/2026-11-23T04:30:00Z"
WINDOW_START = 1795321800
NEXT_WINDOW = "2026-11-23T04:30:00Z/2026-11-24T04:30:00Z"
HTTP_SERVER = os.path.join(HERE, "servers", "http_server.py")


def wait_for(pred, timeout=20, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    return False


def history(project, job):
    p = project.run("history", job, "--json", check=0)
    return json.loads(p.stdout)


def export_job(project, marker, requires, unmet="fail", extra="",
               unmet_timeout="3s"):
    """The downstream job: touches marker when (and only when) it runs."""
    return project.write_job("export", (
        'shell = "touch %s";\n'
        'requires = ( %s );\n'
        'unmet = "%s"; unmet_poll = "1s"; unmet_timeout = "%s";\n'
        '%s') % (marker, requires, unmet, unmet_timeout, extra))


def start_server(argv, port):
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    proc.kill()
    pytest.fail("HTTP server %s did not start" % argv)


@pytest.fixture(scope="module")
def http(tmp_path_factory):
    """Two real servers: python's http.server on a directory (200, 404,
    redirects) and http_server.py answering 503 to everything."""
    root = tmp_path_factory.mktemp("www")
    (root / "ready.txt").write_text("status: READY\n")
    (root / "sub").mkdir()
    (root / "sub" / "index.html").write_text("<p>inside</p>\n")
    ok, busy = free_port(), free_port()
    procs = [
        start_server(["/usr/bin/python3", "-m", "http.server", "--bind",
                      "127.0.0.1", "--directory", str(root), str(ok)], ok),
        start_server(["/usr/bin/python3", HTTP_SERVER, str(busy),
                      str(root), "503"], busy),
    ]
    yield {"ok": "http://127.0.0.1:%d" % ok,
           "busy": "http://127.0.0.1:%d" % busy}
    for p in procs:
        p.terminate()
        p.wait(10)


# --- the cases the feature exists for ---

def test_failed_upstream_blocks_downstream(project, tmp_path):
    marker = tmp_path / "exported"
    project.write_job("load", 'shell = "exit 3";\n')
    export_job(project, marker,
               '{ job = "load"; succeeded = "window"; }')
    project.run("run", "load", "--window", WINDOW, check=3)
    p = project.run("run", "export", "--window", WINDOW, check=69)
    assert not marker.exists()
    assert "job load" in p.stderr, p.stderr
    runs = history(project, "export")
    assert len(runs) == 1
    assert runs[0]["status"] == "precondition"
    assert "job load" in project.run("history", "export", check=0).stdout


def test_wait_gives_up_at_unmet_timeout(project, tmp_path):
    marker = tmp_path / "exported"
    project.write_job("load", 'shell = "exit 3";\n')
    export_job(project, marker, '{ job = "load"; succeeded = "window"; }',
               unmet="wait")
    project.run("run", "load", "--window", WINDOW, check=3)
    p = project.run("run", "export", "--window", WINDOW, check=69)
    assert not marker.exists()
    assert [r["status"] for r in history(project, "export")] == \
        ["precondition"]
    assert "job load" in p.stderr


def test_upstream_success_while_waiting_lets_it_run(project, tmp_path):
    marker = tmp_path / "exported"
    project.write_job("load", 'shell = "true";\n')
    export_job(project, marker, '{ job = "load"; succeeded = "window"; }',
               unmet="wait", unmet_timeout="30s")
    # The previous window's success does not do.
    project.run("run", "load", "--window",
                "2026-11-21T04:30:00Z/2026-11-22T04:30:00Z", check=0)
    waiting = project.popen("run", "export", "--window", WINDOW)
    assert wait_for(lambda: [r["status"] for r in history(
        project, "export")] == ["running"])
    time.sleep(1.2)  # at least one more poll
    assert not marker.exists()
    assert waiting.poll() is None
    project.run("run", "load", "--window", WINDOW, check=0)
    out, err = waiting.communicate(timeout=30)
    assert waiting.returncode == 0, err
    assert marker.exists()
    assert history(project, "export")[0]["status"] == "succeeded"


def test_missing_flag_with_skip_exits_75_quietly(project, tmp_path):
    marker = tmp_path / "exported"
    ready = tmp_path / "ready"
    ready.mkdir()
    export_job(project, marker,
               '{ file = "%s/%%Y-%%m-%%d.flag"; }' % ready, unmet="skip")
    p = project.run("run", "export", "--window", WINDOW, check=75)
    assert not marker.exists()
    assert p.stdout == "" and p.stderr == ""
    # The flag of the window end's day lets it run.
    (ready / "2026-11-22.flag").write_text("yesterday\n")
    project.run("run", "export", "--window", WINDOW, check=75)
    (ready / "2026-11-23.flag").write_text("ok\n")
    project.run("run", "export", "--window", WINDOW, check=0)
    assert marker.exists()


def test_skip_is_a_syslog_line(project, tmp_path, syslog_run):
    marker = tmp_path / "exported"
    flag = tmp_path / "ready.flag"
    export_job(project, marker, '{ file = "%s"; }' % flag, unmet="skip")
    r = syslog_run([CRONWRAP, "run", "export"], project.env())
    assert r.status == 75
    assert r.stderr == ""
    lines = [t for p, t in r.lines() if "job=export" in t]
    assert any("%s: missing" % flag in t for t in lines), lines


# --- every kind of requirement, met and unmet ---

def test_job_requirement_kinds(project, tmp_path):
    marker = tmp_path / "exported"
    project.write_job("load", 'shell = "exit ${FAIL:-0}";\n'
                      'env = { keep = [ "FAIL" ]; };\n')
    cases = [
        ('{ job = "load"; succeeded = "last"; }', "--window", NEXT_WINDOW),
        ('{ job = "load"; within = "1h"; }', "--window", NEXT_WINDOW),
        ('{ job = "load"; succeeded = "window"; }', "--window", WINDOW),
    ]
    for requires, *args in cases:
        export_job(project, marker, requires)
        project.run("run", "export", *args, check=69)
        assert not marker.exists(), requires
    project.run("run", "load", "--window", WINDOW, check=0)
    for requires, *args in cases:
        export_job(project, marker, requires)
        project.run("run", "export", *args, check=0)
        assert marker.exists(), requires
        marker.unlink()
    # Its window does not cover the next one; its latest run then fails.
    export_job(project, marker, '{ job = "load"; }')
    project.run("run", "export", "--window", NEXT_WINDOW, check=69)
    project.run("run", "load", "--window", WINDOW, env={"FAIL": "1"},
                check=1)
    export_job(project, marker, '{ job = "load"; succeeded = "last"; }')
    project.run("run", "export", check=69)
    assert not marker.exists()


def test_job_requirement_with_schedules(project, tmp_path):
    """Without --window, both runs take the window of the latest tick of
    the same schedule: the upstream's success covers the downstream."""
    marker = tmp_path / "exported"
    project.write_job("load", 'schedule = "30 4 * * *";\nshell = "true";\n')
    export_job(project, marker, '{ job = "load"; }',
               extra='schedule = "30 4 * * *";\n')
    project.run("run", "export", check=69)
    project.run("run", "load", check=0)
    project.run("run", "export", check=0)
    assert marker.exists()


@pytest.mark.parametrize("content,extra,code", [
    ("ok\n", "", 0),
    ("", "", 69),
    ("12345", "min_size = 5;", 0),
    ("1234", "min_size = 5;", 69),
])
def test_file_requirement(project, tmp_path, content, extra, code):
    marker = tmp_path / "exported"
    flag = tmp_path / "data.csv"
    flag.write_text(content)
    export_job(project, marker, '{ file = "%s"; %s }' % (flag, extra))
    project.run("run", "export", check=code)
    assert marker.exists() == (code == 0)


def test_file_missing_and_newer_than_window(project, tmp_path):
    marker = tmp_path / "exported"
    flag = tmp_path / "data.csv"
    export_job(project, marker,
               '{ file = "%s"; newer_than = "window"; }' % flag)
    project.run("run", "export", "--window", WINDOW, check=69)
    flag.write_text("a,b\n")
    os.utime(flag, (WINDOW_START - 60, WINDOW_START - 60))
    project.run("run", "export", "--window", WINDOW, check=69)
    assert not marker.exists()
    os.utime(flag, (WINDOW_START + 60, WINDOW_START + 60))
    project.run("run", "export", "--window", WINDOW, check=0)
    assert marker.exists()


@pytest.mark.parametrize("command,code", [
    ('[ "/bin/sh", "-c", "exit 0" ]', 0),
    ('[ "/bin/sh", "-c", "exit 1" ]', 69),
    ('[ "/bin/sh", "-c", "sleep 30" ]; timeout = "1s"', 69),
    ('[ "/nonexistent/upstream-ok" ]', 69),
])
def test_command_requirement(project, tmp_path, command, code):
    marker = tmp_path / "exported"
    export_job(project, marker, '{ command = %s; }' % command)
    project.run("run", "export", check=code)
    assert marker.exists() == (code == 0)


def test_command_requirement_sees_the_job_environment(project, tmp_path):
    marker = tmp_path / "exported"
    export_job(project, marker,
               '{ command = [ "/bin/sh", "-c", '
               '"test \\"$REGION\\" = eu && test -n \\"$CRONWRAP_JOB\\"" ]; }',
               extra='env = { set = { REGION = "eu"; }; };\n')
    project.run("run", "export", check=0)
    assert marker.exists()


@pytest.mark.parametrize("path,contains,code", [
    ("/ready.txt", None, 0),
    ("/ready.txt", "READY", 0),
    ("/ready.txt", "FAILED", 69),
    ("/missing.txt", None, 69),
    ("/sub", "inside", 0),   # a redirect, followed
])
def test_url_requirement(project, tmp_path, http, path, contains, code):
    marker = tmp_path / "exported"
    export_job(project, marker, '{ url = "%s%s"; %s }' % (
        http["ok"], path,
        'contains = "%s";' % contains if contains else ""))
    project.run("run", "export", check=code)
    assert marker.exists() == (code == 0)


def test_url_requirement_server_errors(project, tmp_path, http):
    marker = tmp_path / "exported"
    export_job(project, marker, '{ url = "%s/health"; }' % http["busy"])
    p = project.run("run", "export", check=69)
    assert "HTTP 503" in p.stderr
    export_job(project, marker,
               '{ url = "http://127.0.0.1:%d/"; timeout = "2s"; }'
               % free_port())
    project.run("run", "export", check=69)
    assert not marker.exists()


# --- policy details ---

def test_waiting_run_holds_the_lock(project, tmp_path):
    marker = tmp_path / "exported"
    export_job(project, marker, '{ file = "%s/flag"; }' % tmp_path,
               unmet="wait", unmet_timeout="5s")
    first = project.popen("run", "export")
    assert wait_for(lambda: [r["status"] for r in history(
        project, "export")] == ["running"])
    second = project.run("run", "export", check=75)
    assert second.stderr == ""
    first.communicate(timeout=30)
    assert first.returncode == 69
    statuses = sorted(r["status"] for r in history(project, "export"))
    assert statuses == ["precondition", "skipped"]
    assert not marker.exists()


def mentions(r, text):
    """How many syslog lines of the export job mention text: as events
    (key=value lines) and as notes in the run's own stream."""
    lines = [t for p, t in r.lines() if "job=export" in t and text in t]
    notes = [t for t in lines if " stream=" in t]
    return len(lines) - len(notes), len(notes)


def test_verdict_logged_once_per_change(project, tmp_path, syslog_run):
    marker = tmp_path / "exported"
    flag = tmp_path / "flag"
    export_job(project, marker, '{ file = "%s"; }' % flag, unmet="wait",
               unmet_timeout="30s")
    # The flag appears after about three polls.
    timer = threading.Timer(2.5, flag.write_text, ["ok\n"])
    timer.start()
    try:
        r = syslog_run([CRONWRAP, "run", "export"], project.env())
    finally:
        timer.cancel()
    assert r.status == 0, r.stderr
    assert marker.exists()
    events, notes = mentions(r, "%s: missing" % flag)
    # About three polls said "missing": once in each place it is logged.
    assert events + notes >= 1
    assert events <= 1 and notes <= 1, r.lines()


def test_wait_logs_a_steady_verdict_once(project, tmp_path, syslog_run):
    marker = tmp_path / "exported"
    flag = tmp_path / "flag"
    export_job(project, marker, '{ file = "%s"; }' % flag, unmet="wait",
               unmet_timeout="4s")
    r = syslog_run([CRONWRAP, "run", "export"], project.env())
    assert r.status == 69
    events, notes = mentions(r, "%s: missing" % flag)
    # Five polls: the verdict once, and perhaps once more in the reason of
    # the run's end; never once per poll.
    assert events + notes >= 1
    assert events <= 2 and notes <= 2, r.lines()


def test_force_skips_requirements_and_says_so(project, tmp_path):
    marker = tmp_path / "exported"
    export_job(project, marker, '{ file = "%s/flag"; }' % tmp_path)
    project.run("run", "export", check=69)
    project.run("run", "export", "--force", check=0)
    assert marker.exists()
    runs = history(project, "export")
    assert [r["status"] for r in runs] == ["succeeded", "precondition"]
    log = project.run("log", "export", runs[0]["run_id"], check=0).stdout
    assert "--force" in log
    table = project.run("history", "export", check=0).stdout
    assert "force" in table.split("\n")[1], table


# --- the dry run ---

def test_dry_run_with_force_does_not_evaluate_requirements(project, tmp_path):
    marker = tmp_path / "exported"
    export_job(project, marker, '{ file = "%s/flag"; }' % tmp_path)
    p = project.run("run", "export", "--dry-run", check=69)
    assert "unmet" in p.stdout + p.stderr
    p = project.run("run", "export", "--dry-run", "--force", check=0)
    assert "not evaluated (--force)" in p.stdout
    assert "unmet" not in p.stdout + p.stderr
    assert not marker.exists()
    assert history(project, "export") == []

def test_dry_run_reports_each_verdict(project, tmp_path, http):
    marker = tmp_path / "exported"
    flag = tmp_path / "flag"
    project.write_job("load", 'shell = "true";\n')
    project.run("run", "load", "--window", WINDOW, check=0)
    export_job(project, marker, " ".join([
        '{ job = "load"; },',
        '{ file = "%s"; },' % flag,
        '{ command = [ "/bin/sh", "-c", "echo not yet; exit 1" ]; },',
        '{ url = "%s/ready.txt"; contains = "READY"; }' % http["ok"],
    ]), unmet="wait", unmet_timeout="1h")
    # Evaluated once, without waiting for the hour.
    p = project.run("run", "export", "--dry-run", "--window", WINDOW,
                    timeout=30)
    assert p.returncode != 0
    out = p.stdout
    assert "job load: run " in out and " succeeded for window " in out
    assert "file %s: missing" % flag in out
    assert "command sh: exit 1: not yet" in out
    assert "url %s/ready.txt: HTTP 200" % http["ok"] in out
    verdicts = [line for line in out.splitlines()
                if "unmet" in line and ("missing" in line or "exit 1" in line)]
    assert len(verdicts) == 2, out
    # Nothing ran, nothing was written.
    assert not marker.exists()
    assert history(project, "export") == []
    # All met: the dry run finds nothing wrong.
    flag.write_text("ok\n")
    export_job(project, marker, '{ job = "load"; }, { file = "%s"; }' % flag)
    p = project.run("run", "export", "--dry-run", "--window", WINDOW,
                    check=0)
    assert "file %s: 3 bytes" % flag in p.stdout
    assert not marker.exists()
