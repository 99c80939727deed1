"""Every configuration error a user can make is reported as FILE:LINE:
message, and the command exits 78 without running anything."""
import os
import re

import pytest

CASES = [
    # (job file text, line of the error, a phrase of the message)
    ('command = [ "/bin/true" ];\ntimeoutt = "1h";\n', 2,
     "timeoutt: unknown setting"),
    ('command = [ "/bin/true" ];\ntimeout = "5x";\n', 2,
     'timeout: bad duration "5x"'),
    ('command = [ "/bin/true" ];\ntimeout = true;\n', 2,
     "timeout: expected a duration"),
    ('command = "/bin/true";\n', 1, "command: expected a list"),
    ('command = [ ];\n', 1, "command: the command is empty"),
    ('command = [ "/bin/true" ];\nshell = "true";\n', 2,
     "set only one of command, shell and steps"),
    ('description = "nothing to run";\n', 0, "no command"),
    ('command = [ "/bin/true" ];\nconcurrency = "sometimes";\n', 2,
     'concurrency: unknown value "sometimes"'),
    ('command = [ "/bin/true" ];\nretry = {\n  attempts = 3;\n  delay = "x";\n};\n',
     4, "retry.delay: bad duration"),
    ('command = [ "/bin/true" ];\nretry = { attempts = 0; };\n', 2,
     "retry.attempts: must be at least 1"),
    ('command = [ "/bin/true" ];\nenv = {\n  set = { "1BAD" = "x"; };\n};\n',
     None, None),  # libconfig itself refuses the name: a syntax error
    ('command = [ "/bin/true" ];\nenv = { sett = { A = "b"; }; };\n', 2,
     "env.sett: unknown setting"),
    ('command = [ "/bin/true" ];\nschedule = "61 * * * *";\n', 2,
     "schedule: "),
    ('command = [ "/bin/true" ];\ntimeout = ;\n', 2, "syntax error"),
    ('command = [ "/bin/true" ];\nnice = 40;\n', 2, "nice: 40 is out of range"),
    ('command = [ "/bin/true" ];\nrequires = ( { job = "a"; file = "/x"; } );\n',
     2, "exactly one of job, file, command, url"),
    ('command = [ "/bin/true" ];\nrequires = (\n  { file = "/x"; },\n'
     '  { job = "bad"; succeeded = "last"; }\n);\n',
     4, 'requires: job "bad" is this job'),
    ('steps = ( { command = [ "true" ]; bogus = 1; } );\n', 1,
     "unknown setting for a command step"),
]


@pytest.mark.parametrize("text,line,phrase", CASES)
def test_job_error_is_file_line(project, text, line, phrase):
    path = project.write_job("bad", text)
    for args in (["check", "bad"], ["run", "bad"]):
        p = project.run(*args)
        assert p.returncode == 78, (args, p.stderr)
        if line is None:
            assert re.search(re.escape(path) + r":\d+: ", p.stderr), p.stderr
            continue
        if line == 0:
            assert p.stderr.startswith(path + ": "), p.stderr
        else:
            assert "%s:%d: " % (path, line) in p.stderr, p.stderr
        assert phrase in p.stderr, p.stderr
    # Nothing ran: no history, no log.
    assert not os.path.exists(os.path.join(project.log_dir, "bad"))


def test_check_reports_every_problem_at_once(project):
    path = project.write_job("bad", 'command = [ "/bin/true" ];\n'
                             'timeout = "x";\n'
                             'kill_after = "y";\n'
                             'frobnicate = 1;\n')
    p = project.run("check", "bad")
    assert p.returncode == 78
    for line in (2, 3, 4):
        assert "%s:%d: " % (path, line) in p.stderr, p.stderr
    # What only the whole job tells comes too.
    path = project.write_job("bad", 'schedule = "bad";\n')
    p = project.run("check", "bad")
    assert p.returncode == 78
    assert "%s: no command" % path in p.stderr, p.stderr
    assert "%s:1: schedule: " % path in p.stderr, p.stderr


def test_global_file_errors(project):
    project.write_global('history = { keep_dayz = 3; };\n')
    p = project.run("check")
    assert p.returncode == 78
    assert "%s:6: history.keep_dayz: unknown setting" % project.config \
        in p.stderr, p.stderr


def test_defaults_group_errors_and_merge(project):
    project.write_global('defaults = { timeout = "2h"; env = { set = '
                         '{ A = "from-defaults"; B = "b"; }; }; };\n')
    project.write_job("j", 'command = [ "/bin/true" ];\n'
                      'env = { set = { A = "from-job"; }; };\n')
    p = project.run("show", "j", check=0)
    assert 'timeout = "7200s";' in p.stdout
    assert 'A = "from-job";' in p.stdout
    assert 'B = "b";' in p.stdout
    project.write_global('defaults = { command = [ "x" ]; };\n')
    p = project.run("check")
    assert p.returncode == 78
    assert "defaults.command: unknown setting" in p.stderr


def test_missing_named_config_and_job(project):
    p = project.run("-c", "/nonexistent/cronwrap.conf", "check")
    assert p.returncode == 78
    assert "/nonexistent/cronwrap.conf" in p.stderr
    p = project.run("run", "nosuchjob")
    assert p.returncode == 78
    assert "nosuchjob.conf: no such job" in p.stderr


def test_env_file_bad_line(project, tmp_path):
    envf = tmp_path / "bad.env"
    envf.write_text("# comment\nGOOD=1\nthis is not an assignment\n")
    project.write_job("j", 'command = [ "/bin/true" ];\n'
                      'env = { files = [ "%s" ]; };\n' % envf)
    p = project.run("check", "j")
    assert p.returncode == 78
    assert "%s:3: expected KEY=VALUE" % envf in p.stderr


def test_relative_paths_follow_the_file(project, tmp_path):
    os.makedirs(os.path.join(project.jobs_dir, "env"))
    with open(os.path.join(project.jobs_dir, "env", "j.env"), "w") as f:
        f.write('FROM_FILE="quoted value"\n')
    project.write_job("j", 'shell = "echo $FROM_FILE";\n'
                      'env = { files = [ "env/j.env" ]; };\n'
                      'cron_output = "always";\n')
    p = project.run("run", "j", check=0)
    assert "quoted value" in p.stderr


def test_bad_usage_exits_64(project):
    assert project.run("run").returncode == 64
    assert project.run("frobnicate").returncode == 64
    assert project.run("run", "a", "b").returncode == 64
    assert project.run("run", "j", "--param", "novalue").returncode == 64
    assert project.run("run", "j", "--window", "yesterday").returncode == 64
    assert project.run("exec", "--timeout", "1h").returncode == 64
    p = project.run("exec", "--timeout", "soon", "--", "/bin/true")
    assert p.returncode == 64 and "timeout: bad duration" in p.stderr
    p = project.run("exec", "--retry", "3; user = root", "--", "/bin/true")
    assert p.returncode == 64


def test_help_and_version_everywhere(project):
    for cmd in ("run", "exec", "check", "show", "env"):
        p = project.run(cmd, "--help", check=0)
        assert "usage: cronwrap" in p.stdout and cmd in p.stdout
        p = project.run(cmd, "--version", check=0)
        assert p.stdout.startswith("cronwrap ")
    assert project.run("--version", check=0).stdout.startswith("cronwrap ")
