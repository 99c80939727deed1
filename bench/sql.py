#!/usr/bin/python3
"""SQL to CSV: 1,000,000 rows of mixed types (integers, text with quotes,
commas and newlines, NULLs, numeric, double, timestamp, boolean, date)
exported by the sql2csv plugin and by each database's own client, side by
side: PostgreSQL 15 (psql \\copy ... csv), MariaDB 10.11 (mariadb --batch
--quick), SQLite (sqlite3 -csv) and csvkit's sql2csv (on the SQLite file).

usage: sql.py BUILD WORK OUT.json [quick]"""
import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import profile  # noqa: E402
import servers  # noqa: E402
from harness import Contender, Failure  # noqa: E402

BUILD, WORK, OUT = sys.argv[1:4]
QUICK = sys.argv[4:] == ["quick"]
CW = os.path.join(BUILD, "cronwrap")
ROWS = 50000 if QUICK else 1000000
COLS = "id, name, note, amount, ratio, qty, created, active, day"
QUERY = "SELECT %s FROM bench_rows ORDER BY id" % COLS
MAX_RSS_KB = 16 * 1024
# sql2csv's driver: the contender it must be at least as fast as.
PAIRS = {"postgresql": "psql \\copy csv",
         "mysql": "mariadb --batch --quick", "sqlite": "sqlite3 -csv"}


def say(msg):
    print(msg, file=sys.stderr, flush=True)


PG_LOAD = """
CREATE TABLE bench_rows (id integer PRIMARY KEY, name text NOT NULL,
  note text, amount numeric(12,2), ratio double precision, qty integer,
  created timestamp, active boolean, day date);
INSERT INTO bench_rows
SELECT i, 'Customer "' || i || '", Ltd.',
  CASE i %% 10 WHEN 0 THEN NULL WHEN 1 THEN E'multi\\nline ' || i
       ELSE 'note ' || i END,
  (i * 37 %% 100000) / 100.0, i / 7.0,
  CASE WHEN i %% 7 = 0 THEN NULL ELSE i %% 1000 END,
  timestamp '2020-01-01' + i * interval '1 second', i %% 3 = 0,
  date '2020-01-01' + i %% 3650
FROM generate_series(1, %d) i;
VACUUM ANALYZE bench_rows;
"""

MY_LOAD = """
CREATE TABLE bench_rows (id INT PRIMARY KEY, name TEXT NOT NULL, note TEXT,
  amount DECIMAL(12,2), ratio DOUBLE, qty INT, created DATETIME,
  active BOOLEAN, day DATE);
INSERT INTO bench_rows
SELECT seq, CONCAT('Customer "', seq, '", Ltd.'),
  CASE seq %% 10 WHEN 0 THEN NULL WHEN 1 THEN CONCAT('multi\\nline ', seq)
       ELSE CONCAT('note ', seq) END,
  (seq * 37 %% 100000) / 100, seq / 7e0,
  CASE WHEN seq %% 7 = 0 THEN NULL ELSE seq %% 1000 END,
  '2020-01-01' + INTERVAL seq SECOND, seq %% 3 = 0,
  '2020-01-01' + INTERVAL seq %% 3650 DAY
FROM seq_1_to_%d;
ANALYZE TABLE bench_rows;
"""

SQLITE_LOAD = """
CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
  note TEXT, amount NUMERIC, ratio REAL, qty INTEGER, created TEXT,
  active INTEGER, day TEXT);
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d)
INSERT INTO bench_rows
SELECT i, 'Customer "' || i || '", Ltd.',
  CASE i %% 10 WHEN 0 THEN NULL WHEN 1 THEN 'multi' || char(10) || 'line ' || i
       ELSE 'note ' || i END,
  (i * 37 %% 100000) / 100.0, i / 7.0,
  CASE WHEN i %% 7 = 0 THEN NULL ELSE i %% 1000 END,
  datetime('2020-01-01', '+' || i || ' seconds'), i %% 3 = 0,
  date('2020-01-01', '+' || (i %% 3650) || ' days')
FROM s;
"""


def load(pg, my, sqlite_path):
    say("sql: loading %d rows into PostgreSQL, MariaDB, SQLite" % ROWS)
    subprocess.run(["psql", "-X", "-q", "-h", pg.sock, "-p", str(pg.port),
                    "-U", "cw", "-d", "cwdb", "-v", "ON_ERROR_STOP=1"],
                   input=PG_LOAD % ROWS, text=True, check=True,
                   stdout=subprocess.DEVNULL)
    my.root_sql(MY_LOAD % ROWS, db="cwdb")
    db = sqlite3.connect(sqlite_path)
    db.executescript(SQLITE_LOAD % ROWS)
    db.commit()
    db.close()


def project(pg, my, sqlite_path):
    root = os.path.join(WORK, "sql")
    jobs = os.path.join(root, "jobs.d")
    os.makedirs(jobs)
    conf = os.path.join(root, "cronwrap.conf")
    with open(conf, "w") as f:
        f.write('jobs_dir = "jobs.d"; state_dir = "state"; log_dir = "log";\n'
                'lock_dir = "lock"; plugin_dir = "%s/jobs";\n' % BUILD)
    pwfile = os.path.join(jobs, "db.password")
    with open(pwfile, "w") as f:
        f.write("cw-pass\n")
    os.chmod(pwfile, 0o600)
    steps = {
        "postgresql": 'driver = "postgresql"; host = "127.0.0.1"; '
                      'port = %d; user = "cw"; password_file = "db.password"; '
                      'database = "cwdb";' % pg.port,
        "mysql": 'driver = "mysql"; host = "127.0.0.1"; port = %d; '
                 'user = "cw"; password_file = "db.password"; '
                 'database = "cwdb";' % my.port,
        "sqlite": 'driver = "sqlite"; database = "%s";' % sqlite_path,
    }
    check_dir = os.path.join(WORK, "sqlcheck")
    os.makedirs(check_dir)
    for driver, conn in steps.items():
        step = ('{ plugin = "sql2csv"; %s\n    query = "%s";\n'
                '    output = "rows.csv"; header = true; }' % (conn, QUERY))
        with open(os.path.join(jobs, "export-%s.conf" % driver), "w") as f:
            f.write("steps = (\n  %s\n);\n" % step)
        # The same, keeping the CSV (the run directory goes after a
        # success): checked once, not timed.
        with open(os.path.join(jobs, "keep-%s.conf" % driver), "w") as f:
            f.write('steps = (\n  %s,\n  { command = ["cp", "rows.csv", '
                    '"%s/sql2csv-%s.csv"]; }\n);\n'
                    % (step, check_dir, driver))
    return conf, check_dir


def records(path, dialect="excel"):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f, dialect=dialect))


def verify(conf, check_dir, outs):
    """One run of each sql2csv export kept and read back: every row there,
    and the text columns (quotes, commas, newlines, NULL) equal to what
    the database's own client wrote."""
    notes = {}
    for driver in ("postgresql", "mysql", "sqlite"):
        subprocess.run([CW, "-c", conf, "run", "keep-" + driver], check=True)
    pairs = [("postgresql", outs["psql"], "excel"),
             ("sqlite", outs["sqlite3"], "excel"),
             ("mysql", outs["mariadb"], "excel-tab")]
    for driver, client_out, dialect in pairs:
        ours = records(os.path.join(check_dir, "sql2csv-%s.csv" % driver))
        if ours[0] != [c.strip() for c in COLS.split(",")]:
            raise Failure("sql2csv %s header: %s" % (driver, ours[0]))
        if len(ours) != ROWS + 1:
            raise Failure("sql2csv %s: %d records" % (driver, len(ours) - 1))
        if dialect == "excel-tab":
            # mariadb --batch: tab-separated, \n \t \\ escaped, NULL as NULL.
            with open(client_out, encoding="utf-8") as f:
                theirs = [ln.rstrip("\n").split("\t") for ln in f]
            unesc = {"NULL": ""}
            theirs = [[unesc.get(v, v.replace("\\n", "\n").replace(
                "\\t", "\t").replace("\\\\", "\\")) for v in r]
                for r in theirs]
        else:
            theirs = records(client_out)
        diff_text = sum(1 for a, b in zip(ours[1:], theirs[1:])
                        if a[:3] != b[:3])
        diff_all = sum(1 for a, b in zip(ours[1:], theirs[1:]) if a != b)
        sample = next(([a, b] for a, b in zip(ours[1:], theirs[1:])
                       if a != b), None)
        if diff_text or len(theirs) != len(ours):
            raise Failure("sql2csv %s: %d rows of text columns differ from "
                          "the client's (%d vs %d records)" % (
                              driver, diff_text, len(ours), len(theirs)))
        notes[driver] = {"records": len(ours) - 1,
                         "rows_differing_in_any_column": diff_all,
                         "first_difference": sample}
        say("  sql2csv %s: %d records, text columns equal to the client's; "
            "%d rows format some other column differently"
            % (driver, len(ours) - 1, diff_all))
    shutil.rmtree(check_dir)
    return notes


def judge(cs):
    """The targets: each driver at least as fast as its database's client
    (round by round), peak RSS under 16 MB; a profile of each miss."""
    by = {c.name: c for c in cs}
    targets, profiles = [], []
    for driver, client in PAIRS.items():
        c = by["sql2csv " + driver]
        r = harness.ratio(c, by[client])[0]
        fast = r <= 1.0
        rss = max(c.rss_kb)
        small = rss < MAX_RSS_KB
        targets.append({"what": "sql2csv %s at least the speed of %s"
                        % (driver, client),
                        "value": "%.2fx its time" % r, "met": fast})
        targets.append({"what": "sql2csv %s peak RSS < 16 MB" % driver,
                        "value": "%.1f MB" % (rss / 1024), "met": small})
        if not (fast and small) and profile.available():
            say("sql: profiling sql2csv %s" % driver)
            data = os.path.join(WORK, "sql.perf")
            profile.record(c.argv, data, freq=999)
            text = ("#### sql2csv %s\n\nperf record -F 999 -g of one run "
                    "(cronwrap and its step; not the server):\n\n"
                    % driver) + profile.breakdown(data, "cronwrap", 1)
            os.unlink(data)
            text += "\nstrace -f -c of one run:\n\n" + \
                profile.strace_counts(c.argv, os.path.join(WORK, "st.txt"))
            profiles.append(text)
    return targets, "\n".join(profiles) or None


def main():
    root = os.path.join(WORK, "sqlsrv")
    os.makedirs(root)
    os.chmod(root, 0o755)
    pg = my = None
    try:
        pg = servers.Postgres(root)
        my = servers.Mariadb(root)
        sqlite_path = os.path.join(root, "bench.sqlite")
        load(pg, my, sqlite_path)
        conf, check_dir = project(pg, my, sqlite_path)
        outdir = os.path.join(WORK, "sqlout")
        os.makedirs(outdir)
        outs = {k: os.path.join(outdir, k + ".out")
                for k in ("psql", "mariadb", "sqlite3", "csvkit")}
        pg_env = dict(os.environ, PGPASSWORD="cw-pass")
        my_env = dict(os.environ, MYSQL_PWD="cw-pass")
        cs = [
            Contender("psql \\copy csv", [
                shutil.which("psql"), "-X", "-q", "-h", "127.0.0.1", "-p",
                str(pg.port), "-U", "cw", "-d", "cwdb", "-c",
                "\\copy (%s) TO '%s' WITH (FORMAT csv, HEADER)"
                % (QUERY, outs["psql"])], env=pg_env, rss=True, sync=True),
            Contender("sql2csv postgresql", [CW, "-c", conf, "run",
                                             "export-postgresql"],
                      rss=True, sync=True),
            Contender("mariadb --batch --quick", [
                shutil.which("mariadb"), "--no-defaults", "-h", "127.0.0.1",
                "-P", str(my.port), "-u", "cw", "--batch", "--quick",
                "cwdb", "-e", QUERY], env=my_env, stdout=outs["mariadb"],
                rss=True, sync=True),
            Contender("sql2csv mysql", [CW, "-c", conf, "run",
                                        "export-mysql"], rss=True, sync=True),
            Contender("sqlite3 -csv", [shutil.which("sqlite3"), "-csv",
                                       "-header", sqlite_path, QUERY],
                      stdout=outs["sqlite3"], rss=True, sync=True),
            Contender("sql2csv sqlite", [CW, "-c", conf, "run",
                                         "export-sqlite"],
                      rss=True, sync=True),
            Contender("csvkit sql2csv (sqlite)", [
                "/usr/bin/sql2csv", "--db", "sqlite:///" + sqlite_path,
                "--query", QUERY], stdout=outs["csvkit"], rss=True, sync=True),
        ]
        rounds = 2 if QUICK else 5
        say("sql: %d rows, %d rounds, interleaved" % (ROWS, rounds))
        harness.interleave(cs, rounds, 1, WORK, warmup=1, progress=say)
        notes = verify(conf, check_dir, outs)
        res = []
        for c in cs:
            med, lo, hi = harness.summary(c)
            res.append({"name": c.name, "argv": c.argv, "median_s": med,
                        "min_s": lo, "max_s": hi, "runs": len(c.times),
                        "rows_per_s": ROWS / med,
                        "round_medians": harness.round_medians(c),
                        "ratio": harness.ratio(c, cs[0]),
                        "rss_kb": harness.rss_summary(c)})
        versions = {"postgresql": pg.version(), "mariadb": my.version()}
        targets, profiles = judge(cs)
        shutil.rmtree(outdir)
    finally:
        for s in (pg, my):
            if s is not None:
                s.close()
    with open(OUT, "w") as f:
        json.dump({"rows": ROWS, "query": QUERY, "contenders": res,
                   "verify": notes, "versions": versions,
                   "targets": targets, "profile": profiles}, f, indent=1)


if __name__ == "__main__":
    main()
