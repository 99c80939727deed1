"""The upload plugin's file:// target, its dry run, and "cronwrap check"
of its settings."""
import os
import re

from fixtures_ftp import assert_uploaded, listing, upload_job


def test_file_upload(project, tmp_path):
    out = tmp_path / "outbox"
    out.mkdir()
    files = upload_job(project, "up", {"url": "file://%s/" % out},
                       files={"a.csv": b"1,2\n", "b.bin": os.urandom(3000000)})
    project.run("run", "up", check=0)
    assert_uploaded(str(out), files)


def test_file_upload_replaces_and_creates_dirs(project, tmp_path):
    out = tmp_path / "outbox"
    url = "file://%s/new" % out
    settings = {"url": url, "create_dirs": True,
                "remote_name": "%Y/%m/%d.bin"}
    upload_job(project, "up", settings)
    window = "2024-03-01T00:00:00Z/2024-03-02T00:00:00Z"
    project.run("run", "up", "--window", window, check=0)
    data = upload_job(project, "up", settings)["data.bin"]
    project.run("run", "up", "--window", window, check=0)
    assert_uploaded(str(out / "new" / "2024" / "03"), {"02.bin": data})


def test_file_upload_missing_directory(project, tmp_path):
    upload_job(project, "up", {"url": "file://%s/missing/" % tmp_path})
    p = project.run("run", "up")
    assert p.returncode != 0
    assert "does not exist" in p.stderr and "create_dirs" in p.stderr


def dry_run(project):
    p = project.run("run", "up", "--dry-run", check=0)
    return p.stdout + p.stderr


def test_dry_run_ftp_lists_and_uploads_nothing(project, ftp_servers):
    srv = ftp_servers
    path, local = srv.new_dir()
    with open(os.path.join(local, "data.bin"), "wb") as f:
        f.write(b"old")
    upload_job(project, "up", {
        "url": srv.url("ftp", srv.plain_port, path), "user": srv.user,
        "password_file": srv.password_file})
    out = dry_run(project)
    assert re.search(r"listed ftp://\S+/%s/: 1 entries" % path, out), out
    assert "would upload" in out and "replacing the file there" in out
    assert listing(local) == ["data.bin"]
    with open(os.path.join(local, "data.bin"), "rb") as f:
        assert f.read() == b"old"


def test_dry_run_ftp_checks_the_login(project, ftp_servers):
    srv = ftp_servers
    path, local = srv.new_dir()
    upload_job(project, "up", {
        "url": srv.url("ftp", srv.plain_port, path), "user": srv.user,
        "password_file": srv.wrong_password_file})
    p = project.run("run", "up", "--dry-run")
    assert p.returncode != 0
    assert "530" in p.stdout + p.stderr


def test_dry_run_ftp_missing_directory(project, ftp_servers):
    srv = ftp_servers
    path, local = srv.new_dir()
    settings = {"url": srv.url("ftp", srv.plain_port, path + "/nope"),
                "user": srv.user, "password_file": srv.password_file}
    upload_job(project, "up", settings)
    p = project.run("run", "up", "--dry-run")
    assert p.returncode != 0
    assert "550" in p.stdout + p.stderr
    settings["create_dirs"] = True
    upload_job(project, "up", settings)
    assert "would be created" in dry_run(project)
    assert listing(local) == []


def test_dry_run_sftp(project, sftp_server):
    srv = sftp_server
    path, local = srv.new_dir()
    upload_job(project, "up", {
        "url": srv.url(path), "user": srv.user, "key_file": srv.key_file,
        "known_hosts": srv.known_hosts})
    out = dry_run(project)
    assert "listed sftp://" in out and ": 0 entries" in out, out
    assert "would upload" in out
    assert listing(local) == []


def test_dry_run_file(project, tmp_path):
    out_dir = tmp_path / "outbox"
    out_dir.mkdir()
    upload_job(project, "up", {"url": "file://%s" % out_dir})
    out = dry_run(project)
    assert "would upload" in out and ": 0 entries" in out, out
    assert listing(str(out_dir)) == []


def check(project, settings):
    path = project.write_job("bad", """\
steps = (
  { command = ["true"]; artifacts = ["x"]; },
  { plugin = "upload";
%s  }
);
""" % "".join("    %s;\n" % s for s in settings))
    p = project.run("check", "bad")
    assert p.returncode == 78, p.stderr
    assert path + ":" in p.stderr, p.stderr
    return p.stderr


def test_check_refuses_bad_settings(project):
    err = check(project, ['url = "sftp://h/in/"', 'tls = "require"',
                          'ca_file = "/etc/ssl/x.pem"'])
    assert "tls: does not apply to sftp:// URLs" in err
    assert "ca_file: does not apply to sftp:// URLs" in err
    assert "SFTP needs a user name" in err
    assert "key_file or password_file" in err

    err = check(project, ['url = "ftp://u:secret@h/in/"'])
    assert "password_file" in err

    err = check(project, ['url = "http://h/"'])
    assert "unsupported scheme" in err

    err = check(project, ['url = "ftps://h/in/"', 'tls = "no"'])
    assert "implicit" in err

    err = check(project, ['url = "file:///tmp/"', 'remote_name = "../x"',
                          'attempts = 0', 'temp_prefix = "a/b"'])
    assert "remote_name" in err and "attempts" in err
    assert "temp_prefix" in err

    err = check(project, ['url = "ftp://h/"', 'tls = "maybe"'])
    assert "no, try or require" in err


def test_check_accepts_a_good_step(project):
    project.write_job("good", """\
steps = (
  { command = ["true"]; artifacts = ["x"]; },
  { plugin = "upload"; url = "sftp://partner.example.com/incoming/";
    user = "acme"; key_file = "keys/partner"; known_hosts = "known_hosts";
    remote_name = "sales-%Y%m%d.csv"; atomic = true; create_dirs = false;
    connect_timeout = "20s"; low_speed_limit = 1024; low_speed_time = "2m";
    attempts = 5; retry_delay = "30s"; }
);
""")
    project.run("check", "good", check=0)


def test_sql2csv_then_sftp_pipeline(project, sftp_server, tmp_path):
    """The job of the SPEC's example: SQL to CSV, then SFTP; every file the
    first step declares (the CSV and its .sha256) is uploaded."""
    import hashlib
    import sqlite3
    srv = sftp_server
    path, local = srv.new_dir()
    db = str(tmp_path / "sales.db")
    with sqlite3.connect(db) as c:
        c.execute("create table sales (region text, amount real)")
        c.executemany("insert into sales values (?, ?)",
                      [("north", 7.5), ("south", 19.99)])
    project.write_job("export", """\
steps = (
  { plugin = "sql2csv"; driver = "sqlite"; database = "%s";
    query = "select region, amount from sales order by region";
    output = "sales-%%Y%%m%%d.csv"; header = true; sha256 = true; },
  { plugin = "upload"; url = "%s"; user = "%s"; key_file = "%s";
    known_hosts = "%s"; }
);
""" % (db, srv.url(path), srv.user, srv.key_file, srv.known_hosts))
    project.run("run", "export", "--window",
                "2024-05-01T00:00:00Z/2024-05-02T00:00:00Z", check=0)
    assert listing(local) == ["sales-20240502.csv", "sales-20240502.csv.sha256"]
    with open(os.path.join(local, "sales-20240502.csv"), "rb") as f:
        csv = f.read()
    assert csv == b"region,amount\r\nnorth,7.5\r\nsouth,19.99\r\n"
    with open(os.path.join(local, "sales-20240502.csv.sha256")) as f:
        assert f.read().split()[0] == hashlib.sha256(csv).hexdigest()
