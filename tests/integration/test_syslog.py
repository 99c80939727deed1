"""Structured syslog lines: start, finish, skip, timeout, each output line,
stderr at a higher priority."""
import re

from conftest import CRONWRAP

LOG_CRON = 9


def test_run_is_logged_as_key_value_lines(project, syslog_run):
    project.write_job("j", 'shell = "echo hello; echo warn >&2; exit 2";\n')
    r = syslog_run([CRONWRAP, "run", "j"], project.env())
    assert r.status == 2
    lines = r.lines()
    start = [t for p, t in lines if "event=start" in t]
    finish = [(p, t) for p, t in lines if "event=finish" in t]
    assert len(start) == 1 and len(finish) == 1
    assert re.match(r"job=j run=[0-9A-Z]{26} event=start ", start[0])
    pri, text = finish[0]
    assert re.match(r"job=j run=[0-9A-Z]{26} event=finish status=failed "
                    r"exit=2 duration=\S+s attempts=1", text), text
    assert pri == LOG_CRON * 8 + 3  # LOG_ERR
    out = [(p, t) for p, t in lines if "stream=stdout: hello" in t]
    err = [(p, t) for p, t in lines if "stream=stderr: warn" in t]
    assert out and err
    assert out[0][0] == LOG_CRON * 8 + 6  # info
    assert err[0][0] == LOG_CRON * 8 + 4  # warning: higher priority


def test_success_skip_timeout_retry_events(project, syslog_run, tmp_path):
    project.write_job("ok", 'shell = "true";\n')
    r = syslog_run([CRONWRAP, "run", "ok"], project.env())
    assert any("event=finish status=succeeded exit=0" in t
               for p, t in r.lines())
    project.write_job("slow", 'shell = "sleep 30";\ntimeout = "1s";\n')
    r = syslog_run([CRONWRAP, "run", "slow"], project.env())
    assert r.status == 124
    assert any("event=finish status=timeout exit=124" in t
               for p, t in r.lines())
    assert any(re.search(r"event=timeout after=1s pgid=\d+", t)
               for p, t in r.lines())
    project.write_job("again", 'shell = "exit 1";\n'
                      'retry = { attempts = 2; delay = "0.1s"; };\n')
    r = syslog_run([CRONWRAP, "run", "again"], project.env())
    assert any("event=retry attempt=2" in t for p, t in r.lines())
    assert any("event=attempt attempt=2 of=2" in t for p, t in r.lines())


def test_skip_is_logged(project, syslog_run):
    project.write_job("j", 'shell = "sleep 3";\n')
    first = project.popen("run", "j")
    import time
    time.sleep(0.5)
    r = syslog_run([CRONWRAP, "run", "j"], project.env())
    first.wait(timeout=30)
    assert r.status == 75
    skip = [t for p, t in r.lines() if "event=skip" in t]
    assert skip and "held by pid %d" % first.pid in skip[0]


def test_facility_and_ident_are_settings(project, syslog_run):
    project.write_global('syslog = { facility = "local3"; ident = "cw-test"; };\n')
    project.write_job("j", 'shell = "true";\n')
    r = syslog_run([CRONWRAP, "run", "j"], project.env())
    lines = r.lines(ident="cw-test")
    assert lines and all(p // 8 == 19 for p, t in lines)  # local3


def test_dry_run_logs_nothing(project, syslog_run):
    project.write_job("j", 'shell = "true";\n')
    r = syslog_run([CRONWRAP, "run", "j", "--dry-run"], project.env())
    assert r.status == 0
    assert r.lines() == []
