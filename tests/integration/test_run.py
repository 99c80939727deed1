"""cronwrap run: exit statuses per SPEC, output capture, the run log,
silence on success and the failure summary."""
import glob
import os
import re

import pytest


def job(project, name, shell, extra=""):
    project.write_job(name, 'shell = "%s";\n%s' % (shell.replace('"', '\\"'),
                                                   extra))


@pytest.mark.parametrize("shell,status", [
    ("exit 0", 0),
    ("exit 1", 1),
    ("exit 2", 2),
    ("exit 125", 125),
    ("kill -KILL $$", 128 + 9),
    ("kill -SEGV $$", 128 + 11),
])
def test_exit_status_is_the_jobs(project, shell, status):
    job(project, "j", shell)
    p = project.run("run", "j")
    assert p.returncode == status, p.stderr


def test_timeout_exits_124(project):
    job(project, "j", "sleep 30", 'timeout = "1s";\n')
    p = project.run("run", "j")
    assert p.returncode == 124
    assert "timed out" in p.stderr


def test_silent_on_success(project):
    job(project, "j", "echo lots of output; echo more >&2")
    p = project.run("run", "j")
    assert p.returncode == 0
    assert p.stdout == "" and p.stderr == ""


def test_failure_summary_and_tail(project):
    job(project, "j", "for i in $(seq 1 50); do echo line $i; done; exit 7")
    p = project.run("run", "j")
    assert p.returncode == 7
    assert "j FAILED: exit 7" in p.stderr
    assert "line 50" in p.stderr and "line 35" in p.stderr
    assert "line 20\n" not in p.stderr  # only the tail
    log = re.search(r"log (\S+\.log)", p.stderr).group(1)
    assert os.path.exists(log)


@pytest.mark.parametrize("mode,ok_output,fail_output", [
    ("never", False, False), ("always", True, True),
    ("failure", False, True)])
def test_cron_output(project, mode, ok_output, fail_output):
    job(project, "ok", "echo fine", 'cron_output = "%s";\n' % mode)
    job(project, "bad", "echo broken; exit 3", 'cron_output = "%s";\n' % mode)
    assert bool(project.run("run", "ok").stderr) == ok_output
    p = project.run("run", "bad")
    assert p.returncode == 3
    assert bool(p.stderr) == fail_output


def test_run_log_has_time_stream_and_text(project):
    job(project, "j", "echo to-stdout; echo to-stderr >&2; printf no-newline")
    project.run("run", "j", check=0)
    (log,) = project.logs("j")
    lines = open(log).read().splitlines()
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    assert re.fullmatch(stamp + " out to-stdout", lines[0]), lines
    assert any(re.fullmatch(stamp + " err to-stderr", l) for l in lines)
    assert any(re.fullmatch(stamp + " out no-newline", l) for l in lines)


def test_long_lines_and_binary_are_kept(project):
    job(project, "j", "head -c 10000 /dev/zero | tr '\\\\0' x; echo; "
        "printf 'a\\\\001b\\\\377c\\\\n'")
    project.run("run", "j", check=0)
    (log,) = project.logs("j")
    data = open(log, "rb").read()
    xs = sum(len(l.split(b" ", 2)[2]) for l in data.splitlines()
             if l.endswith(b"x" * 10))
    assert xs == 10000  # cut in pieces, nothing lost
    assert b"a\x01b\xffc" in data


def test_each_run_its_own_log(project):
    job(project, "j", "echo $CRONWRAP_RUN_ID")
    project.run("run", "j", check=0)
    project.run("run", "j", check=0)
    logs = project.logs("j")
    assert len(logs) == 2
    ids = [os.path.basename(l)[:-4] for l in logs]
    for l, i in zip(logs, ids):
        assert open(l).read().split()[-1] == i
    assert ids == sorted(ids)


def test_run_dir_removed_after_success_kept_after_failure(project):
    job(project, "ok", "pwd > /dev/null; touch $CRONWRAP_RUN_DIR/x")
    job(project, "bad", "touch $CRONWRAP_RUN_DIR/x; exit 1")
    project.run("run", "ok", check=0)
    project.run("run", "bad", check=1)
    assert glob.glob(os.path.join(project.state_dir, "runs", "ok", "*")) == []
    kept = glob.glob(os.path.join(project.state_dir, "runs", "bad", "*", "x"))
    assert len(kept) == 1


def test_command_not_found_is_127(project):
    project.write_job("j", 'command = [ "/nonexistent/prog" ];\n')
    p = project.run("run", "j")
    assert p.returncode == 127
    assert "cannot execute /nonexistent/prog" in p.stderr


def test_command_searched_in_the_jobs_path(project, tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    prog = bindir / "myprog"
    prog.write_text("#!/bin/sh\necho found-in-job-path\n")
    prog.chmod(0o755)
    project.write_job("j", 'command = [ "myprog" ];\n'
                      'env = { path = "%s:/usr/bin:/bin"; };\n'
                      'cron_output = "always";\n' % bindir)
    p = project.run("run", "j", check=0)
    assert "found-in-job-path" in p.stderr


def test_stdin_is_dev_null_and_workdir_umask(project, tmp_path):
    wd = tmp_path / "wd"
    wd.mkdir()
    job(project, "j", "cat; pwd; umask", 'workdir = "%s";\numask = "027";\n'
        'cron_output = "always";\n' % wd)
    p = project.popen("run", "j", stdin=None)
    out, err = p.communicate("this must not be read\n", timeout=30)
    assert p.returncode == 0
    assert "this must not be read" not in err
    assert str(wd) in err and "0027" in err


def test_unwritable_log_dir_fails_before_running(project, tmp_path):
    marker = tmp_path / "ran"
    project.write_global('log_dir = "/proc/nonexistent";\n')
    job(project, "j", "touch %s" % marker)
    p = project.run("run", "j")
    assert p.returncode == 70
    assert "/proc/nonexistent" in p.stderr
    assert not marker.exists()


def test_unwritable_state_dir_fails_before_running(project, tmp_path):
    marker = tmp_path / "ran"
    project.write_global('state_dir = "/proc/nostate";\n')
    job(project, "j", "touch %s" % marker)
    p = project.run("run", "j")
    assert p.returncode == 70
    assert "/proc/nostate" in p.stderr
    assert not marker.exists()


def test_full_disk_log_is_reported(project):
    """/dev/full as the log: every write fails with ENOSPC.  The job's
    result stands, and the loss is said on stderr (so cron mails it)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to bind-mount /dev/full")
    import subprocess
    job(project, "j", "echo some output")
    logdir = os.path.join(project.log_dir, "j")
    script = ("mkdir -p %s && mount -t tmpfs -o size=4k tmpfs %s && "
              "dd if=/dev/zero of=%s/fill bs=1k count=64 2>/dev/null; "
              "%s run j; echo rc=$?" % (logdir, logdir, logdir,
                                        __import__("conftest").CRONWRAP))
    p = subprocess.run(["unshare", "-m", "sh", "-c", script],
                       env=project.env(), capture_output=True, text=True,
                       timeout=60)
    assert "rc=" in p.stdout, p.stderr
    rc = int(p.stdout.split("rc=")[1])
    # The log file cannot even be created (ENOSPC) or written: never silent.
    assert rc in (0, 70), p.stdout + p.stderr
    assert "No space left on device" in p.stderr, p.stderr
