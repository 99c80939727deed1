/*
 * cwtest.c - a plugin for the runner's tests: it exercises every host
 * service and ends as its settings say.
 */
#include <cronwrap/plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cw_setting settings[] = {
    {"message", CW_TYPE_STRING, CW_SET_REQUIRED, "a line to log"},
    {"output", CW_TYPE_STRING, 0, "file made of the input artifacts"},
    {"status", CW_TYPE_STRING, 0, "ok, skip, tempfail or fail"},
    {"succeed_from", CW_TYPE_INT, 0, "tempfail before this attempt"},
    {"password_file", CW_TYPE_STRING, CW_SET_PATH, "a secret to read"},
    {"sleep", CW_TYPE_DURATION, 0, "seconds to sleep"},
    {"count", CW_TYPE_STRING, 0, "checkpoint key counting runs"},
    {NULL, 0, 0, NULL},
};

static int
cwtest_check(struct cw_ctx *ctx)
{
	const char *st = cw_conf_string(ctx, "status");

	if (st != NULL && strcmp(st, "ok") && strcmp(st, "skip") &&
	    strcmp(st, "tempfail") && strcmp(st, "fail")) {
		cw_conf_error(ctx, "status", "unknown status \"%s\"", st);
		return -1;
	}
	return 0;
}

static int
concat_inputs(struct cw_ctx *ctx, const char *out)
{
	size_t n;
	const char *const *in = cw_artifacts_in(ctx, &n);
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		FILE *g = fopen(in[i], "r");
		int c;

		if (g == NULL)
			continue;
		while ((c = getc(g)) != EOF)
			putc(c, f);
		fclose(g);
	}
	fprintf(f, "from %s\n", cw_job_name(ctx));
	if (fclose(f) != 0 || rename(tmp, out) != 0)
		return -1;
	return cw_artifact_add(ctx, out);
}

static void
count_runs(struct cw_ctx *ctx, const char *key)
{
	char *v = cw_checkpoint_get(ctx, key), buf[32];
	long n = v != NULL ? atol(v) : 0;

	free(v);
	snprintf(buf, sizeof buf, "%ld", n + 1);
	cw_checkpoint_set(ctx, key, buf);
	cw_log(ctx, CW_LOG_INFO, "count %s", buf);
}

static void
tell_run(struct cw_ctx *ctx)
{
	time_t s, e;
	const char *k, *v;
	char *day = cw_expand_time(ctx, "%Y-%m-%d");

	cw_log(ctx, CW_LOG_INFO, "job=%s attempt=%u dry=%d dir=%s day=%s",
	    cw_job_name(ctx), cw_attempt(ctx), cw_dry_run(ctx), cw_run_dir(ctx),
	    day ? day : "?");
	free(day);
	if (cw_window(ctx, &s, &e))
		cw_log(ctx, CW_LOG_INFO, "window=%ld/%ld", (long)s, (long)e);
	for (size_t i = 0; cw_param_at(ctx, i, &k, &v); i++)
		cw_log(ctx, CW_LOG_INFO, "param %s=%s", k, v);
	if (getenv("FROM_JOB_ENV") != NULL)
		cw_log(ctx, CW_LOG_INFO, "env FROM_JOB_ENV=%s",
		    getenv("FROM_JOB_ENV"));
}

static enum cw_status
cwtest_run(struct cw_ctx *ctx)
{
	const char *st = cw_conf_string(ctx, "status");
	const char *out = cw_conf_string(ctx, "output");
	double pause = cw_conf_duration(ctx, "sleep", 0);

	cw_log(ctx, CW_LOG_NOTICE, "%s", cw_conf_string(ctx, "message"));
	tell_run(ctx);
	if (cw_conf_has(ctx, "password_file")) {
		char *pw = cw_secret(ctx, "password");

		if (pw == NULL)
			return CW_FAIL;
		cw_log(ctx, CW_LOG_INFO, "secret has %zu chars", strlen(pw));
		cw_secret_free(pw);
	}
	if (cw_conf_has(ctx, "count"))
		count_runs(ctx, cw_conf_string(ctx, "count"));
	if (pause > 0) {
		struct timespec ts = {(time_t)pause, 0};

		nanosleep(&ts, NULL);
	}
	if (cw_attempt(ctx) < (unsigned)cw_conf_int(ctx, "succeed_from", 0)) {
		cw_log(ctx, CW_LOG_ERR, "temporary failure");
		return CW_TEMPFAIL;
	}
	if (out != NULL && !cw_dry_run(ctx) && concat_inputs(ctx, out) < 0) {
		cw_log(ctx, CW_LOG_ERR, "cannot write %s", out);
		return CW_FAIL;
	}
	if (st == NULL || strcmp(st, "ok") == 0)
		return CW_OK;
	if (strcmp(st, "skip") == 0)
		return CW_SKIP;
	cw_log(ctx, CW_LOG_ERR, "failing as told: %s", st);
	return strcmp(st, "tempfail") == 0 ? CW_TEMPFAIL : CW_FAIL;
}

const struct cw_plugin cw_plugin = {
    CW_PLUGIN_V1,
    .name = "cwtest",
    .version = "1",
    .settings = settings,
    .check = cwtest_check,
    .run = cwtest_run,
};
