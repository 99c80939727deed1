"""The upload plugin over FTP, explicit FTPS (AUTH TLS) and implicit FTPS,
against real vsftpd servers (fixtures_ftp.py)."""
import os

from fixtures_ftp import assert_uploaded, listing, run_log, upload_job


def ftp_settings(srv, url, **kw):
    s = {"url": url, "user": srv.user, "password_file": srv.password_file}
    s.update(kw)
    return s


def test_ftp_uploads_several_files_over_one_login(project, ftp_servers):
    srv = ftp_servers
    path, local = srv.new_dir()
    files = upload_job(project, "up", ftp_settings(
        srv, srv.url("ftp", srv.plain_port, path), debug=True),
        files={"a.csv": b"id,name\r\n1,x\r\n", "b.bin": os.urandom(300000),
               "empty.txt": b""})
    project.run("run", "up", check=0)
    assert_uploaded(local, files)
    log = run_log(project, "up")
    # One connection, one login, for all three files.
    assert log.count("> USER cwftp") == 1, log
    assert log.count("> STOR ") == 3
    assert log.count("> RNTO ") == 3
    # The password never reaches the log.
    assert srv.password not in log
    assert "PASS ****" in log


def test_ftp_atomic_upload_goes_through_a_temporary_name(project,
                                                         ftp_servers):
    srv = ftp_servers
    path, local = srv.new_dir()
    upload_job(project, "up", ftp_settings(
        srv, srv.url("ftp", srv.plain_port, path), debug=True))
    project.run("run", "up", check=0)
    log = run_log(project, "up")
    assert "> STOR %s/.data.bin.part" % path in log
    assert "> SIZE %s/.data.bin.part" % path in log
    assert "> RNFR %s/.data.bin.part" % path in log
    assert "> RNTO %s/data.bin" % path in log


def test_ftp_replaces_an_existing_file(project, ftp_servers):
    srv = ftp_servers
    path, local = srv.new_dir()
    url = srv.url("ftp", srv.plain_port, path)
    upload_job(project, "up", ftp_settings(srv, url))
    project.run("run", "up", check=0)
    files = upload_job(project, "up", ftp_settings(srv, url))
    project.run("run", "up", check=0)
    assert_uploaded(local, files)


def test_ftp_non_atomic_upload(project, ftp_servers):
    srv = ftp_servers
    path, local = srv.new_dir()
    files = upload_job(project, "up", ftp_settings(
        srv, srv.url("ftp", srv.plain_port, path), atomic=False, debug=True))
    project.run("run", "up", check=0)
    assert_uploaded(local, files)
    log = run_log(project, "up")
    assert "> STOR %s/data.bin" % path in log and "RNFR" not in log


def test_explicit_ftps_uses_tls(project, ftp_servers):
    """The explicit server refuses logins without TLS, so an upload that
    lands there went through AUTH TLS."""
    srv = ftp_servers
    path, local = srv.new_dir()
    url = srv.url("ftp", srv.explicit_port, path)
    files = upload_job(project, "up", ftp_settings(
        srv, url, tls="require", ca_file=srv.cert))
    project.run("run", "up", check=0)
    assert_uploaded(local, files)

    upload_job(project, "plain", ftp_settings(srv, url, tls="no",
                                              remote_name="plain.bin"))
    p = project.run("run", "plain")
    assert p.returncode != 0
    assert "530" in p.stderr and "encryption" in p.stderr, p.stderr
    assert "plain.bin" not in listing(local)


def test_implicit_ftps(project, ftp_servers):
    srv = ftp_servers
    path, local = srv.new_dir()
    files = upload_job(project, "up", ftp_settings(
        srv, srv.url("ftps", srv.implicit_port, path), ca_file=srv.cert))
    project.run("run", "up", check=0)
    assert_uploaded(local, files)


def test_ftps_certificate_is_verified_by_default(project, ftp_servers):
    """The servers' certificate is self-signed: without ca_file it is
    refused, and the message says what to do."""
    srv = ftp_servers
    path, local = srv.new_dir()
    upload_job(project, "up", ftp_settings(
        srv, srv.url("ftps", srv.implicit_port, path), attempts=3))
    p = project.run("run", "up")
    assert p.returncode != 0
    assert "certificate" in p.stderr and "ca_file" in p.stderr, p.stderr
    assert "trying again" not in run_log(project, "up")
    assert listing(local) == []


def test_ftp_tls_require_refused_by_a_server_without_tls(project,
                                                         ftp_servers,
                                                         private_ftp):
    """tls = "require" against a server without TLS fails instead of
    falling back to plain text."""
    srv = ftp_servers
    notls = private_ftp(ssl_enable="NO")
    path, local = srv.new_dir()
    upload_job(project, "up", ftp_settings(
        srv, srv.url("ftp", notls.port, path), tls="require"))
    p = project.run("run", "up")
    assert p.returncode != 0
    assert "does not offer TLS" in p.stderr, p.stderr
    assert listing(local) == []


def test_ftp_create_dirs_and_remote_name_from_the_window(project,
                                                         ftp_servers):
    srv = ftp_servers
    path, local = srv.new_dir()
    data = upload_job(project, "up", ftp_settings(
        srv, srv.url("ftp", srv.plain_port, path + "/new/deeper"),
        create_dirs=True, remote_name="%Y/%m/sales-%Y%m%d.bin"))["data.bin"]
    project.run("run", "up", "--window",
                "2024-01-31T00:00:00Z/2024-02-01T00:00:00Z", check=0)
    d = os.path.join(local, "new", "deeper", "2024", "02")
    assert listing(d) == ["sales-20240201.bin"]
    with open(os.path.join(d, "sales-20240201.bin"), "rb") as f:
        assert f.read() == data


def test_ftp_missing_directory_without_create_dirs(project, ftp_servers):
    srv = ftp_servers
    path, local = srv.new_dir()
    upload_job(project, "up", ftp_settings(
        srv, srv.url("ftp", srv.plain_port, path + "/missing"), attempts=3))
    p = project.run("run", "up")
    assert p.returncode != 0
    assert "553" in p.stderr, p.stderr  # vsftpd's words, permanent
    assert "trying again" not in run_log(project, "up")
