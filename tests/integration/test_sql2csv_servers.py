"""The sql2csv plugin against servers that refuse, are not there, or are
reached another way: a wrong password fails at once, an unreachable server
is worth a retry, a PostgreSQL service file, MariaDB's socket."""
import os

import pytest

from fixtures_db import USER, free_port
from test_sql2csv import export_job, read_csv


def _job(project, driver, server, settings, extra=""):
    project.write_job("exp", '''
        retry = { attempts = 2; delay = "0"; };
        %s
        steps = ( { plugin = "sql2csv"; driver = "%s"; %s
                    query = "SELECT 1 AS one"; output = "o.csv"; } );
        ''' % (extra, driver, settings))


@pytest.mark.parametrize("driver,fixture,msg", [
    ("postgresql", "postgres",
     'password authentication failed for user "cw"'),
    ("mysql", "mariadb", "Access denied for user 'cw'")])
def test_wrong_password_fails_without_retry(project, request, driver,
                                            fixture, msg):
    server = request.getfixturevalue(fixture)
    db = server.new_database()
    _job(project, driver, server,
         'host = "127.0.0.1"; port = %d; user = "%s"; database = "%s"; '
         'password_file = "%s";' % (server.port, USER, db,
                                    server.wrong_password_file))
    r = project.run("run", "exp")
    assert r.returncode == 1
    assert msg in r.stderr
    assert "attempt 1 of 2: failed" in r.stderr
    assert "attempt 2 of 2" not in r.stderr


@pytest.mark.parametrize("driver,msg", [
    ("postgresql", "Connection refused"),
    ("mysql", "Can't connect to server on '127.0.0.1'")])
def test_unreachable_server_is_retried(project, driver, msg):
    _job(project, driver, None,
         'host = "127.0.0.1"; port = %d; user = "%s"; database = "x";'
         % (free_port(), USER))
    r = project.run("run", "exp")
    assert r.returncode == 1
    assert msg in r.stderr
    assert "attempt 2 of 2: failed" in r.stderr


def test_postgresql_service_file(project, postgres, tmp_path):
    db = postgres.new_database()
    service = tmp_path / "pg_service.conf"
    service.write_text("[cwtest]\nhost=127.0.0.1\nport=%d\ndbname=%s\n"
                       "user=%s\n" % (postgres.port, db, USER))
    project.write_job("exp", '''
        steps = ( { plugin = "sql2csv"; driver = "postgresql";
                    conninfo = "service=cwtest"; service_file = "%s";
                    password_file = "%s";
                    query = "SELECT current_database() AS db";
                    output = "o.csv"; },
                  { shell = "cp o.csv %s/"; } );
        ''' % (service, postgres.password_file, tmp_path))
    project.run("run", "exp", check=0)
    assert read_csv(tmp_path / "o.csv") == [["db"], [db]]


def test_mysql_socket(project, mariadb, tmp_path):
    db = mariadb.new_database()
    project.write_job("exp", '''
        steps = ( { plugin = "sql2csv"; driver = "mysql"; socket = "%s";
                    user = "%s"; database = "%s"; password_file = "%s";
                    query = "SELECT DATABASE() AS db"; output = "o.csv"; },
                  { shell = "cp o.csv %s/"; } );
        ''' % (mariadb.socket, USER, db, mariadb.password_file, tmp_path))
    project.run("run", "exp", check=0)
    assert read_csv(tmp_path / "o.csv") == [["db"], [db]]


def test_server_error_mid_stream_fails_and_keeps_nothing(project, pg_db,
                                                        tmp_path):
    """An error after rows have been written (division by zero at the
    last row): the step fails and no file is handed on."""
    export_job(project, pg_db, 'query = "SELECT g, 1 / (100000 - g) '
               'FROM generate_series(1, 100000) g"; output = "o.csv";',
               out_dir=tmp_path / "out")
    r = project.run("run", "exp")
    assert r.returncode == 1
    assert "division by zero (SQLSTATE 22012)" in r.stderr
    assert not os.listdir(str(tmp_path / "out"))
