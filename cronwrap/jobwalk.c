/*
 * jobwalk.c - each job with its health, for "list" and "status".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "jobwalk.h"
#include "runlog.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* One job: 0, 1 (fn said so), EX_CONFIG or EX_SOFTWARE.  base gives the
 * global settings, the name and the time. */
static int
jobwalk_one(const struct jobwalk_item *base, struct state *st, bool marked,
    int (*fn)(const struct jobwalk_item *it, void *arg), void *arg)
{
	struct jobwalk_item it = *base;
	struct job_health h;
	struct job job;
	char err[1024];
	int ret;

	if (it.exec) {
		/* Only its name: no schedule, so never LATE. */
		memset(&job, 0, sizeof job);
		job.name = xstrdup(it.name);
	} else if (cli_load_job(it.g, it.name, &job) != 0) {
		fn(&it, arg); /* job and h NULL: shown as broken */
		return EX_CONFIG;
	}
	ret = health_get(it.g, st, marked, &job, it.now, &h, err, sizeof err);
	if (ret < 0) {
		cli_warn("%s", err);
		ret = EX_SOFTWARE;
	} else {
		it.job = &job;
		it.h = &h;
		ret = fn(&it, arg) != 0 ? 1 : 0;
	}
	health_free(&h);
	job_free(&job);
	return ret;
}

int
jobwalk_open(
    const struct global *g, const char *job, struct state **st, bool *marked)
{
	struct strv warnings = STRV_INIT;
	char err[1024];
	int ret = 0;

	runlog_open(g);
	if (health_open(g, job, st, marked, &warnings, err, sizeof err) < 0) {
		cli_warn("%s", err);
		ret = EX_SOFTWARE;
	}
	for (size_t i = 0; i < warnings.n; i++)
		cli_warn("%s", warnings.v[i]);
	strv_free(&warnings);
	return ret;
}

/* The worst of two outcomes: software, then config, then "problem". */
static int
jobwalk_worse(int a, int b)
{
	static const int order[] = {EX_SOFTWARE, EX_CONFIG, 1, 0};

	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (a == order[i] || b == order[i])
			return order[i];
	return a;
}

static bool
has_job_file(const struct global *g, const char *name)
{
	char *path = xasprintf("%s/%s.conf", g->jobs_dir, name);
	bool has = access(path, F_OK) == 0 || errno != ENOENT;

	free(path);
	return has;
}

/* The jobs known from their runs alone, in name order, into execs; the
 * named one moves there from names when it is one of them. */
static int
jobwalk_exec_names(const struct global *g, struct state *st, const char *one,
    struct strv *names, struct strv *execs)
{
	struct strv seen = STRV_INIT;
	int ret = state_job_names(st, &seen);

	for (size_t i = 0; ret == 0 && i < seen.n; i++) {
		if (one != NULL && strcmp(seen.v[i], one) != 0)
			continue;
		if (!config_valid_name(seen.v[i]) || has_job_file(g, seen.v[i]))
			continue;
		strv_push(execs, seen.v[i]);
		if (one != NULL)
			strv_free(names); /* shown from its history */
	}
	strv_free(&seen);
	return ret;
}

int
jobwalk(const struct cli *cli, const char *one, bool history_only,
    int (*fn)(const struct jobwalk_item *it, void *arg), void *arg)
{
	struct strv names = STRV_INIT, execs = STRV_INIT;
	struct diag d = DIAG_INIT;
	struct jobwalk_item it = {0};
	struct global g;
	struct state *st;
	bool marked;
	int ret = 0;

	if ((ret = cli_load_global(cli, &g)) != 0)
		return ret;
	if (one != NULL)
		strv_push(&names, one);
	else if (config_job_names(&g, &names, &d) < 0)
		ret = EX_CONFIG;
	cli_print_diag(&d);
	diag_free(&d);
	if (jobwalk_open(&g, one, &st, &marked) != 0)
		ret = EX_SOFTWARE;
	it.g = &g;
	it.now = now_real();
	if (ret != EX_SOFTWARE && (one != NULL || history_only) &&
	    jobwalk_exec_names(&g, st, one, &names, &execs) < 0) {
		cli_warn("%s", state_error(st));
		ret = EX_SOFTWARE;
	}
	/* Both lists are in name order: walk them as one. */
	for (size_t i = 0, j = 0;
	     ret != EX_SOFTWARE && (i < names.n || j < execs.n);) {
		it.exec = i == names.n ||
		          (j < execs.n && strcmp(execs.v[j], names.v[i]) < 0);
		it.name = it.exec ? execs.v[j++] : names.v[i++];
		ret = jobwalk_worse(ret, jobwalk_one(&it, st, marked, fn, arg));
	}
	state_close(st);
	strv_free(&execs);
	strv_free(&names);
	global_free(&g);
	return ret;
}
