/*
 * alertprobe - records one finished run of a configured job in the state
 * database and hands it to the alert policy and the hooks, as the runner
 * does after a run, so that the policy can be tested end to end (real
 * configuration, real state database, real servers) on its own.
 *
 *   alertprobe [-c CONFIG] [-e EXIT] [-k SIGNAL] [-r REASON] [-s STEP]
 *       [-d SECONDS] [-t TAIL_FILE] [-n] JOB STATUS
 *   alertprobe [-c CONFIG] -S JOB         notify_start only
 *
 * STATUS is a run status name (succeeded, failed, timeout, killed,
 * precondition, crashed, skipped).  -n: no tail at all (as for a crash).
 * Prints "alert: ok" or "alert: ERROR", then "notify: ..." likewise, and
 * exits 1 when either failed, 2 on a usage or configuration error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "config.h"
#include "mail.h"
#include "notify.h"
#include "util/path.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct probe {
	const char *config, *reason, *step, *tail_file;
	int exit_code, signal;
	double seconds;
	int no_tail, start_only;
};

static int
usage(void)
{
	fprintf(stderr, "usage: alertprobe [-c config] [-e exit] [-k signal] "
	                "[-r reason] [-s step] [-d seconds] [-t tail_file] "
	                "[-n] job status\n"
	                "       alertprobe [-c config] -S job\n");
	return 2;
}

static int
load(const char *config, const char *name, struct global *g, struct job *job)
{
	struct diag d = DIAG_INIT;

	memset(g, 0, sizeof *g);
	memset(job, 0, sizeof *job);
	if (config_load_global(config, g, &d) < 0 ||
	    config_load_job(g, name, job, &d) < 0) {
		for (size_t i = 0; i < d.msgs.n; i++)
			fprintf(stderr, "%s\n", d.msgs.v[i]);
		diag_free(&d);
		return -1;
	}
	diag_free(&d);
	return 0;
}

static void
fill_record(const struct probe *p, const struct job *job, enum run_status s,
    struct run_record *r)
{
	double now = now_real();
	char host[256];

	memset(r, 0, sizeof *r);
	runid_new(now, r->run_id);
	mail_hostname(host, sizeof host);
	r->job = xstrdup(job->name);
	r->host = xstrdup(host);
	r->pid = getpid();
	r->status = s;
	r->exit_code = p->exit_code;
	r->signal = p->signal;
	/* Runs follow each other: this one starts now (history is ordered
	 * by start) and lasts the given time. */
	r->start = now;
	r->end = now + p->seconds;
	r->attempts = 1;
	r->reason = p->reason ? xstrdup(p->reason) : NULL;
	r->failed_step = p->step ? xstrdup(p->step) : NULL;
	r->log_path = xasprintf("/nonexistent/%s/%s.log", job->name, r->run_id);
}

static int
report(const char *what, int ret, const char *err)
{
	if (ret == 0)
		printf("%s: ok\n", what);
	else
		printf("%s: ERROR %s\n", what, err);
	return ret;
}

static int
probe_run(
    const struct probe *p, struct global *g, struct job *job, enum run_status s)
{
	struct run_record r;
	struct state *st;
	char err[2048];
	char *tail = NULL;
	int bad = 0;

	if (state_open(g->state_dir, false, &st) < 0) {
		fprintf(stderr, "state: %s\n", state_error(st));
		state_close(st);
		return 2;
	}
	fill_record(p, job, s, &r);
	if (state_run_insert(st, &r) < 0) {
		fprintf(stderr, "state: %s\n", state_error(st));
		bad = 2;
		goto out;
	}
	if (!p->no_tail)
		tail = p->tail_file ? read_file(p->tail_file, 1 << 24, NULL)
		                    : xstrdup("some output\nthe last line\n");
	bad |= report("alert",
	           alert_after_run(g, job, st, &r, tail, err, sizeof err),
	           err) < 0;
	bad |= report("notify",
	           notify_finish(job, st, &r, tail, err, sizeof err), err) < 0;
out:
	free(tail);
	run_record_free(&r);
	state_close(st);
	return bad;
}

int
main(int argc, char **argv)
{
	struct probe p = {.exit_code = -1, .seconds = 1};
	enum run_status s = RS_SUCCEEDED;
	struct global g;
	struct job job;
	int c, ret;

	while ((c = getopt(argc, argv, "Sc:d:e:k:nr:s:t:")) != -1) {
		switch (c) {
		case 'S':
			p.start_only = 1;
			break;
		case 'c':
			p.config = optarg;
			break;
		case 'd':
			p.seconds = atof(optarg);
			break;
		case 'e':
			p.exit_code = atoi(optarg);
			break;
		case 'k':
			p.signal = atoi(optarg);
			break;
		case 'n':
			p.no_tail = 1;
			break;
		case 'r':
			p.reason = optarg;
			break;
		case 's':
			p.step = optarg;
			break;
		case 't':
			p.tail_file = optarg;
			break;
		default:
			return usage();
		}
	}
	if (argc - optind != (p.start_only ? 1 : 2) ||
	    (!p.start_only && run_status_parse(argv[optind + 1], &s) < 0))
		return usage();
	if (load(p.config, argv[optind], &g, &job) < 0)
		return 2;
	if (p.start_only) {
		char err[1024];

		ret =
		    report("notify",
		        notify_start(&job, "probe", err, sizeof err), err) < 0;
	} else
		ret = probe_run(&p, &g, &job, s);
	job_free(&job);
	global_free(&g);
	return ret;
}
