/*
 * cmd_env.c - cronwrap env JOB [--diff]: the exact environment the job
 * gets (the per-run CRONWRAP_* values as they would be for a run now);
 * --diff compares it with the caller's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "env.h"
#include "runas.h"
#include "schedule.h"

extern char **environ;

static void
print_diff(const struct kv *env)
{
	struct kv caller = KV_INIT;

	for (char **e = environ; *e != NULL; e++) {
		char *eq = strchr(*e, '=');

		if (eq != NULL) {
			*eq = '\0';
			kv_set(&caller, *e, eq + 1);
			*eq = '=';
		}
	}
	for (size_t i = 0; i < env->n; i++) {
		const char *c = kv_get(&caller, env->keys[i]);

		if (c == NULL)
			printf("+ %s=%s\n", env->keys[i], env->values[i]);
		else if (strcmp(c, env->values[i]) != 0)
			printf("~ %s=%s (yours: %s)\n", env->keys[i],
			    env->values[i], c);
	}
	for (size_t i = 0; i < caller.n; i++)
		if (kv_get(env, caller.keys[i]) == NULL)
			printf("- %s=%s\n", caller.keys[i], caller.values[i]);
	kv_free(&caller);
}

static void
window_now(const struct job *job, struct run_vars *rv)
{
	struct schedule *sch;
	char err[256];

	if (job->schedule == NULL ||
	    schedule_parse(
	        job->schedule, job->schedule_tz, &sch, err, sizeof err) < 0)
		return;
	rv->has_window = schedule_window(sch, time(NULL), &rv->window_start,
	                     &rv->window_end) == 0;
	schedule_free(sch);
}

static int
show_env(const struct job *job, bool diff)
{
	struct run_vars rv = {.job = job->name,
	    .run_id = "(per run)",
	    .attempt = 1,
	    .run_dir = "(per run)"};
	struct diag d = DIAG_INIT;
	struct kv env = KV_INIT;
	struct runas ru;
	char err[512];
	int ret = 0;

	if (runas_lookup(job->user, &ru, err, sizeof err) < 0) {
		fprintf(stderr, "cronwrap env: %s\n", err);
		return EX_CONFIG;
	}
	window_now(job, &rv);
	if (env_build(job, &ru, &rv, environ, &env, &d) < 0) {
		cli_print_diag(&d);
		ret = EX_CONFIG;
	} else if (diff)
		print_diff(&env);
	else
		for (size_t i = 0; i < env.n; i++)
			printf("%s=%s\n", env.keys[i], env.values[i]);
	kv_free(&env);
	diag_free(&d);
	runas_free(&ru);
	return ret;
}

int
cmd_env(const struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"diff", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct global g;
	struct job job;
	bool diff = false;
	int ch, status;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h')
			return cli_help("env", "  --diff   compare with the "
			                       "caller's environment (+ added, "
			                       "- removed, ~ changed)\n");
		if (ch == 'V')
			return printf("cronwrap %s\n", CW_VERSION) < 0;
		if (ch != 'd')
			return cli_usage("env", "bad option");
		diff = true;
	}
	if (optind != argc - 1)
		return cli_usage("env", "expected one JOB");
	if ((status = cli_load_global(cli, &g)) != 0)
		return status;
	if ((status = cli_load_job(&g, argv[optind], &job)) == 0) {
		status = show_env(&job, diff);
		job_free(&job);
	}
	global_free(&g);
	return status;
}
