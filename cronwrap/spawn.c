#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sig.h"
#include "spawn.h"

extern char **environ;

/* The stack of a child that shares the runner's memory until its exec:
 * child_main() and exec_search() need a few KiB. */
#define SHARED_CHILD_STACK (256 * 1024)

/* What the child reports through the status pipe when it cannot go on. */
enum stage { ST_SETUP, ST_USER, ST_WORKDIR, ST_EXEC };

struct failure {
	int stage;
	int err;
};

static const char *
env_path(char *const *envp)
{
	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, "PATH=", 5) == 0)
			return *envp + 5;
	return "/usr/bin:/bin";
}

/* execve with argv[0] searched in the job's PATH (not the runner's). */
static void
exec_search(char *const *argv, char *const *envp)
{
	const char *p = env_path(envp), *colon;
	int first_err = ENOENT;
	char path[4096];

	if (strchr(argv[0], '/') != NULL) {
		execve(argv[0], argv, envp);
		return;
	}
	for (; *p != '\0'; p = *colon ? colon + 1 : colon) {
		size_t len;

		colon = strchr(p, ':');
		if (colon == NULL)
			colon = p + strlen(p);
		len = (size_t)(colon - p);
		if (snprintf(path, sizeof path, "%.*s%s%s", (int)len, p,
		        len ? "/" : "", argv[0]) >= (int)sizeof path)
			continue;
		execve(path, argv, envp);
		if (errno != ENOENT && errno != ENOTDIR)
			first_err = errno;
	}
	errno = first_err;
}

static void __attribute__((noreturn)) child_fail(int fd, int stage)
{
	struct failure f = {stage, errno};

	if (write(fd, &f, sizeof f) < 0) {
		/* The parent sees EOF and the exit status. */
	}
	_exit(stage == ST_EXEC && f.err == ENOENT ? 127 : 126);
}

/* dprintf() may allocate, which a child sharing the runner's memory must
 * not: the line is formatted on the stack. */
static void __attribute__((format(printf, 2, 3)))
child_note(int fd, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n > 0 &&
	    write(fd, line,
	        (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0) {
		/* Nowhere else to say it. */
	}
}

static void
child_fds(const struct spawn_req *req, int out, int err, int status)
{
	int null = open("/dev/null", O_RDONLY);

	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(err, 2) < 0)
		child_fail(status, ST_SETUP);
	if (null > 2)
		close(null);
	/* Nothing of the runner leaks into the job: not the lock, not the
	 * state database, not a library's socket. */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (req->keep_fd >= 0)
		fcntl(req->keep_fd, F_SETFD, 0);
}

static void __attribute__((noreturn))
child_main(const struct spawn_req *req, int out, int err, int status)
{
	sig_reset_child();
	if (setsid() < 0)
		child_fail(status, ST_SETUP);
	child_fds(req, out, err, status);
	umask(req->umask);
	if (req->nice != 0 && setpriority(PRIO_PROCESS, 0, req->nice) < 0)
		child_fail(status, ST_SETUP);
	if (req->ru != NULL && runas_become(req->ru) < 0)
		child_fail(status, ST_USER);
	if (req->workdir != NULL && chdir(req->workdir) < 0) {
		int why = errno;

		if (!req->workdir_is_home || chdir("/") < 0) {
			errno = why;
			child_fail(status, ST_WORKDIR);
		}
		child_note(2, "cronwrap: home directory %s: %s; running in /\n",
		    req->workdir, strerror(why));
	}
	if (req->fn != NULL) {
		/* A plugin sees the job's environment, as a command does. */
		environ = req->envp;
		tzset();
		close(status);
		_exit(req->fn(req->fn_arg));
	}
	exec_search(req->argv, req->envp);
	child_fail(status, ST_EXEC);
}

static void
describe(const struct spawn_req *req, const struct failure *f, int *code,
    char *err, size_t errlen)
{
	const char *e = strerror(f->err);

	*code = 70;
	switch (f->stage) {
	case ST_USER:
		snprintf(
		    err, errlen, "cannot become user %s: %s", req->ru->name, e);
		break;
	case ST_WORKDIR:
		snprintf(err, errlen, "workdir %s: %s", req->workdir, e);
		break;
	case ST_EXEC:
		*code = f->err == ENOENT ? 127 : 126;
		snprintf(err, errlen, "cannot execute %s: %s", req->argv[0], e);
		break;
	default:
		snprintf(err, errlen, "cannot set up the job's process: %s", e);
	}
}

/* Waits for the child's exec (the status pipe closes) or its report. */
static int
await_exec(const struct spawn_req *req, int status, pid_t pid, int *code,
    char *err, size_t errlen)
{
	struct failure f;
	ssize_t n;

	do
		n = read(status, &f, sizeof f);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof f)
		return 0;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	describe(req, &f, code, err, errlen);
	return -1;
}

struct child_args {
	const struct spawn_req *req;
	int out, err, status;
};

static int
child_entry(void *p)
{
	const struct child_args *a = p;

	child_main(a->req, a->out, a->err, a->status);
}

/* A command with no user to become starts as posix_spawn() does: the
 * child borrows the runner's memory and the runner waits until it has
 * called execve() (CLONE_VFORK), which spares copying the page tables and
 * the copy-on-write faults that follow a fork, about 0.2 ms a run.  The
 * child then only makes system calls and writes its own stack.  Signals
 * stay blocked until the child has reset their handlers, so that none of
 * the runner's runs on the borrowed memory.  A plugin step (it runs in the
 * child) and a user switch (initgroups() allocates) take a real fork; so
 * does a sanitizer build, whose shadow memory would see the borrowed
 * stack. */
static pid_t
start_child(const struct spawn_req *req, int out, int err, int status)
{
#if defined(__SANITIZE_ADDRESS__)
	const bool shared = false;
#else
	const bool shared =
	    req->fn == NULL && (req->ru == NULL || !req->ru->drop);
#endif
	struct child_args a = {req, out, err, status};
	sigset_t all, old;
	char *stack;
	pid_t pid;
	int saved;

	if (!shared) {
		pid = fork();
		if (pid == 0)
			child_main(req, out, err, status);
		return pid;
	}
	/* fd -1 is what MAP_ANONYMOUS wants, whatever cppcheck says. */
	stack = mmap(NULL, SHARED_CHILD_STACK, PROT_READ | PROT_WRITE,
	    /* cppcheck-suppress invalidFunctionArg */
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = clone(child_entry, stack + SHARED_CHILD_STACK,
	    CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	munmap(stack, SHARED_CHILD_STACK);
	errno = saved;
	return pid;
}

int
spawn_start(const struct spawn_req *req, struct child *c, int *exit_code,
    char *err, size_t errlen)
{
	int out[2], errp[2], status[2] = {-1, -1}, ret = -1;
	pid_t pid;

	*exit_code = 70;
	if (pipe2(out, O_CLOEXEC) < 0)
		goto out_err;
	if (pipe2(errp, O_CLOEXEC) < 0)
		goto out_close_out;
	if (pipe2(status, O_CLOEXEC) < 0)
		goto out_close_err;
	if ((pid = start_child(req, out[1], errp[1], status[1])) < 0)
		goto out_close_status;
	close(out[1]);
	close(errp[1]);
	close(status[1]);
	/* Larger pipes: fewer wake-ups for a job that prints a lot.  Best
	 * effort (pipe-max-size may be lower). */
	(void)fcntl(out[0], F_SETPIPE_SZ, 1 << 20);
	(void)fcntl(errp[0], F_SETPIPE_SZ, 1 << 20);
	if (await_exec(req, status[0], pid, exit_code, err, errlen) < 0) {
		close(status[0]);
		close(out[0]);
		close(errp[0]);
		return -1;
	}
	close(status[0]);
	c->pid = pid;
	c->out_fd = out[0];
	c->err_fd = errp[0];
	return 0;
out_close_status:
	close(status[0]);
	close(status[1]);
out_close_err:
	close(errp[0]);
	close(errp[1]);
out_close_out:
	close(out[0]);
	close(out[1]);
out_err:
	snprintf(err, errlen, "cannot start the job: %s", strerror(errno));
	return ret;
}
