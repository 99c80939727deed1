/*
 * crash.c - is the runner of a running row still there?  See crash.h for
 * the rule; this file reads /proc and the lock to apply it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "config.h"
#include "crash.h"
#include "notify.h"
#include "lock.h"
#include "runlog.h"
#include "util/path.h"
#include "util/xalloc.h"

/* /proc/stat's btime and /proc/PID/stat's starttime are whole seconds and
 * clock ticks: allow this much between the runner's start and its row's. */
#define CRASH_CLOCK_SLACK 2.0

/* Seconds since the epoch at boot, or -1. */
static double
boot_time(void)
{
	char *text = read_file("/proc/stat", 1 << 22, NULL), *p;
	double bt = -1;

	if (text == NULL)
		return -1;
	p = strstr(text, "\nbtime ");
	if (p != NULL)
		bt = strtod(p + 7, NULL);
	free(text);
	return bt;
}

/* Reads the state letter and start time (epoch seconds) of pid from
 * /proc/PID/stat.  Returns 1, 0 when there is no such process, -1 when
 * it cannot be told. */
static int
proc_start(pid_t pid, char *state, double *start)
{
	char path[64], *text, *p;
	unsigned long long ticks;
	double bt;
	int ret = -1;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((text = read_file(path, 4096, NULL)) == NULL)
		return errno == ENOENT || errno == ESRCH ? 0 : -1;
	/* The command name, in parentheses, may hold spaces and ')'. */
	if ((p = strrchr(text, ')')) != NULL &&
	    sscanf(p + 1,
	        " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
	        "%*s %*s %*s %*s %*s %*s %*s %llu",
	        state, &ticks) == 2 &&
	    (bt = boot_time()) > 0) {
		*start = bt + (double)ticks / (double)sysconf(_SC_CLK_TCK);
		ret = 1;
	}
	free(text);
	return ret;
}

bool
crash_pid_is_runner(pid_t pid, double start)
{
	double began;
	char state;
	int r;

	if (pid <= 0)
		return false;
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	r = proc_start(pid, &state, &began);
	if (r < 0)
		return true; /* cannot tell: do not declare a crash */
	if (r == 0 || state == 'Z' || state == 'X')
		return false;
	return began <= start + CRASH_CLOCK_SLACK;
}

/* The lock the job takes: its "lock" setting, else its name. */
static char *
lock_name(const struct global *g, const char *job)
{
	struct diag d = DIAG_INIT;
	struct job j;
	char *name;

	if (config_load_job(g, job, &j, &d) < 0) {
		/* A job file gone or broken since: the default name. */
		diag_free(&d);
		return xstrdup(job);
	}
	name = xstrdup(j.lock != NULL ? j.lock : j.name);
	job_free(&j);
	diag_free(&d);
	return name;
}

/* Whether the run's lock is still held for this run id. */
static bool
lock_held_by(const struct global *g, const struct run_record *r)
{
	struct lock_holder h;
	char err[256], *name;
	int held;

	if (r->job == NULL || !config_valid_name(r->job))
		return false;
	name = lock_name(g, r->job);
	held = lock_inspect(g->lock_dir, name, &h, err, sizeof err);
	free(name);
	if (held < 0)
		return true; /* cannot tell: do not declare a crash */
	return held == 1 && strcmp(h.run_id, r->run_id) == 0;
}

bool
crash_run_alive(const struct global *g, const struct run_record *r)
{
	char host[256] = "";

	if (r->status != RS_RUNNING)
		return false;
	if (gethostname(host, sizeof host - 1) == 0 && r->host != NULL &&
	    *r->host != '\0' && strcmp(r->host, host) != 0)
		return true;
	if (crash_pid_is_runner(r->pid, r->start))
		return true;
	return lock_held_by(g, r);
}

/* What the state_mark_crashed() callback needs and finds. */
struct crash_ctx {
	const struct global *g;
	struct strv dead; /* run ids judged dead */
};

static bool
alive_cb(const struct run_record *r, void *arg)
{
	struct crash_ctx *c = arg;
	bool alive = crash_run_alive(c->g, r);

	if (!alive)
		strv_push(&c->dead, r->run_id);
	return alive;
}

/* The job's resolved settings for the alert; a job whose file is gone
 * (or a run of "exec") gets the global mail settings. */
static void
crash_job(const struct global *g, const char *name, struct job *job)
{
	struct diag d = DIAG_INIT;

	if (!config_valid_name(name) || config_load_job(g, name, job, &d) < 0) {
		memset(job, 0, sizeof *job);
		job->name = xstrdup(name);
		mail_conf_copy(&job->mail, &g->mail);
	}
	diag_free(&d);
}

/* Logs and tells the crash of r. */
static void
crash_tell(const struct global *g, struct state *st, const struct run_record *r,
    struct strv *warnings)
{
	struct job job;
	char err[1024];

	runlog_event(LOG_ERR, r->job, r->run_id, "crash", "reason=\"%s\"",
	    r->reason != NULL ? r->reason : "runner vanished");
	crash_job(g, r->job, &job);
	if (alert_after_run(g, &job, st, r, NULL, err, sizeof err) < 0 &&
	    warnings != NULL)
		strv_push_take(warnings, xasprintf("job %s run %s crashed: %s",
		                             r->job, r->run_id, err));
	/* The failure ping and on_failure hear of a crash as of a failure. */
	if (notify_finish(&job, st, r, NULL, err, sizeof err) < 0 &&
	    warnings != NULL)
		strv_push_take(warnings, xasprintf("job %s run %s crashed: %s",
		                             r->job, r->run_id, err));
	job_free(&job);
}

int
crash_detect(const struct global *g, struct state *st, const char *job,
    struct strv *warnings)
{
	struct crash_ctx c = {g, STRV_INIT};
	int n = state_mark_crashed(st, job, alive_cb, &c);

	/* Re-read: a row that finished meanwhile was left as it was. */
	for (size_t i = 0; n > 0 && i < c.dead.n; i++) {
		struct run_record r;

		if (state_run_get(st, NULL, c.dead.v[i], &r) == 1 &&
		    r.status == RS_CRASHED && r.job != NULL)
			crash_tell(g, st, &r, warnings);
		run_record_free(&r);
	}
	strv_free(&c.dead);
	return n;
}
