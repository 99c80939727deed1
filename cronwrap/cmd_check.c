/*
 * cmd_check.c - cronwrap check [JOB]...: validates the global file and the
 * jobs (all of them without arguments), their env files, users and plugin
 * steps.  Prints every problem as FILE:LINE: message; exits 78 on any.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "env.h"
#include "plugin_host.h"
#include "runas.h"

static int
check_job(const struct global *g, const char *name, struct diag *d)
{
	struct runas ru;
	struct kv env = KV_INIT;
	struct job job;
	char err[512];
	int ret = 0;

	if (config_load_job(g, name, &job, d) < 0)
		return -1;
	if (runas_lookup(job.user, &ru, err, sizeof err) < 0) {
		diag_add(d, job.file, 0, "%s", err);
		ret = -1;
	} else {
		if (env_build_base(&job, &ru, NULL, &env, d) < 0)
			ret = -1;
		runas_free(&ru);
	}
	kv_free(&env);
	if (plugin_check_steps(g, &job, d) < 0)
		ret = -1;
	job_free(&job);
	return ret;
}

int
cmd_check(const struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct strv names = STRV_INIT;
	struct diag d = DIAG_INIT;
	struct global g;
	int ch, bad = 0;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h')
			return cli_help("check", NULL);
		if (ch == 'V')
			return printf("cronwrap %s\n", CW_VERSION) < 0;
		return cli_usage("check", "bad option");
	}
	if (config_load_global(cli->config, &g, &d) < 0) {
		cli_print_diag(&d);
		diag_free(&d);
		return EX_CONFIG;
	}
	for (int i = optind; i < argc; i++)
		strv_push(&names, argv[i]);
	if (optind == argc && config_job_names(&g, &names, &d) < 0)
		bad++;
	for (size_t i = 0; i < names.n; i++)
		if (check_job(&g, names.v[i], &d) < 0)
			bad++;
	cli_print_diag(&d);
	if (bad == 0 && cli->verbosity >= 0)
		printf("%s: ok, %zu job%s\n", g.file ? g.file : "(defaults)",
		    names.n, names.n == 1 ? "" : "s");
	strv_free(&names);
	diag_free(&d);
	global_free(&g);
	return bad ? EX_CONFIG : 0;
}
