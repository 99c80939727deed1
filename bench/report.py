#!/usr/bin/python3
"""Writes bench/RESULTS.md from the sections' JSON (local.json, sql.json,
upload.json in WORK): the machine, the tool versions, each benchmark's
table (median, min-max, ratios taken round by round in the same run, peak
RSS), the targets met or missed, the profiles of the misses, and the
hand-written analysis kept in bench/ANALYSIS.md.

usage: report.py BUILD WORK START_EPOCH OUT.md [quick]"""
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

BUILD, WORK, START, OUT = sys.argv[1:5]
QUICK = sys.argv[5:] == ["quick"]
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def sh(*argv, err=False):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return ((p.stderr if err else p.stdout) or p.stdout or p.stderr).strip()


def first_line(text):
    return text.splitlines()[0] if text else "?"


def dpkg(pkg):
    v = sh("dpkg-query", "-W", "-f=${Version}", pkg)
    return v if v and "no packages" not in v else "not installed"


def load(name):
    with open(os.path.join(WORK, name)) as f:
        return json.load(f)


def ms(s):
    return "%.2f ms" % (s * 1e3) if s < 1 else "%.3f s" % s


def span(c):
    return "%s – %s" % (ms(c["min_s"]), ms(c["max_s"]))


def rss(c):
    r = c.get("rss_kb")
    if not r:
        return "–"
    med, lo, hi = r
    if lo == hi:
        return "%.1f MB" % (med / 1024)
    return "%.1f MB (%.1f – %.1f)" % (med / 1024, lo / 1024, hi / 1024)


def rel(a, b):
    """a over b, round by round: 'median (min – max)'."""
    rs = [x / y for x, y in zip(a["round_medians"], b["round_medians"])]
    return "%.2f× (%.2f – %.2f)" % (statistics.median(rs), min(rs), max(rs))


def met(t):
    return "**met**" if t["met"] else "**MISSED**"


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    debian = open("/etc/debian_version").read().strip() \
        if os.path.exists("/etc/debian_version") else "?"
    fs = sh("df", "--output=fstype", WORK).splitlines()[-1].strip()
    loads = []
    for name in ("load-start", "load-end"):
        p = os.path.join(WORK, name)
        if os.path.exists(p):
            loads.append(open(p).read().split("load average:")[-1].strip())
    return [
        ("CPU", "%s, %d cores" % (cpu, os.cpu_count())),
        ("memory", "%.1f GiB" % mem),
        ("system", "Debian %s, Linux %s (%s)" % (
            debian, platform.release(), platform.machine())),
        ("work directory", "%s (%s: run logs and CSVs land there; the FTP "
         "and SFTP servers write to a tmpfs)" % (os.path.dirname(WORK), fs)),
        ("load average (1, 5, 15 min) at start / end",
         " / ".join(loads) + " — the machine is shared: other engineers' "
         "builds and tests run beside the benchmark, which is why every "
         "figure is a median over interleaved runs"),
    ]


def versions(sqlj):
    cw = sh(os.path.join(BUILD, "cronwrap"), "--version")
    commit_file = os.path.join(WORK, "commit")
    if os.path.exists(commit_file):       # as run.sh saw it
        commit = open(commit_file).read().strip()
        dirty = open(os.path.join(WORK, "dirty")).read().strip()
    else:
        commit = sh("git", "-C", ROOT, "rev-parse", "--short", "HEAD")
        dirty = sh("git", "-C", ROOT, "status", "--porcelain", "--",
                   "cronwrap", "jobs")
    producer = "?"
    dump = sh("readelf", "--debug-dump=info", os.path.join(BUILD, "cronwrap"))
    for line in dump.splitlines():
        if "DW_AT_producer" in line:
            producer = line.split("): ")[-1].strip()
            break
    curl_v = sh("curl", "--version").splitlines()
    rows = [
        ("cronwrap", "%s, commit %s%s" % (
            first_line(cw), commit,
            " with uncommitted changes in cronwrap/ or jobs/ (the shared "
            "tree: work in progress of other engineers)" if dirty else "")),
        ("compiler and flags of the build", producer),
        ("flock", first_line(sh("flock", "--version"))),
        ("chronic", "moreutils " + dpkg("moreutils")),
        ("cronic", "cronic " + dpkg("cronic")),
        ("csvkit", "csvkit " + dpkg("csvkit") + ", SQLAlchemy " +
         dpkg("python3-sqlalchemy")),
        ("sqlite3", first_line(sh("sqlite3", "--version")).split()[0]
         + " (libsqlite3-0 " + dpkg("libsqlite3-0") + ")"),
        ("PostgreSQL", sqlj["versions"]["postgresql"] + "; " +
         first_line(sh("psql", "--version")) + "; libpq5 " + dpkg("libpq5")),
        ("MariaDB", sqlj["versions"]["mariadb"] + "; " +
         first_line(sh("mariadb", "--version")) + "; libmariadb3 " +
         dpkg("libmariadb3")),
        ("curl", curl_v[0] if curl_v else "?"),
        ("lftp", first_line(sh("lftp", "--version"))),
        ("OpenSSH", sh("ssh", "-V", err=True)),
        ("vsftpd", dpkg("vsftpd")),
        ("GNU time", dpkg("time")),
        ("perf", first_line(sh("perf", "--version"))),
        ("Python (harness)", sys.version.split()[0]),
    ]
    return rows


def table(header, rows):
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---" if i == 0 else "---:"
                          for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(str(x).replace("|", "/") for x in r) + " |"
            for r in rows]
    return "\n".join(out) + "\n"


def main():
    loc, sqlj, up = load("local.json"), load("sql.json"), load("upload.json")
    # The end: when the last section finished (load-end), so that running
    # report.py again on a kept work directory says the same.
    end = os.path.getmtime(os.path.join(WORK, "load-end")) \
        if os.path.exists(os.path.join(WORK, "load-end")) else time.time()
    took = int(end) - int(START)
    now = datetime.datetime.fromtimestamp(end).strftime(
        "%Y-%m-%d %H:%M %Z").strip()
    targets = (loc["overhead"]["targets"] + loc["output"]["targets"]
               + sqlj["targets"] + up["targets"] + loc["burst"]["targets"])
    md = []
    w = md.append
    w("# cronwrap benchmarks\n")
    w("Generated by `make bench` (bench/run.sh) on %s in %d min %d s. "
      "Do not edit: run `make bench` again. The analysis at the end is kept "
      "by hand in bench/ANALYSIS.md.\n" % (now, took // 60, took % 60))
    if QUICK:
        w("**BENCH_QUICK run: small sizes and few rounds, to try the "
          "machinery. Not the reference.**\n")
    w("How it measures: every contender of a benchmark runs in the same "
      "loop, in turn, the order rotating at each step (A B C, B C A, ...), "
      "so that the noise of this shared machine falls on all alike. Times "
      "are wall-clock from posix_spawn to wait. *median* is over all runs; "
      "*min – max* is the range of the per-round medians (of the runs, "
      "when a round has one run). Ratios are taken round by round between "
      "contenders measured side by side, then their median (and range) is "
      "shown. Peak RSS is GNU time's %M (kB) of the command: the largest "
      "resident set in its process tree.\n")

    w("## Targets\n")
    w(table(["target (issue 10)", "measured", ""],
            [(t["what"], t["value"], met(t)) for t in targets]))

    w("## Machine\n")
    w(table(["", ""], machine()))
    w("## Versions\n")
    w(table(["tool", "version"], versions(sqlj)))

    # 1. overhead
    o = loc["overhead"]
    cs = o["contenders"]
    bare = cs[0]
    flock = cs[1]
    w("## 1. Wrapper overhead: /bin/true, with lock, state and syslog\n")
    w("%d rounds × %d runs of each command, interleaved. cronwrap takes "
      "its lock, writes its state (SQLite) and run log, and sends its "
      "syslog lines to a socket at /dev/log (received: %d lines from "
      "cronwrap over the local benchmarks). `cronwrap run` runs a job file "
      "(`command = [\"/bin/true\"];`); `cronwrap exec` wraps the command "
      "without one. The last three rows are not contenders: they show what "
      "starting cronwrap alone costs, and what loading its shared libraries "
      "costs (empty programs linked with them).\n" % (
          len(bare["round_medians"]), bare["runs"] // len(
              bare["round_medians"]),
          loc["syslog"]["counts"].get("cronwrap", 0)))
    rows = []
    for c in cs:
        rows.append((c["name"], ms(c["median_s"]), span(c),
                     rel(c, bare), "%+.2f ms" % (
                         (c["median_s"] - flock["median_s"]) * 1e3),
                     rss(c)))
    w(table(["command", "median", "min – max", "× bare", "vs flock -n",
             "peak RSS"], rows))
    by = {c["name"]: c for c in cs}
    w("\ncronwrap run against cronic: %s of its time; against chronic: %s.\n"
      % (rel(by["cronwrap run"], by["cronic"]),
         rel(by["cronwrap run"], by["chronic"])))

    # 2. output
    o = loc["output"]
    cs = o["contenders"]
    w("## 2. Output capture: a job that prints %d MiB\n" % (o["bytes"] >> 20))
    w("The job is bench/genout.c: text lines of 16 to 160 characters, "
      "written 1 MiB at a time. *cat through a pipe* is `genout | cat > "
      "FILE` on the same file system as cronwrap's run log; cronwrap's "
      "log has a timestamp and stream tag on each line (%s bytes for %d "
      "MiB of output). chronic keeps everything in memory; cronic "
      "redirects the job to a file of its own (no pipe). %d rounds, "
      "interleaved.\n" % ("{:,}".format(o["log_bytes"] or 0),
                          o["bytes"] >> 20, len(cs[0]["round_medians"])))
    rows = [(c["name"], ms(c["median_s"]), span(c),
             "%.0f MB/s" % c["mb_per_s"], rel(c, cs[0]), rss(c))
            for c in cs]
    w(table(["command", "median", "min – max", "throughput",
             "time × cat (pipe)", "peak RSS"], rows))

    # 3. SQL
    cs = sqlj["contenders"]
    w("\n## 3. SQL to CSV: %s rows\n" % "{:,}".format(sqlj["rows"]))
    w("Each database is loaded with the same rows (integer key, text with "
      "quotes, commas and newlines, 10 %% NULL notes, numeric(12,2), "
      "double, 1/7 NULL integers, timestamp, boolean, date) and exported "
      "with `%s`, over TCP to 127.0.0.1 with a password (SQLite: the file). "
      "sql2csv runs as a job (`cronwrap run`) with its defaults: header, "
      "CRLF, written to a temporary name, fsync'ed, renamed. csvkit's "
      "sql2csv reads the SQLite file. %d rounds, interleaved, after one "
      "warm-up run of each.\n" % (sqlj["query"], len(cs[0]["round_medians"])))
    by = {c["name"]: c for c in cs}
    pair = {"sql2csv postgresql": "psql \\copy csv",
            "sql2csv mysql": "mariadb --batch --quick",
            "sql2csv sqlite": "sqlite3 -csv"}
    rows = []
    for c in cs:
        own = rel(c, by[pair[c["name"]]]) if c["name"] in pair else "–"
        rows.append((c["name"], ms(c["median_s"]), span(c),
                     "%.2f M/s" % (c["rows_per_s"] / 1e6), rel(c, cs[0]),
                     own, rss(c)))
    w(table(["command", "median", "min – max", "rows/s", "time × psql",
             "time × own client", "peak RSS"], rows))
    w("\nChecked once after the timing: each sql2csv CSV read back has "
      "every row, and its text columns (quotes, commas, newlines, NULL) "
      "equal the client's output. Other columns may be written "
      "differently (sql2csv's documented formats):\n")
    for drv, v in sqlj["verify"].items():
        fd = v["first_difference"]
        w("- %s: %s records; %s rows differ from the client's in some "
          "column%s\n" % (drv, "{:,}".format(v["records"]),
                          "{:,}".format(v["rows_differing_in_any_column"]),
                          (", first: sql2csv `%s` vs client `%s`" % (
                              json.dumps(fd[0])[1:-1],
                              json.dumps(fd[1])[1:-1]))
                          if fd else ""))

    # 4. upload
    w("\n## 4. Upload of a %d MiB file\n" % (up["bytes"] >> 20))
    w("To vsftpd (FTP, passive) and OpenSSH's internal-sftp on 127.0.0.1, "
      "random bytes. The upload plugin runs as a job with its defaults "
      "(temporary name, size check, rename; one login); its first step "
      "hard-links the file into the run directory. The clients write the "
      "final name directly. Rows that are not contenders: the plugin "
      "without its temporary name and size check, and curl and the plugin "
      "on a %d MiB file (the fixed costs, and memory against file size). "
      "The servers write to a tmpfs (see the analysis). SFTP logins use an "
      "ed25519 key. %d rounds (FTP) and %d (SFTP), interleaved, after a "
      "warm-up run of each.\n" % (up["small_bytes"] >> 20,
                                   len(up["ftp"][0]["round_medians"]),
                                   len(up["sftp"][0]["round_medians"])))
    for key, label in (("ftp", "FTP"), ("sftp", "SFTP")):
        cs = up[key]
        small_curl = next(c for c in cs if c["name"].startswith("curl")
                          and c["name"].endswith(" MiB"))
        rows = [(c["name"], ms(c["median_s"]), span(c),
                 "%.0f MB/s" % c["mb_per_s"],
                 rel(c, small_curl if c["name"].endswith(" MiB") else cs[0]),
                 rss(c)) for c in cs]
        w("\n%s:\n\n" % label)
        w(table(["command", "median", "min – max", "throughput",
                 "time × curl (same file)", "peak RSS"], rows))

    # 5. burst
    b = loc["burst"]
    w("\n## 5. %d jobs starting in the same second\n" % b["jobs"])
    w("%d different jobs (`command = [\"/bin/true\"];`, one lock each, one "
      "shared state database) started together with `cronwrap run`, against "
      "%d `flock -n` on %d lock files; time from the first start to the "
      "last exit. %d rounds, alternating, after a warm-up round.\n"
      % (b["jobs"], b["jobs"], b["jobs"], b["rounds"]))
    rows = []
    for c in b["contenders"]:
        r = c.get("ratio")
        rows.append((c["name"], ms(c["median_s"]),
                     "%s – %s" % (ms(c["min_s"]), ms(c["max_s"])),
                     "%.2f× (%.2f – %.2f)" % tuple(r) if r else "–"))
    w(table(["command", "total, median", "min – max", "× flock -n"], rows))
    w("\nErrors: %s. Runs in the history: %d of %d, all succeeded%s.\n" % (
        "none" if not b["errors"] else "; ".join(b["errors"]),
        b["history_runs"], b["jobs"] * (b["rounds"] + 1),
        "" if not b["history_mismatch"] else
        " except %s" % b["history_mismatch"]))

    # anchors
    oc = {c["name"]: c for c in loc["overhead"]["contenders"]}
    outc = {c["name"]: c for c in loc["output"]["contenders"]}
    sq = {c["name"]: c for c in sqlj["contenders"]}
    fu = {c["name"]: c for c in up["ftp"]}
    su = {c["name"]: c for c in up["sftp"]}
    w("\n## The anchors of the issue, measured again\n")
    w("The issue's figures (2026-11-23, another script) beside this "
      "run's:\n\n")
    w(table(["anchor", "issue", "this run"], [
        ("bare /bin/true", "0.64 ms", ms(oc["bare"]["median_s"])),
        ("flock -n", "2.2× bare", rel(oc["flock -n"], oc["bare"])),
        ("cat through a pipe", "783 MB/s",
         "%.0f MB/s" % outc["cat through a pipe"]["mb_per_s"]),
        ("psql \\copy csv", "1.55 M rows/s",
         "%.2f M rows/s" % (sq["psql \\copy csv"]["rows_per_s"] / 1e6)),
        ("mariadb --quick", "1.20× psql",
         rel(sq["mariadb --batch --quick"], sq["psql \\copy csv"])),
        ("sqlite3 -csv", "1.72× psql",
         rel(sq["sqlite3 -csv"], sq["psql \\copy csv"])),
        ("csvkit sql2csv", "9.6× psql",
         rel(sq["csvkit sql2csv (sqlite)"], sq["psql \\copy csv"])),
        ("curl FTP", "937 MB/s",
         "%.0f MB/s" % fu["curl -T (FTP)"]["mb_per_s"]),
        ("curl SFTP", "153 MB/s",
         "%.0f MB/s" % su["curl -T (SFTP)"]["mb_per_s"]),
        ("OpenSSH sftp", "223 MB/s",
         "%.0f MB/s" % su["sftp -b (OpenSSH)"]["mb_per_s"]),
    ]))

    profs = [(t, p) for t, p in (
        ("Wrapper overhead", loc["overhead"]["profile"]),
        ("Output capture", loc["output"]["profile"]),
        ("SQL to CSV", sqlj["profile"]),
        ("Upload", up["profile"])) if p]
    if profs:
        w("\n## Profiles of the misses\n")
        w("Taken by the benchmark right after the timings, on the same "
          "build. CPU samples (cpu-clock: this VM has no hardware "
          "counters) of the processes named cronwrap — the runner and "
          "its forked steps, not the job it execs nor the servers — "
          "grouped by shared object in user space and by system call in "
          "the kernel. perf's own cost inflates the absolute figures; the "
          "shares are what count.\n")
        for title, p in profs:
            w("\n### %s\n\n%s" % (title, p))
    analysis = os.path.join(HERE, "ANALYSIS.md")
    if os.path.exists(analysis):
        w("\n## Analysis\n\n")
        with open(analysis) as f:
            w(f.read())
    text = "\n".join(md)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    with open(OUT, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
