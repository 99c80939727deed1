/*
 * run_attempt.c - attempts and retries, and one supervised command.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "env.h"
#include "exitcode.h"
#include "run_int.h"
#include "runlog.h"
#include "sig.h"
#include "spawn.h"
#include "util/duration.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

extern char **environ;

static void
build_env(
    struct run *r, unsigned attempt, const char *artifacts, struct strv *envp)
{
	struct run_vars rv = {
	    .job = r->job->name,
	    .run_id = r->rec.run_id,
	    .attempt = attempt,
	    .has_window = r->rec.has_window,
	    .window_start = r->rec.window_start,
	    .window_end = r->rec.window_end,
	    .params = r->req->params,
	    .run_dir = r->run_dir,
	    .dry_run = r->req->dry_run,
	    .artifacts = artifacts,
	};
	struct diag d = DIAG_INIT;
	struct kv env = KV_INIT;

	if (env_build(r->job, &r->ru, &rv, r->req->caller_env, &env, &d) < 0)
		for (size_t i = 0; i < d.msgs.n; i++)
			sink_note(&r->sink, "environment: %s", d.msgs.v[i]);
	env_to_strv(&env, envp);
	kv_free(&env);
	diag_free(&d);
}

int
run_command(struct run *r, const struct run_cmd *cmd, unsigned attempt,
    struct outcome *out, int *code)
{
	struct strv envp = STRV_INIT;
	struct spawn_req sr = {
	    .argv = cmd->argv,
	    .fn = cmd->fn,
	    .fn_arg = cmd->fn_arg,
	    .workdir = cmd->workdir,
	    .workdir_is_home = cmd->workdir_is_home,
	    .ru = &r->ru,
	    .nice = r->job->nice,
	    .umask = r->job->umask,
	    .keep_fd = cmd->keep_fd,
	};
	struct supervise_opts so = {cmd->timeout, r->job->kill_after};
	struct lock_holder me = {.pid = getpid(), .start = r->rec.start};
	struct child c;
	char err[1024];
	int ret;

	build_env(r, attempt, cmd->artifacts, &envp);
	sr.envp = envp.v;
	ret = spawn_start(&sr, &c, code, err, sizeof err);
	strv_free(&envp);
	if (ret < 0) {
		sink_note(&r->sink, "%s", err);
		memset(out, 0, sizeof *out);
		return -1;
	}
	/* From now on the lock names the job's group, so that it keeps
	 * others out even if this runner is killed. */
	me.pgid = c.pid;
	memcpy(me.run_id, r->rec.run_id, sizeof me.run_id);
	if (r->lock != NULL)
		lock_record(r->lock, &me);
	r->rec.pgid = c.pid;
	ret = supervise(&c, &so, &r->sink, out);
	if (ret < 0)
		sink_note(&r->sink, "supervision failed: %s", strerror(errno));
	return ret;
}

void
run_outcome_stop(struct run *r, const struct outcome *o)
{
	if (o->stop_signal == 0 || r->res->reason != NULL)
		return;
	r->res->reason = xasprintf(
	    "stopped: cronwrap received %s", strsignal(o->stop_signal));
}

/* The delay before attempt n+1 (n >= 1): delay * backoff^(n-1), capped,
 * and with jitter drawn from [delay/2, delay]. */
static double
retry_delay(const struct retry *rt, unsigned n)
{
	double d = rt->delay * pow(rt->backoff, (double)(n - 1));
	unsigned int rnd;

	if (rt->max_delay > 0 && d > rt->max_delay)
		d = rt->max_delay;
	if (rt->jitter &&
	    getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) == (ssize_t)sizeof rnd)
		d = d / 2 + d / 2 * ((double)rnd / (double)UINT_MAX);
	return d;
}

/* A plain command job: argv, or the shell text through /bin/sh -c. */
static enum run_status
command_attempt(struct run *r, unsigned attempt, bool *retryable)
{
	const struct job *job = r->job;
	static char sh_path[] = "/bin/sh", sh_c[] = "-c";
	char *sh[] = {sh_path, sh_c, job->shell, NULL};
	const char *wd = job->workdir != NULL ? job->workdir : r->ru.home;
	struct run_cmd cmd = {
	    .argv = job->shell ? sh : job->command.v,
	    .keep_fd = -1,
	    .workdir = wd,
	    .workdir_is_home = job->workdir == NULL,
	    .timeout = job->timeout,
	};
	struct outcome o;
	int code = 0;
	enum run_status st;

	*retryable = true;
	if (run_command(r, &cmd, attempt, &o, &code) < 0) {
		/* Not found, not executable, no such user: another attempt
		 * would meet the same. */
		*retryable = false;
		r->res->exit_code = code;
		r->res->signal = 0;
		return RS_FAILED;
	}
	st = exit_run_status(&o);
	r->res->exit_code = exit_code_of(&o);
	r->res->signal = exit_signal_of(&o);
	if (o.stop_signal != 0)
		*retryable = false;
	run_outcome_stop(r, &o);
	return st;
}

static void
note_end(struct run *r, unsigned attempt, enum run_status st)
{
	if (st == RS_SUCCEEDED || r->job->retry.attempts <= 1)
		return;
	if (r->res->signal)
		sink_note(&r->sink, "attempt %u of %u: %s (signal %d, %s)",
		    attempt, r->job->retry.attempts, run_status_name(st),
		    r->res->signal, strsignal(r->res->signal));
	else
		sink_note(&r->sink, "attempt %u of %u: %s (exit %d)", attempt,
		    r->job->retry.attempts, run_status_name(st),
		    r->res->exit_code);
}

static bool
wait_before_retry(struct run *r, unsigned attempt)
{
	double d = retry_delay(&r->job->retry, attempt);
	char dur[32];

	duration_format(d, dur, sizeof dur);
	sink_note(&r->sink, "retrying in %s", dur);
	runlog_event(LOG_NOTICE, r->job->name, r->rec.run_id, "retry",
	    "attempt=%u delay=%s", attempt + 1, dur);
	sleep_until(now_mono() + d, &sig_stop);
	return sig_stop == 0;
}

void
run_attempts(struct run *r)
{
	unsigned max = r->job->retry.attempts ? r->job->retry.attempts : 1;
	unsigned saved = r->rec.attempts; /* what the running row says */
	enum run_status st = RS_FAILED;
	bool retryable = false;

	for (unsigned a = 1; a <= max; a++) {
		if (a > 1 && !wait_before_retry(r, a - 1)) {
			/* Stopped between attempts: the signal ends the run. */
			st = RS_KILLED;
			r->res->signal = sig_stop;
			r->res->exit_code = -1;
			break;
		}
		r->res->attempts = a;
		r->rec.attempts = a;
		if (a != saved) {
			/* history shows which attempt a running run is in */
			if (state_run_update(r->st, &r->rec) < 0)
				strv_push(
				    &r->res->warnings, state_error(r->st));
			saved = a;
		}
		if (max > 1)
			runlog_event(LOG_INFO, r->job->name, r->rec.run_id,
			    "attempt", "attempt=%u of=%u", a, max);
		st = r->job->nsteps > 0 ? run_steps(r, a, &retryable)
		                        : command_attempt(r, a, &retryable);
		note_end(r, a, st);
		if (st == RS_SUCCEEDED || st == RS_SKIPPED || !retryable ||
		    sig_stop != 0)
			break;
	}
	r->res->status = st;
	r->res->exit_status =
	    exit_status_for(st, r->res->exit_code, r->res->signal);
}
