"""status and list: running now, last result, consecutive failures, LATE
when cron did not start a job at its latest tick, and an exit status
usable as a monitoring check."""
import datetime
import json
import os
import re
import signal
import time

STATUS_KEYS = {"job", "health", "running", "pid", "since", "last_run_id",
               "last_status", "last_end", "consecutive_failures",
               "missed_tick", "next"}
LIST_KEYS = {"job", "description", "schedule", "schedule_tz", "last_run_id",
             "last_status", "last_start", "last_end", "next", "config_error"}


def wait_for(pred, timeout=20, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    return False


def status(project, *args):
    p = project.run("status", "--json", *args)
    return p.returncode, {o["job"]: o for o in json.loads(p.stdout)}


def backdate(path, seconds):
    t = time.time() - seconds
    os.utime(path, (t, t))


def row(text, job):
    for line in text.splitlines():
        if line.split()[0] == job:
            return line
    raise AssertionError("no row for %s in:\n%s" % (job, text))


def test_ok_and_failing(project):
    project.write_job("good", 'shell = "true";\n')
    project.write_job("bad", 'shell = "exit 4";\n')
    project.run("run", "good", check=0)
    project.run("run", "bad", check=4)
    project.run("run", "bad", check=4)
    code, st = status(project)
    assert code == 1
    assert set(st) == {"good", "bad"}
    for o in st.values():
        assert set(o) == STATUS_KEYS
    assert st["good"]["health"] == []
    assert st["good"]["last_status"] == "succeeded"
    assert st["good"]["consecutive_failures"] == 0
    assert st["bad"]["health"] == ["failing"]
    assert st["bad"]["consecutive_failures"] == 2
    assert st["bad"]["last_status"] == "failed"
    assert st["bad"]["running"] is False and st["bad"]["pid"] is None
    # One job shown: the exit status is about it alone.
    assert project.run("status", "good").returncode == 0
    assert project.run("status", "bad").returncode == 1
    p = project.run("status")
    assert p.returncode == 1
    assert re.match(r"^JOB +HEALTH +RUNNING +LAST +FINISHED +FAILURES +NOTE$",
                    p.stdout.splitlines()[0])
    assert re.match(r"^bad +failing +- +failed +\d{4}-\d\d-\d\d "
                    r"\d\d:\d\d:\d\d +2 +exit 4$", row(p.stdout, "bad"))
    assert re.match(r"^good +ok +- +succeeded ", row(p.stdout, "good"))
    # A success ends the failures.
    project.write_job("bad", 'shell = "true";\n')
    project.run("run", "bad", check=0)
    assert project.run("status").returncode == 0


def test_late_when_cron_stopped(project):
    """A job due every minute whose file is an hour old and that never ran:
    cron is not starting it."""
    path = project.write_job("minutely", 'schedule = "* * * * *";\n'
                             'shell = "true";\n')
    backdate(path, 3600)
    code, st = status(project)
    assert code == 1
    o = st["minutely"]
    assert o["health"] == ["late"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$", o["missed_tick"])
    missed = datetime.datetime.strptime(o["missed_tick"],
                                        "%Y-%m-%dT%H:%M:%SZ")
    age = datetime.datetime.utcnow() - missed
    assert datetime.timedelta(seconds=60) <= age <= datetime.timedelta(
        seconds=125)
    p = project.run("status", "minutely")
    assert p.returncode == 1
    assert re.match(r"^minutely +LATE +- +- +- +0 +no run since the tick of "
                    r"\d{4}-\d\d-\d\d \d\d:\d\d:00$", row(p.stdout,
                                                          "minutely"))
    # A run (by cron or by hand) after the tick ends it.
    project.run("run", "minutely", check=0)
    code, st = status(project)
    assert code == 0 and st["minutely"]["health"] == []


def test_late_and_failing(project):
    path = project.write_job("j", 'schedule = "* * * * *";\n'
                             'shell = "exit 2";\n')
    project.run("run", "j", check=2)
    backdate(path, 3600)
    # The run just now covers the latest tick: failing, not LATE.
    code, st = status(project)
    assert code == 1 and st["j"]["health"] == ["failing"]


def test_new_job_is_not_late(project):
    """A job file written just now has no tick judged yet: "never run"."""
    project.write_job("fresh", 'schedule = "* * * * *";\nshell = "true";\n')
    code, st = status(project)
    assert code == 0
    assert st["fresh"]["health"] == []
    assert st["fresh"]["last_status"] is None
    p = project.run("status")
    assert re.match(r"^fresh +ok +- +- +- +0 +never run$",
                    row(p.stdout, "fresh"))


def test_unscheduled_job_is_never_late(project):
    path = project.write_job("manual", 'shell = "true";\n')
    backdate(path, 86400 * 30)
    code, st = status(project)
    assert code == 0 and st["manual"]["health"] == []
    assert st["manual"]["next"] is None


def test_yearly_job_ran_after_its_tick(project):
    path = project.write_job("yearly", 'schedule = "0 0 1 1 *";\n'
                             'schedule_tz = "UTC";\nshell = "true";\n')
    backdate(path, 400 * 86400)
    # Its latest tick (1 January) passed and it never ran since: LATE.
    code, st = status(project)
    assert code == 1 and st["yearly"]["health"] == ["late"]
    year = datetime.datetime.utcnow().year
    assert st["yearly"]["missed_tick"] == "%d-01-01T00:00:00Z" % year
    assert st["yearly"]["next"] == "%d-01-01T00:00:00Z" % (year + 1)
    project.run("run", "yearly", check=0)
    code, st = status(project)
    assert code == 0 and st["yearly"]["health"] == []


def test_running_now(project, tmp_path):
    project.write_job("slow", 'shell = "echo go; sleep 30";\n')
    proc = project.popen("run", "slow")
    try:
        assert wait_for(lambda: status(project)[1]["slow"]["running"])
        code, st = status(project)
        assert code == 0
        assert st["slow"]["pid"] == proc.pid
        assert st["slow"]["since"].endswith("Z")
        p = project.run("status", "slow")
        assert re.match(r"^slow +ok +pid %d since \d{4}-\d\d-\d\d "
                        r"\d\d:\d\d:\d\d +- +- +0 +-$" % proc.pid,
                        row(p.stdout, "slow"))
        p = project.run("list")
        assert re.match(r"^slow +- +running +\d{4}-", row(p.stdout, "slow"))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_last_is_the_run_that_ended_last(project, tmp_path):
    """A start skipped while the run before it was still going is not that
    run's result: the failure that ends afterwards is the last."""
    go = tmp_path / "go"
    project.write_job("slow", 'shell = "while [ ! -e %s ]; do sleep 0.05; '
                      'done; exit 1";\n' % go)
    proc = project.popen("run", "slow")
    try:
        assert wait_for(lambda: status(project)[1]["slow"]["running"])
        p = project.run("run", "slow")
        assert p.returncode == 75
        code, st = status(project, "slow")
        assert st["slow"]["last_status"] == "skipped"
        assert "skipped: " in row(project.run("status", "slow").stdout,
                                  "slow")
        go.touch()
        assert proc.wait(timeout=30) == 1
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    code, st = status(project, "slow")
    assert code == 1
    assert st["slow"]["last_status"] == "failed"
    assert st["slow"]["consecutive_failures"] == 1
    assert re.match(r"^slow +failing +- +failed +.* +1 +exit 1$",
                    row(project.run("status", "slow").stdout, "slow"))
    lst = {o["job"]: o for o in json.loads(
        project.run("list", "--json", check=0).stdout)}
    assert lst["slow"]["last_status"] == "failed"


def test_exec_job_by_name_and_in_list(project):
    """An exec job has no file but a history: "status NAME" judges it, and
    "list" shows it.  "status" of all jobs sticks to the job files (a
    removed file's runs look the same as an exec job's)."""
    project.write_job("filed", 'shell = "true";\n')
    project.run("run", "filed", check=0)
    project.run("exec", "--name", "backup", "--", "/bin/false", check=1)
    project.run("exec", "--name", "tidy", "--", "/bin/true", check=0)
    code, st = status(project, "backup")
    assert code == 1
    assert st["backup"]["health"] == ["failing"]
    assert st["backup"]["last_status"] == "failed"
    assert st["backup"]["next"] is None and st["backup"]["missed_tick"] is None
    p = project.run("status", "backup")
    assert p.returncode == 1
    assert re.match(r"^backup +failing +- +failed +.* +1 +exit 1$",
                    row(p.stdout, "backup"))
    assert status(project, "tidy")[0] == 0
    code, st = status(project)
    assert code == 0 and set(st) == {"filed"}
    p = project.run("list", check=0)
    assert re.match(r"^backup +\(no job file\) +failed ",
                    row(p.stdout, "backup"))
    lst = {o["job"]: o for o in json.loads(
        project.run("list", "--json", check=0).stdout)}
    assert set(lst) == {"filed", "backup", "tidy"}
    assert lst["backup"]["schedule"] is None
    assert lst["backup"]["config_error"] is False
    # A name with neither a file nor runs stays an error.
    assert project.run("status", "nothing").returncode == 78


def test_config_error_shows_and_fails(project):
    project.write_job("good", 'shell = "true";\n')
    project.write_job("broken", 'shell = "true";\nbogus_key = 1;\n')
    p = project.run("status")
    assert p.returncode == 78
    assert "broken.conf" in p.stderr
    assert re.match(r"^broken +config error ", row(p.stdout, "broken"))
    code, st = status(project)
    assert code == 78 and st["broken"]["health"] == ["config"]
    assert st["good"]["health"] == []
    assert project.run("status", "nosuchjob").returncode == 78
    assert project.run("status", "../x").returncode == 64
    assert project.run("status", "a", "b").returncode == 64


def test_list(project):
    project.write_job("a", 'description = "the A job";\n'
                      'schedule = "0 0 1 1 *";\nschedule_tz = "UTC";\n'
                      'shell = "exit 3";\n')
    project.write_job("b", 'shell = "true";\n')
    project.run("run", "a", check=3)
    p = project.run("list")
    assert p.returncode == 0
    lines = p.stdout.splitlines()
    assert re.match(r"^JOB +SCHEDULE +LAST +STARTED +NEXT$", lines[0])
    assert re.match(r"^a +0 0 1 1 \* \(UTC\) +failed +\d{4}-\d\d-\d\d "
                    r"\d\d:\d\d:\d\d +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$",
                    lines[1])
    assert re.match(r"^b +- +never run +- +-$", lines[2])
    js = json.loads(project.run("list", "--json", check=0).stdout)
    assert [o["job"] for o in js] == ["a", "b"]
    for o in js:
        assert set(o) == LIST_KEYS
    year = datetime.datetime.utcnow().year
    assert js[0]["next"] == "%d-01-01T00:00:00Z" % (year + 1)
    assert js[0]["description"] == "the A job"
    assert js[0]["last_status"] == "failed"
    assert js[0]["last_end"] >= js[0]["last_start"]
    assert js[1]["schedule"] is None and js[1]["last_run_id"] is None
    assert project.run("list", "extra").returncode == 64


def test_empty_jobs_dir(project):
    p = project.run("list", "--json", check=0)
    assert json.loads(p.stdout) == []
    p = project.run("status", check=0)
    assert p.stdout == "" and "no jobs" in p.stderr
