/*
 * run_steps.c - a pipeline of steps in the run directory.  Each step is a
 * supervised child (a command, or a plugin called in a forked child); the
 * files a step declares as artifacts are the next step's input.  The first
 * failing step stops the pipeline and is named in the history.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcode.h"
#include "plugin_host.h"
#include "run_int.h"
#include "runlog.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct step_ctx {
	struct run *r;
	const struct step *st;
	unsigned attempt;
	double timeout;
	const struct strv *in; /* the previous step's artifacts */
	struct strv out;       /* this step's */
	bool retryable;
};

/* Declared artifacts must exist in the run directory once the step is
 * done: a missing one fails the step rather than the next. */
static int
check_artifacts(struct step_ctx *sc)
{
	/* A dry run writes nothing: the names say what would be handed on. */
	if (sc->r->req->dry_run)
		return 0;
	for (size_t i = 0; i < sc->out.n; i++) {
		char *path = xasprintf("%s/%s", sc->r->run_dir, sc->out.v[i]);
		struct stat stbuf;
		int ok = stat(path, &stbuf) == 0 && S_ISREG(stbuf.st_mode);

		free(path);
		if (!ok) {
			sink_note(&sc->r->sink,
			    "step %u (%s): artifact \"%s\" "
			    "was not produced",
			    sc->st->index, sc->st->name, sc->out.v[i]);
			return -1;
		}
	}
	return 0;
}

static enum run_status
outcome_status(struct step_ctx *sc, const struct outcome *o)
{
	sc->r->res->exit_code = exit_code_of(o);
	sc->r->res->signal = exit_signal_of(o);
	if (o->stop_signal != 0)
		sc->retryable = false;
	run_outcome_stop(sc->r, o);
	return exit_run_status(o);
}

/* What a command step hands on: the artifacts it declares, else those it
 * was given (a step that checks or reports on a file passes it along). */
static void
command_artifacts(struct step_ctx *sc)
{
	strv_copy(
	    &sc->out, sc->st->artifacts.n > 0 ? &sc->st->artifacts : sc->in);
}

static enum run_status
command_step(struct step_ctx *sc, char *artifacts)
{
	static char sh_path[] = "/bin/sh", sh_c[] = "-c";
	char *sh[] = {sh_path, sh_c, sc->st->shell, NULL};
	struct run_cmd cmd = {
	    .argv = sc->st->shell ? sh : sc->st->command.v,
	    .keep_fd = -1,
	    .workdir = sc->r->run_dir,
	    .timeout = sc->timeout,
	    .artifacts = artifacts,
	};
	struct outcome o;
	int code;
	enum run_status st;

	if (run_command(sc->r, &cmd, sc->attempt, &o, &code) < 0) {
		sc->retryable = false; /* it would not start next time either */
		sc->r->res->exit_code = code;
		return RS_FAILED;
	}
	st = outcome_status(sc, &o);
	if (st == RS_SUCCEEDED) {
		command_artifacts(sc);
		if (check_artifacts(sc) < 0)
			st = RS_FAILED;
	}
	return st;
}

static enum run_status
plugin_verdict_status(
    struct step_ctx *sc, enum run_status st, enum plugin_verdict v)
{
	if (st != RS_SUCCEEDED && st != RS_FAILED)
		return st; /* timeout, killed: the process's end says it */
	switch (v) {
	case PV_OK:
		return st == RS_SUCCEEDED && check_artifacts(sc) == 0
		           ? RS_SUCCEEDED
		           : RS_FAILED;
	case PV_SKIP:
		return RS_SKIPPED;
	case PV_TEMPFAIL:
		return RS_FAILED;
	case PV_FAIL:
		sc->retryable = false;
		return RS_FAILED;
	default:
		return RS_FAILED; /* crashed before saying anything */
	}
}

static enum run_status
plugin_step(struct step_ctx *sc)
{
	struct run *r = sc->r;
	struct plugin_run pr = {
	    .g = r->g,
	    .job = r->job,
	    .step = sc->st,
	    .run_id = r->rec.run_id,
	    .attempt = sc->attempt,
	    .dry_run = r->req->dry_run,
	    .run_dir = r->run_dir,
	    .has_window = r->rec.has_window,
	    .window_start = r->rec.window_start,
	    .window_end = r->rec.window_end,
	    .start = r->rec.start,
	    .params = r->req->params,
	    .artifacts_in = sc->in,
	};
	struct run_cmd cmd = {.fn = plugin_step_main,
	    .fn_arg = &pr,
	    .workdir = r->run_dir,
	    .timeout = sc->timeout};
	enum plugin_verdict v = PV_NONE;
	enum run_status st;
	struct outcome o;
	int code;

	pr.channel_fd = memfd_create("cronwrap-step", MFD_CLOEXEC);
	if (pr.channel_fd < 0) {
		sink_note(&r->sink, "step channel: %s", strerror(errno));
		return RS_FAILED;
	}
	cmd.keep_fd = pr.channel_fd;
	if (run_command(r, &cmd, sc->attempt, &o, &code) < 0) {
		sc->retryable = false;
		r->res->exit_code = code;
		close(pr.channel_fd);
		return RS_FAILED;
	}
	st = outcome_status(sc, &o);
	if (plugin_read_channel(pr.channel_fd, &sc->out, &v) < 0)
		sink_note(&r->sink, "step channel: %s", strerror(errno));
	close(pr.channel_fd);
	return plugin_verdict_status(sc, st, v);
}

static void
step_failed(struct run *r, const struct step *st, enum run_status s)
{
	free(r->rec.failed_step);
	r->rec.failed_step = xasprintf("%u (%s)", st->index, st->name);
	free(r->res->reason);
	r->res->reason = xasprintf("step %u (%s) %s", st->index, st->name,
	    s == RS_SKIPPED ? "had nothing to do" : run_status_name(s));
	runlog_event(s == RS_SKIPPED ? LOG_NOTICE : LOG_ERR, r->job->name,
	    r->rec.run_id, "step", "step=%u name=%s status=%s", st->index,
	    st->name, run_status_name(s));
}

/* The time a step may take: its own timeout, within what is left of the
 * job's. */
static double
step_timeout(const struct run *r, const struct step *st, double deadline)
{
	double t = st->timeout;

	if (deadline > 0) {
		double left = deadline - now_mono();

		if (left < 0.001)
			left = 0.001;
		if (t == 0 || left < t)
			t = left;
	}
	(void)r;
	return t;
}

static enum run_status
one_step(struct step_ctx *sc)
{
	struct run *r = sc->r;
	char *names = sc->in->n ? strv_join(sc->in, " ") : NULL;
	enum run_status st;

	sink_note(&r->sink, "step %u of %zu: %s", sc->st->index, r->job->nsteps,
	    sc->st->name);
	if (r->req->dry_run && sc->st->plugin == NULL && !sc->st->dry_run) {
		sink_note(&r->sink, "dry run: command step not run (set "
		                    "dry_run = true to run it)");
		st = RS_SUCCEEDED;
		command_artifacts(sc);
	} else
		st = sc->st->plugin ? plugin_step(sc) : command_step(sc, names);
	free(names);
	return st;
}

enum run_status
run_steps(struct run *r, unsigned attempt, bool *retryable)
{
	double deadline =
	    r->job->timeout > 0 ? now_mono() + r->job->timeout : 0;
	struct strv in = STRV_INIT;
	enum run_status st = RS_SUCCEEDED;

	*retryable = true;
	for (size_t i = 0; i < r->job->nsteps && st == RS_SUCCEEDED; i++) {
		struct step_ctx sc = {.r = r,
		    .st = &r->job->steps[i],
		    .attempt = attempt,
		    .in = &in,
		    .retryable = true};

		sc.timeout = step_timeout(r, sc.st, deadline);
		st = one_step(&sc);
		*retryable = sc.retryable;
		if (st != RS_SUCCEEDED)
			step_failed(r, sc.st, st);
		strv_free(&in);
		in = sc.out;
	}
	strv_free(&in);
	if (st == RS_SUCCEEDED) {
		r->res->exit_code = 0;
		r->res->signal = 0;
	}
	return st;
}
