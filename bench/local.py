#!/usr/bin/python3
"""The benchmarks that need no server: wrapper overhead, output capture,
30 jobs at once.  run.sh starts this in a private mount namespace whose
/dev/log is the socket of syslog_sink.py, so that cronwrap's syslog lines
are really sent and received, as on a Debian host.

usage: local.py BUILD WORK GENOUT EMPTY EMPTY_CORE OUT.json [quick]

EMPTY is a program that returns at once, linked with the same shared
libraries as cronwrap (run.sh makes it): the cost of loading them;
EMPTY_CORE the same without libcurl, libesmtp, libssl and libcrypto.
Where cronwrap misses a target, the section profiles it (profile.py)."""
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import profile  # noqa: E402
from harness import Contender, Failure  # noqa: E402

BUILD, WORK, GENOUT, EMPTY, EMPTY_CORE, OUT = sys.argv[1:7]
QUICK = sys.argv[7:] == ["quick"]
CW = os.path.join(BUILD, "cronwrap")
HERE = os.path.dirname(os.path.abspath(__file__))
GIB = 1 << 30
OUTPUT_BYTES = (64 << 20) if QUICK else GIB
# The targets of issue 10.
OVERHEAD_OVER_FLOCK_S = 0.001
OUTPUT_MIN_SHARE = 0.80
OUTPUT_MAX_RSS_KB = 8 * 1024


def say(msg):
    print(msg, file=sys.stderr, flush=True)


def which(prog):
    p = shutil.which(prog, path="/usr/bin:/bin:/usr/sbin:/sbin")
    if p is None:
        raise SystemExit("bench: %s is not installed" % prog)
    return p


def project(name, jobs):
    """A throwaway installation (as tests/integration/conftest.py's
    Project): its config file, with syslog on (the default, said
    explicitly)."""
    root = os.path.join(WORK, name)
    os.makedirs(os.path.join(root, "jobs.d"))
    conf = os.path.join(root, "cronwrap.conf")
    with open(conf, "w") as f:
        f.write('jobs_dir = "jobs.d"; state_dir = "state"; log_dir = "log";\n'
                'lock_dir = "lock"; plugin_dir = "%s/jobs";\n'
                'syslog = { facility = "cron"; ident = "cronwrap"; };\n'
                % BUILD)
    for job, text in jobs.items():
        with open(os.path.join(root, "jobs.d", job + ".conf"), "w") as f:
            f.write(text)
    return root, conf


def quiet(c):
    """cronwrap is silent on success: anything on stderr is an error."""
    with open(c.stderr_path, errors="replace") as f:
        text = f.read()
    if text:
        raise Failure("%s wrote to stderr:\n%s" % (c.name, text[-2000:]))


def stats(c, ref=None):
    med, lo, hi = harness.summary(c)
    d = {"name": c.name, "argv": c.argv, "median_s": med, "min_s": lo,
         "max_s": hi, "runs": len(c.times),
         "round_medians": harness.round_medians(c)}
    if ref is not None:
        d["ratio"] = harness.ratio(c, ref)
    if c.rss_kb:
        d["rss_kb"] = harness.rss_summary(c)
    return d


# --- wrapper overhead -------------------------------------------------------

def bench_overhead():
    root, conf = project("overhead", {"true": 'command = ["/bin/true"];\n'})
    true = "/bin/true"
    cs = [
        Contender("bare", [true]),
        Contender("flock -n", [which("flock"), "-n",
                               os.path.join(WORK, "flock.lock"), true]),
        Contender("cronwrap run", [CW, "-c", conf, "run", "true"],
                  check=quiet),
        Contender("cronwrap exec", [CW, "-c", conf, "exec", "--name",
                                    "true-exec", "--", true], check=quiet),
        Contender("cronic", [which("cronic"), true], check=quiet),
        Contender("chronic", [which("chronic"), true], check=quiet),
        # Anatomy, not contenders: cronwrap's start alone, and the start
        # of an empty program that loads the same libraries.
        Contender("cronwrap --version", [CW, "--version"]),
        Contender("empty program, cronwrap's libraries", [EMPTY]),
        Contender("empty program, the same less libcurl, libesmtp, "
                  "libssl, libcrypto", [EMPTY_CORE]),
    ]
    rounds, per = (3, 10) if QUICK else (10, 30)
    say("overhead: %d rounds x %d runs of each, interleaved" % (rounds, per))
    harness.interleave(cs, rounds, per, WORK, warmup=3, progress=say)
    # Peak RSS: a few runs apart (GNU time's own fork and exec would
    # blur the timings above).
    for c in cs:
        c.rss = True
        for _ in range(3):
            harness.run_once(c, WORK)
    hist = subprocess.run([CW, "-c", conf, "history", "true", "--json",
                           "-n", "100000"], capture_output=True, text=True,
                          check=True)
    runs = json.loads(hist.stdout)
    bad = [r for r in runs if r["status"] != "succeeded"]
    if bad:
        raise Failure("overhead: runs not succeeded: %s" % bad[:3])
    flock = cs[1]
    targets = []
    for c in cs[2:4]:
        over = statistics.median(a - b for a, b in zip(
            harness.round_medians(c), harness.round_medians(flock)))
        targets.append({"what": "%s within 1 ms of flock -n" % c.name,
                        "value": "%+.2f ms" % (over * 1e3),
                        "met": over <= OVERHEAD_OVER_FLOCK_S})
    prof = None
    if not all(t["met"] for t in targets):
        prof = profile_overhead(cs[2])
    return {"contenders": [stats(c, cs[0]) for c in cs],
            "history_runs": len(runs), "targets": targets, "profile": prof}


def profile_overhead(c):
    """perf over 200 runs of c, strace of one, the dynamic loader's own
    count of relocations."""
    if not profile.available():
        return "(perf is not installed: no profile)"
    n = 50 if QUICK else 200
    data = os.path.join(WORK, "overhead.perf")
    loop = ["/bin/sh", "-c", 'i=0; while [ $i -lt %d ]; do "$@" || exit 1; '
            'i=$((i+1)); done' % n, "sh"] + c.argv
    say("overhead: profiling %d runs of %s" % (n, c.name))
    profile.record(loop, data, freq=9999)
    text = "perf record -F 9999 -g over %d runs of `cronwrap %s`:\n\n" % (
        n, " ".join(c.argv[3:])) \
        + profile.breakdown(data, "cronwrap", n)
    os.unlink(data)
    text += "\nstrace -f -c of one run (cronwrap and its job):\n\n" + \
        profile.strace_counts(c.argv, os.path.join(WORK, "strace.txt"))
    env = dict(os.environ, LD_DEBUG="statistics")
    ld = {}
    for name, argv in (("cronwrap", [CW, "--version"]),
                       ("flock", [which("flock"), "--version"])):
        p = subprocess.run(argv, env=env, capture_output=True, text=True)
        for line in p.stderr.splitlines():
            k, _, v = line.partition(":")[2].partition(":")
            k = k.strip()
            if k in ("total startup time in dynamic loader",
                     "number of relocations",
                     "number of relative relocations"):
                ld.setdefault(name, {}).setdefault(k, v.strip())
    text += "\nThe dynamic loader at start (LD_DEBUG=statistics):\n\n" + \
        "| program | symbol relocations | relative relocations | " \
        "loader time |\n|---|---:|---:|---:|\n" + "".join(
            "| %s | %s | %s | %s |\n" % (
                k, v.get("number of relocations"),
                v.get("number of relative relocations"),
                v.get("total startup time in dynamic loader"))
            for k, v in ld.items())
    return text


# --- output capture ---------------------------------------------------------

def bench_output():
    root, conf = project("output", {})
    log_dir = os.path.join(root, "log")
    cat_out = os.path.join(WORK, "cat.out")
    n = str(OUTPUT_BYTES)
    seen = {}

    def rm(*paths):
        def prep():
            for p in paths:
                if os.path.isdir(p):
                    shutil.rmtree(p)
                elif os.path.exists(p):
                    os.unlink(p)
        return prep

    def cat_check(c):
        size = os.path.getsize(cat_out)
        if size != OUTPUT_BYTES:
            raise Failure("cat wrote %d bytes" % size)

    def log_check(c):
        quiet(c)
        d = os.path.join(log_dir, "out")
        logs = os.listdir(d)
        size = os.path.getsize(os.path.join(d, logs[0]))
        if len(logs) != 1 or size < OUTPUT_BYTES:
            raise Failure("run log: %s, %d bytes" % (logs, size))
        seen["log_bytes"] = size

    def empty_stdout(path):
        def check(c):
            quiet(c)
            if os.path.getsize(path):
                raise Failure("%s printed on success" % c.name)
        return check

    out = os.path.join(WORK, "wrapper.stdout")
    cs = [
        Contender("cat through a pipe", ["/bin/sh", "-c", "%s %s | cat > %s"
                                         % (GENOUT, n, cat_out)],
                  prep=rm(cat_out), check=cat_check, rss=True, sync=True),
        Contender("cronwrap exec", [CW, "-c", conf, "exec", "--name", "out",
                                    "--", GENOUT, n],
                  prep=rm(os.path.join(log_dir, "out")), check=log_check,
                  rss=True, sync=True),
        Contender("chronic", [which("chronic"), GENOUT, n], stdout=out,
                  check=empty_stdout(out), rss=True, sync=True),
        Contender("cronic", [which("cronic"), GENOUT, n], stdout=out,
                  check=empty_stdout(out), rss=True, sync=True),
    ]
    rounds = 2 if QUICK else 5
    say("output capture: %d MiB, %d rounds, interleaved"
        % (OUTPUT_BYTES >> 20, rounds))
    harness.interleave(cs, rounds, 1, WORK, warmup=0, progress=say)
    rm(cat_out, log_dir)()
    res = [stats(c, cs[0]) for c in cs]
    for r in res:
        r["mb_per_s"] = OUTPUT_BYTES / r["median_s"] / 1e6
    cw = cs[1]
    share = statistics.median(b / a for a, b in zip(
        harness.round_medians(cw), harness.round_medians(cs[0])))
    rss = max(cw.rss_kb)
    targets = [
        {"what": "cronwrap exec throughput >= 80 % of cat through a pipe",
         "value": "%.0f %%" % (100 * share), "met": share >= OUTPUT_MIN_SHARE},
        {"what": "cronwrap exec peak RSS < 8 MB",
         "value": "%.1f MB (largest of %d runs)" % (rss / 1024,
                                                    len(cw.rss_kb)),
         "met": rss < OUTPUT_MAX_RSS_KB},
    ]
    prof = None
    if not all(t["met"] for t in targets):
        prof = profile_output(cw, log_dir)
    return {"bytes": OUTPUT_BYTES, "log_bytes": seen.get("log_bytes"),
            "contenders": res, "targets": targets, "profile": prof}


def profile_output(c, log_dir):
    if not profile.available():
        return "(perf is not installed: no profile)"
    data = os.path.join(WORK, "output.perf")
    say("output capture: profiling one run of %s" % c.name)
    profile.record(c.argv, data, freq=999)
    shutil.rmtree(log_dir, ignore_errors=True)
    text = ("perf record -F 999 -g of one `cronwrap exec` of %d MiB "
            "(the job, genout, is not counted):\n\n"
            % (OUTPUT_BYTES >> 20)) + profile.breakdown(data, "cronwrap", 1)
    os.unlink(data)
    small = [a if a != str(OUTPUT_BYTES) else str(256 << 20) for a in c.argv]
    text += ("\nstrace -f -c of one run of 256 MiB (cronwrap and the job):"
             "\n\n") + profile.strace_counts(
                 small, os.path.join(WORK, "strace.txt"))
    shutil.rmtree(log_dir, ignore_errors=True)
    return text


# --- 30 jobs in the same second ---------------------------------------------

def burst(argvs, env=None):
    """Starts every argv at once; returns (seconds from the first start to
    the last exit, [(status, stderr text)])."""
    errs = [os.path.join(WORK, "burst.%d.err" % i) for i in range(len(argvs))]
    t0 = time.perf_counter()
    pids = [harness.spawn(a, env, None, e) for a, e in zip(argvs, errs)]
    status = [harness.wait_status(p) for p in pids]
    dt = time.perf_counter() - t0
    out = []
    for st, e in zip(status, errs):
        with open(e, errors="replace") as f:
            out.append((st, f.read()))
    return dt, out


def bench_burst():
    n = 30
    jobs = {"j%02d" % i: 'command = ["/bin/true"];\n' for i in range(1, n + 1)}
    root, conf = project("burst", jobs)
    cw = [[CW, "-c", conf, "run", j] for j in sorted(jobs)]
    fl = [[which("flock"), "-n", os.path.join(WORK, "burst-%s.lock" % j),
           "/bin/true"] for j in sorted(jobs)]
    rounds = 3 if QUICK else 15
    times = {"cronwrap run x30": [], "flock -n x30": []}
    errors = []
    say("30 jobs at once: %d rounds, interleaved" % rounds)
    for r in range(rounds + 1):
        order = [("cronwrap run x30", cw), ("flock -n x30", fl)]
        if r % 2:
            order.reverse()
        for name, argvs in order:
            dt, res = burst(argvs)
            bad = [(i, st, err) for i, (st, err) in enumerate(res)
                   if st != 0 or err]
            if r == 0:
                continue            # warm-up
            times[name].append(dt)
            errors.extend("%s #%d: exit %d %s" % (name, i, st, err.strip())
                          for i, st, err in bad)
        if r:
            say("  round %d/%d: %s" % (r, rounds, "  ".join(
                "%s %.4g" % (k, v[-1]) for k, v in times.items())))
    # Every run in the history, each succeeded: no lost state write.
    per_job = {}
    for j in sorted(jobs):
        h = subprocess.run([CW, "-c", conf, "history", j, "--json"],
                           capture_output=True, text=True, check=True)
        runs = json.loads(h.stdout)
        per_job[j] = (len(runs), sum(r["status"] == "succeeded"
                                     for r in runs))
    missing = {j: v for j, v in per_job.items()
               if v != (rounds + 1, rounds + 1)}
    res = []
    for name, ts in times.items():
        res.append({"name": name, "median_s": statistics.median(ts),
                    "min_s": min(ts), "max_s": max(ts), "runs": len(ts)})
    ratios = [a / b for a, b in zip(times["cronwrap run x30"],
                                    times["flock -n x30"])]
    res[0]["ratio"] = (statistics.median(ratios), min(ratios), max(ratios))
    targets = [{"what": "30 x cronwrap run at once: no lock or state error, "
                "every run in the history",
                "value": "%d errors, %d runs missing" % (
                    len(errors), sum((rounds + 1) - v[1]
                                     for v in per_job.values())),
                "met": not errors and not missing}]
    return {"jobs": n, "rounds": rounds, "contenders": res,
            "errors": errors[:20], "history_mismatch": missing,
            "history_runs": sum(v[0] for v in per_job.values()),
            "targets": targets}


def main():
    sink = subprocess.Popen(["/usr/bin/python3",
                             os.path.join(HERE, "syslog_sink.py"),
                             "/dev/log"], stdout=subprocess.PIPE, text=True)
    if sink.stdout.readline().strip() != "READY":
        raise SystemExit("bench: syslog sink did not start")
    results = {}
    try:
        results["overhead"] = bench_overhead()
        results["output"] = bench_output()
        results["burst"] = bench_burst()
    finally:
        sink.send_signal(signal.SIGTERM)
        try:
            out, _ = sink.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            sink.kill()
            raise
    results["syslog"] = json.loads(out)
    with open(OUT, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
