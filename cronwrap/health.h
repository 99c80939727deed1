/*
 * health.h - what "list" and "status" know about a job: whether it runs
 * now, its last result, its consecutive failures, its next tick, and
 * whether it is LATE.
 *
 * LATE means that cron did not start the job at its latest tick: the
 * latest tick T at or before now - grace has no run (of any status: a
 * skipped run proves that cron fired) that started at or after T.  The
 * grace is HEALTH_GRACE seconds (cron starts a job within a second of
 * its minute, but a loaded host, a slow disk or the state database's busy
 * timeout can delay the row), plus wait_timeout for concurrency = "wait",
 * whose runner writes its row only once it holds the lock.  The job's
 * timeout plays no part: a run that started is not late, however long it
 * takes.  A tick older than the job file's last change is not judged (the
 * job did not exist, or had another schedule, then), so a new job, which
 * has never run, is "never run" until its first tick passes, then LATE.
 * A job without a schedule is never LATE.
 */
#ifndef CW_HEALTH_H
#define CW_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "job.h"
#include "schedule.h"
#include "state.h"

#define HEALTH_GRACE 60.0

struct job_health {
	bool running;              /* a run is in progress */
	struct run_record current; /* the newest such run, when running */
	bool has_last;
	struct run_record last; /* the newest run that is not running */
	double latest_start;    /* the newest start of any run, 0 = none */
	int failures;           /* consecutive failures */
	bool has_next;
	time_t next; /* the next tick */
	bool late;
	time_t missed; /* the tick without a run, when late */
};

/* Opens the state database for a command that looks: read-write when it
 * can, so that the crashed runs of job (all when NULL) are marked (and
 * told: crash.h) first (*marked true), else read-only.  What the crash
 * alerts could not tell goes to warnings.  Returns 0, or -1 with err.
 * *st is to be closed with state_close() in both cases. */
int health_open(const struct global *g, const char *job, struct state **st,
    bool *marked, struct strv *warnings, char *err, size_t errlen);

/* Fills h for job at time now.  When crash detection could not mark rows
 * (!marked), a running row whose runner is gone is shown as the crashed
 * run it is.  Returns 0, or -1 with err; free h with health_free() in
 * both cases. */
int health_get(const struct global *g, struct state *st, bool marked,
    const struct job *job, double now, struct job_health *h, char *err,
    size_t errlen);
void health_free(struct job_health *h);

/* The grace after a tick before its run is missed (see above). */
double health_grace(const struct job *job);
/* The LATE rule on its own: whether the latest tick at or before
 * now - grace, not older than since (epoch seconds, 0 = any), has no run
 * that started at or after it (latest_start, 0 = never run).  The tick
 * goes to *missed when late. */
bool health_late(const struct schedule *s, double now, double grace,
    double since, double latest_start, time_t *missed);

/* The problems of a job, as "status" names them. */
bool health_crashed(const struct job_health *h);
bool health_failing(const struct job_health *h);

#endif
