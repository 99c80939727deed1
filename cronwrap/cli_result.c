/*
 * cli_result.c - telling people how a run went: silent on success (so
 * cron's mail stays quiet), a summary and the output tail on failure, per
 * cron_output.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_result.h"
#include "util/duration.h"

#define SUMMARY_TAIL 20

static void
what_happened(
    const struct job *job, const struct run_result *res, char *buf, size_t len)
{
	char dur[32];

	duration_format(res->duration, dur, sizeof dur);
	switch (res->status) {
	case RS_SUCCEEDED:
		snprintf(buf, len, "succeeded after %s", dur);
		break;
	case RS_TIMEOUT:
		snprintf(buf, len, "timed out after %s and was killed", dur);
		break;
	case RS_KILLED:
		snprintf(buf, len, "killed by signal %d (%s) after %s",
		    res->signal, strsignal(res->signal), dur);
		break;
	case RS_SKIPPED:
		snprintf(buf, len, "not run: %s",
		    res->reason ? res->reason : "skipped");
		break;
	case RS_PRECONDITION:
		snprintf(buf, len, "not run, precondition unmet: %s",
		    res->reason ? res->reason : "?");
		break;
	default:
		if (res->exit_code > 0)
			snprintf(buf, len, "FAILED: exit %d after %s%s%s",
			    res->exit_code, dur, res->reason ? ": " : "",
			    res->reason ? res->reason : "");
		else
			snprintf(buf, len, "FAILED: %s",
			    res->reason ? res->reason : "see the log");
	}
	(void)job;
}

static void
print_tail(const char *tail)
{
	const char *p, *start;
	size_t lines = 0;

	for (const char *q = tail; *q; q++)
		lines += *q == '\n';
	start = tail;
	while (lines > SUMMARY_TAIL && (p = strchr(start, '\n')) != NULL) {
		start = p + 1;
		lines--;
	}
	if (*start == '\0')
		return;
	fprintf(stderr, "cronwrap: last lines of output:\n");
	fputs(start, stderr);
}

void
cli_report_run(const struct job *job, const struct run_result *res, bool live,
    bool verbose)
{
	bool failed = res->status != RS_SUCCEEDED && res->status != RS_SKIPPED;
	char what[1024];

	for (size_t i = 0; i < res->warnings.n; i++)
		fprintf(stderr, "cronwrap: %s: warning: %s\n", job->name,
		    res->warnings.v[i]);
	if (job->cron_output == OUT_NEVER)
		return;
	if (!failed && job->cron_output != OUT_ALWAYS &&
	    !(res->status == RS_SKIPPED && (verbose || isatty(2))))
		return;
	what_happened(job, res, what, sizeof what);
	fprintf(stderr, "cronwrap: %s %s", job->name, what);
	if (res->attempts > 1 || job->retry.attempts > 1)
		fprintf(stderr, " (attempt %u of %u)", res->attempts,
		    job->retry.attempts);
	fputc('\n', stderr);
	if (res->status == RS_SKIPPED)
		return;
	if (res->run_id[0] && res->log_path != NULL)
		fprintf(stderr, "cronwrap: run %s, log %s\n", res->run_id,
		    res->log_path);
	if (!live && res->tail != NULL)
		print_tail(res->tail);
}
