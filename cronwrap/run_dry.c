/*
 * run_dry.c - a dry run: resolve everything, say what would happen, change
 * nothing anywhere: the lock is looked at, not taken; no history, no mail,
 * no syslog; commands do not run (a command step with dry_run = true does,
 * with CRONWRAP_DRY_RUN=1); plugins do their own dry run in a scratch
 * directory that is removed afterwards.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "env.h"
#include "exitcode.h"
#include "run_int.h"
#include "util/duration.h"
#include "util/path.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

extern char **environ;

static void say(struct run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(struct run *r, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = xstrdup(fmt);
	va_end(ap);
	strv_push_take(&r->res->report, line);
}

static void
describe_what(struct run *r)
{
	const struct job *job = r->job;
	char t[32], k[32];

	say(r, "job %s%s%s", job->name, job->file ? " from " : "",
	    job->file ? job->file : "");
	say(r, "run as %s (uid %ld) in %s", r->ru.name, (long)r->ru.uid,
	    job->nsteps    ? "the run directory"
	    : job->workdir ? job->workdir
	                   : r->ru.home);
	if (job->command.n) {
		char *c = strv_join(&job->command, " ");

		say(r, "command: %s", c);
		free(c);
	} else if (job->shell)
		say(r, "shell: %s", job->shell);
	for (size_t i = 0; i < job->nsteps; i++)
		say(r, "step %zu: %s%s%s", i + 1, job->steps[i].name,
		    job->steps[i].plugin ? " (plugin)" : "",
		    !job->steps[i].plugin && !job->steps[i].dry_run
		        ? ", not run in a dry run"
		        : "");
	duration_format(job->timeout, t, sizeof t);
	duration_format(job->kill_after, k, sizeof k);
	say(r, "timeout %s, then SIGKILL after %s; %u attempt%s",
	    job->timeout > 0 ? t : "none", k, job->retry.attempts,
	    job->retry.attempts == 1 ? "" : "s");
}

static void
describe_window(struct run *r)
{
	char s[32], e[32];

	if (!r->rec.has_window) {
		say(r, "window: none");
		return;
	}
	iso8601_utc(r->rec.window_start, s, sizeof s);
	iso8601_utc(r->rec.window_end, e, sizeof e);
	say(r, "window: %s/%s", s, e);
}

/* Returns the exit status a real run would have because of the lock. */
static int
describe_lock(struct run *r)
{
	char holder[512];

	if (r->job->concurrency == CONC_ALLOW) {
		say(r, "lock: none (concurrency = allow)");
		return 0;
	}
	run_lock_describe(r, holder, sizeof holder);
	say(r, "lock \"%s\": %s (concurrency = %s)", run_lock_name(r->job),
	    holder, concurrency_name(r->job->concurrency));
	if (strcmp(holder, "free") != 0 && r->job->concurrency == CONC_SKIP) {
		say(r, "would not run: the lock is held (exit 75)");
		return EX_TEMPFAIL;
	}
	return 0;
}

static int
describe_env(struct run *r)
{
	struct run_vars rv = {.job = r->job->name,
	    .run_id = r->rec.run_id,
	    .attempt = 1,
	    .dry_run = true};
	struct diag d = DIAG_INIT;
	struct kv env = KV_INIT;
	int ret = 0;

	if (env_build(r->job, &r->ru, &rv, r->req->caller_env, &env, &d) < 0) {
		for (size_t i = 0; i < d.msgs.n; i++)
			say(r, "environment: %s", d.msgs.v[i]);
		ret = EX_CONFIG;
	} else
		say(r, "environment: %zu variables (see: cronwrap env %s)",
		    env.n, r->job->name);
	kv_free(&env);
	diag_free(&d);
	return ret;
}

/* What the steps said in their dry runs, indented under the report. */
static void
report_output(struct run *r)
{
	char *tail = ring_join(&r->sink.tail, 0), *line, *save = NULL;

	for (line = strtok_r(tail, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		say(r, "  | %s", line);
	free(tail);
}

/* Plugins' own dry runs, in a scratch run directory. */
static int
dry_steps(struct run *r)
{
	char tmpl[] = "/tmp/cronwrap-dry-XXXXXX";
	bool retryable;
	enum run_status st;

	if (mkdtemp(tmpl) == NULL ||
	    (r->ru.drop && chown(tmpl, r->ru.uid, r->ru.gid) < 0)) {
		say(r, "cannot make a scratch directory: %s", strerror(errno));
		return EX_SOFTWARE;
	}
	r->run_dir = xstrdup(tmpl);
	sink_init(
	    &r->sink, -1, r->job->name, r->rec.run_id, false, 0, 200, false);
	st = run_steps(r, 1, &retryable);
	sink_flush(&r->sink);
	report_output(r);
	sink_finish(&r->sink);
	rm_rf(r->run_dir);
	if (st == RS_SUCCEEDED) {
		say(r, "steps: the dry run found nothing wrong");
		return 0;
	}
	say(r, "steps: %s", r->res->reason ? r->res->reason : "failed");
	return exit_status_for(st, r->res->exit_code, r->res->signal);
}

int
run_dry(struct run *r)
{
	int status, rq;

	describe_what(r);
	describe_window(r);
	status = describe_lock(r);
	if (r->req->force) {
		if (r->job->nrequires > 0)
			say(r, "requirements: not evaluated (--force)");
	} else if ((rq = run_requires_dry(r, &r->res->report)) != 0 &&
	           status == 0)
		status = rq;
	if (describe_env(r) != 0 && status == 0)
		status = EX_CONFIG;
	if (status == 0 && r->job->nsteps > 0)
		status = dry_steps(r);
	if (status == 0)
		say(r, "dry run: nothing wrong found; nothing was changed");
	r->res->status = status == 0 ? RS_SUCCEEDED : RS_FAILED;
	r->res->exit_status = status;
	return status;
}
