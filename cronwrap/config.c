/*
 * config.c - the global file and the job files, read with libconfig.
 *
 * A job is built in three layers, each changing only the keys it names:
 * the built-in defaults, the global file's "defaults" group, the job file.
 */
#include <dirent.h>
#include <errno.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_groups.h"
#include "config_job.h"
#include "util/path.h"
#include "util/xalloc.h"

bool
config_valid_name(const char *name)
{
	if (name == NULL || name[0] == '\0' || name[0] == '.')
		return false;
	for (const char *p = name; *p; p++)
		if (!(*p == '.' || *p == '_' || *p == '-' ||
		        (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		        (*p >= '0' && *p <= '9')))
			return false;
	return strlen(name) <= 128;
}

/* The built-in layer of a job. */
static void
job_defaults(const struct global *g, struct job *job)
{
	memset(job, 0, sizeof *job);
	job->timeout = 3600;
	job->kill_after = 30;
	job->concurrency = CONC_SKIP;
	job->wait_timeout = 3600;
	job->retry.attempts = 1;
	job->retry.delay = 30;
	job->retry.backoff = 2.0;
	job->retry.max_delay = 600;
	job->env.clear = true;
	job->unmet = UNMET_WAIT;
	job->unmet_timeout = 7200;
	job->unmet_poll = 60;
	job->notify.timeout = 10;
	job->cron_output = g->cron_output;
	job->umask = 022;
	mail_conf_copy(&job->mail, &g->mail);
}

/* Applies the global file's "defaults" group to job.  Its problems are
 * reported by config_load_global; here they only make the load fail. */
static int
apply_global_defaults(const struct global *g, struct job *job)
{
	struct diag quiet = DIAG_INIT;
	config_setting_t *defs;
	config_t cfg;
	int ret = 0;

	if (g->file == NULL || access(g->file, F_OK) < 0)
		return 0;
	if (cfg_read_file(&cfg, g->file, &quiet) < 0) {
		diag_free(&quiet);
		return -1;
	}
	defs = config_lookup(&cfg, "defaults");
	if (defs != NULL && config_default_keys(job, defs, &quiet) < 0)
		ret = -1;
	config_destroy(&cfg);
	diag_free(&quiet);
	return ret;
}

static int
load_job_file(const struct global *g, const char *name, const char *path,
    struct job *job, struct diag *d)
{
	config_t cfg;
	config_setting_t *root;
	int ret;

	job_defaults(g, job);
	job->name = xstrdup(name);
	job->file = xstrdup(path);
	job->dir = path_dirname(path);
	if (apply_global_defaults(g, job) < 0) {
		diag_add(d, g->file, 0, "bad defaults (run cronwrap check)");
		return -1;
	}
	if (cfg_read_file(&cfg, path, d) < 0)
		return -1;
	root = config_root_setting(&cfg);
	ret = config_job_keys(job, root, d);
	/* Even after a bad key, so that every problem is told at once. */
	if (config_job_validate(job, root, d) < 0)
		ret = -1;
	config_destroy(&cfg);
	return ret;
}

int
config_load_job(
    const struct global *g, const char *name, struct job *job, struct diag *d)
{
	char *path;
	int ret;

	if (!config_valid_name(name)) {
		diag_add(d, NULL, 0, "%s: not a valid job name", name);
		memset(job, 0, sizeof *job);
		return -1;
	}
	path = xasprintf("%s/%s.conf", g->jobs_dir, name);
	if (access(path, F_OK) < 0) {
		diag_add(d, path, 0, "no such job (%s)", strerror(errno));
		free(path);
		memset(job, 0, sizeof *job);
		return -1;
	}
	ret = load_job_file(g, name, path, job, d);
	free(path);
	if (ret < 0)
		job_free(job);
	return ret;
}

int
config_job_from_text(const struct global *g, const char *name, const char *text,
    struct strv *argv, struct job *job, struct diag *d)
{
	config_t cfg;
	int ret;

	job_defaults(g, job);
	job->name = xstrdup(name);
	job->dir = getcwd(NULL, 0);
	strv_copy(&job->command, argv);
	if (apply_global_defaults(g, job) < 0) {
		diag_add(d, g->file, 0, "bad defaults (run cronwrap check)");
		job_free(job);
		return -1;
	}
	config_init(&cfg);
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		diag_add(d, NULL, 0, "options: %s", config_error_text(&cfg));
		ret = -1;
	} else {
		config_setting_t *root = config_root_setting(&cfg);

		ret = config_exec_keys(job, root, d);
		if (ret == 0)
			ret = config_job_validate(job, root, d);
	}
	config_destroy(&cfg);
	if (ret < 0)
		job_free(job);
	return ret;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
config_job_names(const struct global *g, struct strv *names, struct diag *d)
{
	DIR *dir = opendir(g->jobs_dir);
	struct dirent *e;

	if (dir == NULL) {
		if (errno == ENOENT)
			return 0;
		diag_add(d, g->jobs_dir, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	while ((e = readdir(dir)) != NULL) {
		size_t len = strlen(e->d_name);
		char *name;

		if (len <= 5 || strcmp(e->d_name + len - 5, ".conf") != 0)
			continue;
		name = xstrndup(e->d_name, len - 5);
		if (config_valid_name(name))
			strv_push_take(names, name);
		else
			free(name);
	}
	closedir(dir);
	if (names->n > 1)
		qsort(names->v, names->n, sizeof *names->v, name_cmp);
	return 0;
}
