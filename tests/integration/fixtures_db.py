"""PostgreSQL 15 and MariaDB servers on 127.0.0.1 for the sql2csv tests
(SERVICES.md), and one fresh database per test on each driver.

The servers start once per session, in the foreground as children of
pytest, in a throwaway directory under /tmp (pytest's 0700 tmp_path keeps
the postgres and mysql users out), and stop at the end: PostgreSQL with
SIGINT (fast shutdown), MariaDB with SIGTERM.  Both take the login cw /
cw-pass over TCP; passwords are checked over TCP only.  A test is skipped
when the server binaries are missing (conftest makes that a failure under
CI=true).

sql_db (parametrised over sqlite, postgresql and mysql) yields a Database:
.settings, the connection lines of a sql2csv step; .sql(text), running
setup SQL as the owner; .rows(query), the rows of a query as lists of
strings; .literal(value, type) for building INSERTs of arbitrary values
without quoting trouble (strings go as hex).
"""
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time

import pytest
from conftest import free_port

PG_BIN = "/usr/lib/postgresql/15/bin"
MARIADBD = "/usr/sbin/mariadbd"
USER = "cw"
PASSWORD = "cw-pass"


def _as_user(name):
    """argv prefix that runs a server as name when we are root (initdb
    and mariadbd refuse root); nothing when we are not root."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--reuid=" + name, "--regid=" + name,
            "--init-groups", "--"]


def _chown(path, name):
    if os.geteuid() == 0:
        shutil.chown(path, name, name)


def _wait(check, proc, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("%s exited with %s" % (what, proc.returncode))
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError("%s did not start" % what)


def _stop(proc, sig):
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _secret_files(root):
    """password and wrong-password files, 0600 as cw_secret() wants."""
    files = {}
    for name, text in (("password", PASSWORD), ("wrong-password", "nope")):
        path = os.path.join(root, name)
        with open(path, "w") as f:
            f.write(text + "\n")
        os.chmod(path, 0o600)
        files[name] = path
    return files["password"], files["wrong-password"]


@pytest.fixture(scope="session")
def _db_root():
    root = tempfile.mkdtemp(prefix="cw-db-")
    os.chmod(root, 0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


class Postgres:
    def __init__(self, root):
        self.root = root
        self.port = free_port()
        self.data = os.path.join(root, "pg")
        self.sock = os.path.join(root, "pgsock")
        for d in (self.data, self.sock):
            os.makedirs(d)
            _chown(d, "postgres")
        subprocess.run(_as_user("postgres") + [
            os.path.join(PG_BIN, "initdb"), "-D", self.data, "-U",
            "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
            "-E", "UTF8", "--locale=C.UTF-8"], check=True,
            capture_output=True)
        self.log = open(os.path.join(root, "pg.log"), "w")
        self.proc = subprocess.Popen(_as_user("postgres") + [
            os.path.join(PG_BIN, "postgres"), "-D", self.data, "-k",
            self.sock, "-p", str(self.port), "-c",
            "listen_addresses=127.0.0.1", "-c", "fsync=off"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        _wait(self._ready, self.proc, "postgres")
        self.admin("CREATE ROLE %s LOGIN PASSWORD '%s'" % (USER, PASSWORD))
        self.password_file, self.wrong_password_file = _secret_files(root)
        self._n = 0

    def _ready(self):
        return subprocess.run(
            [os.path.join(PG_BIN, "pg_isready"), "-q", "-h", "127.0.0.1",
             "-p", str(self.port)]).returncode == 0

    def admin(self, sql, db="postgres"):
        subprocess.run(["psql", "-X", "-q", "-h", self.sock, "-p",
                        str(self.port), "-U", "postgres", "-d", db,
                        "-v", "ON_ERROR_STOP=1", "-c", sql],
                       check=True, capture_output=True)

    def new_database(self):
        self._n += 1
        name = "t%03d" % self._n
        self.admin("CREATE DATABASE %s OWNER %s" % (name, USER))
        return name

    def close(self):
        _stop(self.proc, 2)  # SIGINT: fast shutdown
        self.log.close()


class MariaDB:
    def __init__(self, root):
        self.root = root
        self.port = free_port()
        self.data = os.path.join(root, "my")
        self.run = os.path.join(root, "myrun")
        self.socket = os.path.join(self.run, "sock")
        for d in (self.data, self.run):
            os.makedirs(d)
            _chown(d, "mysql")
        user = ["--user=mysql"] if os.geteuid() == 0 else []
        subprocess.run(["mariadb-install-db", "--no-defaults",
                        "--datadir=" + self.data, "--skip-test-db"] + user,
                       check=True, capture_output=True)
        self.proc = subprocess.Popen(
            [MARIADBD, "--no-defaults", "--datadir=" + self.data,
             "--socket=" + self.socket, "--port=%d" % self.port,
             "--bind-address=127.0.0.1", "--skip-log-bin",
             "--log-error=" + os.path.join(self.run, "error.log")] + user,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        _wait(self._ready, self.proc, "mariadbd")
        self.admin("CREATE USER '%s'@'%%' IDENTIFIED BY '%s'"
                   % (USER, PASSWORD))
        self.password_file, self.wrong_password_file = _secret_files(root)
        self._n = 0

    def _ready(self):
        return subprocess.run(
            ["mariadb-admin", "--no-defaults", "--socket=" + self.socket,
             "ping"], capture_output=True).returncode == 0

    def admin(self, sql):
        subprocess.run(["mariadb", "--no-defaults", "--socket=" + self.socket,
                        "-u", "root", "-e", sql], check=True,
                       capture_output=True)

    def new_database(self):
        self._n += 1
        name = "t%03d" % self._n
        self.admin("CREATE DATABASE %s CHARACTER SET utf8mb4; "
                   "GRANT ALL ON %s.* TO '%s'@'%%'"
                   % (name, name, USER))
        return name

    def close(self):
        _stop(self.proc, 15)


@pytest.fixture(scope="session")
def postgres(_db_root):
    """A PostgreSQL 15 server (see Postgres)."""
    for prog in ("initdb", "postgres", "pg_isready"):
        if not os.path.exists(os.path.join(PG_BIN, prog)):
            pytest.skip("PostgreSQL 15 is not installed (%s)" % prog)
    if shutil.which("psql") is None:
        pytest.skip("psql is not installed")
    server = Postgres(os.path.join(_db_root, "postgres"))
    yield server
    server.close()


@pytest.fixture(scope="session")
def mariadb(_db_root):
    """A MariaDB server (see MariaDB)."""
    for prog in (MARIADBD, shutil.which("mariadb-install-db"),
                 shutil.which("mariadb")):
        if prog is None or not os.path.exists(prog):
            pytest.skip("MariaDB is not installed")
    server = MariaDB(os.path.join(_db_root, "mariadb"))
    yield server
    server.close()


class Database:
    """One fresh database of one driver (see the module's docstring)."""
    driver = None

    def literal(self, value, kind):
        """value as an SQL literal of kind: int, float, real, text, bytes,
        timestamp; None is NULL."""
        if value is None:
            return "NULL"
        if kind == "int":
            return str(int(value))
        if kind in ("float", "real"):
            return self.float_literal(value, kind)
        if kind == "text":
            return self.text_literal(value.encode("utf-8").hex())
        if kind == "bytes":
            return self.bytes_literal(value.hex())
        if kind == "timestamp":
            return self.timestamp_literal(value)
        raise ValueError(kind)

    def create_table(self, name, columns, rows):
        """CREATE TABLE name with columns [(name, kind)] and the rows."""
        cols = ", ".join("%s %s" % (c, self.types[k]) for c, k in columns)
        values = ",\n".join(
            "(%s)" % ", ".join(self.literal(v, k)
                               for v, (_, k) in zip(row, columns))
            for row in rows)
        self.sql("CREATE TABLE %s (%s);\n" % (name, cols))
        if rows:
            self.sql("INSERT INTO %s VALUES\n%s;\n" % (name, values))


class SqliteDatabase(Database):
    driver = "sqlite"
    types = {"int": "INTEGER", "float": "REAL", "real": "REAL",
             "text": "TEXT", "bytes": "BLOB", "timestamp": "TEXT"}

    def __init__(self, path):
        self.path = str(path)
        sqlite3.connect(self.path).close()
        self.settings = 'driver = "sqlite"; database = "%s";' % self.path

    def sql(self, text):
        db = sqlite3.connect(self.path)
        try:
            db.executescript(text)
            db.commit()
        finally:
            db.close()

    def rows(self, query):
        db = sqlite3.connect(self.path)
        try:
            return [[None if v is None else str(v) for v in r]
                    for r in db.execute(query)]
        finally:
            db.close()

    def float_literal(self, v, kind):
        return repr(float(v)) if v == v and abs(v) != float("inf") \
            else "NULL"

    def text_literal(self, hexs):
        return "CAST(X'%s' AS TEXT)" % hexs

    def bytes_literal(self, hexs):
        return "X'%s'" % hexs

    def timestamp_literal(self, v):
        # SQLite has no timestamp type: ISO 8601 text, as the CSV has it.
        return "'%s'" % v.replace(" ", "T")


class PgDatabase(Database):
    driver = "postgresql"
    types = {"int": "bigint", "float": "double precision", "real": "real",
             "text": "text", "bytes": "bytea", "timestamp": "timestamp"}

    def __init__(self, server):
        self.server = server
        self.name = server.new_database()
        self.settings = ('driver = "postgresql"; host = "127.0.0.1"; '
                         'port = %d; user = "%s"; database = "%s"; '
                         'password_file = "%s";'
                         % (server.port, USER, self.name,
                            server.password_file))

    def _psql(self, args, text):
        env = dict(os.environ, PGPASSWORD=PASSWORD)
        return subprocess.run(
            ["psql", "-X", "-q", "-h", "127.0.0.1", "-p",
             str(self.server.port), "-U", USER, "-d", self.name,
             "-v", "ON_ERROR_STOP=1"] + args,
            input=text, env=env, check=True, capture_output=True, text=True)

    def sql(self, text):
        self._psql([], text)

    def rows(self, query):
        out = self._psql(["-A", "-t", "-F", "\t", "-P", "null=\\N"],
                         query + ";\n").stdout
        return [[None if v == "\\N" else v for v in line.split("\t")]
                for line in out.splitlines()]

    def float_literal(self, v, kind):
        t = "float8" if kind == "float" else "float4"
        return "'%r'::%s" % (float(v), t)

    def text_literal(self, hexs):
        return "convert_from('\\x%s'::bytea, 'UTF8')" % hexs

    def bytes_literal(self, hexs):
        return "'\\x%s'::bytea" % hexs

    def timestamp_literal(self, v):
        return "'%s'::timestamp" % v


class MyDatabase(Database):
    driver = "mysql"
    types = {"int": "BIGINT", "float": "DOUBLE", "real": "FLOAT",
             "text": "LONGTEXT", "bytes": "LONGBLOB",
             "timestamp": "DATETIME(6)"}

    def __init__(self, server):
        self.server = server
        self.name = server.new_database()
        self.settings = ('driver = "mysql"; host = "127.0.0.1"; port = %d; '
                         'user = "%s"; database = "%s"; '
                         'password_file = "%s";'
                         % (server.port, USER, self.name,
                            server.password_file))

    def _client(self, args, text):
        return subprocess.run(
            ["mariadb", "--no-defaults", "-h", "127.0.0.1", "-P",
             str(self.server.port), "-u", USER, "-p" + PASSWORD,
             "--max-allowed-packet=64M"] + args + [self.name],
            input=text, check=True, capture_output=True, text=True)

    def sql(self, text):
        self._client([], text)

    def rows(self, query):
        out = self._client(["--batch", "--skip-column-names", "--raw"],
                           query + ";\n").stdout
        return [[None if v == "NULL" else v for v in line.split("\t")]
                for line in out.splitlines()]

    def float_literal(self, v, kind):
        if kind == "real":
            return "CAST(%.9e AS FLOAT)" % v
        return "%.17e" % v

    def text_literal(self, hexs):
        return "CONVERT(X'%s' USING utf8mb4)" % hexs if hexs else "''"

    def bytes_literal(self, hexs):
        return "X'%s'" % hexs

    def timestamp_literal(self, v):
        return "'%s'" % v


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def sql_db(request, tmp_path):
    """A fresh database of each driver in turn (see Database)."""
    if request.param == "sqlite":
        return SqliteDatabase(tmp_path / "data.db")
    if request.param == "postgresql":
        return PgDatabase(request.getfixturevalue("postgres"))
    return MyDatabase(request.getfixturevalue("mariadb"))


@pytest.fixture
def pg_db(postgres):
    return PgDatabase(postgres)


@pytest.fixture
def my_db(mariadb):
    return MyDatabase(mariadb)


@pytest.fixture
def sqlite_db(tmp_path):
    return SqliteDatabase(tmp_path / "data.db")
