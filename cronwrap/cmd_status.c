/*
 * cmd_status.c - cronwrap status [JOB] [--json]: for each job, whether it
 * runs now, its last result, its consecutive failures, and LATE when cron
 * did not start it at its latest tick (health.h).  Exits 1 when any job
 * shown is LATE, failing or crashed, so that it serves as a monitoring
 * check; 78 when a job file does not load.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "jobwalk.h"
#include "report.h"

static const char status_options[] =
    "  --json    an array of objects (keys in cronwrap(1))\n";

struct status_out {
	bool json;
	struct table t;
	struct strbuf b;
	size_t n;
};

/* The job's problems, by their JSON names. */
static void
status_problems(const struct jobwalk_item *it, struct strv *p)
{
	if (it->job == NULL) {
		strv_push(p, "config");
		return;
	}
	if (it->h->late)
		strv_push(p, "late");
	if (health_crashed(it->h))
		strv_push(p, "crashed");
	else if (health_failing(it->h))
		strv_push(p, "failing");
}

/* The HEALTH column: "ok", or the problems with LATE in capitals. */
static void
status_health(struct table *t, const struct strv *problems)
{
	struct strbuf b = STRBUF_INIT;

	for (size_t i = 0; i < problems->n; i++) {
		if (i > 0)
			strbuf_adds(&b, ",");
		strbuf_adds(&b, strcmp(problems->v[i], "late") == 0
		                    ? "LATE"
		                    : problems->v[i]);
	}
	table_add(t, problems->n > 0 ? strbuf_str(&b) : "ok");
	strbuf_free(&b);
}

static void
status_note(struct table *t, const struct job_health *h)
{
	char when[64], *reason;

	if (h->late) {
		report_time((double)h->missed, when, sizeof when);
		table_addf(t, "no run since the tick of %s", when);
	} else if (!h->has_last && !h->running) {
		table_add(t, "never run");
	} else if (h->has_last && run_status_is_failure(h->last.status) &&
	           h->last.reason != NULL) {
		reason = report_oneline(h->last.reason);
		table_add(t, reason);
		free(reason);
	} else if (h->has_last && run_status_is_failure(h->last.status) &&
	           (h->last.signal > 0 || h->last.exit_code >= 0)) {
		report_exit(&h->last, when, sizeof when);
		table_addf(t, "%s%s", h->last.signal > 0 ? "" : "exit ", when);
	} else if (h->has_last && h->last.status == RS_SKIPPED &&
	           h->last.reason != NULL) {
		/* Why the latest start did nothing: a lock held, requirements
		 * unmet; the failures, if any, are counted beside. */
		reason = report_oneline(h->last.reason);
		table_addf(t, "skipped: %s", reason);
		free(reason);
	} else {
		table_add(t, NULL);
	}
}

static void
status_row(
    struct table *t, const struct jobwalk_item *it, const struct strv *problems)
{
	const struct job_health *h = it->h;
	char buf[64];

	table_add(t, it->name);
	if (it->job == NULL) {
		table_add(t, "config error");
		for (int i = 0; i < 4; i++)
			table_add(t, NULL);
		table_addf(t, "see: cronwrap check %s", it->name);
		return;
	}
	status_health(t, problems);
	report_time(h->running ? h->current.start : 0, buf, sizeof buf);
	if (h->running)
		table_addf(t, "pid %ld since %s", (long)h->current.pid, buf);
	else
		table_add(t, NULL);
	table_add(t, h->has_last ? run_status_name(h->last.status) : NULL);
	report_time(h->has_last ? h->last.end : 0, buf, sizeof buf);
	table_add(t, buf);
	table_addf(t, "%d", h->failures);
	status_note(t, h);
}

static void
status_json(struct strbuf *b, const struct jobwalk_item *it,
    const struct strv *problems)
{
	static const struct job_health none; /* a job whose file failed */
	const struct job_health *h = it->h != NULL ? it->h : &none;
	const struct run_record *last = h->has_last ? &h->last : NULL;
	bool running = h->running;

	json_open(b, '{');
	json_key(b, "job");
	json_str(b, it->name);
	json_key(b, "health");
	json_open(b, '[');
	for (size_t i = 0; i < problems->n; i++)
		json_str(b, problems->v[i]);
	json_close(b, ']');
	json_key(b, "running");
	json_bool(b, running);
	json_key(b, "pid");
	if (running)
		json_int(b, h->current.pid);
	else
		json_null(b);
	json_key(b, "since");
	json_time_ms(b, running ? h->current.start : 0);
	json_key(b, "last_run_id");
	json_str(b, last ? last->run_id : NULL);
	json_key(b, "last_status");
	json_str(b, last ? run_status_name(last->status) : NULL);
	json_key(b, "last_end");
	json_time_ms(b, last ? last->end : 0);
	json_key(b, "consecutive_failures");
	json_int(b, h->failures);
	json_key(b, "missed_tick");
	json_time(b, h->late, h->missed);
	json_key(b, "next");
	json_time(b, h->has_next, h->next);
	json_close(b, '}');
}

static int
status_item(const struct jobwalk_item *it, void *arg)
{
	struct status_out *o = arg;
	struct strv problems = STRV_INIT;
	int bad;

	status_problems(it, &problems);
	if (o->json) {
		strbuf_adds(&o->b, o->n++ == 0 ? "\n" : ",\n");
		status_json(&o->b, it, &problems);
	} else {
		status_row(&o->t, it, &problems);
	}
	bad = problems.n > 0;
	strv_free(&problems);
	return bad;
}

static int
status_print(struct status_out *o, int status)
{
	if (o->json && (o->n > 0 || status == 0)) {
		strbuf_adds(&o->b, o->n > 0 ? "\n]\n" : "]\n");
		fputs(strbuf_str(&o->b), stdout);
	} else if (!o->json && o->t.cells.n > o->t.ncols) {
		table_print(&o->t, stdout);
	} else if (!o->json && status == 0) {
		cli_warn("no jobs");
	}
	return fflush(stdout) != 0 ? EX_SOFTWARE : status;
}

int
cmd_status(const struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"json", no_argument, NULL, 'j'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct status_out o = {.b = STRBUF_INIT};
	const char *one = NULL;
	int ch, status;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h')
			return cli_help("status", status_options);
		if (ch == 'V')
			return printf("cronwrap %s\n", CW_VERSION) < 0;
		if (ch != 'j')
			return cli_usage("status", "bad option");
		o.json = true;
	}
	if (optind < argc - 1)
		return cli_usage("status", "expected at most one JOB");
	if (optind == argc - 1) {
		one = argv[optind];
		if (!config_valid_name(one))
			return cli_usage(
			    "status", "\"%s\" is not a job name", one);
	}
	table_init(&o.t, 7, "JOB", "HEALTH", "RUNNING", "LAST", "FINISHED",
	    "FAILURES", "NOTE");
	strbuf_adds(&o.b, "[");
	status = status_print(&o, jobwalk(cli, one, false, status_item, &o));
	table_free(&o.t);
	strbuf_free(&o.b);
	return status;
}
