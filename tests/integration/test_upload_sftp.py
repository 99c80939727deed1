"""The upload plugin over SFTP against a real sshd (fixtures_ftp.py):
password and key logins, host key checking, the RSA/SHA-1 trap."""
import os

from fixtures_ftp import assert_uploaded, listing, run_log, upload_job


def sftp_settings(srv, path, **kw):
    s = {"url": srv.url(path), "user": srv.user,
         "known_hosts": srv.known_hosts}
    s.update(kw)
    return s


def test_sftp_password(project, sftp_server):
    srv = sftp_server
    path, local = srv.new_dir()
    files = upload_job(project, "up", sftp_settings(
        srv, path, password_file=srv.password_file),
        files={"a.csv": b"x,y\n", "b.bin": os.urandom(2 * 1024 * 1024)})
    project.run("run", "up", check=0)
    assert_uploaded(local, files)


def test_sftp_key(project, sftp_server):
    srv = sftp_server
    path, local = srv.new_dir()
    data = upload_job(project, "up", sftp_settings(
        srv, path, key_file=srv.key_file, remote_name="bykey.bin"))
    project.run("run", "up", check=0)
    assert_uploaded(local, {"bykey.bin": data["data.bin"]})


def test_sftp_key_with_passphrase(project, sftp_server):
    srv = sftp_server
    path, local = srv.new_dir()
    files = upload_job(project, "up", sftp_settings(
        srv, path, key_file=srv.locked_key_file,
        passphrase_file=srv.passphrase_file))
    project.run("run", "up", check=0)
    assert_uploaded(local, files)


def test_sftp_wrong_passphrase_is_explained(project, sftp_server):
    srv = sftp_server
    path, local = srv.new_dir()
    upload_job(project, "up", sftp_settings(
        srv, path, key_file=srv.locked_key_file,
        passphrase_file=srv.wrong_password_file))
    p = project.run("run", "up")
    assert p.returncode != 0
    assert "login refused" in p.stderr and "passphrase" in p.stderr, \
        p.stderr
    assert listing(local) == []


def test_sftp_replaces_an_existing_file(project, sftp_server):
    """SFTP rename does not overwrite: the plugin removes the old file
    first, and the new one lands whole."""
    srv = sftp_server
    path, local = srv.new_dir()
    upload_job(project, "up", sftp_settings(srv, path, key_file=srv.key_file))
    project.run("run", "up", check=0)
    files = upload_job(project, "up", sftp_settings(
        srv, path, key_file=srv.key_file))
    project.run("run", "up", check=0)
    assert_uploaded(local, files)


def test_sftp_home_relative_path(project, sftp_server):
    """sftp://host/~/dir/ is relative to the user's home directory."""
    srv = sftp_server
    path, _ = srv.new_dir()
    sub = "cw-upload-test-" + os.path.basename(path)
    home = os.path.join(srv.pw.pw_dir, sub)
    try:
        files = upload_job(project, "up", {
            "url": "sftp://127.0.0.1:%d/~/%s/" % (srv.port, sub),
            "user": srv.user, "known_hosts": srv.known_hosts,
            "key_file": srv.key_file, "create_dirs": True})
        project.run("run", "up", check=0)
        assert_uploaded(home, files)
    finally:
        for f in listing(home):
            os.unlink(os.path.join(home, f))
        if os.path.isdir(home):
            os.rmdir(home)


def test_sftp_unknown_host_key_is_refused(project, sftp_server):
    srv = sftp_server
    path, local = srv.new_dir()
    other = os.path.join(project.root, "known_hosts")
    with open(other, "w") as f:  # a file that knows another host only
        with open(srv.known_hosts) as kh:
            f.write(kh.read().replace("[127.0.0.1]", "[192.0.2.1]"))
    upload_job(project, "up", sftp_settings(
        srv, path, key_file=srv.key_file, known_hosts=other, attempts=3))
    p = project.run("run", "up")
    assert p.returncode != 0
    assert "host key" in p.stderr and "unknown" in p.stderr, p.stderr
    # How to add it, and the fingerprint to check before doing so.
    assert "ssh-keyscan -p %d -t ed25519 127.0.0.1 >> %s" % (
        srv.port, other) in p.stderr
    assert srv.host_fingerprint in p.stderr
    assert "trying again" not in run_log(project, "up")
    assert listing(local) == []


def test_sftp_changed_host_key_is_refused(project, sftp_server):
    srv = sftp_server
    path, local = srv.new_dir()
    upload_job(project, "up", sftp_settings(
        srv, path, key_file=srv.key_file,
        known_hosts=srv.wrong_known_hosts))
    p = project.run("run", "up")
    assert p.returncode != 0
    assert "CHANGED" in p.stderr and "ssh-keygen -R" in p.stderr, p.stderr
    assert listing(local) == []


def test_sftp_missing_known_hosts_is_refused(project, sftp_server):
    srv = sftp_server
    path, local = srv.new_dir()
    missing = os.path.join(project.root, "no_known_hosts")
    upload_job(project, "up", sftp_settings(
        srv, path, key_file=srv.key_file, known_hosts=missing))
    p = project.run("run", "up")
    assert p.returncode != 0
    assert missing in p.stderr and "ssh-keyscan" in p.stderr, p.stderr
    assert listing(local) == []


def test_sftp_rsa_key_refusal_is_explained(project, sftp_server):
    """libssh2 1.10 signs with an RSA key only as ssh-rsa (SHA-1), which
    OpenSSH 9 refuses even though the key is authorised: say so."""
    srv = sftp_server
    path, local = srv.new_dir()
    upload_job(project, "up", sftp_settings(
        srv, path, key_file=srv.rsa_key_file))
    p = project.run("run", "up")
    assert p.returncode != 0
    assert "RSA" in p.stderr and "SHA-1" in p.stderr, p.stderr
    assert "ed25519" in p.stderr
    assert listing(local) == []


def test_sftp_wrong_password_fails_without_retries(project, sftp_server):
    srv = sftp_server
    path, local = srv.new_dir()
    upload_job(project, "up", sftp_settings(
        srv, path, password_file=srv.wrong_password_file, attempts=3,
        retry_delay="30s"), extra="retry = { attempts = 3; delay = \"30s\"; };\n")
    p = project.run("run", "up")
    assert p.returncode != 0
    assert "login refused" in p.stderr, p.stderr
    log = run_log(project, "up")
    assert "trying again" not in log
    assert log.count("login refused") == 1, log  # nor by the runner
    assert listing(local) == []


def test_sftp_host_key_check_can_be_turned_off(project, sftp_server):
    srv = sftp_server
    path, local = srv.new_dir()
    files = upload_job(project, "up", sftp_settings(
        srv, path, key_file=srv.key_file, known_hosts=srv.wrong_known_hosts,
        host_key_check=False))
    project.run("run", "up", check=0)
    assert_uploaded(local, files)
    assert "host_key_check = false" in run_log(project, "up")
