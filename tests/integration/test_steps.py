"""Plugins and the pipeline of steps: loading, the ABI check, settings
checked against the plugin's declaration, artifacts handed on, a failing
step stops the pipeline, dry runs."""
import os
import sqlite3
import subprocess

import pytest

from conftest import BUILD, ROOT

TEST_PLUGINS = os.path.join(BUILD, "tests", "plugins")


@pytest.fixture
def steps_project(project):
    project.write_global('plugin_dir = "%s";\n' % TEST_PLUGINS)
    return project


def history(project, job):
    db = sqlite3.connect(os.path.join(project.state_dir, "state.db"))
    try:
        return db.execute("select * from runs where job = ? order by start_time",
                          (job,)).fetchall(), [d[0] for d in db.execute(
                              "select * from runs limit 0").description]
    finally:
        db.close()


def last_run(project, job):
    rows, cols = history(project, job)
    return dict(zip(cols, rows[-1]))


def test_artifacts_flow_from_step_to_step(steps_project, tmp_path):
    p = steps_project
    p.write_job("j", '''
        env = { set = { FROM_JOB_ENV = "yes"; }; };
        steps = (
          { command = [ "sh", "-c", "echo first > a.txt" ];
            artifacts = [ "a.txt" ]; },
          { plugin = "cwtest"; message = "second"; output = "b.txt"; },
          { shell = "echo got: $CRONWRAP_ARTIFACTS; cat $CRONWRAP_ARTIFACTS";
            name = "show"; }
        );
        cron_output = "always";
        ''')
    r = p.run("run", "j", "--param", "K=V")
    assert r.returncode == 0, r.stderr
    assert "got: b.txt" in r.stderr
    assert "first\nfrom j" in r.stderr
    assert "cwtest: second" in r.stderr
    assert "param K=V" in r.stderr
    assert "env FROM_JOB_ENV=yes" in r.stderr  # the job's environment


def test_a_command_step_without_artifacts_hands_on_what_it_got(
        steps_project):
    p = steps_project
    p.write_job("j", '''
        steps = (
          { command = [ "sh", "-c", "echo data > a.csv" ];
            artifacts = [ "a.csv" ]; },
          { shell = "test -s $CRONWRAP_ARTIFACTS"; name = "check"; },
          { shell = "echo next got: $CRONWRAP_ARTIFACTS; cat a.csv";
            name = "show"; },
          { shell = "rm a.csv"; name = "remove"; },
          { shell = "echo never"; name = "after"; }
        );
        cron_output = "always";
        ''')
    r = p.run("run", "j")
    assert "next got: a.csv\ndata" in r.stderr
    # A file handed on must still be there once the step is done.
    assert r.returncode == 1, r.stderr
    assert 'artifact "a.csv" was not produced' in r.stderr
    assert "never" not in r.stderr
    assert last_run(p, "j")["failed_step"] == "4 (remove)"


def test_failing_step_stops_the_pipeline_and_is_named(steps_project,
                                                      tmp_path):
    marker = tmp_path / "third-ran"
    steps_project.write_job("j", '''
        steps = (
          { command = [ "true" ]; },
          { plugin = "cwtest"; message = "x"; status = "fail"; },
          { command = [ "touch", "%s" ]; }
        );
        ''' % marker)
    r = steps_project.run("run", "j")
    assert r.returncode == 1
    assert "step 2 (cwtest) failed" in r.stderr
    assert not marker.exists()
    run = last_run(steps_project, "j")
    assert run["failed_step"] == "2 (cwtest)"
    assert run["status"] == "failed"


def test_declared_artifact_missing_fails_the_step(steps_project):
    steps_project.write_job("j", '''
        steps = ( { command = [ "true" ]; artifacts = [ "never.csv" ]; } );
        ''')
    r = steps_project.run("run", "j")
    assert r.returncode != 0
    (log,) = steps_project.logs("j")
    assert 'artifact "never.csv" was not produced' in open(log).read()


def test_tempfail_is_retried_fail_is_not(steps_project):
    steps_project.write_job("t", '''
        steps = ( { plugin = "cwtest"; message = "m"; succeed_from = 3; } );
        retry = { attempts = 3; delay = "0.1s"; };
        ''')
    r = steps_project.run("run", "t")
    assert r.returncode == 0, r.stderr
    assert last_run(steps_project, "t")["attempts"] == 3
    steps_project.write_job("f", '''
        steps = ( { plugin = "cwtest"; message = "m"; status = "fail"; } );
        retry = { attempts = 3; delay = "0.1s"; };
        ''')
    r = steps_project.run("run", "f")
    assert r.returncode == 1
    assert last_run(steps_project, "f")["attempts"] == 1


def test_skip_ends_the_run_with_75(steps_project):
    steps_project.write_job("j", '''
        steps = ( { plugin = "cwtest"; message = "m"; status = "skip"; } );
        ''')
    assert steps_project.run("run", "j").returncode == 75
    assert last_run(steps_project, "j")["status"] == "skipped"


def test_step_timeout_kills_the_plugin_child(steps_project):
    steps_project.write_job("j", '''
        steps = ( { plugin = "cwtest"; message = "m"; sleep = "30s";
                    timeout = "1s"; } );
        kill_after = "1s";
        ''')
    r = steps_project.run("run", "j")
    assert r.returncode == 124


def test_unknown_setting_and_wrong_type_are_file_line(steps_project):
    path = steps_project.write_job("j", '''steps = (
  { plugin = "cwtest";
    message = 42;
    mesage = "typo"; }
);
''')
    r = steps_project.run("check", "j")
    assert r.returncode == 78
    assert "%s:3: steps.[1] (cwtest): message: expected a string" % path \
        in r.stderr, r.stderr
    assert "%s:4: steps.[1] (cwtest): mesage: unknown setting" % path \
        in r.stderr, r.stderr


def test_plugin_check_is_called(steps_project):
    path = steps_project.write_job("j", '''steps = (
  { plugin = "cwtest"; message = "m";
    status = "sometimes"; }
);
''')
    r = steps_project.run("check", "j")
    assert r.returncode == 78
    assert '%s:3: steps.[1] (cwtest): status: unknown status "sometimes"' \
        % path in r.stderr, r.stderr


def test_required_setting(steps_project):
    steps_project.write_job("j", 'steps = ( { plugin = "cwtest"; } );\n')
    r = steps_project.run("check", "j")
    assert r.returncode == 78
    assert "message is required" in r.stderr


@pytest.mark.parametrize("name,why", [
    ("cwbadabi", "ABI 999 instead of 1"),
    ("cwnosym", 'no symbol "cw_plugin"'),
    ("nosuchplugin", "nosuchplugin.so"),
])
def test_bad_plugins_are_refused_by_name(steps_project, name, why):
    steps_project.write_job("j", 'steps = ( { plugin = "%s"; } );\n' % name)
    r = steps_project.run("check", "j")
    assert r.returncode == 78
    assert why in r.stderr
    assert os.path.join(TEST_PLUGINS, name + ".so") in r.stderr


def test_secret_file_must_not_be_world_readable(steps_project, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n")
    secret.chmod(0o644)
    steps_project.write_job("j", 'steps = ( { plugin = "cwtest"; '
                            'message = "m"; password_file = "%s"; } );\n'
                            % secret)
    r = steps_project.run("run", "j")
    assert r.returncode == 1
    assert "readable by everyone" in r.stderr
    secret.chmod(0o600)
    r = steps_project.run("run", "j", "-q")
    assert steps_project.run("run", "j").returncode == 0


def test_show_masks_secrets(steps_project):
    steps_project.write_job("j", '''
        env = { set = { DB_PASSWORD = "hunter2"; PLAIN = "visible"; }; };
        steps = ( { plugin = "cwtest"; message = "m"; } );
        ''')
    out = steps_project.run("show", "j", check=0).stdout
    assert "hunter2" not in out
    assert "DB_PASSWORD" in out and "visible" in out


def test_checkpoints_survive_runs(steps_project):
    steps_project.write_job("j", 'steps = ( { plugin = "cwtest"; '
                            'message = "m"; count = "n"; } );\n'
                            'cron_output = "always";\n')
    assert "count 1" in steps_project.run("run", "j", check=0).stderr
    assert "count 2" in steps_project.run("run", "j", check=0).stderr


def test_dry_run_runs_plugins_dry_and_commands_only_when_asked(
        steps_project, tmp_path):
    ran = tmp_path / "ran"
    asked = tmp_path / "asked"
    steps_project.write_job("j", '''
        steps = (
          { command = [ "touch", "%s" ]; },
          { shell = "echo $CRONWRAP_DRY_RUN > %s"; dry_run = true; },
          { plugin = "cwtest"; message = "m"; output = "x.txt"; }
        );
        ''' % (ran, asked))
    r = steps_project.run("run", "j", "--dry-run")
    assert r.returncode == 0, r.stdout + r.stderr
    assert not ran.exists()
    assert asked.read_text().strip() == "1"
    assert "dry=1" in r.stdout + r.stderr
    assert not os.path.exists(os.path.join(steps_project.state_dir,
                                           "state.db"))
    assert steps_project.logs("j") == []


def test_out_of_tree_plugin_with_pkg_config(tmp_path):
    """A third party builds a plugin against the installed header with
    pkg-config cronwrap-plugin, and cronwrap loads it."""
    dest = tmp_path / "dest"
    subprocess.run(["make", "-s", "-C", ROOT, "install", "DESTDIR=%s" % dest,
                    "PREFIX=/usr", "B=%s" % os.path.relpath(BUILD, ROOT)],
                   check=True, capture_output=True, timeout=600)
    pc = dest / "usr" / "lib" / "pkgconfig"
    cflags = subprocess.run(
        ["pkg-config", "--cflags", "cronwrap-plugin"],
        env=dict(os.environ, PKG_CONFIG_PATH=str(pc),
                 PKG_CONFIG_SYSROOT_DIR=str(dest)), check=True,
        capture_output=True, text=True).stdout.split()
    src = os.path.join(ROOT, "docs", "examples", "hello-plugin", "hello.c")
    so = tmp_path / "plugins" / "hello.so"
    so.parent.mkdir()
    subprocess.run(["cc", "-shared", "-fPIC", "-Wall", "-Werror"] + cflags +
                   ["-o", str(so), src], check=True, timeout=120)
    from conftest import Project
    proj = Project(tmp_path / "proj")
    proj.write_global('plugin_dir = "%s";\n' % so.parent)
    proj.write_job("j", 'steps = ( { plugin = "hello"; greeting = "hi"; } );\n'
                   'cron_output = "always";\n')
    r = proj.run("run", "j", check=0)
    assert "hello: hi from j" in r.stderr
