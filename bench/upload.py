#!/usr/bin/python3
"""Upload of a 200 MiB file to 127.0.0.1 by the upload plugin and by the
usual clients, side by side: FTP to vsftpd (curl -T, lftp) and SFTP to
OpenSSH's internal-sftp (curl -T, OpenSSH's sftp -b, lftp).

The plugin runs with its defaults: a temporary name, a size check, then a
rename (the clients upload to the final name directly).  The job's first
step hard-links the prepared file into the run directory (no copy).

usage: upload.py BUILD WORK OUT.json [quick]"""
import json
import os
import shutil
import sys

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


def judge(ftp_cs, sftp_cs, small_rss, fin, sin):
    targets, profiles = [], []
    for key, cs, d in (("FTP", ftp_cs, fin), ("SFTP", sftp_cs, sin)):
        curl, cw = cs[0], cs[1]
        r = harness.ratio(cw, curl)[0]
        growth = max(cw.rss_kb) - small_rss[key.lower()][2]
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


def main():
    root = os.path.join(WORK, "upsrv")
    os.makedirs(root)
    os.chmod(root, 0o755)
    src = make_file(os.path.join(WORK, "data-200m.bin"), SIZE)
    small = make_file(os.path.join(WORK, "data-20m.bin"), SMALL)
    ftp = ssh = None
    try:
        ftp = servers.Vsftpd(root)
        ssh = servers.Sshd(root)
        conf = project(ftp, ssh, src, small)
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
        ftp_cs = [
            Contender("curl -T (FTP)", [curl, "-sS", "-u", user_pw, "-T",
                                        src, ftp_url + "curl.bin"],
                      prep=clear(fin), check=landed(fin, "curl.bin", SIZE),
                      rss=True, sync=True),
            Contender("cronwrap upload (FTP)", [CW, "-c", conf, "run",
                                                "up-ftp"],
                      prep=clear(fin), check=landed(fin, "data.bin", SIZE),
                      rss=True, sync=True),
            Contender("lftp put (FTP)", [
                lftp, "-c", "set net:max-retries 1; open -u %s,%s %s; "
                "put %s -o incoming/lftp.bin" % (
                    servers.USER, servers.PASSWORD,
                    "ftp://127.0.0.1:%d" % ftp.port, src)],
                prep=clear(fin), check=landed(fin, "lftp.bin", SIZE),
                rss=True, sync=True),
            # Not a contender: what the default temporary name, size check
            # and rename cost (STOR to the final name, as curl does).
            Contender("cronwrap upload (FTP), atomic = false, "
                      "verify_size = false",
                      [CW, "-c", conf, "run", "up-ftp-direct"],
                      prep=clear(fin), check=landed(fin, "data.bin", SIZE),
                      rss=True, sync=True),
        ]
        sftp_cs = [
            Contender("curl -T (SFTP)", [curl, "-sS", "-u", servers.USER + ":",
                                         "--key", ssh.key_file, "-T", src,
                                         sftp_url + "curl.bin"],
                      env=curl_env, prep=clear(sin),
                      check=landed(sin, "curl.bin", SIZE), rss=True, sync=True),
            Contender("cronwrap upload (SFTP)", [CW, "-c", conf, "run",
                                                 "up-sftp"],
                      prep=clear(sin), check=landed(sin, "data.bin", SIZE),
                      rss=True, sync=True),
            Contender("sftp -b (OpenSSH)", [
                shutil.which("sftp"), "-q", "-b", batch, "-i", ssh.key_file,
                "-o", "UserKnownHostsFile=" + ssh.known_hosts,
                "-o", "BatchMode=yes", "-P", str(ssh.port),
                "%s@127.0.0.1" % servers.USER],
                prep=clear(sin), check=landed(sin, "sftp.bin", SIZE),
                rss=True, sync=True),
            Contender("lftp put (SFTP)", [
                lftp, "-c", "set net:max-retries 1; "
                "set sftp:connect-program '%s'; open -u %s, "
                "sftp://127.0.0.1:%d; put %s -o %s/lftp.bin"
                % (ssh_cmd, servers.USER, ssh.port, src, sin)],
                prep=clear(sin), check=landed(sin, "lftp.bin", SIZE),
                rss=True, sync=True),
        ]
        # FTP runs are short and noisy: more rounds.
        rounds = {"ftp": 2 if QUICK else 15, "sftp": 2 if QUICK else 7}
        out = {"bytes": SIZE}
        for key, cs in (("ftp", ftp_cs), ("sftp", sftp_cs)):
            say("upload %s: %d MiB, %d rounds, interleaved"
                % (key, SIZE >> 20, rounds[key]))
            harness.interleave(cs, rounds[key], 1, WORK, warmup=1,
                               progress=say)
            res = []
            for c in cs:
                med, lo, hi = harness.summary(c)
                res.append({"name": c.name, "argv": c.argv, "median_s": med,
                            "min_s": lo, "max_s": hi, "runs": len(c.times),
                            "mb_per_s": SIZE / med / 1e6,
                            "round_medians": harness.round_medians(c),
                            "rss_kb": harness.rss_summary(c)})
            out[key] = res
        # Constant memory: the same job on a file 10 times smaller.
        small_rss = {}
        for key, d in (("ftp", fin), ("sftp", sin)):
            c = Contender("small " + key, [CW, "-c", conf, "run",
                                           "up-%s-small" % key],
                          prep=clear(d), check=landed(d, "data.bin", SMALL),
                          rss=True, sync=True)
            for _ in range(3):
                harness.run_once(c, WORK)
            small_rss[key] = harness.rss_summary(c)
            clear(d)()
        out["small_bytes"] = SMALL
        out["small_rss_kb"] = small_rss
        out["targets"], out["profile"] = judge(ftp_cs, sftp_cs, small_rss,
                                               fin, sin)
    finally:
        for s in (ftp, ssh):
            if s is not None:
                s.close()
    os.unlink(src)
    os.unlink(small)
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
