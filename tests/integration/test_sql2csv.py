"""The sql2csv plugin on its three drivers: scripts of several statements in
one session, hostile data read back with Python's csv module, the same CSV
from every driver, parameters that stay data, errors, min_rows, dry runs.
SQLite is a file; PostgreSQL and MariaDB are real servers (fixtures_db.py).
"""
import csv
import gzip
import hashlib
import io
import os
import struct
import subprocess
import sys
import time

import pytest

from conftest import CRONWRAP, SANITIZED

HOSTILE = [
    (1, "a,b", b"\x00\xff"),
    (2, 'say "hi"', b'"'),
    (3, "line1\nline2", b"\n"),
    (4, "cr\rcrlf\r\nend", b"\r\n"),
    (5, None, None),
    (6, "", b""),
    (7, "h\u00e9llo w\u00f6rld \u2014 \u2713 \u65e5\u672c\u8a9e \U0001f389",
     "\u00e9".encode()),
    (8, "x" * 1000000 + ',"\n', bytes(range(256)) * 100),
    (9, "  spaces  \t tab", b","),
    (10, "\\N", None),
    (11, "'; DROP TABLE hostile; --", b"'"),
    (12, "NULL", b"NULL"),
    (13, '"', b""),
]
HOSTILE_COLS = [("id", "int"), ("t", "text"), ("b", "bytes")]


def export_job(project, db, step, name="exp", out_dir=None, extra=""):
    """A job: the sql2csv step (the database's connection settings plus
    step), then a command step copying what it handed on to out_dir."""
    copy = ""
    if out_dir is not None:
        os.makedirs(str(out_dir), exist_ok=True)
        copy = ', { shell = "cp $CRONWRAP_ARTIFACTS %s/"; }' % out_dir
    project.write_job(name, '''
        %s
        steps = ( { plugin = "sql2csv"; %s %s }%s );
        ''' % (extra, db.settings, step, copy))


def last_log(project, job):
    with open(project.logs(job)[-1], errors="replace") as f:
        return f.read()


def read_csv(path):
    csv.field_size_limit(1 << 30)
    with open(str(path), newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def run_dirs(project, job):
    base = os.path.join(project.state_dir, "runs", job)
    return [os.path.join(base, d) for d in sorted(os.listdir(base))] \
        if os.path.isdir(base) else []


def test_script_with_temporary_tables(project, sql_db, tmp_path):
    """Several statements in one session: the temporary tables of the
    first ones are there for the last, whose rows are the CSV."""
    sql_db.create_table("sales", [("id", "int"), ("amount", "float")],
                        [(1, 1.5), (2, 2.25), (3, 0.1)])
    script = tmp_path / "export.sql"
    script.write_text(
        "-- temporary tables; made by the first statements\n"
        "CREATE TEMPORARY TABLE recent AS SELECT id, amount FROM sales "
        "WHERE id > 1;\n"
        "CREATE TEMPORARY TABLE doubled AS SELECT id, amount * 2 AS twice "
        "FROM recent;\n"
        "INSERT INTO doubled VALUES (9, 0.5);\n"
        "SELECT r.id, r.amount, d.twice FROM recent r JOIN doubled d "
        "ON d.id = r.id ORDER BY r.id;\n")
    export_job(project, sql_db, 'script = "%s"; output = "sales.csv";'
               % script, out_dir=tmp_path / "out")
    project.run("run", "exp", check=0)
    with open(str(tmp_path / "out" / "sales.csv"), "rb") as f:
        assert f.read() == b"id,amount,twice\r\n2,2.25,4.5\r\n3,0.1,0.2\r\n"
    log = last_log(project, "exp")
    assert "wrote sales.csv: 2 rows, 40 bytes" in log


@pytest.mark.parametrize("bound", [False, True], ids=["plain", "bound"])
def test_hostile_data_reads_back(project, sql_db, tmp_path, bound):
    """Delimiters, quotes, CR and LF, NULL and the empty string, non-ASCII,
    a field of a megabyte: Python's csv module reads back the rows.  (With
    a bound parameter, PostgreSQL's rows come in single-row mode, else
    through COPY.)"""
    sql_db.create_table("hostile", HOSTILE_COLS, HOSTILE)
    where = "WHERE id >= :lo" if bound else ""
    export_job(project, sql_db, 'query = "SELECT id, t, b FROM hostile %s '
               'ORDER BY id"; params = [ "lo=0" ]; output = "h.csv";'
               % where, out_dir=tmp_path / "out")
    project.run("run", "exp", check=0)
    rows = read_csv(tmp_path / "out" / "h.csv")
    assert rows[0] == ["id", "t", "b"]
    want = [[str(i), "" if t is None else t, "" if b is None else b.hex()]
            for i, t, b in HOSTILE]
    assert rows[1:] == want
    # csv reads NULL and "" alike; the file does not: NULL is an empty
    # field, the empty string is quoted.
    with open(str(tmp_path / "out" / "h.csv"), "rb") as f:
        raw = f.read()
    assert b'\r\n5,,\r\n6,"",""\r\n' in raw
    assert b'\r\n13,"""",""\r\n' in raw
    # The header, the rows, and one inside a field.
    assert raw.count(b"\r\n") == 1 + len(HOSTILE) + 1


def _f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


DOUBLES = [0.1, 1 / 3, 2 / 3, 1e300, -2.5, 5e-324, 1e-5, 0.0001,
           123456789012345.6, 1e15, 2.0 ** 53 + 2, 1234567890123456.0,
           1.7976931348623157e308, 2.2250738585072014e-308, 100.0,
           # On a bound of their interval: PostgreSQL writes a digit more.
           2.4989775829348392e+16, -9.6853e+20, 4.684083288045667e+159]
TYPED_COLS = [("id", "int"), ("f", "float"), ("t", "text"),
              ("b", "bytes"), ("ts", "timestamp")]
TYPED = [(i, d, "r%d" % i, bytes([i, 255 - i]),
          "2026-01-02 03:04:%02d%s" % (i, ".123456" if i % 2 else ""))
         for i, d in enumerate(DOUBLES)] + [
    (-9223372036854775808, None, None, None, None),
    (9223372036854775807, -0.5, "", b"", "1999-12-31 23:59:59.5")]


@pytest.fixture
def typed_exports(project, tmp_path, request):
    """The same typed rows exported by the driver asked for."""
    def export(db, cols, rows):
        db.create_table("typed", cols, rows)
        out = tmp_path / db.driver
        export_job(project, db, 'query = "SELECT * FROM typed ORDER BY '
                   'id"; output = "t.csv";', name=db.driver, out_dir=out)
        project.run("run", db.driver, check=0)
        with open(str(out / "t.csv"), "rb") as f:
            return f.read()
    return export


def test_every_driver_writes_the_same_csv(typed_exports, sqlite_db, pg_db,
                                          my_db):
    csvs = [typed_exports(db, TYPED_COLS, TYPED)
            for db in (sqlite_db, pg_db, my_db)]
    assert csvs[0] == csvs[1] == csvs[2]
    rows = list(csv.reader(io.StringIO(csvs[0].decode(), newline="")))
    by_id = {r[0]: r for r in rows[1:]}
    # Exact: each double reads back as itself, in the shortest text.
    for i, d in enumerate(DOUBLES):
        assert float(by_id[str(i)][1]) == d
    assert by_id["0"][1] == "0.1" and by_id["5"][1] == "5e-324"
    assert by_id["1"][1] == "0.3333333333333333"  # sqlite3 -csv: 15 digits
    assert by_id["16"][1] == "-9.685299999999999e+20"
    assert by_id["1"][4] == "2026-01-02T03:04:01.123456"
    assert by_id["0"][4] == "2026-01-02T03:04:00"
    assert by_id["0"][3] == "00ff"
    assert by_id["-9223372036854775808"][1:] == ["", "", "", ""]
    assert by_id["9223372036854775807"][1:] == ["-0.5", "", "", \
        "1999-12-31T23:59:59.5"]


def test_floats_are_exact_on_both_servers(typed_exports, pg_db, my_db):
    """real / FLOAT: MariaDB's text protocol would write 6 digits."""
    reals = [_f32(x) for x in (0.1, 16777216.0, 3.14159274, 1 / 7, 1e-5,
                               123456.0, 1e6, 2.5, 124613744.0)]
    cols = [("id", "int"), ("r", "real")]
    rows = list(enumerate(reals))
    a, b = (typed_exports(db, cols, rows) for db in (pg_db, my_db))
    assert a == b
    got = [r[1] for r in csv.reader(io.StringIO(a.decode(), newline=""))]
    assert got[1:] == ["0.1", "1.6777216e+07", "3.1415927", "0.14285715",
                       "1e-05", "123456", "1e+06", "2.5", "1.24613744e+08"]


def test_parameters_stay_data(project, sql_db, tmp_path):
    """:name values are bound, never spliced: quotes and SQL in them are
    compared as text, and the table is still there after."""
    evil = "x' OR '1'='1"
    drop = "'); DROP TABLE items; --"
    sql_db.create_table("items", [("id", "int"), ("t", "text")],
                        [(1, "plain"), (2, evil), (3, drop), (4, "other")])
    export_job(project, sql_db, '''
        query = "SELECT id, t, ':needle' AS lit FROM items
                 WHERE t = :needle OR t = :other OR t = :dflt ORDER BY id";
        params = [ "dflt=nothing", "other=plain" ];
        output = "p.csv";''', out_dir=tmp_path / "out")
    project.run("run", "exp", "--param", "needle=" + evil,
                "--param", "other=" + drop, check=0)
    rows = read_csv(tmp_path / "out" / "p.csv")
    assert rows == [["id", "t", "lit"], ["2", evil, ":needle"],
                    ["3", drop, ":needle"]]
    assert sql_db.rows("SELECT count(*) FROM items") == [["4"]]


def test_window_parameters_and_output_name(project, sql_db, tmp_path):
    sql_db.create_table("ev", [("id", "int"), ("ts", "timestamp")],
                        [(1, "2026-01-01 23:59:59"), (2, "2026-01-02 00:00:00"),
                         (3, "2026-01-02 12:00:00"), (4, "2026-01-03 00:00:00")])
    # SQLite keeps timestamps as text: compare them in its own format.
    cmp = ("datetime(ts) >= :window_start AND datetime(ts) < :window_end"
           if sql_db.driver == "sqlite"
           else "ts >= :window_start AND ts < :window_end")
    export_job(project, sql_db, 'query = "SELECT id FROM ev WHERE %s ORDER '
               'BY id"; output = "ev-%%Y%%m%%d.csv";' % cmp,
               out_dir=tmp_path / "out")
    project.run("run", "exp", "--window",
                "2026-01-02T00:00:00Z/2026-01-03T00:00:00Z", check=0)
    assert os.listdir(str(tmp_path / "out")) == ["ev-20260103.csv"]
    assert read_csv(tmp_path / "out" / "ev-20260103.csv") == [
        ["id"], ["2"], ["3"]]


def test_a_window_parameter_without_a_window_fails(project, sqlite_db):
    export_job(project, sqlite_db, 'query = "SELECT :window_start AS w"; '
               'output = "w.csv";')
    r = project.run("run", "exp")
    assert r.returncode == 1
    assert "uses :window_start but the run has no data window" in r.stderr


@pytest.mark.parametrize("driver_msg", [
    ("sqlite", 'near "SELEC": syntax error'),
    ("postgresql", 'syntax error at or near "SELEC" (SQLSTATE 42601)'),
    ("mysql", "You have an error in your SQL syntax")])
def test_syntax_error_names_the_line(project, request, driver_msg, tmp_path):
    driver, msg = driver_msg
    db = request.getfixturevalue({"sqlite": "sqlite_db", "postgresql": "pg_db",
                                  "mysql": "my_db"}[driver])
    script = tmp_path / "bad.sql"
    script.write_text("SELECT 1;\n\n-- here:\nSELEC oops FROM nowhere;\n")
    export_job(project, db, 'script = "%s"; output = "x.csv";' % script,
               extra='retry = { attempts = 3; delay = "0"; };')
    r = project.run("run", "exp")
    assert r.returncode == 1
    assert "sql2csv: line 4: " in r.stderr and msg in r.stderr
    assert "attempt 1 of 3: failed" in r.stderr
    assert "attempt 2 of 3" not in r.stderr  # bad SQL: no retry


def test_last_statement_with_rows_wins(project, sql_db, tmp_path):
    export_job(project, sql_db, 'query = "SELECT 1 AS a; SELECT 2 AS b, '
               '3 AS c"; output = "l.csv";', out_dir=tmp_path / "out")
    project.run("run", "exp", check=0)
    with open(str(tmp_path / "out" / "l.csv"), "rb") as f:
        assert f.read() == b"b,c\r\n2,3\r\n"
    assert "the 1 rows before are not exported" in last_log(project, "exp")


def test_zero_rows_fail_with_min_rows(project, sql_db, tmp_path):
    sql_db.create_table("empty", [("id", "int")], [])
    marker = tmp_path / "next-step-ran"
    project.write_job("exp", '''
        steps = ( { plugin = "sql2csv"; %s query = "SELECT id FROM empty";
                    output = "e.csv"; },
                  { command = [ "touch", "%s" ]; } );
        ''' % (sql_db.settings, marker))
    r = project.run("run", "exp")
    assert r.returncode == 1
    assert "0 rows, fewer than min_rows (1): nothing is handed on" in r.stderr
    assert not marker.exists()
    run_dir = run_dirs(project, "exp")[-1]
    assert os.listdir(run_dir) == []  # neither the file nor a temporary

    # min_rows = 0: an empty export is fine, a header and nothing else.
    export_job(project, sql_db, 'query = "SELECT id FROM empty"; '
               'output = "e.csv"; min_rows = 0;', out_dir=tmp_path / "out")
    project.run("run", "exp", check=0)
    with open(str(tmp_path / "out" / "e.csv"), "rb") as f:
        assert f.read() == b"id\r\n"


def test_statements_without_rows_fail(project, sqlite_db):
    export_job(project, sqlite_db, 'query = "CREATE TEMP TABLE x (a int)"; '
               'output = "n.csv";')
    r = project.run("run", "exp")
    assert r.returncode == 1
    assert "no statement of the script returns rows" in r.stderr


SEMICOLON_SCRIPTS = {
    "sqlite": """-- a comment; with a semicolon
/* a block; comment */
CREATE TEMP TABLE "semi;colon" (v text);
INSERT INTO "semi;colon" VALUES ('a;b'), ('c'';d'), ('-- e;f');
SELECT v FROM "semi;colon" ORDER BY v;
""",
    "postgresql": """-- a comment; with a semicolon
/* a block; /* nested; */ comment */
CREATE TEMPORARY TABLE "semi;colon" (v text);
INSERT INTO "semi;colon" VALUES ('a;b'), (E'c\\';d'), ($$-- e;f$$);
CREATE FUNCTION pg_temp.f() RETURNS text LANGUAGE sql
BEGIN ATOMIC SELECT 'in;body'; END;
INSERT INTO "semi;colon" SELECT pg_temp.f();
SELECT v FROM "semi;colon" ORDER BY v;
""",
    "mysql": """-- a comment; with a semicolon
# a hash comment;
/* a block; comment */
CREATE TEMPORARY TABLE `semi;colon` (v text);
INSERT INTO `semi;colon` VALUES ('a;b'), ('c\\';d'), ("-- e;f");
DELIMITER //
INSERT INTO `semi;colon` VALUES ('in;body') //
SELECT v FROM `semi;colon` ORDER BY v //
DELIMITER ;
""",
}


def test_semicolons_in_strings_and_comments(project, sql_db, tmp_path):
    script = tmp_path / "semi.sql"
    script.write_text(SEMICOLON_SCRIPTS[sql_db.driver])
    export_job(project, sql_db, 'script = "%s"; output = "s.csv";' % script,
               out_dir=tmp_path / "out")
    project.run("run", "exp", check=0)
    want = ["-- e;f", "a;b", "c';d"]
    if sql_db.driver != "sqlite":
        want.append("in;body")
    assert [r[0] for r in read_csv(tmp_path / "out" / "s.csv")[1:]] == want


def test_dry_run_rolls_back_and_writes_nothing(project, sql_db):
    sql_db.create_table("keep", [("id", "int")], [(1,), (2,), (3,)])
    project.write_job("exp", '''
        steps = ( { plugin = "sql2csv"; %s output = "d.csv";
                    query = "INSERT INTO keep VALUES (99);
                             CREATE TEMPORARY TABLE tt AS SELECT * FROM keep;
                             SELECT id FROM tt ORDER BY id"; },
                  { shell = "echo listing: $(ls -A)."; dry_run = true; } );
        ''' % sql_db.settings)
    r = project.run("run", "exp", "--dry-run", check=0)
    out = r.stdout + r.stderr
    assert "dry run: would write d.csv: 4 rows; columns: id" in out
    assert "rolled back, nothing written" in out
    assert "listing: ." in out  # the run directory stays empty
    assert sql_db.rows("SELECT count(*) FROM keep") == [["3"]]


@pytest.mark.parametrize("driver_stmt", [
    ("sqlite", "COMMIT", "not authorized"),
    ("postgresql", "COMMIT", "the script may not end it"),
    ("mysql", "CREATE TABLE perm (x int)", "MySQL cannot roll this "
                                           "statement back")])
def test_dry_run_refuses_what_would_escape_the_rollback(project, request,
                                                       driver_stmt):
    driver, stmt, msg = driver_stmt
    db = request.getfixturevalue({"sqlite": "sqlite_db", "postgresql": "pg_db",
                                  "mysql": "my_db"}[driver])
    db.create_table("keep", [("id", "int")], [(1,)])
    export_job(project, db, 'query = "INSERT INTO keep VALUES (2); %s; '
               'SELECT id FROM keep"; output = "d.csv";' % stmt)
    r = project.run("run", "exp", "--dry-run")
    assert r.returncode != 0
    assert msg in r.stdout + r.stderr
    assert db.rows("SELECT count(*) FROM keep") == [["1"]]
    if driver == "mysql":
        assert db.rows("SHOW TABLES LIKE 'perm'") == []


def test_killed_export_leaves_no_file_under_the_final_name(project,
                                                          sqlite_db):
    """Killed in the middle (the step's process gets SIGKILL): the data
    went to a temporary name, and the final name never appears."""
    export_job(project, sqlite_db, '''
        query = "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1
                 FROM g WHERE x < 200000000) SELECT x, 'padding' FROM g";
        output = "big.csv";''')
    p = project.popen("run", "exp")
    try:
        tmp = None
        for _ in range(600):
            dirs = run_dirs(project, "exp")
            names = os.listdir(dirs[-1]) if dirs else []
            tmp = [n for n in names if n.startswith(".big.csv.")]
            if tmp and os.path.getsize(os.path.join(dirs[-1], tmp[0])) \
                    > 1 << 20:
                break
            if p.poll() is not None:
                break
            time.sleep(0.05)
        assert tmp, "the export did not start"
        run_dir = dirs[-1]
        # The step's process works in the run directory.
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if os.readlink("/proc/%s/cwd" % pid) == run_dir:
                    os.kill(int(pid), 9)
            except OSError:
                pass
        p.wait(30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode != 0
    assert "big.csv" not in os.listdir(run_dir)


def test_csv_settings(project, sqlite_db, tmp_path):
    """gzip, bom, sha256, lf, a delimiter, a NULL string, base64, no
    header."""
    sqlite_db.create_table("hostile", HOSTILE_COLS, HOSTILE[:7])
    export_job(project, sqlite_db, '''
        query = "SELECT id, t, b FROM hostile ORDER BY id";
        output = "h.csv.gz"; gzip = true; gzip_level = 9; bom = true;
        sha256 = true; line_ending = "lf"; delimiter = ";"; null = "NULL";
        binary = "base64"; header = false;''', out_dir=tmp_path / "out")
    project.run("run", "exp", check=0)
    out = tmp_path / "out"
    assert sorted(os.listdir(str(out))) == ["h.csv.gz", "h.csv.gz.sha256"]
    data = (out / "h.csv.gz").read_bytes()
    assert (out / "h.csv.gz.sha256").read_text() == \
        "%s  h.csv.gz\n" % hashlib.sha256(data).hexdigest()
    text = gzip.decompress(data)
    assert text.startswith(b"\xef\xbb\xbf1;a,b;AP8=\n2;\"say \"\"hi\"\"\";Ig==\n")
    # With NULL written NULL, the empty string needs no quotes.
    assert b"\n5;NULL;NULL\n6;;\n" in text
    assert b"\r\n" not in text.replace(b"cr\rcrlf\r\nend", b"")


def test_check_reports_bad_settings(project):
    path = project.write_job("bad", '''
        steps = (
          { plugin = "sql2csv"; driver = "oracle"; query = "SELECT 1";
            output = "a.csv"; },
          { plugin = "sql2csv"; database = "relative.db";
            query = "SELECT 1"; output = "a/b.csv"; delimiter = ".";
            line_ending = "cr"; binary = "b32"; params = [ "x" ]; },
          { plugin = "sql2csv"; driver = "mysql"; conninfo = "x";
            output = "a.csv"; }
        );''')
    r = project.run("check", "bad")
    assert r.returncode == 78
    err = r.stderr
    for line, msg in (
            (3, 'driver: "oracle": expected sqlite, postgresql or mysql'),
            (6, "output: a file name in the run directory, without '/'"),
            (6, "delimiter: one ASCII character"),
            (7, "line_ending: crlf or lf"), (7, "binary: hex or base64"),
            (7, 'params: "x": expected NAME=VALUE'),
            (8, "conninfo: not used by the mysql driver"),
            (8, "give the SQL: script (a file) or query")):
        assert "%s:%d: " % (path, line) in err and msg in err, (msg, err)


@pytest.mark.rss
@pytest.mark.parametrize("rows", [300000])
def test_streams_in_constant_memory(project, sql_db, tmp_path, rows):
    """Peak RSS of cronwrap and the step's process, exporting many rows:
    under 16 MB whatever the row count."""
    gen = {"sqlite": "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT "
                     "x + 1 FROM g WHERE x < %d) SELECT x, x * 0.25, "
                     "printf('%%0200d', x) FROM g",
           "postgresql": "SELECT g, g * 0.25, lpad(g::text, 200, '0') "
                         "FROM generate_series(1, %d) g",
           "mysql": "SELECT seq, seq * 0.25, lpad(seq, 200, '0') "
                    "FROM seq_1_to_%d"}[sql_db.driver] % rows
    export_job(project, sql_db, 'query = "%s"; output = "m.csv";' % gen)
    probe = ("import resource, subprocess, sys; "
             "r = subprocess.run(sys.argv[1:]); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
             "sys.exit(r.returncode)")
    r = subprocess.run([sys.executable, "-c", probe, CRONWRAP, "run", "exp"],
                       env=project.env(), capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert "wrote m.csv: %d rows" % rows in last_log(project, "exp")
    assert int(r.stdout) < 16 * 1024, "peak RSS %s KB" % r.stdout


def test_sqlite_database_relative_to_the_job_file(project):
    """database = "x.db" is the file beside the job file, as every other
    relative path in a job."""
    import sqlite3 as sq
    db = sq.connect(os.path.join(project.jobs_dir, "rel.db"))
    db.execute("create table t (a)")
    db.execute("insert into t values (42)")
    db.commit()
    db.close()
    project.write_job("rel", '''
        steps = ( { plugin = "sql2csv"; database = "rel.db";
                    query = "SELECT a FROM t"; output = "t.csv"; },
                  { shell = "cat t.csv"; } );
        cron_output = "always";
        ''')
    r = project.run("run", "rel")
    assert r.returncode == 0, r.stderr
    assert "a\r\n42" in r.stderr or "42" in r.stderr.split("a", 1)[1]
