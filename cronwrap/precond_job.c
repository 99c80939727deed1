/*
 * precond_job.c - a requirement on another cronwrap job, read from its
 * run history in the state database: a success for this run's window, its
 * latest run, or a success within a duration.
 */
#include <stdio.h>
#include <string.h>

#include "crash.h"
#include "precond_int.h"
#include "util/duration.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

/* Every run that says something about the data (not a skipped start). */
#define MASK_FINISHED                                                          \
	(1u << RS_SUCCEEDED | 1u << RS_FAILED | 1u << RS_TIMEOUT |             \
	    1u << RS_KILLED | 1u << RS_PRECONDITION | 1u << RS_CRASHED)
#define MASK_ACTIVE (MASK_FINISHED | 1u << RS_RUNNING)

/* "2026-11-23T04:30:00Z" */
static const char *
ts(double t, char *buf, size_t len)
{
	iso8601_utc((time_t)t, buf, len);
	return buf;
}

/* How a run went, for "latest run ...": "failed (exit 1), ended T",
 * "started T, still running". */
static void
run_text(
    const struct precond_ctx *ctx, const struct run_record *r, struct strbuf *b)
{
	char t[32];

	switch (r->status) {
	case RS_RUNNING:
		if (ctx->g == NULL || crash_run_alive(ctx->g, r))
			strbuf_printf(b, "started %s, still running",
			    ts(r->start, t, sizeof t));
		else
			strbuf_printf(b,
			    "started %s, crashed (its runner is "
			    "gone)",
			    ts(r->start, t, sizeof t));
		return;
	case RS_SUCCEEDED:
		strbuf_adds(b, "succeeded");
		break;
	case RS_FAILED:
		strbuf_adds(b, "failed");
		break;
	case RS_TIMEOUT:
		strbuf_adds(b, "timed out");
		break;
	case RS_KILLED:
		strbuf_adds(b, "was killed");
		break;
	case RS_PRECONDITION:
		strbuf_adds(b, "did not run (requirements unmet)");
		break;
	default:
		strbuf_adds(b, run_status_name(r->status));
	}
	if (r->exit_code > 0)
		strbuf_printf(b, " (exit %d)", r->exit_code);
	else if (r->signal > 0)
		strbuf_printf(b, " (signal %d)", r->signal);
	if (r->end > 0)
		strbuf_printf(b, ", ended %s", ts(r->end, t, sizeof t));
}

/* Sets res from b, or to the database's error when failed. */
static void
job_verdict(const struct precond_ctx *ctx, const struct requirement *req,
    struct precond_result *res, enum precond_verdict v, struct strbuf *b,
    bool failed)
{
	if (failed)
		precond_set(res, PRECOND_ERROR, "job %s: %s", req->job,
		    state_error(ctx->st));
	else
		precond_set(res, v, "%s", strbuf_str(b));
	strbuf_free(b);
}

/* "; latest run failed (exit 1), ended T" when the newest run of the job
 * is not the one described (after). Returns -1 on a database error. */
static int
add_newer(const struct precond_ctx *ctx, const char *job,
    const struct run_record *after, struct strbuf *b)
{
	struct run_record r;
	int found;

	found = state_run_latest(
	    ctx->st, job, MASK_ACTIVE, after != NULL ? after->start : 0, &r);
	if (found == 1 &&
	    (after == NULL || strcmp(r.run_id, after->run_id) != 0)) {
		strbuf_adds(b, "; latest run ");
		run_text(ctx, &r, b);
	}
	run_record_free(&r);
	return found < 0 ? -1 : 0;
}

/* succeeded = "last" (note: why, when it stands in for "window"). */
static void
job_last(const struct precond_ctx *ctx, const struct requirement *req,
    const char *note, struct precond_result *res)
{
	struct strbuf b = STRBUF_INIT;
	struct run_record r;
	int found = state_run_latest(ctx->st, req->job, MASK_ACTIVE, 0, &r);
	enum precond_verdict v = PRECOND_UNMET;

	strbuf_printf(&b, "job %s: ", req->job);
	if (found == 0)
		strbuf_adds(&b, "no run recorded");
	else if (found == 1) {
		strbuf_adds(&b, "latest run ");
		run_text(ctx, &r, &b);
		if (r.status == RS_SUCCEEDED)
			v = PRECOND_MET;
	}
	if (note != NULL)
		strbuf_printf(&b, " (%s)", note);
	run_record_free(&r);
	job_verdict(ctx, req, res, v, &b, found < 0);
}

/* Why the latest success (NULL: none) does not do for this window. */
static void
window_miss(const struct run_record *last, time_t end, struct strbuf *b)
{
	char t[32], s[32], e[32], w[32];

	ts((double)end, w, sizeof w);
	if (last == NULL) {
		strbuf_printf(b, "no successful run covers %s", w);
		return;
	}
	ts(last->end, t, sizeof t);
	if (!last->has_window) {
		strbuf_printf(b,
		    "last success ended %s without a window, so it covers no "
		    "window (for such a job, use succeeded = \"last\" or "
		    "within)",
		    t);
		return;
	}
	strbuf_printf(b,
	    "last success ended %s, its window %s/%s does not "
	    "cover %s",
	    t, ts((double)last->window_start, s, sizeof s),
	    ts((double)last->window_end, e, sizeof e), w);
}

/* The success that covers this run's window. */
static void
window_hit(const struct run_record *r, struct strbuf *b)
{
	char s[32], e[32], t[32];

	strbuf_printf(b, "run %s succeeded for window %s/%s, ended %s",
	    r->run_id, ts((double)r->window_start, s, sizeof s),
	    ts((double)r->window_end, e, sizeof e), ts(r->end, t, sizeof t));
}

/* succeeded = "window": a success whose window covers this run's end. */
static void
job_window(const struct precond_ctx *ctx, const struct requirement *req,
    struct precond_result *res)
{
	struct strbuf b = STRBUF_INIT;
	struct run_record r, last;
	int found, failed = 0;

	strbuf_printf(&b, "job %s: ", req->job);
	found = state_run_covering(ctx->st, req->job, ctx->window_end, &r);
	if (found == 1) {
		window_hit(&r, &b);
		run_record_free(&r);
		job_verdict(ctx, req, res, PRECOND_MET, &b, false);
		return;
	}
	if (found == 0) {
		found = state_run_latest(
		    ctx->st, req->job, 1u << RS_SUCCEEDED, 0, &last);
		if (found >= 0) {
			window_miss(
			    found == 1 ? &last : NULL, ctx->window_end, &b);
			failed = add_newer(
			    ctx, req->job, found == 1 ? &last : NULL, &b);
		}
		run_record_free(&last);
	}
	job_verdict(ctx, req, res, PRECOND_UNMET, &b, found < 0 || failed < 0);
}

/* within = D: a success that ended less than D ago. */
static void
job_within(const struct precond_ctx *ctx, const struct requirement *req,
    struct precond_result *res)
{
	struct strbuf b = STRBUF_INIT;
	struct run_record r;
	enum precond_verdict v = PRECOND_UNMET;
	char d[32], t[32];
	int found, failed = 0;

	duration_format(req->within, d, sizeof d);
	strbuf_printf(&b, "job %s: ", req->job);
	found = state_run_latest(ctx->st, req->job, 1u << RS_SUCCEEDED, 0, &r);
	if (found == 0)
		strbuf_adds(&b, "no successful run recorded");
	else if (found == 1 && r.end >= now_real() - req->within) {
		strbuf_printf(&b, "succeeded, ended %s (within %s)",
		    ts(r.end, t, sizeof t), d);
		v = PRECOND_MET;
	} else if (found == 1)
		strbuf_printf(&b, "last success ended %s, more than %s ago",
		    ts(r.end, t, sizeof t), d);
	if (found >= 0 && v != PRECOND_MET)
		failed = add_newer(ctx, req->job, found == 1 ? &r : NULL, &b);
	run_record_free(&r);
	job_verdict(ctx, req, res, v, &b, found < 0 || failed < 0);
}

void
precond_job(const struct precond_ctx *ctx, const struct requirement *req,
    struct precond_result *res)
{
	if (ctx->st == NULL) {
		precond_set(res, PRECOND_ERROR,
		    "job %s: no state database to read its runs from",
		    req->job);
		return;
	}
	if (req->within > 0)
		job_within(ctx, req, res);
	else if (req->succeeded == SUCC_LAST)
		job_last(ctx, req, NULL, res);
	else if (!ctx->has_window)
		job_last(ctx, req,
		    "this run has no window: its latest run "
		    "counts",
		    res);
	else
		job_window(ctx, req, res);
}
