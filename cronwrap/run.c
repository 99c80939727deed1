/*
 * run.c - one run, phase by phase:
 *   prepare (user, window, id) -> lock -> state.begin -> requirements ->
 *   attempts -> state.finish -> alert -> unlock -> exit status.
 * Each phase lives in its own file; this one only strings them together.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert.h"
#include "crash.h"
#include "exitcode.h"
#include "notify.h"
#include "run_int.h"
#include "runlog.h"
#include "schedule.h"
#include "sig.h"
#include "util/duration.h"
#include "util/path.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define SYSLOG_LINES 1000 /* output lines per run sent to syslog */

const char *
run_lock_name(const struct job *job)
{
	return job->lock != NULL ? job->lock : job->name;
}

static int
fail_internal(struct run *r, const char *why)
{
	r->res->status = RS_FAILED;
	r->res->exit_status = EX_SOFTWARE;
	free(r->res->reason);
	r->res->reason = xstrdup(why);
	return -1;
}

static int
prepare_window(struct run *r)
{
	struct schedule *sch;
	time_t start, end;
	char err[256];

	if (r->req->has_window) {
		r->rec.has_window = true;
		r->rec.window_start = r->req->window_start;
		r->rec.window_end = r->req->window_end;
		return 0;
	}
	if (r->job->schedule == NULL)
		return 0;
	if (schedule_parse(r->job->schedule, r->job->schedule_tz, &sch, err,
	        sizeof err) < 0)
		return fail_internal(r, err);
	if (schedule_window(sch, (time_t)r->rec.start, &start, &end) == 0) {
		r->rec.has_window = true;
		r->rec.window_start = start;
		r->rec.window_end = end;
	}
	schedule_free(sch);
	return 0;
}

static char *
params_text(const struct kv *params)
{
	struct strv lines = STRV_INIT;
	char *text;

	if (params == NULL || params->n == 0)
		return NULL;
	for (size_t i = 0; i < params->n; i++)
		strv_push_take(&lines,
		    xasprintf("%s=%s", params->keys[i], params->values[i]));
	text = strv_join(&lines, "\n");
	strv_free(&lines);
	return text;
}

static int
prepare(struct run *r)
{
	char host[256] = "localhost";

	r->rec.start = now_real();
	runid_new(r->rec.start, r->rec.run_id);
	memcpy(r->res->run_id, r->rec.run_id, sizeof r->rec.run_id);
	gethostname(host, sizeof host - 1);
	r->rec.job = xstrdup(r->job->name);
	r->rec.host = xstrdup(host);
	r->rec.pid = getpid();
	r->rec.exit_code = -1;
	r->rec.forced = r->req->force;
	r->rec.scheduled = r->job->schedule != NULL && !r->req->has_window;
	r->rec.params = params_text(r->req->params);
	r->log_fd = -1;
	if (runas_resolve(r->job->user, &r->ru, r->err, sizeof r->err) < 0) {
		fail_internal(r, r->err);
		r->res->exit_status = EX_CONFIG;
		return -1;
	}
	return prepare_window(r);
}

/* The run's log file: log_dir/JOB/RUN_ID.log. */
static int
open_log(struct run *r)
{
	char *dir = xasprintf("%s/%s", r->g->log_dir, r->job->name);

	if (mkdir_p(dir, 0755) < 0) {
		snprintf(r->err, sizeof r->err, "log directory %s: %s", dir,
		    strerror(errno));
		free(dir);
		return fail_internal(r, r->err);
	}
	r->rec.log_path = xasprintf("%s/%s.log", dir, r->rec.run_id);
	free(dir);
	r->log_fd = open(r->rec.log_path,
	    O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0640);
	if (r->log_fd < 0) {
		snprintf(r->err, sizeof r->err, "run log %s: %s",
		    r->rec.log_path, strerror(errno));
		return fail_internal(r, r->err);
	}
	r->res->log_path = xstrdup(r->rec.log_path);
	return 0;
}

/* The run directory: every step's working directory, owned by the
 * run-as user, removed after a success. */
static int
make_run_dir(struct run *r)
{
	char *parent = xasprintf("%s/runs/%s", r->g->state_dir, r->job->name);

	r->run_dir = xasprintf("%s/%s", parent, r->rec.run_id);
	if (mkdir_p(parent, 0755) < 0 || mkdir(r->run_dir, 0700) < 0 ||
	    (r->ru.drop && chown(r->run_dir, r->ru.uid, r->ru.gid) < 0)) {
		snprintf(r->err, sizeof r->err, "run directory %s: %s",
		    r->run_dir, strerror(errno));
		free(parent);
		return fail_internal(r, r->err);
	}
	free(parent);
	return 0;
}

static int
open_state(struct run *r)
{
	if (state_open(r->g->state_dir, false, &r->st) == 0)
		return 0;
	snprintf(r->err, sizeof r->err, "%s", state_error(r->st));
	state_close(r->st);
	r->st = NULL;
	return fail_internal(r, r->err);
}

/* Not run: another run holds the lock.  The skip is history too. */
static void
record_skip(struct run *r)
{
	r->rec.status = RS_SKIPPED;
	r->rec.end = now_real();
	r->rec.reason = xstrdup(r->res->reason);
	if (state_run_insert(r->st, &r->rec) < 0)
		strv_push(&r->res->warnings, state_error(r->st));
	runlog_event(LOG_NOTICE, r->job->name, r->rec.run_id, "skip",
	    "reason=\"%s\"", r->res->reason);
	r->res->status = RS_SKIPPED;
	r->res->exit_status = EX_TEMPFAIL;
}

static void
finish_record(struct run *r)
{
	struct run_result *res = r->res;

	r->rec.status = res->status;
	r->rec.exit_code = res->exit_code;
	r->rec.signal = res->signal;
	r->rec.attempts = res->attempts;
	r->rec.end = now_real();
	r->rec.bytes = r->sink.bytes;
	if (res->reason != NULL && r->rec.reason == NULL)
		r->rec.reason = xstrdup(res->reason);
	res->duration = r->rec.end - r->rec.start;
	if (state_run_update(r->st, &r->rec) < 0)
		strv_push(&res->warnings, state_error(r->st));
}

static void
log_finish(struct run *r)
{
	char dur[32];

	duration_format(r->res->duration, dur, sizeof dur);
	runlog_event(r->res->status == RS_SUCCEEDED ? LOG_INFO : LOG_ERR,
	    r->job->name, r->rec.run_id, "finish",
	    "status=%s exit=%d%s%.0d duration=%s attempts=%u",
	    run_status_name(r->res->status), r->res->exit_status,
	    r->res->signal ? " signal=" : "", r->res->signal, dur,
	    r->res->attempts);
}

/* Tells people: mail and webhook per the alert policy, pings, on_failure.
 * What goes wrong is logged and shown; the job's result stays. */
static void
run_alert(struct run *r)
{
	char err[2048];

	if (alert_after_run(r->g, r->job, r->st, &r->rec, r->res->tail, err,
	        sizeof err) < 0) {
		runlog_event(LOG_ERR, r->job->name, r->rec.run_id, "alert",
		    "error=\"%s\"", err);
		strv_push(&r->res->warnings, err);
	}
	if (notify_finish(
	        r->job, r->st, &r->rec, r->res->tail, err, sizeof err) < 0) {
		runlog_event(LOG_ERR, r->job->name, r->rec.run_id, "notify",
		    "error=\"%s\"", err);
		strv_push(&r->res->warnings, err);
	}
}

static void
run_notify_start(struct run *r)
{
	char err[1024];

	if (notify_start(r->job, r->rec.run_id, err, sizeof err) < 0) {
		runlog_event(LOG_ERR, r->job->name, r->rec.run_id, "notify",
		    "error=\"%s\"", err);
		strv_push(&r->res->warnings, err);
	}
}

/* Phases after the lock is held. */
static void
run_locked(struct run *r)
{
	if (open_log(r) < 0 || make_run_dir(r) < 0)
		return;
	/* The first attempt follows at once unless requirements come first:
	 * the row says so now, saving a write. */
	r->rec.attempts = r->req->force || r->job->nrequires == 0 ? 1 : 0;
	if (state_run_begin(r->st, &r->rec) < 0) {
		snprintf(r->err, sizeof r->err, "%s", state_error(r->st));
		fail_internal(r, r->err);
		return;
	}
	runlog_event(LOG_INFO, r->job->name, r->rec.run_id, "start",
	    "user=%s pid=%ld%s", r->ru.name, (long)getpid(),
	    r->req->force ? " forced=1" : "");
	sink_init(&r->sink, r->log_fd, r->job->name, r->rec.run_id,
	    !runlog_muted(), SYSLOG_LINES,
	    r->job->mail.tail_lines > 20 ? r->job->mail.tail_lines : 20,
	    r->req->live);
	run_notify_start(r);
	if (r->req->force) {
		sink_note(&r->sink, "--force: requirements not evaluated");
		r->rec.reason = xstrdup("forced: requirements not evaluated");
		run_attempts(r);
	} else if (run_requires(r) == 0)
		run_attempts(r);
	r->res->tail = ring_join(&r->sink.tail, 0);
	if (r->sink.log_errno != 0)
		strv_push_take(&r->res->warnings,
		    xasprintf("run log %s is incomplete: %s", r->rec.log_path,
		        strerror(r->sink.log_errno)));
	sink_finish(&r->sink);
	finish_record(r);
	log_finish(r);
	run_alert(r);
	/* A failed run's directory is kept for a look; a run that did its
	 * work, or never started it, leaves nothing. */
	if ((r->res->status == RS_SUCCEEDED || r->res->status == RS_SKIPPED ||
	        r->res->status == RS_PRECONDITION) &&
	    r->run_dir != NULL && rm_rf(r->run_dir) < 0)
		strv_push_take(
		    &r->res->warnings, xasprintf("cannot remove %s: %s",
		                           r->run_dir, strerror(errno)));
}

static void
run_cleanup(struct run *r)
{
	lock_release(r->lock);
	if (r->log_fd >= 0)
		close(r->log_fd);
	state_close(r->st);
	runas_free(&r->ru);
	free(r->run_dir);
	run_record_free(&r->rec);
}

int
run_job(const struct run_request *req, struct run_result *res)
{
	struct run r = {.req = req, .g = req->g, .job = req->job, .res = res};

	memset(res, 0, sizeof *res);
	res->exit_code = -1;
	supervise_init();
	if (sig_setup() < 0)
		fail_internal(&r, strerror(errno));
	else if (prepare(&r) == 0) {
		if (req->dry_run)
			run_dry(&r);
		else if (open_state(&r) == 0) {
			int l;

			/* A previous run whose runner vanished becomes
			 * crashed (and is told) before this one starts. */
			if (crash_detect(
			        r.g, r.st, r.job->name, &res->warnings) < 0)
				strv_push(&res->warnings, state_error(r.st));
			l = run_lock_acquire(&r);

			if (l < 0)
				fail_internal(&r, r.err);
			else if (l > 0)
				record_skip(&r);
			else
				run_locked(&r);
		}
	}
	run_cleanup(&r);
	return res->exit_status;
}

void
run_result_free(struct run_result *res)
{
	free(res->log_path);
	free(res->tail);
	free(res->reason);
	strv_free(&res->report);
	strv_free(&res->warnings);
	memset(res, 0, sizeof *res);
}
