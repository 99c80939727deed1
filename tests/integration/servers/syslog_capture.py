#!/usr/bin/python3
"""Runs a command with a datagram socket bound at /dev/log and prints, as
JSON, the command's exit status and every syslog datagram received.

Meant to run inside a private mount namespace whose /dev is a tmpfs (see
fixtures_syslog.py): glibc's syslog(3) always writes to /dev/log, and
these machines have no syslog daemon."""
import json
import os
import socket
import subprocess
import sys

sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
if os.path.exists("/dev/log"):
    os.unlink("/dev/log")
sock.bind("/dev/log")
os.chmod("/dev/log", 0o666)
sock.settimeout(0.2)

proc = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
messages = []


def drain():
    while True:
        try:
            messages.append(sock.recv(65536).decode("utf-8", "replace"))
        except socket.timeout:
            return


while proc.poll() is None:
    drain()
out, err = proc.communicate()
drain()
json.dump({"status": proc.returncode, "stdout": out.decode(errors="replace"),
           "stderr": err.decode(errors="replace"), "syslog": messages},
          sys.stdout)
