/*
 * run_requires.c - the requirements phase of a run: evaluate the job's
 * requires every unmet_poll (precond.h) until all hold, or apply the
 * unmet policy: skip (exit 75, quiet, a syslog line), fail (exit 69 at
 * once) or wait until unmet_timeout (then exit 69).  The run holds its
 * lock meanwhile.  Each verdict is logged once per change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "exitcode.h"
#include "precond.h"
#include "run_int.h"
#include "runlog.h"
#include "sig.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static void
requires_env(struct run *r, struct strv *envp)
{
	struct run_vars rv = {
	    .job = r->job->name,
	    .run_id = r->rec.run_id,
	    .attempt = 1,
	    .has_window = r->rec.has_window,
	    .window_start = r->rec.window_start,
	    .window_end = r->rec.window_end,
	    .params = r->req->params,
	    .run_dir = r->run_dir,
	    .dry_run = r->req->dry_run,
	};
	struct diag d = DIAG_INIT;
	struct kv env = KV_INIT;

	env_build(r->job, &r->ru, &rv, r->req->caller_env, &env, &d);
	env_to_strv(&env, envp);
	kv_free(&env);
	diag_free(&d);
}

static void
run_requires_ctx(
    struct run *r, struct state *st, struct strv *envp, struct precond_ctx *ctx)
{
	requires_env(r, envp);
	*ctx = (struct precond_ctx){
	    .g = r->g,
	    .job = r->job,
	    .st = st,
	    .has_window = r->rec.has_window,
	    .window_start = r->rec.window_start,
	    .window_end = r->rec.window_end,
	    .run_start = r->rec.start,
	    .envp = envp->v,
	    .ru = &r->ru,
	};
}

static void
log_changes(struct run *r, const struct precond_eval *prev,
    const struct precond_eval *cur)
{
	for (size_t i = 0; i < cur->n; i++) {
		const struct precond_result *c = &cur->res[i];

		if (prev->n == cur->n &&
		    !precond_result_changed(&prev->res[i], c))
			continue;
		sink_note(&r->sink, "requirement %zu: %s: %s", i + 1,
		    precond_verdict_name(c->verdict), c->reason);
	}
}

static void
requires_outcome(struct run *r, const struct precond_eval *e)
{
	char *why = precond_summary(e);

	free(r->res->reason);
	r->res->reason = xasprintf("requirements unmet: %s", why);
	free(why);
	r->res->exit_code = -1;
	if (sig_stop != 0) {
		r->res->status = RS_KILLED;
		r->res->signal = sig_stop;
	} else if (r->job->unmet == UNMET_SKIP)
		r->res->status = RS_SKIPPED;
	else
		r->res->status = RS_PRECONDITION;
	r->res->exit_status = exit_status_for(r->res->status, -1, sig_stop);
	runlog_event(r->res->status == RS_SKIPPED ? LOG_NOTICE : LOG_ERR,
	    r->job->name, r->rec.run_id,
	    r->res->status == RS_SKIPPED ? "skip" : "precondition",
	    "reason=\"%s\"", r->res->reason);
}

/* 0: all met, go on; 1: not met, the result says what happened. */
int
run_requires(struct run *r)
{
	struct precond_eval prev = PRECOND_EVAL_INIT, cur = PRECOND_EVAL_INIT;
	struct strv envp = STRV_INIT;
	struct precond_ctx ctx;
	double deadline = now_mono() + r->job->unmet_timeout;
	int ret;

	if (r->job->nrequires == 0)
		return 0;
	run_requires_ctx(r, r->st, &envp, &ctx);
	for (;;) {
		precond_evaluate(&ctx, &cur);
		if (precond_changed(&prev, &cur))
			log_changes(r, &prev, &cur);
		if (precond_met(&cur) || r->job->unmet != UNMET_WAIT ||
		    now_mono() >= deadline || sig_stop != 0)
			break;
		sleep_until(now_mono() + r->job->unmet_poll < deadline
		                ? now_mono() + r->job->unmet_poll
		                : deadline,
		    &sig_stop);
		precond_eval_free(&prev);
		prev = cur;
		cur = (struct precond_eval)PRECOND_EVAL_INIT;
	}
	ret = precond_met(&cur) ? 0 : 1;
	if (ret)
		requires_outcome(r, &cur);
	precond_eval_free(&prev);
	precond_eval_free(&cur);
	strv_free(&envp);
	return ret;
}

/* The dry run: every requirement once, each verdict with its reason. */
int
run_requires_dry(struct run *r, struct strv *report)
{
	struct precond_eval e = PRECOND_EVAL_INIT;
	struct strv envp = STRV_INIT;
	struct precond_ctx ctx;
	struct state *st = NULL;
	int status = 0;

	if (r->job->nrequires == 0)
		return 0;
	if (state_open(r->g->state_dir, true, &st) < 0) {
		state_close(st);
		st = NULL;
	}
	run_requires_ctx(r, st, &envp, &ctx);
	precond_evaluate(&ctx, &e);
	for (size_t i = 0; i < e.n; i++)
		strv_push_take(
		    report, xasprintf("requirement %zu: %s: %s", i + 1,
		                precond_verdict_name(e.res[i].verdict),
		                e.res[i].reason));
	if (!precond_met(&e))
		status =
		    r->job->unmet == UNMET_SKIP ? EX_TEMPFAIL : EX_UNAVAILABLE;
	precond_eval_free(&e);
	strv_free(&envp);
	state_close(st);
	return status;
}
