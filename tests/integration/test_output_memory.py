"""A job printing 1 GB keeps cronwrap's memory small: output is streamed
to the run log, never held (a memory bound, not a time)."""
import os
import subprocess

import pytest

from conftest import CRONWRAP, SANITIZED

GB = 1 << 30


@pytest.mark.rss
def test_one_gigabyte_of_output_in_constant_memory(project):
    # 1 GiB of lines, from a generator whose own RSS is tiny.
    line = "0123456789" * 9
    project.write_job("big", 'shell = "yes %s | head -c %d";\n'
                      'timeout = "10m";\n' % (line, GB))
    # GNU time reports the peak RSS of cronwrap and of the descendants it
    # reaped (sh, yes, head: a few MB each at most).  Not os.wait4 from
    # here: the forked Python child counts before its exec.
    p = subprocess.run(["/usr/bin/time", "-f", "maxrss=%M", CRONWRAP, "run",
                        "big"], env=project.env(), stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    maxrss_mb = int(p.stderr.split("maxrss=")[1]) / 1024
    assert maxrss_mb < 10, "peak RSS %.1f MB" % maxrss_mb
    (log,) = project.logs("big")
    size = os.path.getsize(log)
    # every byte of output is in the log, plus a timestamp and tag per line
    assert size >= GB
    lines = -(-GB // (len(line) + 1))
    stamp_and_tag = len("2026-11-23T04:30:00.123Z out ")
    last_cut = 1 if GB % (len(line) + 1) else 0  # newline added to it
    assert size == GB + lines * stamp_and_tag + last_cut
