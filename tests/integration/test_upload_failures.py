"""Failures of the upload plugin: permanent ones fail at once with the
server's words, transient ones are retried; a server that dies in the
middle of a transfer leaves nothing under the final name."""
import os
import time

from fixtures_ftp import assert_uploaded, listing, run_log, upload_job

RATE = 200 * 1024  # bytes/s of the private server: transfers take a while
SIZE = 600 * 1024


def ftp_settings(srv, port, path, **kw):
    s = {"url": srv.url("ftp", port, path), "user": srv.user,
         "password_file": srv.password_file}
    s.update(kw)
    return s


def wait_for_partial(directory, name, proc, timeout=20):
    """Waits until the temporary file has some bytes on the server."""
    deadline = time.monotonic() + timeout
    path = os.path.join(directory, name)
    while time.monotonic() < deadline:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            return
        assert proc.poll() is None, "the job ended before the transfer"
        time.sleep(0.01)
    raise AssertionError("no partial %s appeared" % path)


def test_ftp_wrong_password_fails_without_retries(project, ftp_servers):
    srv = ftp_servers
    path, local = srv.new_dir()
    upload_job(project, "up", ftp_settings(
        srv, srv.plain_port, path, password_file=srv.wrong_password_file,
        attempts=3, retry_delay="30s"))
    p = project.run("run", "up")
    assert p.returncode != 0
    # The server's own words.
    assert "530 Login incorrect." in p.stderr, p.stderr
    assert "trying again" not in run_log(project, "up")
    assert listing(local) == []


def test_connection_refused_is_retried(project, ftp_servers):
    from fixtures_ftp import free_port
    srv = ftp_servers
    upload_job(project, "up", ftp_settings(
        srv, free_port(), "x", attempts=2, retry_delay="1s"))
    p = project.run("run", "up")
    assert p.returncode != 0
    log = run_log(project, "up")
    assert log.count("trying again in 1s (2 of 2)") == 1, log
    assert "Couldn't connect" in p.stderr or "Failed to connect" in p.stderr


def test_ftp_421_is_retried(project, ftp_servers, private_ftp):
    """A 4xx reply is transient: with the server's one connection slot
    taken, the login gets "421 There are too many connections", and once
    the slot is free the next try succeeds."""
    import socket
    srv = ftp_servers
    busy = private_ftp(max_clients=1)
    path, local = srv.new_dir()
    files = upload_job(project, "up", ftp_settings(
        srv, busy.port, path, attempts=3, retry_delay="1s"))
    for _ in range(100):  # until the readiness probe's session is gone
        hold = socket.create_connection(("127.0.0.1", busy.port))
        if hold.recv(100).startswith(b"220"):
            break
        hold.close()
        time.sleep(0.05)
    try:
        job = project.popen("run", "up")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and job.poll() is None:
            logs = project.logs("up")
            if logs and "421" in open(logs[-1], errors="replace").read():
                break
            time.sleep(0.02)
    finally:
        hold.close()
    out, err = job.communicate(timeout=60)
    assert job.returncode == 0, err
    assert_uploaded(local, files)
    log = run_log(project, "up")
    assert "421" in log and "trying again in 1s (2 of 3)" in log, log


def test_server_killed_mid_transfer_fails(project, ftp_servers, private_ftp):
    """attempts = 1: the step fails, and nothing stays under the final
    name."""
    srv = ftp_servers
    slow = private_ftp(local_max_rate=RATE)
    path, local = srv.new_dir()
    upload_job(project, "up", ftp_settings(srv, slow.port, path, attempts=1),
               files={"data.bin": os.urandom(SIZE)})
    job = project.popen("run", "up")
    wait_for_partial(local, ".data.bin.part", job)
    slow.kill()
    out, err = job.communicate(timeout=60)
    assert job.returncode != 0, err
    assert "data.bin" not in listing(local)
    assert "may remain" in run_log(project, "up")  # no server to clean up


def test_server_killed_mid_transfer_is_retried(project, ftp_servers,
                                               private_ftp):
    """attempts = 3: the server comes back and the second try lands the
    whole file, with the temporary name gone."""
    srv = ftp_servers
    slow = private_ftp(local_max_rate=RATE)
    path, local = srv.new_dir()
    files = upload_job(project, "up", ftp_settings(
        srv, slow.port, path, attempts=3, retry_delay="1s"),
        files={"data.bin": os.urandom(SIZE)})
    job = project.popen("run", "up")
    wait_for_partial(local, ".data.bin.part", job)
    slow.kill()
    slow.start()
    out, err = job.communicate(timeout=60)
    assert job.returncode == 0, err
    assert_uploaded(local, files)
    assert "trying again in 1s (2 of 3)" in run_log(project, "up")


def test_server_killed_mid_transfer_retried_by_the_job(project, ftp_servers,
                                                       private_ftp):
    """A transient failure that outlasts the step's own tries is the
    runner's to retry (job retry), which starts the pipeline again."""
    srv = ftp_servers
    slow = private_ftp(local_max_rate=RATE)
    path, local = srv.new_dir()
    files = upload_job(project, "up", ftp_settings(
        srv, slow.port, path, attempts=1),
        files={"data.bin": os.urandom(SIZE)},
        extra='retry = { attempts = 2; delay = "1s"; };\n')
    job = project.popen("run", "up")
    wait_for_partial(local, ".data.bin.part", job)
    slow.kill()
    slow.start()
    out, err = job.communicate(timeout=60)
    assert job.returncode == 0, err
    assert_uploaded(local, files)


def test_sftp_server_killed_mid_transfer(project, sftp_server):
    """The SSH connection breaking is transient: with attempts = 2 and the
    server gone for good, both tries fail and no file has the final
    name."""
    srv = sftp_server
    path, local = srv.new_dir()
    # A private sshd, so that killing it leaves the session's one alone.
    import subprocess
    from fixtures_ftp import SSHD, free_port, kill_tree, wait_port
    port = free_port()
    conf = os.path.join(project.root, "sshd_config")
    with open(os.path.join(srv.dir, "sshd_config")) as f:
        text = f.read().replace("Port %d" % srv.port, "Port %d" % port)
    with open(conf, "w") as f:
        f.write(text)
    kh = os.path.join(project.root, "known_hosts")
    with open(srv.known_hosts) as f:
        text = f.read().replace(":%d " % srv.port, ":%d " % port)
    with open(kh, "w") as f:
        f.write(text)
    sshd = subprocess.Popen([SSHD, "-D", "-e", "-f", conf],
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_port(port, sshd, "sshd")
        upload_job(project, "up", {
            "url": "sftp://127.0.0.1:%d%s/" % (port, path),
            "user": srv.user, "key_file": srv.key_file, "known_hosts": kh,
            "attempts": 2, "retry_delay": "1s"},
            # Big: there is no rate limit in sshd, and the kill must come
            # before the end.
            files={"data.bin": os.urandom(128 * 1024 * 1024)})
        job = project.popen("run", "up")
        wait_for_partial(local, ".data.bin.part", job)
        kill_tree(sshd)
        out, err = job.communicate(timeout=60)
    finally:
        if sshd.poll() is None:
            kill_tree(sshd)
    assert job.returncode != 0, err
    assert "data.bin" not in listing(local)
    assert "trying again in 1s (2 of 2)" in run_log(project, "up")
