/*
 * cmd_log.c - cronwrap log JOB [RUN_ID] [--raw]: a run's captured output,
 * by default the latest run's that has one (a skipped run has none).
 *
 * The file's lines are "TIMESTAMP STREAM text", STREAM being "out", "err"
 * or "cw " (cronwrap's own notes); it is printed as it is, or with --raw
 * the text of the out and err lines alone, as the job wrote it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "state.h"

static const char log_options[] =
    "  --raw    only the text of the job's stdout and stderr lines\n";

/* The text of an out or err line ("TIMESTAMP out text\n"), or NULL. */
static const char *
log_raw_text(const char *line)
{
	const char *sp = strchr(line, ' ');

	if (sp == NULL || strlen(sp) < 5 || sp[4] != ' ' ||
	    (strncmp(sp + 1, "out", 3) != 0 && strncmp(sp + 1, "err", 3) != 0))
		return NULL;
	return sp + 5;
}

static int
log_copy(FILE *in, bool raw)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (!raw) {
		char buf[65536];
		size_t n;

		while ((n = fread(buf, 1, sizeof buf, in)) > 0)
			if (fwrite(buf, 1, n, stdout) != n)
				return -1;
		return ferror(in) ? -1 : 0;
	}
	while ((len = getline(&line, &cap, in)) > 0) {
		const char *text;

		if (strlen(line) != (size_t)len)
			continue; /* a NUL in the line: not one of ours */
		if ((text = log_raw_text(line)) != NULL &&
		    fputs(text, stdout) < 0)
			break;
	}
	free(line);
	return ferror(in) || ferror(stdout) ? -1 : 0;
}

/* The run asked for, or the latest run of job with a log.  1, 0, -1. */
static int
log_find(struct state *st, const char *job, const char *run_id,
    struct run_record *out)
{
	struct run_record *runs;
	size_t n;
	int found = 0;

	if (run_id != NULL)
		return state_run_get(st, job, run_id, out);
	memset(out, 0, sizeof *out);
	if (state_runs_list(st, job, 0, &runs, &n) < 0)
		return -1;
	for (size_t i = 0; i < n && !found; i++) {
		if (runs[i].log_path == NULL)
			continue;
		*out = runs[i];
		memset(&runs[i], 0, sizeof runs[i]);
		found = 1;
	}
	state_runs_free(runs, n);
	return found;
}

static int
log_show(const struct run_record *r, bool raw)
{
	FILE *f;
	int ret;

	if (r->log_path == NULL) {
		cli_warn("run %s of %s has no log (%s%s%s)", r->run_id, r->job,
		    run_status_name(r->status), r->reason ? ": " : "",
		    r->reason ? r->reason : "");
		return 1;
	}
	if ((f = fopen(r->log_path, "re")) == NULL) {
		cli_warn("run %s: log %s: %s", r->run_id, r->log_path,
		    strerror(errno));
		return 1;
	}
	ret = log_copy(f, raw);
	fclose(f);
	if (ret < 0) {
		cli_warn("run %s: log %s: %s", r->run_id, r->log_path,
		    strerror(errno));
		return EX_SOFTWARE;
	}
	return 0;
}

static int
log_run(const struct global *g, const char *job, const char *run_id, bool raw)
{
	struct run_record r;
	struct state *st;
	int found, status;

	if (state_open(g->state_dir, true, &st) < 0) {
		cli_warn("%s", state_error(st));
		state_close(st);
		return EX_SOFTWARE;
	}
	found = log_find(st, job, run_id, &r);
	if (found < 0) {
		cli_warn("%s", state_error(st));
		status = EX_SOFTWARE;
	} else if (found == 0) {
		if (run_id != NULL)
			cli_warn("no run %s of job \"%s\"", run_id, job);
		else
			cli_warn("no run of job \"%s\" has a log", job);
		status = 1;
	} else {
		status = log_show(&r, raw);
	}
	run_record_free(&r);
	state_close(st);
	return status;
}

int
cmd_log(const struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"raw", no_argument, NULL, 'r'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	bool raw = false;
	struct global g;
	int ch, status;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h')
			return cli_help("log", log_options);
		if (ch == 'V')
			return printf("cronwrap %s\n", CW_VERSION) < 0;
		if (ch != 'r')
			return cli_usage("log", "bad option");
		raw = true;
	}
	if (optind != argc - 1 && optind != argc - 2)
		return cli_usage("log", "expected JOB [RUN_ID]");
	if (!config_valid_name(argv[optind]))
		return cli_usage(
		    "log", "\"%s\" is not a job name", argv[optind]);
	if ((status = cli_load_global(cli, &g)) != 0)
		return status;
	status = log_run(
	    &g, argv[optind], optind + 1 < argc ? argv[optind + 1] : NULL, raw);
	global_free(&g);
	return status;
}
