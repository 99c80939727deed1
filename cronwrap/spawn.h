/*
 * spawn.h - starting a job's process: a new session (so a new process
 * group, whose id is the child's pid), stdin /dev/null, stdout and stderr
 * to pipes, the workdir, umask and nice, the run-as user, then execve of
 * the argv or, for a plugin step, a function called in the child.
 */
#ifndef CW_SPAWN_H
#define CW_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runas.h"

struct spawn_req {
	char *const *argv; /* execve'd (argv[0] searched in envp's PATH) */
	char **envp;       /* also environ of a fn child */
	/* Instead of argv: called in the child after the set-up; its return
	 * value is the child's exit status. */
	int (*fn)(void *arg);
	void *fn_arg;
	const char *workdir; /* NULL = stay */
	/* The workdir is only the user's home, not asked for: when it cannot
	 * be entered, run in / and say so (as cron does). */
	bool workdir_is_home;
	const struct runas *ru;
	int nice;
	mode_t umask;
	int keep_fd; /* a descriptor the child keeps (-1 = none) */
};

struct child {
	pid_t pid; /* also the process group id */
	int out_fd, err_fd;
};

/* Starts the child.  Returns 0 once the child runs its program (or fn), or
 * -1 with the reason in err when the set-up or the exec failed, in which
 * case *exit_code is what a shell would say (127 not found, 126 cannot
 * execute, 70 other set-up problems) and no child remains. */
int spawn_start(const struct spawn_req *req, struct child *c, int *exit_code,
    char *err, size_t errlen);

#endif
