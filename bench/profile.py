"""Where a cronwrap run spends its time: perf record on the cronwrap
processes (cpu-clock samples, kernel call chains), summed per shared
object for user time and per system call for kernel time, with the top
symbols; strace -c -f for the system call counts.

Used by the benchmarks when cronwrap misses a target, so that RESULTS.md
says why with figures, not guesses."""
import collections
import os
import shutil
import subprocess

PERF = shutil.which("perf")
STRACE = shutil.which("strace")


def available():
    return PERF is not None


def record(argv, data, env=None, freq=4999):
    """perf record (kernel call chains) of argv; returns its exit status."""
    cmd = [PERF, "record", "-q", "-F", str(freq), "-g", "-o", data, "--"]
    return subprocess.run(cmd + list(argv), env=env,
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode


def _samples(data):
    """(comm, period ns, [(sym, dso)] leaf first) of every sample."""
    out = subprocess.run([PERF, "script", "-i", data, "-F",
                          "comm,period,ip,sym,dso"], capture_output=True,
                         text=True, errors="replace").stdout
    comm = period = None
    stack = []
    for line in out.splitlines() + [""]:
        if not line.strip():
            if comm is not None:
                yield comm, period, stack
            comm, stack = None, []
        elif not line.startswith((" ", "\t")):
            head = line.split()
            comm, period = head[0], int(head[-1])
        else:
            parts = line.strip().split(None, 1)
            rest = parts[1] if len(parts) > 1 else ""
            if rest.endswith(")") and " (" in rest:
                sym, dso = rest[:-1].rsplit(" (", 1)
            else:
                sym, dso = rest, "?"
            stack.append((sym, os.path.basename(dso)))


def _kernel_bucket(stack):
    """The system call (or fault) a kernel sample is in."""
    for sym, _ in stack:
        for pre in ("__x64_sys_", "__do_sys_", "__se_sys_", "ksys_"):
            if sym.startswith(pre):
                return "syscall " + sym[len(pre):]
        if sym in ("asm_exc_page_fault", "exc_page_fault"):
            return "page faults"
    outer = [s for s, _ in stack if s and not s.startswith("0x")]
    if any(s.startswith("ret_from_fork") for s in outer):
        return "process start (fork return)"
    return "kernel, other (%s)" % (outer[-1] if outer else "?")


def breakdown(data, comm, runs):
    """Markdown: where comm's samples go, in % and in ms per run."""
    by_bucket = collections.Counter()
    by_sym = collections.Counter()
    total = 0
    for c, period, stack in _samples(data):
        if c != comm or not stack:
            continue
        total += period
        sym, dso = stack[0]
        kernel = dso.startswith("[kernel")
        if kernel:
            by_bucket["kernel: " + _kernel_bucket(stack)] += period
        else:
            by_bucket["user: " + dso] += period
        by_sym["%s %s (%s)" % ("[k]" if kernel else "[.]", sym, dso)] += period
    if not total:
        return "(no samples of %s)\n" % comm
    ms = 1e6 * runs

    def table(counter, title, n):
        rows = ["| %s | %% of %s CPU | ms per run |" % (title, comm),
                "|---|---:|---:|"]
        for k, v in counter.most_common(n):
            rows.append("| %s | %.1f | %.3f |" % (k.replace("|", "/"),
                                                  100.0 * v / total, v / ms))
        return "\n".join(rows) + "\n"

    return ("%s CPU time: %.3f ms per run (%d runs sampled).\n\n"
            % (comm, total / ms, runs)
            + table(by_bucket, "where (user: library; kernel: system call)",
                    14)
            + "\n" + table(by_sym, "top symbols", 14))


def strace_counts(argv, out, env=None, top=15):
    """strace -c -f summary (calls, errors), the busiest system calls."""
    if STRACE is None:
        return "(strace is not installed)\n"
    subprocess.run([STRACE, "-f", "-c", "-S", "calls", "-o", out, "--"]
                   + list(argv), env=env, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        lines = f.read().splitlines()
    body = [ln for ln in lines if ln and not ln.startswith(("-", "%"))]
    rows = ["| system call | calls | errors |", "|---|---:|---:|"]
    for ln in body[:top]:
        p = ln.split()
        if p[-1] == "total":
            continue
        errors = p[4] if len(p) == 6 else ""
        rows.append("| %s | %s | %s |" % (p[-1], p[3], errors))
    total = [ln for ln in body if ln.split()[-1] == "total"]
    if total:
        rows.append("| **total** | %s | |" % total[0].split()[3])
    return "\n".join(rows) + "\n"
