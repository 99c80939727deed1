/*
 * cmd_prune.c - cronwrap prune: applies history.keep_days and
 * history.keep_runs to the history, the run logs and the run directories
 * (retention.h).  Silent unless -v or a terminal, as it runs from cron.
 */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "commands.h"
#include "crash.h"
#include "retention.h"
#include "runlog.h"
#include "util/timeutil.h"

static int
prune_apply(const struct cli *cli, const struct global *g)
{
	struct retention_result res = {0};
	struct strv warnings = STRV_INIT;
	struct state *st;
	int status = 0;

	if (state_open(g->state_dir, false, &st) < 0) {
		cli_warn("%s", state_error(st));
		state_close(st);
		return EX_SOFTWARE;
	}
	/* Rows of vanished runners become crashed, hence prunable. */
	runlog_open(g);
	if (crash_detect(g, st, NULL, &warnings) < 0)
		cli_warn("crash detection: %s", state_error(st));
	for (size_t i = 0; i < warnings.n; i++)
		cli_warn("%s", warnings.v[i]);
	strv_free(&warnings);
	if (retention_apply(g, st, now_real(), &res) < 0) {
		cli_warn("%s", state_error(st));
		status = EX_SOFTWARE;
	}
	for (size_t i = 0; i < res.errors.n; i++)
		cli_warn("cannot remove %s", res.errors.v[i]);
	if (res.errors.n > 0 && status == 0)
		status = 1;
	if (cli->verbosity > 0 || (cli->verbosity == 0 && isatty(1)))
		printf("pruned %u run%s, %u log file%s, %u run director%s "
		       "(keep_days = %u, keep_runs = %u)\n",
		    res.runs, res.runs == 1 ? "" : "s", res.logs,
		    res.logs == 1 ? "" : "s", res.run_dirs,
		    res.run_dirs == 1 ? "y" : "ies", g->keep_days,
		    g->keep_runs);
	retention_result_free(&res);
	state_close(st);
	return status;
}

int
cmd_prune(const struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct global g;
	int ch, status;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h')
			return cli_help("prune", NULL);
		if (ch == 'V')
			return printf("cronwrap %s\n", CW_VERSION) < 0;
		return cli_usage("prune", "bad option");
	}
	if (optind != argc)
		return cli_usage("prune", "expected no argument");
	if ((status = cli_load_global(cli, &g)) != 0)
		return status;
	status = prune_apply(cli, &g);
	global_free(&g);
	return status;
}
