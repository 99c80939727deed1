/*
 * cmd_list.c - cronwrap list [--json]: every job of jobs_dir with its
 * schedule, its latest run (status and start) and its next tick.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "jobwalk.h"
#include "report.h"

static const char list_options[] =
    "  --json    an array of objects (keys in cronwrap(1))\n";

struct list_out {
	bool json;
	struct table t;
	struct strbuf b;
	size_t n;
};

/* The latest run: the one in progress, else the last finished. */
static const struct run_record *
list_latest(const struct job_health *h)
{
	if (h->running)
		return &h->current;
	return h->has_last ? &h->last : NULL;
}

static void
list_row(struct table *t, const struct jobwalk_item *it)
{
	const struct run_record *r;
	char buf[64];

	table_add(t, it->name);
	if (it->job == NULL) {
		table_add(t, "(configuration error)");
		for (int i = 0; i < 3; i++)
			table_add(t, NULL);
		return;
	}
	if (it->exec)
		table_add(t, "(no job file)");
	else if (it->job->schedule != NULL && it->job->schedule_tz != NULL)
		table_addf(
		    t, "%s (%s)", it->job->schedule, it->job->schedule_tz);
	else
		table_add(t, it->job->schedule);
	r = list_latest(it->h);
	table_add(t, r != NULL ? run_status_name(r->status) : "never run");
	report_time(r != NULL ? r->start : 0, buf, sizeof buf);
	table_add(t, buf);
	report_time(it->h->has_next ? (double)it->h->next : 0, buf, sizeof buf);
	table_add(t, buf);
}

static void
list_json(struct strbuf *b, const struct jobwalk_item *it)
{
	const struct job *job = it->job;
	const struct run_record *r = it->h ? list_latest(it->h) : NULL;

	json_open(b, '{');
	json_key(b, "job");
	json_str(b, it->name);
	json_key(b, "description");
	json_str(b, job ? job->description : NULL);
	json_key(b, "schedule");
	json_str(b, job ? job->schedule : NULL);
	json_key(b, "schedule_tz");
	json_str(b, job ? job->schedule_tz : NULL);
	json_key(b, "last_run_id");
	json_str(b, r ? r->run_id : NULL);
	json_key(b, "last_status");
	json_str(b, r ? run_status_name(r->status) : NULL);
	json_key(b, "last_start");
	json_time_ms(b, r ? r->start : 0);
	json_key(b, "last_end");
	json_time_ms(b, r ? r->end : 0);
	json_key(b, "next");
	json_time(b, it->h && it->h->has_next, it->h ? it->h->next : 0);
	json_key(b, "config_error");
	json_bool(b, job == NULL);
	json_close(b, '}');
}

static int
list_item(const struct jobwalk_item *it, void *arg)
{
	struct list_out *o = arg;

	if (!o->json) {
		list_row(&o->t, it);
		return 0;
	}
	strbuf_adds(&o->b, o->n++ == 0 ? "\n" : ",\n");
	list_json(&o->b, it);
	return 0;
}

int
cmd_list(const struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"json", no_argument, NULL, 'j'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct list_out o = {.b = STRBUF_INIT};
	int ch, status;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h')
			return cli_help("list", list_options);
		if (ch == 'V')
			return printf("cronwrap %s\n", CW_VERSION) < 0;
		if (ch != 'j')
			return cli_usage("list", "bad option");
		o.json = true;
	}
	if (optind != argc)
		return cli_usage("list", "expected no argument");
	table_init(&o.t, 5, "JOB", "SCHEDULE", "LAST", "STARTED", "NEXT");
	strbuf_adds(&o.b, "[");
	status = jobwalk(cli, NULL, true, list_item, &o);
	if (o.json && (o.n > 0 || status == 0)) {
		strbuf_adds(&o.b, o.n > 0 ? "\n]\n" : "]\n");
		fputs(strbuf_str(&o.b), stdout);
	} else if (!o.json && o.t.cells.n > o.t.ncols) {
		table_print(&o.t, stdout);
	} else if (!o.json && status == 0) {
		cli_warn("no jobs");
	}
	if (fflush(stdout) != 0)
		status = EX_SOFTWARE;
	table_free(&o.t);
	strbuf_free(&o.b);
	return status;
}
