/*
 * health.c - a job's health from the state database and its schedule:
 * running now, last result, consecutive failures, next tick, LATE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crash.h"
#include "health.h"
#include "util/xalloc.h"

int
health_open(const struct global *g, const char *job, struct state **st,
    bool *marked, struct strv *warnings, char *err, size_t errlen)
{
	*marked = false;
	if (state_open(g->state_dir, false, st) == 0) {
		/* Marking needs a write; a reader that cannot write still
		 * sees crashes through health_get(). */
		*marked = crash_detect(g, *st, job, warnings) >= 0;
		return 0;
	}
	state_close(*st);
	if (state_open(g->state_dir, true, st) == 0)
		return 0;
	snprintf(err, errlen, "%s", state_error(*st));
	return -1;
}

double
health_grace(const struct job *job)
{
	double grace = HEALTH_GRACE;

	if (job->concurrency == CONC_WAIT && job->wait_timeout > 0)
		grace += job->wait_timeout;
	return grace;
}

bool
health_late(const struct schedule *s, double now, double grace, double since,
    double latest_start, time_t *missed)
{
	time_t tick = schedule_prev(s, (time_t)(now - grace));

	if (tick == (time_t)-1 || (since > 0 && (double)tick < since))
		return false;
	/* One second of slack: the row's start and the tick come from
	 * different clocks' roundings (cron's minute, our gettime). */
	if (latest_start > 0 && latest_start >= (double)tick - 1)
		return false;
	*missed = tick;
	return true;
}

bool
health_crashed(const struct job_health *h)
{
	return h->has_last && h->last.status == RS_CRASHED;
}

bool
health_failing(const struct job_health *h)
{
	return h->failures > 0;
}

/* A read-only look found a running row whose runner is gone: show it as
 * the newest result, crashed, as crash_detect() would have marked it. */
static void
health_demote(struct job_health *h)
{
	h->running = false;
	if (h->has_last && h->current.start < h->last.start) {
		run_record_free(&h->current);
		return;
	}
	run_record_free(&h->last);
	h->last = h->current;
	memset(&h->current, 0, sizeof h->current);
	h->last.status = RS_CRASHED;
	free(h->last.reason);
	h->last.reason =
	    xasprintf("runner (pid %ld) vanished", (long)h->last.pid);
	h->has_last = true;
	h->failures++;
}

static int
health_runs(struct state *st, const char *name, struct job_health *h)
{
	struct run_record newest;
	int r;

	r = state_run_latest(st, name, 1u << RS_RUNNING, 0, &h->current);
	if (r < 0)
		return -1;
	h->running = r == 1;
	if ((r = state_run_last_ended(st, name, &h->last)) < 0)
		return -1;
	h->has_last = r == 1;
	if ((r = state_run_get(st, name, NULL, &newest)) < 0)
		return -1;
	if (r == 1) {
		h->latest_start = newest.start;
		run_record_free(&newest);
	}
	h->failures = state_consecutive_failures(st, name);
	return h->failures < 0 ? -1 : 0;
}

static int
health_schedule(const struct job *job, double now, struct job_health *h,
    char *err, size_t errlen)
{
	struct schedule *s;
	struct stat sb;
	double since = 0;
	char why[256];

	if (job->schedule == NULL)
		return 0;
	if (schedule_parse(
	        job->schedule, job->schedule_tz, &s, why, sizeof why) < 0) {
		snprintf(err, errlen, "%s: schedule: %s",
		    job->file ? job->file : job->name, why);
		return -1;
	}
	h->next = schedule_next(s, (time_t)now);
	h->has_next = h->next != (time_t)-1;
	if (job->file != NULL && stat(job->file, &sb) == 0)
		since = (double)sb.st_mtim.tv_sec;
	h->late = health_late(
	    s, now, health_grace(job), since, h->latest_start, &h->missed);
	schedule_free(s);
	return 0;
}

int
health_get(const struct global *g, struct state *st, bool marked,
    const struct job *job, double now, struct job_health *h, char *err,
    size_t errlen)
{
	memset(h, 0, sizeof *h);
	if (health_runs(st, job->name, h) < 0) {
		snprintf(err, errlen, "%s", state_error(st));
		return -1;
	}
	if (!marked && h->running && !crash_run_alive(g, &h->current))
		health_demote(h);
	return health_schedule(job, now, h, err, errlen);
}

void
health_free(struct job_health *h)
{
	run_record_free(&h->current);
	run_record_free(&h->last);
}
