"""Timing and memory of commands, measured side by side.

Every contender of a benchmark runs in the same loop, in turn (A B C,
B C A, C A B, ...), so that the noise of a shared 2-core machine falls on
all of them alike; ratios are taken within that loop.

A command is started with posix_spawn (no forked Python stays behind it)
and its wall time taken around spawn and wait.  Peak RSS comes from GNU
time (/usr/bin/time -f %M), which reports the largest resident size in the
process tree of the command, not from this Python process.
"""
import os
import statistics
import time

GNU_TIME = "/usr/bin/time"


class Failure(Exception):
    pass


class Contender:
    """One command of a benchmark.

    argv: the command (an absolute path first); env: its environment
    (default: ours); stdout: a file name or None (/dev/null); prep: called
    before each run, untimed (remove what the last run left); check: called
    after each run with the Contender, raises Failure if the run was wrong;
    rss: measure peak RSS with GNU time; sync: flush every file system
    before each run, untimed (a run that writes a GB must not pay for the
    writeback of the one before: it starts with clean page cache)."""

    def __init__(self, name, argv, env=None, stdout=None, prep=None,
                 check=None, rss=False, ok_status=(0,), sync=False):
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.stdout = stdout
        self.prep = prep
        self.check = check
        self.rss = rss
        self.ok_status = ok_status
        self.sync = sync
        self.times = []          # seconds, every run
        self.rounds = []         # [per-round list of seconds]
        self.rss_kb = []
        self.stderr_path = None

    def __repr__(self):
        return "<%s>" % self.name


def _actions(stdout, stderr):
    return [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, stdout or "/dev/null",
         os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, stderr or "/dev/null",
         os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]


def spawn(argv, env=None, stdout=None, stderr=None):
    """Starts argv; returns its pid."""
    return os.posix_spawn(argv[0], argv,
                          os.environ if env is None else env,
                          file_actions=_actions(stdout, stderr))


def wait_status(pid):
    _, st = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(st)


def run_once(c, workdir):
    """Runs contender c once; returns its wall time in seconds."""
    if c.prep:
        c.prep()
    if c.sync:
        os.sync()
    argv = c.argv
    rss_file = None
    if c.rss:
        rss_file = os.path.join(workdir, "rss.%d" % os.getpid())
        argv = [GNU_TIME, "-f", "%M", "-o", rss_file] + argv
    err = os.path.join(workdir, "stderr.%s" % safe(c.name))
    t0 = time.perf_counter()
    pid = spawn(argv, c.env, c.stdout, err)
    status = wait_status(pid)
    dt = time.perf_counter() - t0
    if status not in c.ok_status:
        with open(err, errors="replace") as f:
            raise Failure("%s: exit %d\n%s\n%s" % (
                c.name, status, " ".join(c.argv), f.read()[-3000:]))
    if rss_file:
        with open(rss_file) as f:
            # GNU time writes "Command exited with non-zero status N"
            # first when the command failed: the figure is the last line.
            c.rss_kb.append(int(f.read().split()[-1]))
    c.stderr_path = err
    if c.check:
        c.check(c)
    return dt


def safe(name):
    return "".join(ch if ch.isalnum() else "_" for ch in name)


def interleave(contenders, rounds, per_round, workdir, warmup=1,
               progress=None):
    """rounds x per_round runs of each contender, in turn, rotating the
    order at every step.  warmup runs of each come first, not counted."""
    for _ in range(warmup):
        for c in contenders:
            run_once(c, workdir)
            c.rss_kb.clear()
    k = 0
    for r in range(rounds):
        this = {c.name: [] for c in contenders}
        for _ in range(per_round):
            order = contenders[k % len(contenders):] + \
                contenders[:k % len(contenders)]
            k += 1
            for c in order:
                this[c.name].append(run_once(c, workdir))
        for c in contenders:
            c.rounds.append(this[c.name])
            c.times.extend(this[c.name])
        if progress:
            progress("  round %d/%d: %s" % (r + 1, rounds, "  ".join(
                "%s %.4g" % (c.name, statistics.median(this[c.name]))
                for c in contenders)))


def round_medians(c):
    return [statistics.median(r) for r in c.rounds]


def summary(c):
    """(median of all runs, min and max of the round medians) in seconds;
    with one run per round, min and max of the runs."""
    meds = round_medians(c)
    return statistics.median(c.times), min(meds), max(meds)


def ratio(c, ref):
    """c's time over ref's, round by round: (median, min, max)."""
    rs = [a / b for a, b in zip(round_medians(c), round_medians(ref))]
    return statistics.median(rs), min(rs), max(rs)


def rss_summary(c):
    """(median, min, max) peak RSS in kB, or None."""
    if not c.rss_kb:
        return None
    return statistics.median(c.rss_kb), min(c.rss_kb), max(c.rss_kb)
