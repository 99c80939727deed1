"""Timeouts, signals and leftovers: nothing the job started survives its
run, and cronwrap's own stop signals reach the job."""
import os
import signal
import subprocess
import time

import pytest

from test_lock import wait_for


def pids_with_marker(marker):
    """Processes whose command line holds marker (a unique sleep time)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open("/proc/%s/stat" % pid) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmd and state != "Z":
            found.append(int(pid))
    return found


def test_timeout_kills_grandchildren(project):
    project.write_job("j", 'shell = "sleep 1001 & (sleep 1002 &); sleep 1003";'
                      '\ntimeout = "1s";\nkill_after = "1s";\n')
    p = project.run("run", "j")
    assert p.returncode == 124
    for m in ("sleep 1001", "sleep 1002", "sleep 1003"):
        assert pids_with_marker(m) == [], m


def test_sigkill_after_kill_after(project, tmp_path):
    """A job that ignores SIGTERM is killed with SIGKILL after kill_after."""
    project.write_job("j", 'shell = "trap \\"\\" TERM; sleep 1004 & wait; '
                      'sleep 1004";\ntimeout = "1s";\nkill_after = "1s";\n')
    t = time.monotonic()
    p = project.run("run", "j")
    assert p.returncode == 124
    assert time.monotonic() - t < 10
    assert pids_with_marker("sleep 1004") == []
    (log,) = project.logs("j")
    text = open(log).read()
    assert "sending SIGTERM" in text and "sending SIGKILL" in text


def test_leftovers_after_main_exit_are_terminated(project):
    project.write_job("j", 'shell = "sleep 1005 & echo main done";\n')
    p = project.run("run", "j")
    assert p.returncode == 0
    assert pids_with_marker("sleep 1005") == []
    (log,) = project.logs("j")
    assert "processes remain in its group" in open(log).read()


def test_escaped_daemon_is_terminated(project):
    """setsid() leaves the process group; the subreaper still finds it."""
    project.write_job("j", 'shell = "setsid sh -c \\"sleep 1006\\" '
                      '>/dev/null 2>&1 < /dev/null & sleep 0.5";\n')
    p = project.run("run", "j")
    assert p.returncode == 0
    assert pids_with_marker("sleep 1006") == []
    (log,) = project.logs("j")
    assert "left the job's process group" in open(log).read()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT,
                                 signal.SIGHUP])
def test_stop_signal_is_passed_on_and_recorded(project, tmp_path, sig):
    got = tmp_path / "got"
    project.write_job("j", 'shell = "trap \\"echo $1 > %s; exit 9\\" %s; '
                      'sleep 1007 & wait";\n' % (got, sig.name[3:]))
    runner = project.popen("run", "j")
    assert wait_for(lambda: pids_with_marker("sleep 1007"))
    runner.send_signal(sig)
    code = runner.wait(timeout=30)
    assert got.exists()  # the job's own handler ran
    assert code == 9     # its status is the run's status
    assert pids_with_marker("sleep 1007") == []
    (log,) = project.logs("j")
    assert "cronwrap received" in open(log).read()


def test_stop_signal_killing_the_job(project):
    project.write_job("j", 'shell = "sleep 1008";\n')
    runner = project.popen("run", "j")
    assert wait_for(lambda: pids_with_marker("sleep 1008"))
    runner.send_signal(signal.SIGTERM)
    assert runner.wait(timeout=30) == 128 + signal.SIGTERM
    assert pids_with_marker("sleep 1008") == []


def test_stop_during_retry_delay_ends_the_run(project):
    project.write_job("j", 'shell = "exit 3";\n'
                      'retry = { attempts = 5; delay = "30s"; };\n')
    runner = project.popen("run", "j")
    time.sleep(1)
    runner.send_signal(signal.SIGTERM)
    assert runner.wait(timeout=10) == 128 + signal.SIGTERM


def test_retries_with_attempt_number(project, tmp_path):
    count = tmp_path / "count"
    project.write_job("j", 'shell = "echo $CRONWRAP_ATTEMPT >> %s; '
                      '[ $CRONWRAP_ATTEMPT -ge 3 ]";\n'
                      'retry = { attempts = 4; delay = "0.2s"; backoff = 2.0; };\n'
                      % count)
    t = time.monotonic()
    p = project.run("run", "j")
    assert p.returncode == 0, p.stderr
    assert count.read_text().split() == ["1", "2", "3"]
    assert time.monotonic() - t >= 0.2 + 0.4  # backoff: 0.2 then 0.4
    (log,) = project.logs("j")
    text = open(log).read()
    assert "attempt 1 of 4: failed (exit 1)" in text
    assert "retrying in" in text


def test_retries_exhausted_give_the_last_status(project, tmp_path):
    project.write_job("j", 'shell = "exit $((10 + CRONWRAP_ATTEMPT))";\n'
                      'retry = { attempts = 3; delay = "0.1s"; };\n')
    p = project.run("run", "j")
    assert p.returncode == 13
    assert "attempt 3 of 3" in p.stderr


def test_retry_max_delay_and_jitter_bound_the_wait(project, tmp_path):
    project.write_job("j", 'shell = "exit 1";\n'
                      'retry = { attempts = 3; delay = "1s"; backoff = 10.0;'
                      ' max_delay = "1s"; jitter = true; };\n')
    t = time.monotonic()
    assert project.run("run", "j").returncode == 1
    took = time.monotonic() - t
    assert 1.0 <= took < 5, took  # jitter: each wait in [0.5s, 1s]


def test_nice(project):
    project.write_job("j", 'shell = "cat /proc/self/stat";\nnice = 7;\n'
                      'cron_output = "always";\n')
    p = project.run("run", "j", check=0)
    stat = [l for l in p.stderr.splitlines() if "(cat)" in l][0]
    assert stat.rsplit(")", 1)[1].split()[16] == "7"
