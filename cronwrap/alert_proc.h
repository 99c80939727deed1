/*
 * alert_proc.h - the short-lived children of alerting (an SMTP session, a
 * sendmail, an on_failure command): each runs in its own process group,
 * its output is collected through a pipe, and it is killed at a deadline,
 * so that a hung mail server or hook never hangs the runner.
 */
#ifndef CW_ALERT_PROC_H
#define CW_ALERT_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Forks a child in a process group of its own, with default signal
 * dispositions and an empty signal mask, stdin from /dev/null and stdout
 * on a pipe (stderr too when with_stderr, else /dev/null).  Returns the
 * child's pid in the parent, with the pipe's read end in *fd (O_CLOEXEC,
 * the caller passes it to alert_proc_wait), 0 in the child, or -1 with
 * errno set. */
pid_t alert_proc_fork(bool with_stderr, int *fd);

/* In a child of alert_proc_fork: makes in_fd (when >= 0) its stdin and
 * executes argv[0] (searched in the PATH of envp when it has no slash)
 * with envp (NULL: the current environment).  Never
 * returns: on failure it says why on stderr and exits 127. */
void alert_proc_exec(char *const argv[], char *const envp[], int in_fd)
    __attribute__((noreturn));

/* Collects what child pid writes to fd (closed here) into out (the last
 * outlen - 1 bytes, NUL-terminated) until it closes the pipe, then reaps
 * it.  At the monotonic deadline its process group is killed (SIGKILL)
 * and reaped.  Returns 0 with the wait status in *status, 1 when the
 * deadline killed it, -1 with errno set when it could not be waited for
 * (another part of the process reaped it). */
int alert_proc_wait(
    pid_t pid, int fd, double deadline, char *out, size_t outlen, int *status);

/* "exited 3", "killed by signal 9 (Killed)": a wait status for people. */
void alert_proc_status_str(int status, char *buf, size_t len);

#endif
