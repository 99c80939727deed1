/*
 * supervise.h - one poll loop over a running job: its output pipes into
 * the sink, its timeout (SIGTERM to the whole process group, SIGKILL after
 * kill_after), cronwrap's own stop signals (passed on to the group), and
 * the end: when the main process exits, whatever it left running in its
 * group (or, found through the child subreaper, outside it) is terminated
 * the same way and logged, so nothing of a finished run lingers.
 */
#ifndef CW_SUPERVISE_H
#define CW_SUPERVISE_H

#include <stdbool.h>

#include "sink.h"
#include "spawn.h"

struct supervise_opts {
	double timeout;    /* seconds, 0 = none */
	double kill_after; /* seconds between SIGTERM and SIGKILL */
};

struct outcome {
	int wait_status; /* of the main process */
	bool timed_out;
	int stop_signal;   /* a signal cronwrap received and passed on */
	bool leftovers;    /* processes outlived the main one (killed) */
	double start, end; /* real time */
};

/* Makes this process the reaper of its orphaned descendants, so that
 * processes that leave the job's group can still be found and stopped. */
void supervise_init(void);

/* Supervises c until the main process is reaped, its group is empty and
 * its output is drained.  Closes c's pipes.  Returns 0, or -1 on an
 * internal error (poll). */
int supervise(const struct child *c, const struct supervise_opts *o,
    struct sink *sink, struct outcome *out);

/* Sends sig to the process group and to any other child of this process
 * (escaped descendants). */
void supervise_kill_all(pid_t pgid, int sig);

#endif
