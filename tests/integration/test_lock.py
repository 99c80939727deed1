"""Locking: never two copies at once, never a lock stuck after every
process of a run is gone."""
import os
import signal
import subprocess
import time

import pytest

from conftest import group_running


def wait_for(pred, timeout=20, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    return False


def group_alive(pgid):
    return group_running(pgid)


def test_twenty_simultaneous_starts_one_runs(project, tmp_path):
    """20 starts of one job at once: exactly one runs, the others exit 75
    at once.  The job records each start in a file with O_APPEND."""
    runs = tmp_path / "runs"
    project.write_job("j", 'shell = "echo $$ >> %s; sleep 2";\n' % runs)
    procs = [project.popen("run", "j") for _ in range(20)]
    codes = [p.wait(timeout=60) for p in procs]
    assert sorted(codes) == [0] + [75] * 19, codes
    assert len(runs.read_text().split()) == 1


def test_skip_names_the_holder(project, tmp_path):
    project.write_job("j", 'shell = "sleep 3";\n')
    first = project.popen("run", "j")
    assert wait_for(lambda: os.path.exists(
        os.path.join(project.lock_dir, "j.lock")) and open(
        os.path.join(project.lock_dir, "j.lock")).read().startswith(
        "pid=%d" % first.pid))
    p = project.run("-v", "run", "j")
    assert p.returncode == 75
    first.wait(timeout=30)
    assert first.returncode == 0


def test_lock_dir_is_created_with_safe_mode(project):
    project.write_job("j", 'shell = "true";\n')
    project.run("run", "j", check=0)
    st = os.stat(project.lock_dir)
    assert st.st_mode & 0o777 == 0o755
    # The lock file is never inherited by the job.
    project.write_job("fds", 'shell = "ls -l /proc/$$/fd";\n'
                      'cron_output = "always";\n')
    p = project.run("run", "fds", check=0)
    assert "fds.lock" not in p.stderr
    assert "state.db" not in p.stderr


def test_shared_lock_name_between_jobs(project, tmp_path):
    project.write_job("a", 'shell = "sleep 3";\nlock = "db-heavy";\n')
    project.write_job("b", 'shell = "true";\nlock = "db-heavy";\n')
    first = project.popen("run", "a")
    assert wait_for(lambda: os.path.exists(
        os.path.join(project.lock_dir, "db-heavy.lock")))
    time.sleep(0.3)
    assert project.run("run", "b").returncode == 75
    first.wait(timeout=30)


def test_concurrency_wait(project, tmp_path):
    out = tmp_path / "order"
    project.write_job("j", 'shell = "echo start $CRONWRAP_RUN_ID >> %s; '
                      'sleep 1; echo end $CRONWRAP_RUN_ID >> %s";\n'
                      'concurrency = "wait";\nwait_timeout = "30s";\n'
                      % (out, out))
    procs = [project.popen("run", "j") for _ in range(3)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    lines = out.read_text().split("\n")[:-1]
    # Never interleaved: start X, end X, start Y, end Y, ...
    for i in range(0, 6, 2):
        assert lines[i].startswith("start") and lines[i + 1].startswith("end")
        assert lines[i].split()[1] == lines[i + 1].split()[1]


def test_concurrency_wait_times_out(project):
    project.write_job("j", 'shell = "sleep 4";\nconcurrency = "wait";\n'
                      'wait_timeout = "1s";\n')
    first = project.popen("run", "j")
    time.sleep(0.5)
    t = time.monotonic()
    assert project.run("run", "j").returncode == 75
    assert time.monotonic() - t < 3.5
    first.wait(timeout=30)


def test_concurrency_replace(project, tmp_path):
    project.write_job("j", 'shell = "echo $CRONWRAP_RUN_ID; sleep 30";\n'
                      'concurrency = "replace";\nkill_after = "2s";\n'
                      'timeout = "1m";\n')
    first = project.popen("run", "j")
    time.sleep(0.5)
    second = project.popen("run", "j")
    assert first.wait(timeout=30) == 128 + signal.SIGTERM
    time.sleep(0.5)
    assert second.poll() is None  # the replacement runs
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=30) == 128 + signal.SIGTERM


def test_concurrency_allow(project, tmp_path):
    project.write_job("j", 'shell = "sleep 1";\nconcurrency = "allow";\n')
    procs = [project.popen("run", "j") for _ in range(3)]
    assert [p.wait(timeout=30) for p in procs] == [0, 0, 0]


def test_sigkilled_runner_keeps_the_orphaned_job_exclusive(project, tmp_path):
    """The runner dies by SIGKILL while its job lives on: the kernel lock
    is free, but the lock file names the job's group, which still runs.
    A new start must not overlap it; once the group is gone the lock is
    free again."""
    pidfile = tmp_path / "pgid"
    project.write_job("j", 'shell = "echo $$ > %s; sleep 4";\n' % pidfile)
    runner = project.popen("run", "j")
    assert wait_for(lambda: pidfile.exists() and pidfile.read_text().strip())
    pgid = int(pidfile.read_text())
    runner.send_signal(signal.SIGKILL)
    runner.wait(timeout=10)
    assert group_alive(pgid)
    p = project.run("-v", "run", "j")
    assert p.returncode == 75
    assert "process group %d" % pgid in p.stderr, p.stderr
    # replace stops the orphan first
    assert wait_for(lambda: not group_alive(pgid), timeout=30)
    p = project.run("run", "j")
    assert p.returncode == 0, p.stderr


def test_replace_kills_an_orphaned_group(project, tmp_path):
    pidfile = tmp_path / "pgid"
    project.write_job("j", 'shell = "echo $$ > %s; exec sleep 60";\n'
                      'concurrency = "replace";\nkill_after = "1s";\n'
                      % pidfile)
    runner = project.popen("run", "j")
    assert wait_for(lambda: pidfile.exists() and pidfile.read_text().strip())
    pgid = int(pidfile.read_text())
    runner.send_signal(signal.SIGKILL)
    runner.wait(timeout=10)
    pidfile.unlink()
    second = project.popen("run", "j")
    assert wait_for(lambda: pidfile.exists() and pidfile.read_text().strip())
    assert not group_alive(pgid)
    second.send_signal(signal.SIGTERM)
    second.wait(timeout=30)


def test_dry_run_does_not_take_the_lock(project, tmp_path):
    project.write_job("j", 'shell = "sleep 3";\n')
    first = project.popen("run", "j")
    time.sleep(0.5)
    p = project.run("run", "j", "--dry-run")
    assert p.returncode == 75
    assert "held by pid %d" % first.pid in p.stdout
    assert first.wait(timeout=30) == 0
    p = project.run("run", "j", "--dry-run")
    assert p.returncode == 0
    assert 'lock "j": free' in p.stdout
