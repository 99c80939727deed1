#!/usr/bin/python3
"""Upload of a 200 MiB file to 127.0.0.1 by the upload plugin and by the
usual clients, side by side: FTP to vsftpd (curl -T, lftp) and SFTP to
OpenSSH's internal-sftp (curl -T, OpenSSH's sftp -b, lftp).

The plugin runs with its defaults: a temporary name, a size check, then a
rename (the clients upload to the final name directly).  The job's first
step hard-links the prepared file into the run directory (no copy).  The
servers write to a tmpfs.

usage: upload.py BUILD WORK OUT.json [quick]"""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import profile  # noqa: E402
import servers  # noqa: E402
from harness import Contender, Failure  # noqa: E402

BUILD, WORK, OUT = sys.argv[1:4]
QUICK = sys.argv[4:] == ["quick"]
CW = os.path.join(BUILD, "cronwrap")
SIZE = (20 << 20) if QUICK else (200 << 20)
SMALL = 20 << 20
MAX_SLOWER = 1.05            # within 5 % of curl
MAX_GROWTH_KB = 1024         # "constant memory": 10 x the file, < 1 MiB more


def say(msg):
    print(msg, file=sys.stderr, flush=True)


def make_file(path, size):
    with open(path, "wb") as f:      # incompressible
        for _ in range(size >> 20):
            f.write(os.urandom(1 << 20))
    return path


def clear(d):
    def prep():
        for name in os.listdir(d):
            os.unlink(os.path.join(d, name))
    return prep


def landed(d, name, size):
    def check(c):
        p = os.path.join(d, name)
        if not os.path.exists(p) or os.path.getsize(p) != size:
            raise Failure("%s: %s not uploaded whole (%s)" % (
                c.name, p, os.listdir(d)))
    return check


def project(ftp, ssh, src, small):
    root = os.path.join(WORK, "upload")
    jobs = os.path.join(root, "jobs.d")
    os.makedirs(jobs)
    conf = os.path.join(root, "cronwrap.conf")
    with open(conf, "w") as f:
        f.write('jobs_dir = "jobs.d"; state_dir = "state"; log_dir = "log";\n'
                'lock_dir = "lock"; plugin_dir = "%s/jobs";\n' % BUILD)
    pw = os.path.join(jobs, "ftp.password")
    with open(pw, "w") as f:
        f.write(servers.PASSWORD + "\n")
    os.chmod(pw, 0o600)
    targets = {
        "ftp": 'url = "ftp://127.0.0.1:%d/incoming/"; user = "%s"; '
               'password_file = "ftp.password";' % (ftp.port, servers.USER),
        "sftp": 'url = "sftp://127.0.0.1:%d%s/"; user = "%s"; '
                'key_file = "%s"; known_hosts = "%s";'
                % (ssh.port, ssh.incoming, servers.USER, ssh.key_file,
                   ssh.known_hosts),
    }
    for proto, target in targets.items():
        for suffix, path, extra in (
                ("", src, ""), ("-small", small, ""),
                ("-direct", src, " atomic = false; verify_size = false;")):
            with open(os.path.join(jobs, "up-%s%s.conf" % (proto, suffix)),
                      "w") as f:
                f.write('steps = (\n  { command = ["ln", "%s", "data.bin"]; '
                        'artifacts = ["data.bin"]; },\n'
                        '  { plugin = "upload"; %s%s }\n);\n'
                        % (path, target, extra))
    return conf


def judge(ftp_cs, sftp_cs, fin, sin):
    """Within 5 % of curl (200 MiB, round by round); constant memory (peak
    RSS at 200 MiB against 20 MiB); a profile of each miss."""
    targets, profiles = [], []
    for key, cs, d in (("FTP", ftp_cs, fin), ("SFTP", sftp_cs, sin)):
        by = {c.name: c for c in cs}
        curl = by["curl -T (%s)" % key]
        cw = by["cronwrap upload (%s)" % key]
        small = by["cronwrap upload (%s), %d MiB" % (key, SMALL >> 20)]
        r = harness.ratio(cw, curl)[0]
        growth = max(cw.rss_kb) - max(small.rss_kb)
        targets.append({"what": "upload %s within 5 %% of curl" % key,
                        "value": "%.3fx curl's time" % r,
                        "met": r <= MAX_SLOWER})
        targets.append({"what": "upload %s constant memory (%d MiB vs "
                        "%d MiB file)" % (key, SIZE >> 20, SMALL >> 20),
                        "value": "%+d kB" % growth,
                        "met": growth <= MAX_GROWTH_KB})
        if (r > MAX_SLOWER or growth > MAX_GROWTH_KB) and \
                profile.available():
            say("upload: profiling %s" % cw.name)
            data = os.path.join(WORK, "upload.perf")
            clear(d)()
            profile.record(cw.argv, data, freq=999)
            clear(d)()
            text = ("#### %s\n\nperf record -F 999 -g of one run (cronwrap "
                    "and its steps; not the server):\n\n" % cw.name) + \
                profile.breakdown(data, "cronwrap", 1)
            os.unlink(data)
            text += "\nstrace -f -c of one run:\n\n" + \
                profile.strace_counts(cw.argv, os.path.join(WORK, "st.txt"))
            clear(d)()
            profiles.append(text)
    return targets, "\n".join(profiles) or None


def contenders(ftp, ssh, conf, src, small, root):
    """(FTP contenders, SFTP contenders): curl first, then the plugin, the
    other clients, and two rows that are not contenders: the plugin and
    curl on the small file (fixed costs, memory against size)."""
    fin, sin = ftp.incoming, ssh.incoming
    curl = shutil.which("curl")
    lftp = shutil.which("lftp")
    ssh_cmd = ("ssh -a -x -i %s -o UserKnownHostsFile=%s -o BatchMode=yes"
               % (ssh.key_file, ssh.known_hosts))
    batch = os.path.join(root, "sftp.batch")
    with open(batch, "w") as f:
        f.write("put %s %s/sftp.bin\n" % (src, sin))
    user_pw = "%s:%s" % (servers.USER, servers.PASSWORD)
    ftp_url = "ftp://127.0.0.1:%d/incoming/" % ftp.port
    sftp_url = "sftp://127.0.0.1:%d%s/" % (ssh.port, sin)
    curl_env = dict(os.environ, HOME=ssh.home)
    mib = "%d MiB" % (SMALL >> 20)

    def c(name, argv, d, remote, size, env=None):
        return Contender(name, argv, env=env, prep=clear(d),
                         check=landed(d, remote, size), rss=True, sync=True)

    def curl_ftp(path):
        return [curl, "-sS", "-u", user_pw, "-T", path, ftp_url + "curl.bin"]

    def curl_sftp(path):
        return [curl, "-sS", "-u", servers.USER + ":", "--key",
                ssh.key_file, "-T", path, sftp_url + "curl.bin"]

    ftp_cs = [
        c("curl -T (FTP)", curl_ftp(src), fin, "curl.bin", SIZE),
        c("cronwrap upload (FTP)", [CW, "-c", conf, "run", "up-ftp"], fin,
          "data.bin", SIZE),
        c("lftp put (FTP)", [
            lftp, "-c", "set net:max-retries 1; open -u %s,%s %s; "
            "put %s -o incoming/lftp.bin" % (
                servers.USER, servers.PASSWORD,
                "ftp://127.0.0.1:%d" % ftp.port, src)],
          fin, "lftp.bin", SIZE),
        # Not contenders: what the temporary name, size check and rename
        # cost; the fixed costs and memory on a small file.
        c("cronwrap upload (FTP), atomic = false, verify_size = false",
          [CW, "-c", conf, "run", "up-ftp-direct"], fin, "data.bin", SIZE),
        c("curl -T (FTP), " + mib, curl_ftp(small), fin, "curl.bin", SMALL),
        c("cronwrap upload (FTP), " + mib,
          [CW, "-c", conf, "run", "up-ftp-small"], fin, "data.bin", SMALL),
    ]
    sftp_cs = [
        c("curl -T (SFTP)", curl_sftp(src), sin, "curl.bin", SIZE, curl_env),
        c("cronwrap upload (SFTP)", [CW, "-c", conf, "run", "up-sftp"], sin,
          "data.bin", SIZE),
        c("sftp -b (OpenSSH)", [
            shutil.which("sftp"), "-q", "-b", batch, "-i", ssh.key_file,
            "-o", "UserKnownHostsFile=" + ssh.known_hosts,
            "-o", "BatchMode=yes", "-P", str(ssh.port),
            "%s@127.0.0.1" % servers.USER], sin, "sftp.bin", SIZE),
        c("lftp put (SFTP)", [
            lftp, "-c", "set net:max-retries 1; "
            "set sftp:connect-program '%s'; open -u %s, "
            "sftp://127.0.0.1:%d; put %s -o %s/lftp.bin"
            % (ssh_cmd, servers.USER, ssh.port, src, sin)],
          sin, "lftp.bin", SIZE),
        c("curl -T (SFTP), " + mib, curl_sftp(small), sin, "curl.bin", SMALL,
          curl_env),
        c("cronwrap upload (SFTP), " + mib,
          [CW, "-c", conf, "run", "up-sftp-small"], sin, "data.bin", SMALL),
    ]
    return ftp_cs, sftp_cs


def main():
    root = os.path.join(WORK, "upsrv")
    os.makedirs(root)
    os.chmod(root, 0o755)
    # What the servers receive lands on a tmpfs: on the file system of
    # cronwrap's run directory, the journal commit of the server's 200 MiB
    # delayed cronwrap's next metadata change (the rmdir of its run
    # directory) by 10-50 ms, an artefact of client and server sharing
    # one disk (see ANALYSIS.md).
    shm = tempfile.mkdtemp(prefix="cwbench.", dir="/dev/shm")
    os.chmod(shm, 0o755)
    src = make_file(os.path.join(WORK, "data-200m.bin"), SIZE)
    small = make_file(os.path.join(WORK, "data-20m.bin"), SMALL)
    ftp = ssh = None
    try:
        ftp = servers.Vsftpd(root, shm)
        ssh = servers.Sshd(root, shm)
        conf = project(ftp, ssh, src, small)
        ftp_cs, sftp_cs = contenders(ftp, ssh, conf, src, small, root)
        # FTP runs are short and noisy: more rounds.
        rounds = {"ftp": 2 if QUICK else 15, "sftp": 2 if QUICK else 7}
        out = {"bytes": SIZE, "small_bytes": SMALL}
        for key, cs in (("ftp", ftp_cs), ("sftp", sftp_cs)):
            say("upload %s: %d MiB, %d rounds, interleaved"
                % (key, SIZE >> 20, rounds[key]))
            harness.interleave(cs, rounds[key], 1, WORK, warmup=1,
                               progress=say)
            res = []
            for c in cs:
                med, lo, hi = harness.summary(c)
                size = SMALL if c.name.endswith(" MiB") else SIZE
                res.append({"name": c.name, "argv": c.argv, "median_s": med,
                            "min_s": lo, "max_s": hi, "runs": len(c.times),
                            "bytes": size, "mb_per_s": size / med / 1e6,
                            "round_medians": harness.round_medians(c),
                            "rss_kb": harness.rss_summary(c)})
            out[key] = res
        out["targets"], out["profile"] = judge(ftp_cs, sftp_cs, ftp.incoming,
                                               ssh.incoming)
    finally:
        for s in (ftp, ssh):
            if s is not None:
                s.close()
        shutil.rmtree(shm, ignore_errors=True)
    os.unlink(src)
    os.unlink(small)
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
