/*
 * cmd_run.c - cronwrap run JOB [--dry-run] [--force] [--param K=V]...
 *             [--window START/END]
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_result.h"
#include "commands.h"
#include "run.h"
#include "runlog.h"

extern char **environ;

static const char run_options[] =
    "  --dry-run            say what would be done, change nothing\n"
    "  --force              do not evaluate requires (logged)\n"
    "  --param KEY=VALUE    passed as CRONWRAP_PARAM_KEY (repeatable)\n"
    "  --window START/END   the data window, ISO 8601\n";

/* Parses the options shared by run and exec into req; returns 0, 1 for an
 * option it does not know (left to the caller), or EX_USAGE. */
int
cmd_run_option(
    const char *cmd, int ch, struct run_request *req, struct kv *params)
{
	switch (ch) {
	case 'D':
		req->dry_run = true;
		return 0;
	case 'F':
		req->force = true;
		return 0;
	case 'P':
		if (cli_param(optarg, params) < 0)
			return cli_usage(cmd,
			    "--param %s: expected KEY=VALUE "
			    "(KEY of letters, digits, _)",
			    optarg);
		return 0;
	case 'W':
		if (cli_window(optarg, &req->window_start, &req->window_end) <
		    0)
			return cli_usage(cmd,
			    "--window %s: expected START/END "
			    "in ISO 8601, START before END",
			    optarg);
		req->has_window = true;
		return 0;
	default:
		return 1;
	}
}

/* Runs the job and reports; shared with exec. */
int
cmd_run_job(const struct global *g, const struct job *job,
    struct run_request *req, const struct cli *cli)
{
	struct run_result res;
	int status;

	req->g = g;
	req->job = job;
	req->caller_env = environ;
	req->live = isatty(2) && !req->dry_run && cli->verbosity >= 0;
	runlog_open(g);
	runlog_mute(req->dry_run);
	status = run_job(req, &res);
	if (req->dry_run) {
		for (size_t i = 0; i < res.report.n; i++)
			printf("%s\n", res.report.v[i]);
		fflush(stdout);
		for (size_t i = 0; i < res.warnings.n; i++)
			cli_warn("%s", res.warnings.v[i]);
	} else
		cli_report_run(job, &res, req->live, cli->verbosity > 0);
	run_result_free(&res);
	return status;
}

int
cmd_run(const struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"dry-run", no_argument, NULL, 'D'},
	    {"force", no_argument, NULL, 'F'},
	    {"help", no_argument, NULL, 'h'},
	    {"param", required_argument, NULL, 'P'},
	    {"version", no_argument, NULL, 'V'},
	    {"window", required_argument, NULL, 'W'},
	    {NULL, 0, NULL, 0},
	};
	struct run_request req = {0};
	struct kv params = KV_INIT;
	struct global g;
	struct job job;
	int ch, status;

	req.params = &params;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h')
			return cli_help("run", run_options);
		if (ch == 'V')
			return printf("cronwrap %s\n", CW_VERSION) < 0;
		if ((status = cmd_run_option("run", ch, &req, &params)) != 0) {
			kv_free(&params);
			return status == 1 ? cli_usage("run", "bad option")
			                   : status;
		}
	}
	if (optind != argc - 1) {
		kv_free(&params);
		return cli_usage("run", "expected one JOB");
	}
	if ((status = cli_load_global(cli, &g)) != 0) {
		kv_free(&params);
		return status;
	}
	if ((status = cli_load_job(&g, argv[optind], &job)) == 0) {
		status = cmd_run_job(&g, &job, &req, cli);
		job_free(&job);
	}
	global_free(&g);
	kv_free(&params);
	return status;
}
