"""FTP, FTPS and SFTP servers on 127.0.0.1 for the upload tests (SERVICES.md).

Started once per session, in the foreground as children of pytest:
  - vsftpd "plain": FTP with optional explicit TLS (AUTH TLS);
  - vsftpd "explicit": the same, but TLS required for the login and the
    data (a plain login gets 530), which proves that tls = "require" did
    use TLS;
  - vsftpd "implicit": FTPS (TLS from the first byte);
  - sshd with internal-sftp: password and ed25519 key logins; an RSA key
    is authorised too, to show the SHA-1 trap of libssh2 1.10.
All log in as the user cwftp.  Each test gets fresh directories from
new_dir(), so tests do not see each other's files.

private_ftp(**settings) (per test) starts a vsftpd of the test's own (a
rate limit, no TLS), which the test may kill in the middle of a transfer
and start again on the same port.

Below the fixtures, helpers for the tests: upload_job() writes a job whose
first step copies prepared files into the run directory as artifacts and
whose second step is the upload plugin.
"""
import os
import pwd
import shutil
import signal
import subprocess
import tempfile

import pytest
from conftest import free_port, wait_port

USER = "cwftp"
PASSWORD = "cwftp-pass"
VSFTPD = "/usr/sbin/vsftpd"
SSHD = "/usr/sbin/sshd"


def _descendants(pid):
    """pid's process tree, from /proc (vsftpd and sshd sessions leave the
    server's process group, so a group kill would miss them)."""
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def kill_tree(proc):
    """SIGKILL a server and every session process it forked: a crash in
    the middle of a transfer."""
    for pid in _descendants(proc.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(10)


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _need_root():
    if os.geteuid() != 0:
        pytest.skip("FTP/SFTP servers need root (vsftpd, sshd, user cwftp)")
    for prog in (VSFTPD, SSHD, "/usr/bin/openssl", "/usr/bin/ssh-keygen"):
        if not os.path.exists(prog):
            pytest.skip("%s is not installed" % prog)


def _ensure_user():
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "-m", "-s", "/bin/sh", USER], check=True)
    subprocess.run(["chpasswd"], input="%s:%s\n" % (USER, PASSWORD),
                   text=True, check=True)
    pw = pwd.getpwnam(USER)
    os.makedirs(pw.pw_dir, exist_ok=True)
    os.chown(pw.pw_dir, pw.pw_uid, pw.pw_gid)
    return pw


def _user_dir(path, pw):
    os.makedirs(path, exist_ok=True)
    os.chown(path, pw.pw_uid, pw.pw_gid)
    return path


class Base:
    """What the FTP and SSH servers share: a directory, the user, secrets."""

    def __init__(self, root, pw):
        self.root = root
        self.pw = pw
        self.user = USER
        self.password = PASSWORD
        self.password_file = os.path.join(root, "password")
        with open(self.password_file, "w") as f:
            f.write(PASSWORD + "\n")
        os.chmod(self.password_file, 0o600)
        self.wrong_password_file = os.path.join(root, "wrong-password")
        with open(self.wrong_password_file, "w") as f:
            f.write("not-the-password\n")
        os.chmod(self.wrong_password_file, 0o600)
        self._n = 0

    def _fresh(self, base):
        self._n += 1
        name = "t%03d" % self._n
        _user_dir(os.path.join(base, name), self.pw)
        return name


class FtpServers(Base):
    """vsftpd: self.plain_port, self.explicit_port (TLS required),
    self.implicit_port; files land under self.ftp_root."""

    def __init__(self, root, pw):
        super().__init__(root, pw)
        self.cert = os.path.join(root, "cert.pem")
        self.key = os.path.join(root, "key.pem")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-days", "30", "-subj", "/CN=localhost", "-addext",
             "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", self.key, "-out", self.cert],
            check=True, capture_output=True)
        self.ftp_root = os.path.join(root, "ftp-root")
        os.makedirs(self.ftp_root)
        os.makedirs(os.path.join(root, "ftp-empty"))
        self.procs = []
        self.plain_port = self._start("plain", {})
        self.explicit_port = self._start("explicit", {
            "force_local_logins_ssl": "YES", "force_local_data_ssl": "YES"})
        self.implicit_port = self._start("implicit", {"implicit_ssl": "YES"})

    def config(self, name, port, extra):
        conf = {
            "listen": "YES", "listen_address": "127.0.0.1",
            "listen_port": str(port), "background": "NO",
            "anonymous_enable": "NO", "local_enable": "YES",
            "write_enable": "YES", "local_umask": "022",
            "chroot_local_user": "YES", "allow_writeable_chroot": "YES",
            "local_root": self.ftp_root,
            "secure_chroot_dir": os.path.join(self.root, "ftp-empty"),
            "pam_service_name": "vsftpd", "pasv_address": "127.0.0.1",
            "xferlog_enable": "YES",
            "vsftpd_log_file": os.path.join(self.root, name + ".log"),
            "ssl_enable": "YES", "rsa_cert_file": self.cert,
            "rsa_private_key_file": self.key,
            "force_local_logins_ssl": "NO", "force_local_data_ssl": "NO",
        }
        conf.update(extra)
        path = os.path.join(self.root, name + ".conf")
        with open(path, "w") as f:
            f.writelines("%s=%s\n" % kv for kv in conf.items())
        return path

    def _start(self, name, extra):
        port = free_port()
        proc = subprocess.Popen([VSFTPD, self.config(name, port, extra)],
                                stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        self.procs.append(proc)
        wait_port(port, proc, "vsftpd " + name)
        return port

    def new_dir(self):
        """A fresh directory: (path in URLs, local path)."""
        name = self._fresh(self.ftp_root)
        return name, os.path.join(self.ftp_root, name)

    def url(self, scheme, port, path):
        return "%s://127.0.0.1:%d/%s/" % (scheme, port, path)

    def close(self):
        for p in self.procs:
            stop(p)


class SshServer(Base):
    """sshd with internal-sftp on self.port; keys and known_hosts."""

    def __init__(self, root, pw):
        super().__init__(root, pw)
        d = os.path.join(root, "ssh")
        os.makedirs(d)
        self.dir = d
        keygen = ["ssh-keygen", "-q", "-N", "", "-C", "cwtest"]
        for name, kind in (("host_ed25519", "ed25519"),
                           ("client_ed25519", "ed25519"),
                           ("other_ed25519", "ed25519")):
            subprocess.run(keygen + ["-t", kind, "-f", os.path.join(d, name)],
                           check=True)
        subprocess.run(keygen + ["-t", "rsa", "-b", "2048", "-f",
                                 os.path.join(d, "client_rsa")], check=True)
        self.passphrase = "a long pass phrase"
        subprocess.run(["ssh-keygen", "-q", "-N", self.passphrase, "-C",
                        "cwtest", "-t", "ed25519", "-f",
                        os.path.join(d, "client_locked")], check=True)
        self.passphrase_file = os.path.join(root, "passphrase")
        with open(self.passphrase_file, "w") as f:
            f.write(self.passphrase + "\n")
        os.chmod(self.passphrase_file, 0o600)
        self.key_file = os.path.join(d, "client_ed25519")
        self.rsa_key_file = os.path.join(d, "client_rsa")
        self.locked_key_file = os.path.join(d, "client_locked")
        with open(os.path.join(d, "authorized_keys"), "w") as out:
            for k in ("client_ed25519", "client_rsa", "client_locked"):
                with open(os.path.join(d, k + ".pub")) as f:
                    out.write(f.read())
        self.upload_root = _user_dir(os.path.join(d, "incoming"), pw)
        self.port = free_port()
        conf = os.path.join(d, "sshd_config")
        with open(conf, "w") as f:
            f.write("Port %d\nListenAddress 127.0.0.1\nHostKey %s\n"
                    "PidFile none\nAuthorizedKeysFile %s\nStrictModes no\n"
                    "UsePAM no\nAllowUsers %s\nSubsystem sftp internal-sftp\n"
                    % (self.port, os.path.join(d, "host_ed25519"),
                       os.path.join(d, "authorized_keys"), USER))
        os.makedirs("/run/sshd", exist_ok=True)
        self.log = os.path.join(d, "sshd.log")
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen([SSHD, "-D", "-e", "-f", conf],
                                         stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log)
        wait_port(self.port, self.proc, "sshd")
        self.known_hosts = self._known_hosts("known_hosts", "host_ed25519")
        # The same host with another key: "host key changed".
        self.wrong_known_hosts = self._known_hosts("known_hosts.wrong",
                                                   "other_ed25519")
        self.host_fingerprint = subprocess.run(
            ["ssh-keygen", "-lf", os.path.join(d, "host_ed25519.pub")],
            check=True, capture_output=True, text=True).stdout.split()[1]

    def _known_hosts(self, name, key):
        path = os.path.join(self.dir, name)
        with open(os.path.join(self.dir, key + ".pub")) as f:
            kind, blob = f.read().split()[:2]
        with open(path, "w") as f:
            f.write("[127.0.0.1]:%d %s %s\n" % (self.port, kind, blob))
        return path

    def new_dir(self):
        """A fresh directory: (absolute path, for URLs too)."""
        p = os.path.join(self.upload_root, self._fresh(self.upload_root))
        return p, p

    def url(self, path):
        return "sftp://127.0.0.1:%d%s/" % (self.port, path)

    def close(self):
        stop(self.proc)


@pytest.fixture(scope="session")
def _ftp_server_root():
    _need_root()
    # Not pytest's tmp_path: its 0700 parents keep cwftp out.
    root = tempfile.mkdtemp(prefix="cw-ftp-")
    os.chmod(root, 0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def ftp_servers(_ftp_server_root):
    """The three vsftpd instances (see FtpServers)."""
    pw = _ensure_user()
    root = os.path.join(_ftp_server_root, "ftp")
    os.makedirs(root)
    os.chmod(root, 0o755)
    servers = FtpServers(root, pw)
    yield servers
    servers.close()


@pytest.fixture(scope="session")
def sftp_server(_ftp_server_root):
    """sshd for SFTP (see SshServer)."""
    pw = _ensure_user()
    root = os.path.join(_ftp_server_root, "sftp")
    os.makedirs(root)
    os.chmod(root, 0o755)
    server = SshServer(root, pw)
    yield server
    server.close()


class FtpInstance:
    """A vsftpd of one test, with settings of its own (a rate limit, no
    TLS), that the test may crash (kill()) and start again (start()) on the
    same port."""

    def __init__(self, servers, extra):
        self.port = free_port()
        self.conf = servers.config("private%d" % self.port, self.port, extra)
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen([VSFTPD, self.conf],
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_port(self.port, self.proc, "vsftpd")

    def kill(self):
        kill_tree(self.proc)

    def close(self):
        if self.proc.poll() is None:
            kill_tree(self.proc)


@pytest.fixture
def private_ftp(ftp_servers):
    """make(**vsftpd_settings) -> an FtpInstance, gone after the test."""
    made = []

    def make(**extra):
        made.append(FtpInstance(ftp_servers,
                                {k: str(v) for k, v in extra.items()}))
        return made[-1]
    yield make
    for inst in made:
        inst.close()


# --- Helpers of the upload tests (test_upload*.py) --------------------------


def conf_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return '"%s"' % str(v).replace("\\", "\\\\").replace('"', '\\"')


def upload_job(project, name, settings, files=None, extra=""):
    """Writes job NAME: step 1 copies each {artifact name: bytes} of files
    (default: data.bin with 64 KiB of varied bytes) into the run directory;
    step 2 uploads them.  Returns {artifact name: bytes}."""
    if files is None:
        files = {"data.bin": os.urandom(65536)}
    src = os.path.join(project.root, "src-" + name)
    os.makedirs(src, exist_ok=True)
    for fname, data in files.items():
        with open(os.path.join(src, fname), "wb") as f:
            f.write(data)
    copy = " ".join("'%s/%s'" % (src, f) for f in files)
    arts = ", ".join('"%s"' % f for f in files)
    plugin = "".join("    %s = %s;\n" % (k, conf_value(v))
                     for k, v in settings.items())
    project.write_job(name, """\
steps = (
  { command = ["sh", "-c", "cp %s ."]; artifacts = [%s]; },
  { plugin = "upload";
%s  }
);
%s""" % (copy, arts, plugin, extra))
    return files


def run_log(project, name):
    """The text of the job's latest run log."""
    logs = project.logs(name)
    assert logs, "no run log for %s" % name
    with open(logs[-1], errors="replace") as f:
        return f.read()


def listing(path):
    return sorted(os.listdir(path)) if os.path.isdir(path) else []


def read(path):
    with open(path, "rb") as f:
        return f.read()


def assert_uploaded(directory, files):
    """Every file arrived byte for byte under its final name, and nothing
    else (no temporary file) is left in the directory."""
    assert listing(directory) == sorted(files), listing(directory)
    for fname, data in files.items():
        assert read(os.path.join(directory, fname)) == data, fname
