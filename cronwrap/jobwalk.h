/*
 * jobwalk.h - the loop shared by "list" and "status": load the global
 * file, then each job (one, or all of jobs_dir in name order) with its
 * health, and hand each to a function that makes its row.  A job whose
 * file does not load has its diagnostics printed on stderr and is handed
 * over with job and health NULL, so that it still shows.  A name that has
 * runs in the history but no job file (a "cronwrap exec --name" job, or a
 * removed job file) can be shown too, from its history, without a
 * schedule.
 */
#ifndef CW_JOBWALK_H
#define CW_JOBWALK_H

#include <stdbool.h>

#include "cli.h"
#include "health.h"

struct jobwalk_item {
	const struct global *g;
	const char *name;
	const struct job *job;      /* NULL: the file did not load */
	const struct job_health *h; /* NULL with job */
	bool exec;                  /* no job file: known from its runs */
	double now;
};

/* Opens the state database (health_open()) with syslog open for the crash
 * events, printing what went wrong and what crash alerts could not tell.
 * Returns 0 or EX_SOFTWARE; *st is to be closed in both cases. */
int jobwalk_open(
    const struct global *g, const char *job, struct state **st, bool *marked);

/* Calls fn for the job named one (all jobs when NULL; with history_only,
 * the names known only from the history too: a removed job file's runs
 * cannot be told from an exec job's, so "status" of all jobs leaves them
 * out rather than alarm on a job that is gone).  Returns 0, 1 when fn
 * returned non-zero for some job, EX_CONFIG when a file did not load (the
 * global file: nothing was walked), EX_SOFTWARE when the state database
 * could not be read. */
int jobwalk(const struct cli *cli, const char *one, bool history_only,
    int (*fn)(const struct jobwalk_item *it, void *arg), void *arg);

#endif
