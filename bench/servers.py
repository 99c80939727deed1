"""The servers of the benchmark, on 127.0.0.1, as /work/shared/SERVICES.md
and tests/integration/fixtures_ftp.py start them: each in the foreground
as our child, in a throwaway directory, on a free port; stop() ends it.

PostgreSQL 15, MariaDB 10.11, vsftpd (plain FTP), sshd (internal-sftp)."""
import os
import pwd
import signal
import socket
import subprocess
import time

PG = "/usr/lib/postgresql/15/bin"
USER, PASSWORD = "cwftp", "cwftp-pass"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("%s exited with %s" % (what, proc.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("%s did not listen on %d" % (what, port))


def owned_dir(path, user):
    pw = pwd.getpwnam(user)
    os.makedirs(path, exist_ok=True)
    os.chown(path, pw.pw_uid, pw.pw_gid)
    return path


def _descendants(pid):
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
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


def stop(proc, sig=signal.SIGTERM):
    """Ends a server and the sessions it forked (they leave its process
    group, so a group kill would miss them)."""
    if proc.poll() is None:
        tree = _descendants(proc.pid)
        proc.send_signal(sig)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        for p in tree[1:]:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass


class Postgres:
    def __init__(self, root):
        self.dir = owned_dir(os.path.join(root, "pg"), "postgres")
        self.sock = owned_dir(os.path.join(root, "pgsock"), "postgres")
        self.port = free_port()
        as_pg = ["setpriv", "--reuid=postgres", "--regid=postgres",
                 "--init-groups", "--"]
        subprocess.run(as_pg + [PG + "/initdb", "-D", self.dir, "-U",
                                "postgres", "--auth-local=trust",
                                "--auth-host=scram-sha-256", "-E", "UTF8",
                                "--locale=C.UTF-8"],
                       check=True, stdout=subprocess.DEVNULL)
        self.log = open(os.path.join(root, "pg.log"), "w")
        self.proc = subprocess.Popen(
            as_pg + [PG + "/postgres", "-D", self.dir, "-k", self.sock,
                     "-p", str(self.port), "-c", "listen_addresses=127.0.0.1",
                     "-c", "fsync=off"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        for _ in range(300):
            r = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p",
                                str(self.port)])
            if r.returncode == 0:
                break
            if self.proc.poll() is not None:
                raise RuntimeError("postgres exited")
            time.sleep(0.1)
        self.psql_admin("CREATE ROLE cw LOGIN PASSWORD 'cw-pass'",
                        "CREATE DATABASE cwdb OWNER cw")
        self.user, self.password, self.database = "cw", "cw-pass", "cwdb"

    def psql_admin(self, *sql, db="postgres"):
        cmd = ["psql", "-X", "-q", "-h", self.sock, "-p", str(self.port),
               "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1"]
        for s in sql:
            cmd += ["-c", s]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

    def version(self):
        return subprocess.run([PG + "/postgres", "--version"],
                              capture_output=True, text=True).stdout.strip()

    def close(self):
        stop(self.proc, signal.SIGINT)     # fast shutdown
        self.log.close()


class Mariadb:
    def __init__(self, root):
        self.dir = owned_dir(os.path.join(root, "my"), "mysql")
        run = owned_dir(os.path.join(root, "myrun"), "mysql")
        self.sock = os.path.join(run, "sock")
        self.port = free_port()
        subprocess.run(["mariadb-install-db", "--no-defaults",
                        "--datadir=" + self.dir, "--user=mysql",
                        "--skip-test-db"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.proc = subprocess.Popen(
            ["/usr/sbin/mariadbd", "--no-defaults", "--datadir=" + self.dir,
             "--socket=" + self.sock, "--port=%d" % self.port,
             "--bind-address=127.0.0.1", "--user=mysql", "--skip-log-bin",
             "--innodb-buffer-pool-size=512M",
             "--log-error=" + os.path.join(run, "error.log")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        for _ in range(300):
            r = subprocess.run(["mariadb-admin", "--no-defaults",
                                "--socket=" + self.sock, "ping"],
                               capture_output=True)
            if r.returncode == 0:
                break
            if self.proc.poll() is not None:
                raise RuntimeError("mariadbd exited")
            time.sleep(0.1)
        self.root_sql("CREATE DATABASE cwdb; CREATE USER 'cw'@'%' "
                      "IDENTIFIED BY 'cw-pass'; GRANT ALL ON cwdb.* TO "
                      "'cw'@'%';")
        self.user, self.password, self.database = "cw", "cw-pass", "cwdb"

    def root_sql(self, sql, db=None):
        cmd = ["mariadb", "--no-defaults", "--socket=" + self.sock, "-u",
               "root"] + ([db] if db else []) + ["-e", sql]
        subprocess.run(cmd, check=True)

    def version(self):
        return subprocess.run(["/usr/sbin/mariadbd", "--version"],
                              capture_output=True, text=True).stdout.strip()

    def close(self):
        stop(self.proc)


def ensure_ftp_user():
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "-m", "-s", "/bin/sh", USER], check=True)
    subprocess.run(["chpasswd"], input="%s:%s\n" % (USER, PASSWORD),
                   text=True, check=True)
    pw = pwd.getpwnam(USER)
    owned_dir(pw.pw_dir, USER)


class Vsftpd:
    """Plain FTP (passive mode), files under self.root_dir/incoming, in
    data_root (default: root)."""

    def __init__(self, root, data_root=None):
        ensure_ftp_user()
        self.root_dir = os.path.join(data_root or root, "ftp-root")
        os.makedirs(self.root_dir)
        self.incoming = owned_dir(os.path.join(self.root_dir, "incoming"),
                                  USER)
        os.makedirs(os.path.join(root, "ftp-empty"))
        self.port = free_port()
        conf = {
            "listen": "YES", "listen_address": "127.0.0.1",
            "listen_port": str(self.port), "background": "NO",
            "anonymous_enable": "NO", "local_enable": "YES",
            "write_enable": "YES", "local_umask": "022",
            "chroot_local_user": "YES", "allow_writeable_chroot": "YES",
            "local_root": self.root_dir,
            "secure_chroot_dir": os.path.join(root, "ftp-empty"),
            "pam_service_name": "vsftpd", "pasv_address": "127.0.0.1",
            "xferlog_enable": "NO", "ssl_enable": "NO",
        }
        path = os.path.join(root, "vsftpd.conf")
        with open(path, "w") as f:
            f.writelines("%s=%s\n" % kv for kv in conf.items())
        self.proc = subprocess.Popen(["/usr/sbin/vsftpd", path],
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_port(self.port, self.proc, "vsftpd")

    def close(self):
        stop(self.proc)


class Sshd:
    """internal-sftp; ed25519 client key; files under self.incoming, in
    data_root (default: root)."""

    def __init__(self, root, data_root=None):
        ensure_ftp_user()
        d = os.path.join(root, "ssh")
        os.makedirs(d)
        keygen = ["ssh-keygen", "-q", "-N", "", "-t", "ed25519", "-f"]
        subprocess.run(keygen + [os.path.join(d, "host")], check=True)
        subprocess.run(keygen + [os.path.join(d, "client")], check=True)
        self.key_file = os.path.join(d, "client")
        with open(os.path.join(d, "client.pub")) as f, \
                open(os.path.join(d, "authorized_keys"), "w") as out:
            out.write(f.read())
        self.incoming = owned_dir(os.path.join(data_root or d, "incoming"),
                                  USER)
        self.port = free_port()
        conf = os.path.join(d, "sshd_config")
        with open(conf, "w") as f:
            f.write("Port %d\nListenAddress 127.0.0.1\nHostKey %s\n"
                    "PidFile none\nAuthorizedKeysFile %s\nStrictModes no\n"
                    "UsePAM no\nAllowUsers %s\nSubsystem sftp internal-sftp\n"
                    % (self.port, os.path.join(d, "host"),
                       os.path.join(d, "authorized_keys"), USER))
        os.makedirs("/run/sshd", exist_ok=True)
        self.log = open(os.path.join(d, "sshd.log"), "w")
        self.proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f",
                                      conf], stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=self.log)
        wait_port(self.port, self.proc, "sshd")
        with open(os.path.join(d, "host.pub")) as f:
            kind, blob = f.read().split()[:2]
        self.known_hosts = os.path.join(d, "known_hosts")
        with open(self.known_hosts, "w") as f:
            f.write("[127.0.0.1]:%d %s %s\n" % (self.port, kind, blob))
        # curl's tool reads only $HOME/.ssh/known_hosts.
        self.home = os.path.join(d, "home")
        os.makedirs(os.path.join(self.home, ".ssh"))
        with open(os.path.join(self.home, ".ssh", "known_hosts"), "w") as f, \
                open(self.known_hosts) as src:
            f.write(src.read())

    def close(self):
        stop(self.proc)
        self.log.close()
