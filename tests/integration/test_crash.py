"""Crash detection: a run whose runner vanished (SIGKILL) is marked crashed
by the next cronwrap that looks, once nothing of it holds the lock, and
counts as a failure."""
import json
import os
import signal
import subprocess
import sys
import time

from conftest import CRONWRAP, group_running


def wait_for(pred, timeout=20, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    return False


def history(project, job):
    return json.loads(project.run("history", job, "--json", check=0).stdout)


def status(project, job):
    p = project.run("status", job, "--json")
    return p.returncode, json.loads(p.stdout)[0]


def group_gone(pgid):
    return not group_running(pgid)


def start_and_kill_runner(project, tmp_path):
    """Starts a run whose job writes its pid (its process group) and
    sleeps, then kills the runner with SIGKILL.  Returns the job's pgid."""
    pidfile = tmp_path / "job.pid"
    project.write_job("victim", 'shell = "echo $$ > %s; exec sleep 60";\n'
                      % pidfile)
    runner = project.popen("run", "victim")
    assert wait_for(lambda: pidfile.exists() and pidfile.read_text().strip())
    assert wait_for(lambda: history(project, "victim")[0]["status"]
                    == "running")
    runner.kill()
    runner.wait(timeout=10)
    return int(pidfile.read_text())


def test_runner_killed_job_lives_on_then_dies(project, tmp_path):
    pgid = start_and_kill_runner(project, tmp_path)
    try:
        # The job's group still holds the lock for its run: not crashed.
        code, st = status(project, "victim")
        assert code == 0 and st["running"] is True
        assert history(project, "victim")[0]["status"] == "running"
    finally:
        os.killpg(pgid, signal.SIGKILL)
    assert wait_for(lambda: group_gone(pgid))
    # Now nothing of the run is left: the next look marks it crashed.
    assert wait_for(lambda: status(project, "victim")[1]["health"]
                    == ["crashed"])
    code, st = status(project, "victim")
    assert code == 1
    assert st["running"] is False
    assert st["last_status"] == "crashed"
    assert st["consecutive_failures"] == 1
    runs = history(project, "victim")
    assert len(runs) == 1
    assert runs[0]["status"] == "crashed"
    assert runs[0]["end"] is not None and runs[0]["end"] >= runs[0]["start"]
    p = project.run("status", "victim")
    assert "crashed" in p.stdout and "vanished" in p.stdout
    # The lock is free for the next run, which ends the failures.
    project.write_job("victim", 'shell = "true";\n')
    project.run("run", "victim", check=0)
    code, st = status(project, "victim")
    assert code == 0 and st["health"] == []


# A subreaper that starts cronwrap, reaps it alone, and keeps the orphans
# it inherits unreaped (zombies) until its stdin closes: init in a
# container may do the same, late or forever.
SUBREAPER = """
import ctypes, os, subprocess, sys
PR_SET_CHILD_SUBREAPER = 36
if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1,
                                           0, 0, 0) != 0:
    sys.exit("prctl: %s" % os.strerror(ctypes.get_errno()))
runner = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL)
print(runner.pid, flush=True)
runner.wait()
sys.stdin.read()
try:
    while True:
        os.wait()
except ChildProcessError:
    pass
"""


def proc_stat(pid):
    """(state, ppid) of pid, from after the last ')' of /proc/PID/stat."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def test_group_of_zombies_holds_nothing(project, tmp_path):
    """The runner is killed, then the orphaned job; its group is left as
    zombies that nobody reaps.  That group has ended: the run is crashed,
    not running, and the lock is free."""
    pidfile = tmp_path / "job.pid"
    project.write_job("zombie", 'shell = "echo $$ > %s; exec sleep 60";\n'
                      % pidfile)
    reaper = subprocess.Popen(
        [sys.executable, "-c", SUBREAPER, CRONWRAP, "run", "zombie"],
        env=project.env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True)
    pgid = None
    try:
        runner = int(reaper.stdout.readline())
        assert wait_for(lambda: pidfile.exists() and
                        pidfile.read_text().strip())
        pgid = int(pidfile.read_text())
        assert wait_for(lambda: history(project, "zombie")[0]["status"]
                        == "running")
        os.kill(runner, signal.SIGKILL)
        assert wait_for(lambda: proc_stat(pgid)[1] == reaper.pid)
        os.killpg(pgid, signal.SIGKILL)
        assert wait_for(lambda: proc_stat(pgid)[0] == "Z")
        os.killpg(pgid, 0)  # the kernel still knows the group
        code, st = status(project, "zombie")
        assert (code, st["running"], st["health"]) == (1, False, ["crashed"])
        assert history(project, "zombie")[0]["status"] == "crashed"
        project.write_job("zombie", 'shell = "true";\n')
        project.run("run", "zombie", check=0)
    finally:
        if pgid is not None:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        reaper.stdin.close()
        reaper.wait(timeout=30)


def test_attempt_in_progress_is_in_the_history_and_stays_after_a_crash(
        project, tmp_path):
    pidfile = tmp_path / "job.pid"
    project.write_job("retried", (
        'retry = { attempts = 3; delay = 0; };\n'
        'shell = "[ $CRONWRAP_ATTEMPT -ge 2 ] || exit 1; '
        'echo $$ > %s; exec sleep 60";\n') % pidfile)
    runner = project.popen("run", "retried")
    try:
        assert wait_for(lambda: pidfile.exists() and
                        pidfile.read_text().strip())
        [r] = history(project, "retried")
        assert (r["status"], r["attempts"]) == ("running", 2)
    finally:
        runner.kill()
        runner.wait(timeout=10)
    pgid = int(pidfile.read_text())
    os.killpg(pgid, signal.SIGKILL)
    assert wait_for(lambda: group_gone(pgid))
    assert wait_for(lambda: history(project, "retried")[0]["status"]
                    == "crashed")
    [r] = history(project, "retried")
    assert r["attempts"] == 2


def test_running_row_says_attempt_1_unless_requirements_come_first(
        project, tmp_path):
    go = tmp_path / "go"
    project.write_job("plain", 'shell = "sleep 60";\n')
    project.write_job("needs", 'shell = "sleep 60";\n'
                      'requires = ( { file = "%s"; } );\n'
                      'unmet = "wait"; unmet_poll = "1s";\n' % go)
    procs = [project.popen("run", "plain"), project.popen("run", "needs")]
    try:
        assert wait_for(lambda: [r["status"] for r in history(
            project, "plain")] == ["running"])
        assert history(project, "plain")[0]["attempts"] == 1
        assert wait_for(lambda: [r["status"] for r in history(
            project, "needs")] == ["running"])
        assert history(project, "needs")[0]["attempts"] == 0  # waiting
        go.write_text("ready\n")  # a file requirement wants content
        assert wait_for(lambda: history(project, "needs")[0]["attempts"]
                        == 1)
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=30)


def test_history_and_list_mark_crashes_too(project, tmp_path):
    pgid = start_and_kill_runner(project, tmp_path)
    os.killpg(pgid, signal.SIGKILL)
    assert wait_for(lambda: group_gone(pgid))
    # history alone marks it (no status call before).
    assert wait_for(lambda: history(project, "victim")[0]["status"]
                    == "crashed")
    js = json.loads(project.run("list", "--json", check=0).stdout)
    assert js[0]["last_status"] == "crashed"


def test_live_runner_is_not_crashed(project):
    project.write_job("alive", 'shell = "sleep 30";\n')
    runner = project.popen("run", "alive")
    try:
        assert wait_for(lambda: history(project, "alive")
                        and history(project, "alive")[0]["status"]
                        == "running")
        for _ in range(3):
            assert project.run("status", "alive").returncode == 0
            assert project.run("prune").returncode == 0
        assert history(project, "alive")[0]["status"] == "running"
    finally:
        runner.send_signal(signal.SIGTERM)
        runner.wait(timeout=30)
    assert history(project, "alive")[0]["status"] != "crashed"


def test_crash_is_told_once_by_whoever_finds_it(project, tmp_path, smtp):
    """The crash found by "status" goes through the alert policy, as a
    failure found by the runner does: one mail, not one per look."""
    from fixtures_smtp import mail_settings

    project.write_global(mail_settings(smtp.plain))
    pgid = start_and_kill_runner(project, tmp_path)
    os.killpg(pgid, signal.SIGKILL)
    assert wait_for(lambda: group_gone(pgid))
    assert wait_for(lambda: status(project, "victim")[1]["health"]
                    == ["crashed"])
    [m] = smtp.plain.wait(1)
    assert m.msg["X-Cronwrap-Event"] == "crash"
    assert m.msg["X-Cronwrap-Job"] == "victim"
    assert "CRASHED victim" in m.subject
    assert "vanished" in m.body
    for _ in range(3):
        assert project.run("status", "victim").returncode == 1
    time.sleep(0.5)
    assert len(smtp.plain.messages()) == 1
