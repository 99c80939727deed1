/*
 * retention.c - pruning the history, the log files and the run
 * directories (retention.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "retention.h"
#include "util/path.h"
#include "util/xalloc.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int
retention_runid_time(const char *name, double *t)
{
	unsigned long long ms = 0;

	if (strlen(name) != RUNID_LEN)
		return -1;
	for (int i = 0; i < RUNID_LEN; i++) {
		const char *p = strchr(crockford, name[i]);

		if (name[i] == '\0' || p == NULL)
			return -1;
		if (i < 10)
			ms = ms << 5 | (unsigned long long)(p - crockford);
	}
	*t = (double)ms / 1000.0;
	return 0;
}

static void
retention_error(struct retention_result *res, const char *path)
{
	strv_push_take(
	    &res->errors, xasprintf("%s: %s", path, strerror(errno)));
}

/* Removes a log file or a run directory, if it is there and of the kind
 * expected (a symbolic link is neither); counts it in *count. */
static void
retention_remove(
    struct retention_result *res, const char *path, bool dir, unsigned *count)
{
	struct stat sb;

	if (lstat(path, &sb) < 0) {
		if (errno != ENOENT)
			retention_error(res, path);
		return;
	}
	if (dir ? !S_ISDIR(sb.st_mode) : !S_ISREG(sb.st_mode))
		return;
	if ((dir ? rm_rf(path) : unlink(path)) < 0 && errno != ENOENT) {
		retention_error(res, path);
		return;
	}
	(*count)++;
}

struct retention_ctx {
	const struct global *g;
	struct retention_result *res;
};

/* state_prune() callback: what a removed run leaves on disk. */
static void
retention_removed(const struct run_record *r, void *arg)
{
	struct retention_ctx *c = arg;
	const char *base;
	char *dir;

	if (r->log_path != NULL) {
		/* Only a file named after the run: the row is not trusted to
		 * point anywhere else. */
		base = strrchr(r->log_path, '/');
		base = base != NULL ? base + 1 : r->log_path;
		if (strncmp(base, r->run_id, RUNID_LEN) == 0 &&
		    strcmp(base + RUNID_LEN, ".log") == 0)
			retention_remove(
			    c->res, r->log_path, false, &c->res->logs);
	}
	if (r->job == NULL || !config_valid_name(r->job))
		return;
	dir = xasprintf("%s/runs/%s/%s", c->g->state_dir, r->job, r->run_id);
	retention_remove(c->res, dir, true, &c->res->run_dirs);
	free(dir);
}

/* A leftover: named after a run id that is old enough and has no row.
 * 1 yes, 0 no, -1 database error. */
static int
retention_orphan(
    struct state *st, const char *job, const char *name, double now)
{
	struct run_record r;
	char id[RUNID_LEN + 1];
	double t;
	int found;

	if (strlen(name) < RUNID_LEN)
		return 0;
	memcpy(id, name, RUNID_LEN);
	id[RUNID_LEN] = '\0';
	if (retention_runid_time(id, &t) < 0 || now - t < RETENTION_ORPHAN_AGE)
		return 0;
	found = state_run_get(st, job, id, &r);
	run_record_free(&r);
	return found < 0 ? -1 : !found;
}

/* Whether a directory entry is named as a run's: RUN_ID for a run
 * directory, RUN_ID.log for a log file (checked as an id later). */
static bool
run_entry_name(const char *name, bool dir)
{
	size_t len = strlen(name);

	if (dir)
		return len == RUNID_LEN;
	return len == RUNID_LEN + 4 && strcmp(name + RUNID_LEN, ".log") == 0;
}

/* Leftovers in one job's directory: run directories (dirs) or log files
 * RUN_ID.log.  0, or -1 on a database error. */
static int
retention_sweep_job(struct state *st, const char *jobdir, const char *job,
    bool dirs, double now, struct retention_result *res)
{
	DIR *d = opendir(jobdir);
	struct dirent *e;
	int ret = 0;

	if (d == NULL)
		return 0; /* not a directory, or gone: nothing of ours */
	/* readdir_r() is deprecated: one stream per thread is safe. */
	/* cppcheck-suppress readdirCalled */
	while (ret == 0 && (e = readdir(d)) != NULL) {
		char *path;
		int orphan;

		if (!run_entry_name(e->d_name, dirs))
			continue;
		if ((orphan = retention_orphan(st, job, e->d_name, now)) <= 0) {
			ret = orphan;
			continue;
		}
		path = xasprintf("%s/%s", jobdir, e->d_name);
		retention_remove(
		    res, path, dirs, dirs ? &res->run_dirs : &res->logs);
		free(path);
	}
	closedir(d);
	return ret;
}

/* Leftovers under top (log_dir, or state_dir/runs): top/JOB/ENTRY. */
static int
retention_sweep(struct state *st, const char *top, bool dirs, double now,
    struct retention_result *res)
{
	DIR *d = opendir(top);
	struct dirent *e;
	int ret = 0;

	if (d == NULL) {
		if (errno != ENOENT)
			retention_error(res, top);
		return 0;
	}
	/* readdir_r() is deprecated: one stream per thread is safe. */
	/* cppcheck-suppress readdirCalled */
	while (ret == 0 && (e = readdir(d)) != NULL) {
		char *jobdir;

		if (!config_valid_name(e->d_name))
			continue;
		jobdir = xasprintf("%s/%s", top, e->d_name);
		ret =
		    retention_sweep_job(st, jobdir, e->d_name, dirs, now, res);
		free(jobdir);
	}
	closedir(d);
	return ret;
}

int
retention_apply(const struct global *g, struct state *st, double now,
    struct retention_result *res)
{
	struct retention_ctx c;
	char *runs;
	int n, ret;

	memset(res, 0, sizeof *res);
	c.g = g;
	c.res = res;
	n = state_prune(
	    st, NULL, g->keep_days, g->keep_runs, retention_removed, &c);
	if (n < 0)
		return -1;
	res->runs = (unsigned)n;
	if (retention_sweep(st, g->log_dir, false, now, res) < 0)
		return -1;
	runs = xasprintf("%s/runs", g->state_dir);
	ret = retention_sweep(st, runs, true, now, res);
	free(runs);
	return ret;
}

void
retention_result_free(struct retention_result *res)
{
	strv_free(&res->errors);
}
