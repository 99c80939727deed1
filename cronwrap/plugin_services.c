/*
 * plugin_services.c - the host services a running plugin calls: logging,
 * the run's facts, secrets, artifacts, checkpoints, progress.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin_ctx.h"
#include "state.h"
#include "util/path.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define SECRET_MAX 4096
#define PROGRESS_EVERY 5.0 /* seconds between progress lines */

void
cw_log(struct cw_ctx *ctx, int level, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	FILE *f;

	if (level >= CW_LOG_DEBUG && getenv("CRONWRAP_DEBUG") == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* In a run, stdout and stderr are the captured pipes: errors and
	 * warnings on stderr (a higher syslog priority), the rest on
	 * stdout.  In "cronwrap check" everything is for the terminal. */
	f = level <= CW_LOG_WARNING || ctx->run == NULL ? stderr : stdout;
	fprintf(f, "%s: %s%s\n", ctx->step->plugin,
	    level == CW_LOG_WARNING ? "warning: " : "", msg);
	fflush(f);
}

const char *
cw_job_name(struct cw_ctx *ctx)
{
	return ctx->job->name;
}

const char *
cw_job_dir(struct cw_ctx *ctx)
{
	return ctx->job->dir != NULL ? ctx->job->dir : ".";
}

const char *
cw_run_id(struct cw_ctx *ctx)
{
	return ctx->run != NULL ? ctx->run->run_id : "";
}

unsigned
cw_attempt(struct cw_ctx *ctx)
{
	return ctx->run != NULL ? ctx->run->attempt : 0;
}

bool
cw_dry_run(struct cw_ctx *ctx)
{
	return ctx->run != NULL && ctx->run->dry_run;
}

const char *
cw_run_dir(struct cw_ctx *ctx)
{
	return ctx->run != NULL ? ctx->run->run_dir : NULL;
}

bool
cw_window(struct cw_ctx *ctx, time_t *start, time_t *end)
{
	if (ctx->run == NULL || !ctx->run->has_window)
		return false;
	*start = ctx->run->window_start;
	*end = ctx->run->window_end;
	return true;
}

const char *
cw_param(struct cw_ctx *ctx, const char *key)
{
	return ctx->run != NULL && ctx->run->params != NULL
	           ? kv_get(ctx->run->params, key)
	           : NULL;
}

bool
cw_param_at(struct cw_ctx *ctx, size_t i, const char **key, const char **value)
{
	const struct kv *p = ctx->run != NULL ? ctx->run->params : NULL;

	if (p == NULL || i >= p->n)
		return false;
	*key = p->keys[i];
	*value = p->values[i];
	return true;
}

char *
cw_expand_time(struct cw_ctx *ctx, const char *pattern)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[4096];

	if (ctx->run != NULL)
		t = ctx->run->has_window ? ctx->run->window_end
		                         : (time_t)ctx->run->start;
	gmtime_r(&t, &tm);
	if (pattern[0] == '\0')
		return xstrdup("");
		/* The pattern is the user's, from the job file, by design. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (strftime(buf, sizeof buf, pattern, &tm) == 0)
		return NULL;
#pragma GCC diagnostic pop
	return xstrdup(buf);
}

static char *
read_secret(struct cw_ctx *ctx, const char *path)
{
	struct stat st;
	char *text;

	if (stat(path, &st) < 0) {
		cw_log(ctx, CW_LOG_ERR, "secret file %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (st.st_mode & S_IROTH) {
		cw_log(ctx, CW_LOG_ERR,
		    "secret file %s is readable by "
		    "everyone: refusing it (chmod o-r)",
		    path);
		return NULL;
	}
	if ((text = read_file(path, SECRET_MAX, NULL)) == NULL) {
		cw_log(ctx, CW_LOG_ERR, "secret file %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	text[strcspn(text, "\r\n")] = '\0';
	return text;
}

char *
cw_secret(struct cw_ctx *ctx, const char *key)
{
	char *file_key = xasprintf("%s_file", key), *secret = NULL;
	const char *path = cw_conf_string(ctx, file_key);

	if (path != NULL)
		secret = read_secret(ctx, path);
	free(file_key);
	return secret;
}

void
cw_secret_free(char *secret)
{
	if (secret == NULL)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}

const char *const *
cw_artifacts_in(struct cw_ctx *ctx, size_t *n)
{
	static const char *const none[] = {NULL};
	const struct strv *a = ctx->run ? ctx->run->artifacts_in : NULL;

	*n = a != NULL ? a->n : 0;
	return *n ? (const char *const *)a->v : none;
}

int
cw_artifact_add(struct cw_ctx *ctx, const char *name)
{
	char *line;
	int ret = 0;

	if (ctx->run == NULL || strchr(name, '/') != NULL ||
	    strchr(name, '\n') != NULL || name[0] == '\0') {
		cw_log(ctx, CW_LOG_ERR,
		    "artifact \"%s\": not a file name of "
		    "the run directory",
		    name);
		return -1;
	}
	line = xasprintf("A %s\n", name);
	if (write(ctx->run->channel_fd, line, strlen(line)) < 0)
		ret = -1;
	free(line);
	return ret;
}

char *
cw_checkpoint_get(struct cw_ctx *ctx, const char *key)
{
	struct state *st;
	char *value = NULL;

	if (state_open(ctx->g->state_dir, true, &st) < 0 ||
	    state_checkpoint_get(st, ctx->job->name, key, &value) < 0) {
		cw_log(
		    ctx, CW_LOG_ERR, "checkpoint %s: %s", key, state_error(st));
		value = NULL;
	}
	state_close(st);
	return value;
}

int
cw_checkpoint_set(struct cw_ctx *ctx, const char *key, const char *value)
{
	struct state *st;
	int ret = 0;

	if (cw_dry_run(ctx))
		return 0;
	if (state_open(ctx->g->state_dir, false, &st) < 0 ||
	    state_checkpoint_set(st, ctx->job->name, key, value) < 0) {
		cw_log(
		    ctx, CW_LOG_ERR, "checkpoint %s: %s", key, state_error(st));
		ret = -1;
	}
	state_close(st);
	return ret;
}

void
cw_progress(struct cw_ctx *ctx, double done, double total, const char *unit)
{
	double now = now_mono();

	if (now - ctx->progress_at < PROGRESS_EVERY)
		return;
	ctx->progress_at = now;
	if (total > 0)
		cw_log(ctx, CW_LOG_INFO, "progress: %.0f of %.0f %s (%.0f%%)",
		    done, total, unit ? unit : "", 100.0 * done / total);
	else
		cw_log(ctx, CW_LOG_INFO, "progress: %.0f %s", done,
		    unit ? unit : "");
}
