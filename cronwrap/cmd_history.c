/*
 * cmd_history.c - cronwrap history JOB [-n N] [--json]: the runs of a job,
 * newest first.  The job needs no file: runs of "exec --name" have a
 * history too.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "config.h"
#include "jobwalk.h"
#include "report.h"
#include "util/timeutil.h"

#define HISTORY_DEFAULT_RUNS 20

static const char history_options[] =
    "  -n N      the newest N runs (default 20; 0 = all)\n"
    "  --json    an array of objects (keys in cronwrap(1))\n";

static void
history_json_run(struct strbuf *b, const struct run_record *r)
{
	json_open(b, '{');
	json_key(b, "run_id");
	json_str(b, r->run_id);
	json_key(b, "job");
	json_str(b, r->job);
	json_key(b, "host");
	json_str(b, r->host);
	json_key(b, "pid");
	if (r->pid > 0)
		json_int(b, r->pid);
	else
		json_null(b);
	json_key(b, "status");
	json_str(b, run_status_name(r->status));
	json_key(b, "exit_code");
	if (r->exit_code >= 0)
		json_int(b, r->exit_code);
	else
		json_null(b);
	json_key(b, "signal");
	if (r->signal > 0)
		json_int(b, r->signal);
	else
		json_null(b);
	json_key(b, "start");
	json_time_ms(b, r->start);
	json_key(b, "end");
	json_time_ms(b, r->end);
	json_key(b, "duration_s");
	if (r->end > 0 && r->end >= r->start)
		json_num(b, duration_ms_exact(r->start, r->end));
	else
		json_null(b);
	json_key(b, "attempts");
	json_int(b, r->attempts);
	json_key(b, "window_start");
	json_time(b, r->has_window, r->window_start);
	json_key(b, "window_end");
	json_time(b, r->has_window, r->window_end);
	json_key(b, "log");
	json_str(b, r->log_path);
	json_close(b, '}');
}

/* One object per line, so that line tools work on it too. */
static int
history_json(const struct run_record *runs, size_t n)
{
	struct strbuf b = STRBUF_INIT;
	int ret;

	strbuf_adds(&b, "[");
	for (size_t i = 0; i < n; i++) {
		strbuf_adds(&b, i == 0 ? "\n" : ",\n");
		history_json_run(&b, &runs[i]);
	}
	strbuf_adds(&b, n > 0 ? "\n]\n" : "]\n");
	ret = fputs(strbuf_str(&b), stdout) < 0 ? -1 : 0;
	strbuf_free(&b);
	return ret;
}

static int
history_table(const struct run_record *runs, size_t n)
{
	struct table t;
	double now = now_real();
	int ret;

	table_init(&t, 7, "RUN ID", "START", "DURATION", "STATUS", "EXIT",
	    "ATTEMPTS", "REASON");
	for (size_t i = 0; i < n; i++) {
		const struct run_record *r = &runs[i];
		char buf[64], *reason;

		table_add(&t, r->run_id);
		report_time(r->start, buf, sizeof buf);
		table_add(&t, buf);
		report_duration(r, now, buf, sizeof buf);
		table_add(&t, buf);
		table_add(&t, run_status_name(r->status));
		report_exit(r, buf, sizeof buf);
		table_add(&t, buf);
		table_addf(&t, "%u", r->attempts);
		reason = report_oneline(r->reason);
		table_add(&t, reason);
		free(reason);
	}
	ret = table_print(&t, stdout);
	table_free(&t);
	return ret;
}

static int
history_parse_n(const char *arg, size_t *n)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno == ERANGE ||
	    v > 1000000000ULL)
		return -1;
	*n = (size_t)v;
	return 0;
}

static int
history_show(const struct global *g, const char *job, size_t limit, bool json)
{
	struct run_record *runs;
	struct state *st;
	size_t n;
	bool marked;
	int ret = 0;

	if (jobwalk_open(g, job, &st, &marked) != 0) {
		state_close(st);
		return EX_SOFTWARE;
	}
	if (state_runs_list(st, job, limit, &runs, &n) < 0) {
		cli_warn("%s", state_error(st));
		state_close(st);
		return EX_SOFTWARE;
	}
	if (json)
		ret = history_json(runs, n);
	else if (n == 0)
		cli_warn("no runs of job \"%s\" in %s", job, g->state_dir);
	else
		ret = history_table(runs, n);
	state_runs_free(runs, n);
	state_close(st);
	return ret < 0 ? EX_SOFTWARE : 0;
}

int
cmd_history(const struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"json", no_argument, NULL, 'j'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	size_t limit = HISTORY_DEFAULT_RUNS;
	bool json = false;
	struct global g;
	int ch, status;

	while ((ch = getopt_long(argc, argv, "hn:", opts, NULL)) != -1) {
		if (ch == 'h')
			return cli_help("history", history_options);
		if (ch == 'V')
			return printf("cronwrap %s\n", CW_VERSION) < 0;
		if (ch == 'j')
			json = true;
		else if (ch != 'n')
			return cli_usage("history", "bad option");
		else if (history_parse_n(optarg, &limit) < 0)
			return cli_usage("history",
			    "-n %s: expected a number of runs", optarg);
	}
	if (optind != argc - 1)
		return cli_usage("history", "expected one JOB");
	if (!config_valid_name(argv[optind]))
		return cli_usage(
		    "history", "\"%s\" is not a job name", argv[optind]);
	if ((status = cli_load_global(cli, &g)) != 0)
		return status;
	status = history_show(&g, argv[optind], limit, json);
	global_free(&g);
	return status;
}
