#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sig.h"
#include <time.h>

extern char **environ;
#include "spawn.h"

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
		dprintf(2, "cronwrap: home directory %s: %s; running in /\n",
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
	if ((pid = fork()) < 0)
		goto out_close_status;
	if (pid == 0)
		child_main(req, out[1], errp[1], status[1]);
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
