"""A crash found later takes the same path as a failure now: a runner
killed with its job (SIGKILL, as an OOM kill or a reboot would) leaves a
"running" row; the next cronwrap that looks marks it crashed and mails it,
with the end of the run's log as the tail."""
import os
import signal
import socket
import time

from fixtures_smtp import mail_settings

HOST = socket.gethostname()


def shell_job(project, name, shell, extra=""):
    project.write_job(name, 'shell = "%s";\n%s'
                      % (shell.replace('"', '\\"'), extra))


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
    out, todo = [], list(kids.get(pid, []))
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def _wait_for_output(project, job, text):
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for log in project.logs(job):
            with open(log, errors="replace") as f:
                if text in f.read():
                    return
        time.sleep(0.05)
    raise AssertionError("the job never printed %r" % text)


def _gone(pids):
    """Waits until every pid is reaped: a zombie still makes its process
    group exist, and a live group keeps a run alive (crash.h)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and \
            any(os.path.exists("/proc/%d" % p) for p in pids):
        time.sleep(0.05)


def test_a_crash_found_later_is_mailed(project, smtp):
    project.write_global(mail_settings(smtp.plain))
    shell_job(project, "victim", "echo started; sleep 60")
    runner = project.popen("run", "victim")
    _wait_for_output(project, "victim", "started")
    # The runner and its job vanish at once (an OOM kill, a reboot).
    groups = set()
    pids = _descendants(runner.pid)
    for pid in pids:
        try:
            groups.add(os.getpgid(pid))
        except ProcessLookupError:
            pass
    runner.send_signal(signal.SIGKILL)
    runner.wait(10)
    for g in groups - {os.getpgid(0)}:
        try:
            os.killpg(g, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _gone(pids)
    p = project.run("status", "victim")
    assert "crashed" in p.stdout, p.stdout + p.stderr
    [m] = smtp.plain.wait(1)
    assert m.subject == ("[cronwrap] CRASHED victim on %s: runner (pid %d) "
                         "vanished" % (HOST, runner.pid))
    assert m.msg["X-Cronwrap-Event"] == "crash"
    assert "started" in m.body  # the end of the run's log
    # Looking again tells nobody twice.
    project.run("status", "victim")
    time.sleep(0.5)
    assert len(smtp.plain.messages()) == 1
