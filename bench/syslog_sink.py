#!/usr/bin/python3
"""A syslog daemon's socket for the benchmark: binds a datagram socket at
PATH (/dev/log in a private mount namespace, see run.sh), receives until
SIGTERM, then prints as JSON the count of datagrams per ident and a few
samples.  It does no more work than reading, so that the cost measured is
cronwrap's sending, not a daemon's parsing."""
import json
import os
import signal
import socket
import sys

path = sys.argv[1]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
if os.path.exists(path):
    os.unlink(path)
sock.bind(path)
os.chmod(path, 0o666)
# A large buffer: a burst must not block the sender while we are not
# scheduled on a busy 2-core machine.
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
counts, samples = {}, {}
stop = False


def on_term(*_):
    global stop
    stop = True


# recv() is retried after a signal (PEP 475): a timeout lets the loop see
# the flag; once it is set, what is queued is drained, then we stop.
signal.signal(signal.SIGTERM, on_term)
sock.settimeout(0.25)
parent = os.getppid()
print("READY", flush=True)
while True:
    try:
        msg = sock.recv(65536).decode("utf-8", "replace")
    except socket.timeout:
        if stop or os.getppid() != parent:    # told to, or orphaned
            break
        continue
    # "<13>Nov 23 16:19:35 ident[pid]: message"
    head = msg.split(": ", 1)[0]
    ident = head.split(" ")[-1].split("[")[0]
    counts[ident] = counts.get(ident, 0) + 1
    samples.setdefault(ident, [])
    if len(samples[ident]) < 3:
        samples[ident].append(msg)
json.dump({"counts": counts, "samples": samples}, sys.stdout)
