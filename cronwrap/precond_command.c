/*
 * precond_command.c - a requirement that a command exits 0 within its
 * timeout.  It starts like the job (spawn.h: a new session, the job's
 * environment, user, workdir, umask and nice) and runs under the job's
 * supervision (supervise.h), so that a timeout or a stop signal of
 * cronwrap ends its whole process group and whatever escaped it.  Its
 * output is kept in a small ring, never logged: the last line becomes the
 * detail of a failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "precond_int.h"
#include "sink.h"
#include "spawn.h"
#include "supervise.h"
#include "util/duration.h"
#include "util/xalloc.h"

#define OUTPUT_LINES 4 /* kept of a command's output */
#define DETAIL_MAX 200 /* bytes of its last line in the reason */

/* The command's name for people: the last part of argv[0]. */
static const char *
cmd_name(const struct requirement *req)
{
	const char *slash = strrchr(req->command.v[0], '/');

	return slash != NULL && slash[1] != '\0' ? slash + 1
	                                         : req->command.v[0];
}

/* The last line of output that is not blank, cut to DETAIL_MAX bytes, or
 * NULL.  The caller frees it. */
static char *
last_line(const struct sink *sink)
{
	char *all = ring_join(&sink->tail, 0), *line = NULL;
	char *end = all + strlen(all), *start;

	while (end > all && line == NULL) {
		while (end > all && (end[-1] == '\n' || end[-1] == ' ' ||
		                        end[-1] == '\t' || end[-1] == '\r'))
			end--;
		start = end;
		while (start > all && start[-1] != '\n')
			start--;
		if (end > start)
			line =
			    xstrndup(start, (size_t)(end - start) > DETAIL_MAX
			                        ? DETAIL_MAX
			                        : (size_t)(end - start));
		end = start;
	}
	free(all);
	return line;
}

/* The verdict from how the command ended. */
static void
cmd_judge(const struct requirement *req, const struct outcome *o,
    const struct sink *sink, struct precond_result *res)
{
	const char *name = cmd_name(req);
	int ws = o->wait_status;
	char d[32];
	char *line;

	if (o->stop_signal != 0) {
		precond_set(res, PRECOND_ERROR,
		    "command %s: stopped: cronwrap received %s", name,
		    strsignal(o->stop_signal));
	} else if (o->timed_out) {
		duration_format(req->timeout, d, sizeof d);
		precond_set(res, PRECOND_UNMET,
		    "command %s: no answer within %s (its processes were "
		    "killed)",
		    name, d);
	} else if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0) {
		precond_set(res, PRECOND_MET, "command %s: exit 0", name);
	} else if (WIFEXITED(ws)) {
		precond_set(res, PRECOND_UNMET, "command %s: exit %d", name,
		    WEXITSTATUS(ws));
		/* After leftovers, the last lines are cronwrap's notes. */
		line = o->leftovers ? NULL : last_line(sink);
		precond_detail(res, line);
		free(line);
	} else {
		precond_set(res, PRECOND_UNMET,
		    "command %s: killed by signal %d (%s)", name, WTERMSIG(ws),
		    strsignal(WTERMSIG(ws)));
	}
}

void
precond_command(const struct precond_ctx *ctx, const struct requirement *req,
    struct precond_result *res)
{
	const struct job *job = ctx->job;
	struct spawn_req sr = {
	    .argv = req->command.v,
	    .envp = ctx->envp,
	    .workdir = job->workdir != NULL ? job->workdir : ctx->ru->home,
	    .ru = ctx->ru,
	    .nice = job->nice,
	    .umask = job->umask,
	    .keep_fd = -1,
	};
	struct supervise_opts so = {req->timeout, PRECOND_KILL_AFTER};
	struct sink *sink = xmalloc(sizeof *sink);
	struct outcome o;
	struct child c;
	char err[1024];
	int code;

	sink_init(
	    sink, -1, job->name, "requirement", false, 0, OUTPUT_LINES, false);
	if (spawn_start(&sr, &c, &code, err, sizeof err) < 0)
		precond_set(
		    res, PRECOND_ERROR, "command %s: %s", cmd_name(req), err);
	else if (supervise(&c, &so, sink, &o) < 0)
		precond_set(res, PRECOND_ERROR,
		    "command %s: supervision failed: %s", cmd_name(req),
		    strerror(errno));
	else
		cmd_judge(req, &o, sink, res);
	sink_finish(sink);
	free(sink);
}
