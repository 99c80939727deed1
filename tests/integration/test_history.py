"""history and log: a job's runs newest first, as a table or as JSON with
the documented keys, and a run's captured output as it is or --raw."""
import datetime
import json
import os
import re
import signal
import socket
import time

JSON_KEYS = {"run_id", "job", "host", "pid", "status", "exit_code", "signal",
             "start", "end", "duration_s", "attempts", "window_start",
             "window_end", "log"}
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
ISO_S = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (out|err|cw ) ")

JOB = """\
schedule = "*/5 * * * *";
shell = "echo out-$CRONWRAP_PARAM_TAG; echo err-$CRONWRAP_PARAM_TAG >&2; \
exit ${CRONWRAP_PARAM_CODE:-0}";
"""


def wait_for(pred, timeout=20, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    return False


def history(project, job, *args):
    p = project.run("history", job, "--json", *args, check=0)
    return json.loads(p.stdout)


def two_runs(project):
    project.write_job("h", JOB)
    project.run("run", "h", "--param", "TAG=a", "--param", "CODE=3", check=3)
    project.run("run", "h", "--param", "TAG=b", check=0)
    return history(project, "h")


def stamp(iso_ms):
    """Seconds of a printed "...T04:30:00.123Z", exactly to the ms."""
    t = datetime.datetime.strptime(iso_ms, "%Y-%m-%dT%H:%M:%S.%fZ")
    t = t.replace(tzinfo=datetime.timezone.utc)
    return round(t.timestamp(), 3)


def test_duration_is_end_minus_start_as_printed(project):
    project.write_job("quick", 'command = ["/bin/true"];\n')
    for _ in range(25):
        project.run("run", "quick", check=0)
    for r in history(project, "quick"):
        assert r["duration_s"] == round(stamp(r["end"]) - stamp(r["start"]),
                                        3), r


def test_history_json_keys_and_values(project):
    runs = two_runs(project)
    assert len(runs) == 2
    for r in runs:
        assert set(r) == JSON_KEYS
        assert r["job"] == "h"
        assert r["host"] == socket.gethostname()
        assert isinstance(r["pid"], int) and r["pid"] > 0
        assert ISO_MS.match(r["start"]) and ISO_MS.match(r["end"])
        assert r["end"] >= r["start"]
        assert isinstance(r["duration_s"], float) and r["duration_s"] >= 0
        assert r["duration_s"] == round(stamp(r["end"]) - stamp(r["start"]), 3)
        assert r["attempts"] == 1
        assert r["signal"] is None
        # A scheduled job's run has the window of its tick.
        assert ISO_S.match(r["window_start"]) and ISO_S.match(r["window_end"])
        assert r["window_start"] < r["window_end"]
        assert os.path.isfile(r["log"])
        assert len(r["run_id"]) == 26
    # Newest first.
    assert [r["status"] for r in runs] == ["succeeded", "failed"]
    assert [r["exit_code"] for r in runs] == [0, 3]
    assert runs[0]["start"] >= runs[1]["start"]


def test_history_limit_and_table(project):
    runs = two_runs(project)
    assert history(project, "h", "-n", "1") == runs[:1]
    assert history(project, "h", "-n", "0") == runs
    p = project.run("history", "h", check=0)
    lines = p.stdout.splitlines()
    assert re.match(r"^RUN ID +START +DURATION +STATUS +EXIT +ATTEMPTS +"
                    r"REASON$", lines[0])
    assert len(lines) == 3
    assert lines[1].startswith(runs[0]["run_id"] + "  ")
    assert re.search(r" succeeded +0 +1 ", lines[1])
    assert re.search(r" failed +3 +1 ", lines[2])
    # Local time, to the second.
    assert re.search(r"  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  ", lines[1])
    # Columns are aligned: STATUS starts at the same offset on every line.
    col = lines[0].index("STATUS")
    assert lines[1][col:].startswith("succeeded")
    assert lines[2][col:].startswith("failed")
    p = project.run("history", "-n", "1", "h", check=0)
    assert len(p.stdout.splitlines()) == 2


def test_history_without_runs(project):
    p = project.run("history", "nothing", "--json", check=0)
    assert json.loads(p.stdout) == []
    p = project.run("history", "nothing", check=0)
    assert p.stdout == ""
    assert "no runs" in p.stderr


def test_history_usage_errors(project):
    assert project.run("history").returncode == 64
    assert project.run("history", "a", "b").returncode == 64
    assert project.run("history", "-n", "x", "h").returncode == 64
    assert project.run("history", "-n", "-1", "h").returncode == 64
    assert project.run("history", "../etc").returncode == 64
    assert project.run("history", "--bogus", "h").returncode == 64
    p = project.run("history", "--help", check=0)
    assert "history JOB [-n N] [--json]" in p.stdout


def test_history_of_an_exec_job(project):
    project.run("exec", "--name", "adhoc", "--", "/bin/true", check=0)
    runs = history(project, "adhoc")
    assert [r["status"] for r in runs] == ["succeeded"]
    # No schedule, no window.
    assert runs[0]["window_start"] is None and runs[0]["window_end"] is None


def test_exec_schedule_gives_the_window_of_its_latest_tick(project):
    out = os.path.join(project.root, "window")
    before = datetime.datetime.now(datetime.timezone.utc)
    project.run("exec", "--name", "hourly", "--schedule", "@hourly", "--",
                "/bin/sh", "-c",
                'echo "$CRONWRAP_WINDOW_START $CRONWRAP_WINDOW_END" > %s'
                % out, check=0)
    with open(out) as f:
        start, end = f.read().split()
    [r] = history(project, "hourly")
    assert (r["window_start"], r["window_end"]) == (start, end)
    # The latest hour at or before the start (the test may straddle one).
    ticks = [t.replace(minute=0, second=0, microsecond=0)
             for t in (before, datetime.datetime.now(datetime.timezone.utc))]
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    assert (start, end) in [((t - datetime.timedelta(hours=1)).strftime(fmt),
                             t.strftime(fmt)) for t in ticks]
    p = project.run("exec", "--name", "bad", "--schedule", "61 * * * *",
                    "--", "/bin/true")
    assert p.returncode == 64
    assert "schedule:" in p.stderr


def test_history_signal(project):
    project.write_job("k", 'shell = "kill -KILL $$";\n')
    project.run("run", "k")
    runs = history(project, "k")
    assert runs[0]["signal"] == signal.SIGKILL
    assert runs[0]["status"] == "killed"
    p = project.run("history", "k", check=0)
    assert " SIGKILL " in p.stdout


def test_log_latest_and_by_id(project):
    runs = two_runs(project)
    p = project.run("log", "h", check=0)
    lines = p.stdout.splitlines()
    assert lines and all(LOG_LINE.match(line) for line in lines), lines
    assert any(line.endswith(" out out-b") for line in lines)
    assert any(line.endswith(" err err-b") for line in lines)
    assert not any("out-a" in line for line in lines)
    # The file as it is.
    with open(runs[0]["log"]) as f:
        assert p.stdout == f.read()
    p = project.run("log", "h", runs[1]["run_id"], check=0)
    assert "out-a" in p.stdout and "out-b" not in p.stdout


def test_log_of_a_run_in_progress_shows_its_output_so_far(project):
    project.write_job("slow", 'shell = "echo first; sleep 30";\n')
    proc = project.popen("run", "slow")
    try:
        # The runner writes what it read before it waits for more: the
        # line is there well before the job ends (its 30 s), and before
        # the once-a-second flush of a job that prints in bulk.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not project.logs("slow"):
            time.sleep(0.01)  # the runner has started once its log exists
        deadline = time.monotonic() + 0.8
        shown = ""
        while time.monotonic() < deadline and "first" not in shown:
            shown = project.run("log", "slow").stdout
            time.sleep(0.02)
        assert "out first" in shown
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_log_raw(project):
    project.write_job("r", 'shell = "echo one; echo two >&2; '
                      'printf \'  spaced  \\\\n\'; printf \'\\\\n\'; '
                      'echo three";\n')
    project.run("run", "r", check=0)
    p = project.run("log", "r", "--raw", check=0)
    # stdout and stderr are two pipes: their relative order may vary.
    assert sorted(p.stdout.split("\n")) == sorted(
        ["one", "two", "  spaced  ", "", "three", ""])
    # cronwrap's own notes ("cw ") are left out of --raw.
    project.write_job("t", 'shell = "echo before; sleep 5";\n'
                      'timeout = "1s";\nkill_after = "1s";\n')
    project.run("run", "t")
    full = project.run("log", "t", check=0).stdout
    raw = project.run("log", "t", "--raw", check=0).stdout
    assert " cw " in full
    assert raw == "before\n"


def test_log_errors(project):
    project.write_job("h", JOB)
    assert project.run("log", "h").returncode == 1
    project.run("run", "h", check=0)
    p = project.run("log", "h", "01ARZ3NDEKTSV4RRFFQ69G5FAV")
    assert p.returncode == 1 and "no run" in p.stderr
    assert project.run("log").returncode == 64
    assert project.run("log", "h", "x", "y").returncode == 64
    # A log file removed by hand.
    os.unlink(history(project, "h")[0]["log"])
    p = project.run("log", "h")
    assert p.returncode == 1 and "No such file" in p.stderr


def test_log_skips_runs_without_output(project):
    """A skipped run has no log: "log JOB" shows the latest run that has
    one, here the run still going that caused the skip."""
    project.write_job("s", 'shell = "echo started; sleep 30";\n')
    first = project.popen("run", "s")
    try:
        assert wait_for(lambda: "started" in project.run(
            "log", "s", "--raw").stdout)
        assert project.run("run", "s").returncode == 75
        runs = history(project, "s")
        assert [r["status"] for r in runs] == ["skipped", "running"]
        assert runs[0]["log"] is None and runs[1]["end"] is None
        assert runs[1]["duration_s"] is None
        assert project.run("log", "s", "--raw").stdout == "started\n"
        p = project.run("log", "s", runs[0]["run_id"])
        assert p.returncode == 1 and "has no log" in p.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=30)
