/*
 * run.c - the sql2csv step's run(): read the settings, connect, run the
 * script while the rows stream into the CSV file, then hand the file on.
 * In a dry run the rows are only counted, inside a transaction that is
 * rolled back, and nothing is written.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cronwrap/plugin.h>

#include "db.h"
#include "export.h"
#include "outfile.h"
#include "sql2csv.h"

#define SCRIPT_MAX (16 * 1024 * 1024)
#define DEF_CONNECT_TIMEOUT 30.0

struct job {
	struct cw_ctx *ctx;
	const struct db_driver *drv;
	struct db_conf conf;
	struct db_param *params;
	size_t nparams;
	char **owned; /* names cut out of the params setting */
	size_t nowned;
	char *script;
	char *password;
	char *output; /* the file name, expanded */
	struct csv_opts csvo;
	unsigned long long min_rows;
};

bool
sql2csv_window_name(const char *s, size_t n)
{
	return (n == 12 && strncmp(s, "window_start", n) == 0) ||
	       (n == 10 && strncmp(s, "window_end", n) == 0);
}

/* Sets the parameter name to value, replacing an earlier value. */
static int
job_param(struct job *j, const char *name, const char *value)
{
	struct db_param *p;
	size_t i;

	for (i = 0; i < j->nparams; i++)
		if (strcmp(j->params[i].name, name) == 0) {
			j->params[i].value = value;
			return 0;
		}
	p = realloc(j->params, (j->nparams + 1) * sizeof(*p));
	if (p == NULL)
		return -1;
	j->params = p;
	memset(&p[j->nparams], 0, sizeof(*p));
	p[j->nparams].name = name;
	p[j->nparams++].value = value;
	return 0;
}

/* The values of :name placeholders: the window, the params setting, then
 * --param, each overriding what comes before. */
static int
job_params(struct job *j)
{
	const char *const *v;
	const char *key, *value;
	char *name, **o;
	time_t start = 0, end = 0;
	size_t i, n;
	bool window = cw_window(j->ctx, &start, &end);

	if (job_param(j, "window_start", NULL) < 0 ||
	    job_param(j, "window_end", NULL) < 0)
		return -1;
	j->params[0].is_time = j->params[1].is_time = window;
	j->params[0].t = start;
	j->params[1].t = end;
	v = cw_conf_strings(j->ctx, "params", &n);
	for (i = 0; i < n; i++) {
		const char *eq = strchr(v[i], '=');

		o = realloc(j->owned, (j->nowned + 1) * sizeof(*o));
		if (eq == NULL || o == NULL ||
		    (name = strndup(v[i], (size_t)(eq - v[i]))) == NULL)
			return -1;
		j->owned = o;
		o[j->nowned++] = name;
		if (job_param(j, name, eq + 1) < 0)
			return -1;
	}
	for (i = 0; cw_param_at(j->ctx, i, &key, &value); i++)
		if (sql2csv_param_name_ok(key, strlen(key)) &&
		    !sql2csv_window_name(key, strlen(key)) &&
		    job_param(j, key, value) < 0)
			return -1;
	return 0;
}

/* The script file, whole: scripts are small, and the drivers want it in
 * one piece. */
static char *
read_script(struct cw_ctx *ctx, const char *path)
{
	struct stat st;
	char *text = NULL;
	ssize_t k;
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		cw_log(ctx, CW_LOG_ERR, "script %s: %s", path, strerror(errno));
		goto fail;
	}
	if (st.st_size > SCRIPT_MAX) {
		cw_log(ctx, CW_LOG_ERR, "script %s: larger than %d bytes", path,
		    SCRIPT_MAX);
		goto fail;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	while (n < (size_t)st.st_size &&
	       (k = read(fd, text + n, (size_t)st.st_size - n)) > 0)
		n += (size_t)k;
	text[n] = '\0';
	if (strlen(text) != n) {
		cw_log(ctx, CW_LOG_ERR, "script %s: contains a NUL byte", path);
		goto fail;
	}
	close(fd);
	return text;
fail:
	if (fd >= 0)
		close(fd);
	free(text);
	return NULL;
}

static int
job_conf(struct job *j)
{
	struct cw_ctx *ctx = j->ctx;
	struct db_conf *c = &j->conf;
	const char *driver = cw_conf_string(ctx, "driver");

	j->drv = db_driver_find(driver != NULL ? driver : "sqlite");
	/* A SQLite database is a file, relative to the job file; for the
	 * servers it is a name. */
	c->database = strcmp(driver != NULL ? driver : "sqlite", "sqlite") == 0
	                  ? cw_conf_path(ctx, "database")
	                  : cw_conf_string(ctx, "database");
	c->conninfo = cw_conf_string(ctx, "conninfo");
	c->service_file = cw_conf_string(ctx, "service_file");
	c->host = cw_conf_string(ctx, "host");
	c->port = (long)cw_conf_int(ctx, "port", 0);
	c->socket = cw_conf_string(ctx, "socket");
	c->user = cw_conf_string(ctx, "user");
	c->connect_timeout =
	    (int)cw_conf_duration(ctx, "connect_timeout", DEF_CONNECT_TIMEOUT);
	c->dry_run = cw_dry_run(ctx);
	if (cw_conf_has(ctx, "password_file") &&
	    (c->password = j->password = cw_secret(ctx, "password")) == NULL)
		return -1; /* cw_secret() said why */
	if (job_params(j) < 0) {
		cw_log(ctx, CW_LOG_ERR, "out of memory");
		return -1;
	}
	c->params = j->params;
	c->nparams = j->nparams;
	sql2csv_csv_opts(ctx, &j->csvo);
	j->min_rows = (unsigned long long)cw_conf_int(ctx, "min_rows", 1);
	if (cw_conf_has(ctx, "script"))
		j->script = read_script(ctx, cw_conf_string(ctx, "script"));
	else
		j->script = strdup(cw_conf_string(ctx, "query"));
	return j->script != NULL ? 0 : -1;
}

/* The output name: strftime on the window end, a plain file name. */
static int
job_output(struct job *j)
{
	const char *pattern = cw_conf_string(j->ctx, "output");

	j->output = cw_expand_time(j->ctx, pattern);
	if (j->output == NULL || j->output[0] == '\0' ||
	    strchr(j->output, '/') != NULL || strcmp(j->output, ".") == 0 ||
	    strcmp(j->output, "..") == 0) {
		cw_log(j->ctx, CW_LOG_ERR,
		    "output \"%s\" gives \"%s\": not a file name of the run "
		    "directory",
		    pattern, j->output != NULL ? j->output : "");
		return -1;
	}
	return 0;
}

static void
job_free(struct job *j)
{
	size_t i;

	for (i = 0; i < j->nowned; i++)
		free(j->owned[i]);
	free(j->owned);
	free(j->params);
	free(j->script);
	free(j->output);
	cw_secret_free(j->password);
}

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What every export must have to be handed on. */
static enum cw_status
job_verdict(struct job *j, const struct export *e)
{
	if (e->results == 0) {
		cw_log(j->ctx, CW_LOG_ERR,
		    "no statement of the script returns rows: nothing to "
		    "export");
		return CW_FAIL;
	}
	if (e->rows < j->min_rows) {
		cw_log(j->ctx, CW_LOG_ERR,
		    "%llu rows, fewer than min_rows (%llu): nothing %s handed "
		    "on",
		    (unsigned long long)e->rows, j->min_rows,
		    j->conf.dry_run ? "would be" : "is");
		return CW_FAIL;
	}
	return CW_OK;
}

static enum cw_status
job_dry_run(struct job *j, struct db *db)
{
	struct export e = {.ctx = j->ctx};
	struct db_sink sink = {export_columns, export_row, &e};
	struct db_error err = {CW_FAIL, ""};
	enum cw_status st;

	if (j->drv->run(db, j->script, &j->conf, &sink, &err) < 0) {
		cw_log(j->ctx, CW_LOG_ERR, "%s", err.msg);
		export_free(&e);
		return err.status;
	}
	if ((st = job_verdict(j, &e)) == CW_OK)
		cw_log(j->ctx, CW_LOG_NOTICE,
		    "dry run: would write %s: %llu rows; columns: %s; rolled "
		    "back, nothing written",
		    j->output, (unsigned long long)e.rows, e.columns);
	export_free(&e);
	return st;
}

/* Hands the file on: under its final name, declared as the step's output
 * (with its checksum file first, so the CSV's name is the last to appear). */
static enum cw_status
job_commit(
    struct job *j, struct outfile *out, const struct export *e, double t0)
{
	char *sha = outfile_sha256_name(out);
	double dt = now_mono() - t0;
	enum cw_status st = CW_OK;

	if (outfile_commit(out) < 0) {
		cw_log(j->ctx, CW_LOG_ERR, "%s %s: %s", out->op, j->output,
		    strerror(errno));
		free(sha);
		return errno == ENOSPC || errno == EDQUOT || errno == EIO
		           ? CW_TEMPFAIL
		           : CW_FAIL;
	}
	cw_log(j->ctx, CW_LOG_NOTICE,
	    "wrote %s: %llu rows, %llu bytes in %.1fs (%.0f rows/s)", j->output,
	    (unsigned long long)e->rows, (unsigned long long)out->bytes, dt,
	    dt > 0 ? (double)e->rows / dt : 0.0);
	cw_log(j->ctx, CW_LOG_INFO, "columns: %s", e->columns);
	if (cw_artifact_add(j->ctx, j->output) < 0 ||
	    (sha != NULL && cw_artifact_add(j->ctx, sha) < 0))
		st = CW_FAIL;
	free(sha);
	return st;
}

static enum cw_status
job_export(struct job *j, struct db *db)
{
	struct outfile out;
	struct export e = {.ctx = j->ctx, .out = &out};
	struct db_sink sink = {export_columns, export_row, &e};
	struct db_error err = {CW_FAIL, ""};
	enum cw_status st = CW_FAIL;
	double t0 = now_mono();

	e.header = cw_conf_bool(j->ctx, "header", true);
	if (outfile_open(&out, cw_run_dir(j->ctx), j->output,
	        cw_conf_bool(j->ctx, "sha256", false)) < 0) {
		cw_log(j->ctx, CW_LOG_ERR, "%s %s: %s", out.op, j->output,
		    strerror(errno));
		goto out;
	}
	if ((e.csv = csv_new(&j->csvo, outfile_write, &out)) == NULL) {
		cw_log(j->ctx, CW_LOG_ERR, "CSV writer: %s", strerror(errno));
		goto out;
	}
	if (j->drv->run(db, j->script, &j->conf, &sink, &err) < 0) {
		cw_log(j->ctx, CW_LOG_ERR, "%s", err.msg);
		st = err.status;
		goto out;
	}
	if ((st = job_verdict(j, &e)) != CW_OK)
		goto out;
	if (csv_finish(e.csv) < 0) {
		export_write_error(&e, &err);
		cw_log(j->ctx, CW_LOG_ERR, "%s", err.msg);
		st = err.status;
		goto out;
	}
	st = job_commit(j, &out, &e, t0);
out:
	csv_free(e.csv);
	outfile_close(&out);
	export_free(&e);
	return st;
}

static enum cw_status
job_main(struct job *j)
{
	struct db_error err = {CW_FAIL, ""};
	struct db *db;
	enum cw_status st;

	if (job_conf(j) < 0 || job_output(j) < 0)
		return CW_FAIL;
	if ((db = j->drv->open(&j->conf, &err)) == NULL) {
		cw_log(j->ctx, CW_LOG_ERR, "%s: %s", j->drv->name, err.msg);
		return err.status;
	}
	st = j->conf.dry_run ? job_dry_run(j, db) : job_export(j, db);
	j->drv->close(db);
	return st;
}

enum cw_status
sql2csv_run(struct cw_ctx *ctx)
{
	struct job j;
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0), old;
	enum cw_status st;

	/* Numbers are written and read with '.', whatever the locale. */
	if (c == (locale_t)0) {
		cw_log(ctx, CW_LOG_ERR, "the C locale: %s", strerror(errno));
		return CW_FAIL;
	}
	old = uselocale(c);
	memset(&j, 0, sizeof(j));
	j.ctx = ctx;
	st = job_main(&j);
	job_free(&j);
	uselocale(old);
	freelocale(c);
	return st;
}
