"""crontab: cron.d lines from the jobs' schedules, in the syntax of Debian's
cron, calling this cronwrap with -c FILE, and a schedule_tz that Debian's
cron cannot follow left commented out."""
import datetime
import os
import shutil
import subprocess
import zoneinfo

from conftest import CRONWRAP

SELF = os.path.realpath(CRONWRAP)


def job_lines(text):
    """The active lines (neither comments nor blank)."""
    return [line for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


def same_offsets(a, b, days=400):
    start = datetime.datetime.now(datetime.timezone.utc)
    for h in range(0, days * 24):
        t = start + datetime.timedelta(hours=h)
        if t.astimezone(a).utcoffset() != t.astimezone(b).utcoffset():
            return False
    return True


def system_zone():
    with open("/etc/localtime", "rb") as f:
        return zoneinfo.ZoneInfo.from_file(f)


def zones():
    """A zone name with this system's offsets, and one without."""
    local = system_zone()
    real = os.path.realpath("/etc/localtime")
    same = real.split("/zoneinfo/", 1)[1] if "/zoneinfo/" in real else "UTC"
    assert same_offsets(zoneinfo.ZoneInfo(same), local)
    other = next(z for z in ("Asia/Tokyo", "America/New_York")
                 if not same_offsets(zoneinfo.ZoneInfo(z), local))
    return same, other


def test_lines_for_scheduled_jobs(project):
    project.write_job("every5", 'description = "five\\nminutes";\n'
                      'schedule = "*/5 * * * *";\nshell = "true";\n')
    project.write_job("weekend", 'schedule = "5/10 2 * jan-mar fri-sun";\n'
                      'shell = "true";\n')
    project.write_job("daily", 'schedule = "@daily";\nshell = "true";\n')
    project.write_job("manual", 'shell = "true";\n')
    p = project.run("crontab", check=0)
    user = subprocess.run(["id", "-un"], capture_output=True,
                          text=True).stdout.strip()
    cmd = "%s -c %s" % (SELF, project.config)
    assert job_lines(p.stdout) == [
        "@daily %s %s run daily" % (user, cmd),
        "*/5 * * * * %s %s run every5" % (user, cmd),
        "5-59/10 2 * 1-3 5-7 %s %s run weekend" % (user, cmd),
        "17 3 * * * %s %s prune" % (user, cmd),
    ]
    # Descriptions are comments on one line; a job without a schedule
    # is named, not scheduled.
    assert "# every5: five minutes\n" in p.stdout
    assert "# manual\n# no schedule" in p.stdout
    assert "run manual" not in p.stdout
    assert p.stderr == ""


def test_user_option(project):
    project.write_job("j", 'schedule = "0 4 * * *";\nshell = "true";\n')
    p = project.run("crontab", "--user", "backup", check=0)
    assert job_lines(p.stdout)[0].startswith("0 4 * * * backup /")
    assert project.run("crontab", "--user", "two words").returncode == 64
    assert project.run("crontab", "--user", "").returncode == 64
    p = project.run("crontab", "--user", "no-such-user-here")
    assert p.returncode == 64
    assert "no such user" in p.stderr
    assert project.run("crontab", "extra").returncode == 64


def test_lines_run_under_sh(project, tmp_path):
    """A global file whose path needs quoting (a space, a '%', which cron
    turns into a newline unless escaped): the line still reaches it."""
    odd = os.path.join(project.root, "my 100% conf.conf")
    shutil.copy(project.config, odd)
    project.write_job("j", 'schedule = "0 4 * * *";\n'
                      'shell = "echo ran > %s/ran";\n' % tmp_path)
    p = project.run("-c", odd, "crontab", check=0)
    line = job_lines(p.stdout)[0]
    assert "'%s'" % odd.replace("%", "\\%") in line
    # What cron does to the command field: "\%" becomes "%", then /bin/sh.
    command = line.split(None, 6)[6].replace("\\%", "%")
    env = {"PATH": "/usr/bin:/bin", "HOME": project.root}
    r = subprocess.run(["/bin/sh", "-c", command], env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "ran").read_text() == "ran\n"


def test_schedule_tz(project):
    same, other = zones()
    project.write_job("here", 'schedule = "30 4 * * *";\n'
                      'schedule_tz = "%s";\nshell = "true";\n' % same)
    project.write_job("there", 'schedule = "30 4 * * *";\n'
                      'schedule_tz = "%s";\nshell = "true";\n' % other)
    p = project.run("crontab")
    assert p.returncode == 1
    lines = job_lines(p.stdout)
    assert any(line.endswith(" run here") for line in lines)
    assert not any(line.endswith(" run there") for line in lines)
    assert "\n#30 4 * * * " in p.stdout and "run there\n" in p.stdout
    assert "no CRON_TZ" in p.stdout
    assert "CRON_TZ=" not in p.stdout
    assert "there" in p.stderr and other in p.stderr


def test_config_error(project):
    project.write_job("good", 'schedule = "0 4 * * *";\nshell = "true";\n')
    project.write_job("broken", 'schedule = "99 4 * * *";\nshell = "true";\n')
    p = project.run("crontab")
    assert p.returncode == 78
    assert "broken.conf" in p.stderr
    assert "# NOT SCHEDULED: configuration error" in p.stdout
    assert any(line.endswith(" run good") for line in job_lines(p.stdout))


def test_default_global_file_needs_no_option(project, tmp_path):
    """Without a global file named (-c or CRONWRAP_CONFIG), the lines carry
    no -c either."""
    p = project.run("crontab", env={"CRONWRAP_CONFIG": "",
                                    "HOME": str(tmp_path)})
    lines = job_lines(p.stdout)
    user = subprocess.run(["id", "-un"], capture_output=True,
                          text=True).stdout.strip()
    assert lines[-1] == "17 3 * * * %s %s prune" % (user, SELF)
    assert not any(" -c " in line for line in lines)
