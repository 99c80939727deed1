"""What a job sees: exactly the configured environment, the same by hand
and from cron, and the run-as user."""
import os
import pwd
import subprocess

import pytest

from conftest import CRONWRAP, IS_ROOT


def job_env(project, name="j", caller=None):
    """The environment the job really got, as a dict."""
    p = project.run("run", name, env=caller, check=0)
    (log,) = project.logs(name)[-1:]
    env = {}
    for line in open(log).read().splitlines():
        stamp, stream, text = line.split(" ", 2)
        if stream == "out" and "=" in text:
            k, v = text.split("=", 1)
            env[k] = v
    return env


ENV_JOB = 'command = [ "/usr/bin/env" ];\n'


def test_environment_is_exactly_the_configured_one(project):
    project.write_job("j", ENV_JOB + 'env = { set = { LANG = "C.UTF-8"; '
                      'TZ = "UTC"; }; };\n')
    me = pwd.getpwuid(os.geteuid())
    env = job_env(project, caller={"SECRET_OF_CALLER": "x",
                                   "LD_PRELOAD": "", "PATH": "/tmp:/bin"})
    run_id = env.pop("CRONWRAP_RUN_ID")
    run_dir = env.pop("CRONWRAP_RUN_DIR")
    assert len(run_id) == 26 and run_dir.endswith("/" + run_id)
    assert env == {
        "HOME": me.pw_dir, "USER": me.pw_name, "LOGNAME": me.pw_name,
        "SHELL": me.pw_shell or "/bin/sh",
        "PATH": ("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                 if os.geteuid() == 0 else "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "C.UTF-8", "TZ": "UTC",
        "CRONWRAP_JOB": "j", "CRONWRAP_ATTEMPT": "1",
    }


def test_same_by_hand_and_from_cron(project):
    """cron gives a nearly empty environment; a shell gives a full one.
    The job cannot tell the difference."""
    project.write_job("j", ENV_JOB)
    by_hand = job_env(project, caller=dict(os.environ, CRONWRAP_CONFIG=
                                           project.config))
    from_cron = job_env(project, caller={"PATH": "/usr/bin:/bin",
                                         "SHELL": "/bin/sh", "HOME": "/"})
    for e in (by_hand, from_cron):
        del e["CRONWRAP_RUN_ID"], e["CRONWRAP_RUN_DIR"]
    assert by_hand == from_cron


def test_cronwrap_env_prints_what_the_job_gets(project, tmp_path):
    envfile = tmp_path / "job.env"
    envfile.write_text('# a comment\n\nFROM_FILE="a \\"quoted\\" value"\n'
                       "export EXPORTED=yes\nSINGLE='$literal'\n")
    project.write_job("j", ENV_JOB + 'env = { files = [ "%s" ]; '
                      'keep = [ "KEEP_ME" ]; set = { SET = "s"; }; '
                      'path = "/opt/bin:/usr/bin:/bin"; };\n' % envfile)
    caller = {"KEEP_ME": "kept", "DROP_ME": "dropped"}
    printed = dict(l.split("=", 1) for l in project.run(
        "env", "j", env=caller, check=0).stdout.splitlines())
    got = job_env(project, caller=caller)
    for k in ("CRONWRAP_RUN_ID", "CRONWRAP_RUN_DIR"):
        del printed[k], got[k]
    assert printed == got
    assert got["FROM_FILE"] == 'a "quoted" value'
    assert got["EXPORTED"] == "yes" and got["SINGLE"] == "$literal"
    assert got["KEEP_ME"] == "kept" and "DROP_ME" not in got
    assert got["PATH"] == "/opt/bin:/usr/bin:/bin"


def test_env_diff(project):
    project.write_job("j", ENV_JOB + 'env = { set = { ONLY_JOB = "1"; }; };\n')
    out = project.run("env", "j", "--diff", env={"ONLY_CALLER": "2"},
                      check=0).stdout
    assert "+ ONLY_JOB=1" in out
    assert "- ONLY_CALLER=2" in out


def test_cronwrap_variables_cannot_be_faked(project):
    project.write_job("j", ENV_JOB + 'env = { set = { CRONWRAP_JOB = "fake";'
                      ' }; };\n')
    assert job_env(project)["CRONWRAP_JOB"] == "j"


def test_clear_false_keeps_the_callers(project):
    project.write_job("j", ENV_JOB + 'env = { clear = false; };\n')
    assert job_env(project, caller={"FROM_CALLER": "v"})["FROM_CALLER"] == "v"


def test_params_and_window(project):
    project.write_job("j", ENV_JOB)
    project.run("run", "j", "--param", "DAY=2026-11-01",
                "--param", "EXPR=a=b=c",
                "--window", "2026-11-01T00:00:00Z/2026-11-02T00:00:00+00:00",
                check=0)
    (log,) = project.logs("j")
    text = open(log).read()
    assert "CRONWRAP_PARAM_DAY=2026-11-01" in text
    assert "CRONWRAP_PARAM_EXPR=a=b=c" in text
    assert "CRONWRAP_WINDOW_START=2026-11-01T00:00:00Z" in text
    assert "CRONWRAP_WINDOW_END=2026-11-02T00:00:00Z" in text


def test_scheduled_job_window(project):
    """A run by hand takes the latest tick at or before its start as its
    tick; the window is [previous tick, this tick)."""
    project.write_job("j", ENV_JOB + 'schedule = "@hourly";\n')
    env = job_env(project)
    start, end = env["CRONWRAP_WINDOW_START"], env["CRONWRAP_WINDOW_END"]
    assert end.endswith(":00:00Z") and start.endswith(":00:00Z")
    import datetime
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    s = datetime.datetime.strptime(start, fmt)
    e = datetime.datetime.strptime(end, fmt)
    assert e - s == datetime.timedelta(hours=1)
    now = datetime.datetime.utcnow()
    assert e <= now < e + datetime.timedelta(hours=1)


def test_job_without_schedule_has_no_window(project):
    project.write_job("j", ENV_JOB)
    assert "CRONWRAP_WINDOW_START" not in job_env(project)


@pytest.mark.skipif(not IS_ROOT, reason="needs root to switch users")
def test_runs_as_the_configured_user(project, unprivileged_user):
    u = unprivileged_user
    project.write_job("j", 'shell = "id -u; id -g; pwd; env; '
                      'touch $CRONWRAP_RUN_DIR/x && echo rundir-writable";\n'
                      'user = "%s";\ncron_output = "always";\n' % u.pw_name)
    p = project.run("run", "j", check=0)
    lines = p.stderr.splitlines()
    assert str(u.pw_uid) in lines and str(u.pw_gid) in lines
    assert u.pw_dir in lines
    assert "HOME=%s" % u.pw_dir in lines
    assert "USER=%s" % u.pw_name in lines
    assert "LOGNAME=%s" % u.pw_name in lines
    assert "PATH=/usr/local/bin:/usr/bin:/bin" in lines
    assert "rundir-writable" in lines


@pytest.mark.skipif(not IS_ROOT, reason="needs root to become nobody")
def test_refuses_another_user_when_not_root(tmp_path):
    """Not root and user differs: refused clearly, exit 78, nothing run."""
    from conftest import Project
    proj = Project(tmp_path / "nobody")
    for d in (proj.root, proj.jobs_dir):
        os.chown(d, 65534, 65534)
    marker = tmp_path / "ran"
    proj.write_job("j", 'shell = "touch %s";\nuser = "root";\n' % marker)
    p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534",
                        "--clear-groups", "--", CRONWRAP, "run", "j"],
                       env=proj.env(), capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 78, p.stderr
    assert "cannot switch to another user" in p.stderr
    assert not marker.exists()


def test_unknown_user(project):
    project.write_job("j", 'shell = "true";\nuser = "no-such-user-xyz";\n')
    p = project.run("run", "j")
    assert p.returncode == 78
    assert "no such user" in p.stderr
    p = project.run("check", "j")
    assert p.returncode == 78


@pytest.mark.skipif(not IS_ROOT, reason="needs root to switch users")
def test_missing_home_runs_in_root_dir(project):
    """nobody's home does not exist: as cron does, the job runs in / (and
    says so) rather than failing; an explicit missing workdir fails."""
    project.write_job("j", 'shell = "pwd";\nuser = "nobody";\n'
                      'cron_output = "always";\n')
    p = project.run("run", "j")
    assert p.returncode == 0, p.stderr
    assert "/\n" in p.stderr
    assert "home directory /nonexistent" in p.stderr
    project.write_job("k", 'shell = "pwd";\nworkdir = "/nonexistent/x";\n'
                      'retry = { attempts = 3; delay = "5s"; };\n')
    p = project.run("run", "k")
    assert p.returncode == 70
    assert "workdir /nonexistent/x" in p.stderr
    assert "attempt 1 of 3" in p.stderr  # not retried: it cannot start
