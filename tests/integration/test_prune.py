"""prune: history.keep_runs and keep_days applied to the history, with
the log files and run directories of the runs removed, and leftovers."""
import json
import os
import random
import time

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def run_id(t):
    """A run id (ULID) for the instant t."""
    ms = int(t * 1000)
    head = "".join(CROCKFORD[(ms >> (5 * i)) & 31] for i in range(9, -1, -1))
    return head + "".join(random.choice(CROCKFORD) for _ in range(16))


def history(project, job):
    return json.loads(project.run("history", job, "-n", "0", "--json",
                                  check=0).stdout)


def run_dir(project, job, rid):
    return os.path.join(project.state_dir, "runs", job, rid)


def failing_runs(project, n):
    project.write_global("history = { keep_days = 90; keep_runs = 2; };\n")
    project.write_job("f", 'shell = "echo partial > $CRONWRAP_RUN_DIR/part.csv; exit 2";\n')
    for _ in range(n):
        project.run("run", "f", check=2)
    runs = history(project, "f")
    assert len(runs) == n
    # A failed run leaves its run directory for inspection.
    for r in runs:
        assert os.path.isfile(os.path.join(run_dir(project, "f",
                                                   r["run_id"]), "part.csv"))
        assert os.path.isfile(r["log"])
    return runs


def test_keep_runs(project):
    runs = failing_runs(project, 4)
    p = project.run("prune", check=0)
    # Silent when not on a terminal, as from cron.
    assert p.stdout == "" and p.stderr == ""
    kept = history(project, "f")
    assert [r["run_id"] for r in kept] == [r["run_id"] for r in runs[:2]]
    for i, r in enumerate(runs):
        assert os.path.exists(r["log"]) == (i < 2)
        assert os.path.exists(run_dir(project, "f", r["run_id"])) == (i < 2)
    # Nothing more to do.
    p = project.run("-v", "prune", check=0)
    assert p.stdout.startswith("pruned 0 runs, 0 log files, 0 run "
                               "directories")


def test_verbose_summary(project):
    failing_runs(project, 3)
    p = project.run("-v", "prune", check=0)
    assert p.stdout == ("pruned 1 run, 1 log file, 1 run directory "
                        "(keep_days = 90, keep_runs = 2)\n")


def test_no_limits_keeps_everything(project):
    project.write_global("history = { keep_days = 0; keep_runs = 0; };\n")
    project.write_job("f", 'shell = "exit 2";\n')
    for _ in range(3):
        project.run("run", "f", check=2)
    project.run("prune", check=0)
    assert len(history(project, "f")) == 3


def test_leftovers(project):
    """A run directory or log file named after a run id with no row goes
    once that id is an hour old; younger ones and other names stay."""
    failing_runs(project, 1)
    now = time.time()
    old, young = run_id(now - 7200), run_id(now - 60)
    for rid in (old, young):
        os.makedirs(run_dir(project, "gone", rid))
        os.makedirs(os.path.join(project.log_dir, "gone"), exist_ok=True)
        with open(os.path.join(project.log_dir, "gone", rid + ".log"),
                  "w") as f:
            f.write("x\n")
    other = os.path.join(project.log_dir, "gone", "README")
    with open(other, "w") as f:
        f.write("keep me\n")
    project.run("prune", check=0)
    assert not os.path.exists(run_dir(project, "gone", old))
    assert not os.path.exists(os.path.join(project.log_dir, "gone",
                                           old + ".log"))
    assert os.path.exists(run_dir(project, "gone", young))
    assert os.path.exists(os.path.join(project.log_dir, "gone",
                                       young + ".log"))
    assert os.path.exists(other)
    # The run in the history keeps its files.
    r = history(project, "f")[0]
    assert os.path.exists(r["log"])
    assert os.path.exists(run_dir(project, "f", r["run_id"]))


def test_usage(project):
    assert project.run("prune", "extra").returncode == 64
    p = project.run("prune", "--help", check=0)
    assert "prune" in p.stdout
