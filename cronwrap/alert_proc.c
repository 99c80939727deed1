/*
 * alert_proc.c - children with a deadline for mail and hooks.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alert_proc.h"
#include "util/timeutil.h"

/* A child must not inherit the runner's handlers or blocked signals: a
 * blocked SIGTERM would make it unkillable by anything but SIGKILL, and
 * an ignored SIGPIPE changes how sendmail or a hook behave. */
static void
child_signals(void)
{
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

static void
child_fds(int out, bool with_stderr)
{
	int null = open("/dev/null", O_RDWR);

	if (null < 0)
		_exit(127);
	if (dup2(null, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
	    dup2(with_stderr ? out : null, STDERR_FILENO) < 0)
		_exit(127);
	if (null > STDERR_FILENO)
		close(null);
	if (out > STDERR_FILENO)
		close(out);
}

pid_t
alert_proc_fork(bool with_stderr, int *fd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		(void)setpgid(0, 0);
		child_signals();
		child_fds(p[1], with_stderr);
		return 0;
	}
	/* Also from the parent, so that a kill at the deadline finds the
	 * group even when the child has not run yet. */
	(void)setpgid(pid, pid);
	close(p[1]);
	*fd = p[0];
	return pid;
}

void
alert_proc_exec(char *const argv[], char *const envp[], int in_fd)
{
	if (in_fd >= 0 && dup2(in_fd, STDIN_FILENO) < 0)
		_exit(127);
	/* A fork of our own: its environment may be replaced, and execvp
	 * then searches the new PATH. */
	if (envp != NULL)
		environ = (char **)(uintptr_t)envp;
	execvp(argv[0], argv);
	dprintf(
	    STDERR_FILENO, "cannot execute %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Keeps the last cap bytes seen: the end of an error output says why. */
static void
keep_tail(char *out, size_t cap, size_t *used, const char *buf, size_t n)
{
	if (n >= cap) {
		memcpy(out, buf + n - cap, cap);
		*used = cap;
	} else {
		if (*used + n > cap) {
			size_t drop = *used + n - cap;

			memmove(out, out + drop, *used - drop);
			*used -= drop;
		}
		memcpy(out + *used, buf, n);
		*used += n;
	}
	out[*used] = '\0';
}

/* Reads what is available; returns 1 at end of file, 0 otherwise. */
static int
drain(int fd, char *out, size_t outlen, size_t *used)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);

	if (n < 0)
		return errno == EINTR ? 0 : 1;
	if (n == 0)
		return 1;
	if (outlen > 1)
		keep_tail(out, outlen - 1, used, buf, (size_t)n);
	return 0;
}

/* Waits for end of file on fd until the deadline.  Returns 0 at end of
 * file, 1 at the deadline. */
static int
collect(int fd, double deadline, char *out, size_t outlen)
{
	size_t used = 0;

	if (outlen > 0)
		out[0] = '\0';
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		double left = deadline - now_mono();
		int n;

		if (left <= 0)
			return 1;
		n = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (n < 0 && errno != EINTR)
			return 1;
		if (n > 0 && drain(fd, out, outlen, &used))
			return 0;
	}
}

/* The child closed its output; it is exiting, but wait no longer than
 * the deadline for it to do so. */
static int
reap(pid_t pid, double deadline, int *status)
{
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_mono() >= deadline)
			return 1;
		sleep_until(now_mono() + 0.01, NULL);
	}
}

int
alert_proc_wait(
    pid_t pid, int fd, double deadline, char *out, size_t outlen, int *status)
{
	int ret = collect(fd, deadline, out, outlen);

	close(fd);
	if (ret == 0)
		ret = reap(pid, deadline, status);
	if (ret == 1) {
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
		while (waitpid(pid, status, 0) < 0 && errno == EINTR)
			;
	}
	return ret;
}

void
alert_proc_status_str(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "wait status %#x", (unsigned)status);
}
