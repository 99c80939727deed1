/*
 * alert_fmt.c - subject and body of an alert mail.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert_fmt.h"
#include "util/duration.h"
#include "util/strbuf.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define REASON_MAX 100 /* characters of a reason in a subject */

unsigned
alert_event_of(enum run_status s)
{
	switch (s) {
	case RS_FAILED:
	case RS_KILLED:
		return EV_FAILURE;
	case RS_TIMEOUT:
		return EV_TIMEOUT;
	case RS_PRECONDITION:
		return EV_PRECONDITION;
	case RS_CRASHED:
		return EV_CRASH;
	default:
		return 0;
	}
}

const char *
alert_event_name(unsigned event)
{
	switch (event) {
	case EV_FAILURE:
		return "failure";
	case EV_TIMEOUT:
		return "timeout";
	case EV_PRECONDITION:
		return "precondition";
	case EV_CRASH:
		return "crash";
	case EV_RECOVERY:
		return "recovery";
	default:
		return "success";
	}
}

static const char *
event_word(unsigned event)
{
	switch (event) {
	case EV_FAILURE:
		return "FAILED";
	case EV_TIMEOUT:
		return "TIMED OUT";
	case EV_PRECONDITION:
		return "NOT RUN";
	case EV_CRASH:
		return "CRASHED";
	case EV_RECOVERY:
		return "RECOVERED";
	default:
		return "SUCCEEDED";
	}
}

static const char *
job_name(const struct alert_facts *f)
{
	return f->r->job != NULL ? f->r->job : f->job->name;
}

static double
run_seconds(const struct run_record *r)
{
	return r->end > r->start ? r->end - r->start : 0;
}

static const char *
sig_name(int sig)
{
	const char *abbrev = sigabbrev_np(sig);

	return abbrev != NULL ? abbrev : "?";
}

/* The end of a failure's subject: what happened, shortly. */
static void
subject_failure(struct strbuf *b, const struct alert_facts *f, const char *dur)
{
	const struct run_record *r = f->r;

	if (r->signal > 0)
		strbuf_printf(b, "killed by SIG%s", sig_name(r->signal));
	else if (r->exit_code >= 0)
		strbuf_printf(b, "exit %d", r->exit_code);
	else
		strbuf_adds(b, "failed");
	if (r->failed_step != NULL)
		strbuf_printf(b, " in step %s", r->failed_step);
	strbuf_printf(b, " after %s", dur);
}

static void
add_reason(struct strbuf *b, const char *reason, const char *none)
{
	if (reason == NULL || reason[0] == '\0')
		strbuf_adds(b, none);
	else if (strlen(reason) > REASON_MAX)
		strbuf_printf(b, "%.*s...", REASON_MAX, reason);
	else
		strbuf_adds(b, reason);
}

char *
alert_fmt_subject(const struct alert_facts *f)
{
	struct strbuf b = STRBUF_INIT;
	char dur[32];

	alert_text_duration(run_seconds(f->r), dur, sizeof dur);
	strbuf_printf(&b, "[cronwrap] %s %s on %s: ", event_word(f->event),
	    job_name(f), f->host);
	if (f->event == EV_FAILURE)
		subject_failure(&b, f, dur);
	else if (f->event == EV_TIMEOUT)
		strbuf_printf(&b, "timed out after %s", dur);
	else if (f->event == EV_PRECONDITION)
		add_reason(&b, f->r->reason, "a requirement was not met");
	else if (f->event == EV_CRASH)
		add_reason(&b, f->r->reason, "the runner vanished");
	else if (f->event == EV_RECOVERY && f->consecutive > 0)
		strbuf_printf(&b, "succeeded after %d failure%s",
		    f->consecutive, f->consecutive == 1 ? "" : "s");
	else
		strbuf_printf(&b, "succeeded in %s", dur);
	if (f->event != EV_RECOVERY && f->event != 0 && f->consecutive > 1)
		strbuf_printf(&b, " (%d in a row)", f->consecutive);
	return b.s;
}

/* An argument as a shell would need it written. */
static void
add_quoted(struct strbuf *b, const char *arg)
{
	if (arg[0] != '\0' &&
	    strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                "0123456789_./:=@%+,-") == strlen(arg)) {
		strbuf_adds(b, arg);
		return;
	}
	strbuf_add(b, "'", 1);
	for (const char *p = arg; *p != '\0'; p++) {
		if (*p == '\'')
			strbuf_adds(b, "'\\''");
		else
			strbuf_add(b, p, 1);
	}
	strbuf_add(b, "'", 1);
}

char *
alert_fmt_command(const struct job *job)
{
	struct strbuf b = STRBUF_INIT;

	if (job->nsteps > 0) {
		for (size_t i = 0; i < job->nsteps; i++)
			strbuf_printf(&b, "%s%u %s",
			    i ? ", " : "steps: ", job->steps[i].index,
			    job->steps[i].name);
	} else if (job->shell != NULL) {
		strbuf_adds(&b, "sh -c ");
		add_quoted(&b, job->shell);
	} else {
		for (size_t i = 0; i < job->command.n; i++) {
			if (i > 0)
				strbuf_add(&b, " ", 1);
			add_quoted(&b, job->command.v[i]);
		}
	}
	return b.s != NULL ? b.s : xstrdup("");
}

static void
add_time(struct strbuf *b, const char *label, double t)
{
	char buf[64];
	time_t sec = (time_t)t;
	struct tm tm;

	localtime_r(&sec, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z", &tm);
	strbuf_printf(b, "%-13s %s\n", label, buf);
}

/* "failed, exit status 2", "killed by signal 9 (SIGKILL)", ... */
static void
add_status(struct strbuf *b, const struct alert_facts *f)
{
	const struct run_record *r = f->r;

	strbuf_printf(b, "%-13s %s", "Status:", run_status_name(r->status));
	if (r->signal > 0)
		strbuf_printf(b, ", killed by signal %d (SIG%s)", r->signal,
		    sig_name(r->signal));
	else if (r->exit_code >= 0)
		strbuf_printf(b, ", exit status %d", r->exit_code);
	if (r->status == RS_TIMEOUT && f->job->timeout > 0) {
		char limit[32];

		duration_format(f->job->timeout, limit, sizeof limit);
		strbuf_printf(b, " (timeout %s)", limit);
	}
	strbuf_add(b, "\n", 1);
}

static void
add_line(struct strbuf *b, const char *label, const char *value)
{
	if (value != NULL && value[0] != '\0')
		strbuf_printf(b, "%-13s %s\n", label, value);
}

static void
add_window(struct strbuf *b, const struct run_record *r)
{
	char from[32], to[32];

	if (!r->has_window)
		return;
	iso8601_utc(r->window_start, from, sizeof from);
	iso8601_utc(r->window_end, to, sizeof to);
	strbuf_printf(b, "%-13s %s .. %s\n", "Window:", from, to);
}

/* A streak worth a line: more than this one failure, or a recovery. */
static void
add_streak(struct strbuf *b, const struct alert_facts *f)
{
	if (f->consecutive <= 0 || f->event == 0 ||
	    (f->event != EV_RECOVERY && f->consecutive == 1))
		return;
	strbuf_printf(b, "%-13s %d %s", "Failures:", f->consecutive,
	    f->event == EV_RECOVERY ? "before this success" : "in a row");
	if (f->failing_since > 0) {
		char buf[64];
		time_t sec = (time_t)f->failing_since;
		struct tm tm;

		localtime_r(&sec, &tm);
		strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z", &tm);
		strbuf_printf(b, ", since %s", buf);
	}
	strbuf_add(b, "\n", 1);
}

static void
add_facts(struct strbuf *b, const struct alert_facts *f)
{
	const struct run_record *r = f->r;
	char *cmd = alert_fmt_command(f->job);
	char dur[32];

	add_line(b, "Job:", job_name(f));
	add_line(b, "Description:", f->job->description);
	add_line(b, "Host:", f->host);
	add_line(b, f->job->nsteps > 0 ? "Steps:" : "Command:",
	    f->job->nsteps > 0 ? cmd + strlen("steps: ") : cmd);
	add_status(b, f);
	add_line(b, "Failed step:", r->failed_step);
	add_line(b, "Reason:", r->reason);
	add_time(b, "Started:", r->start);
	if (r->end > 0)
		add_time(b, "Ended:", r->end);
	duration_format(run_seconds(r), dur, sizeof dur);
	strbuf_printf(b, "%-13s %s\n", "Duration:", dur);
	strbuf_printf(b, "%-13s %u of %u\n",
	    "Attempt:", r->attempts > 0 ? r->attempts : 1,
	    f->job->retry.attempts > r->attempts ? f->job->retry.attempts
	                                         : r->attempts);
	add_window(b, r);
	add_streak(b, f);
	add_line(b, "Run id:", r->run_id);
	add_line(b, "Log:", r->log_path);
	free(cmd);
}

static void
add_tail(struct strbuf *b, const struct alert_facts *f)
{
	if (f->tail == NULL || f->tail[0] == '\0') {
		if (f->event != EV_RECOVERY && f->event != EV_PRECONDITION)
			strbuf_adds(b, "\nNo output was captured.\n");
		return;
	}
	strbuf_printf(b, "\nLast %u line%s of output:\n\n%s", f->tail_lines,
	    f->tail_lines == 1 ? "" : "s", f->tail);
}

char *
alert_fmt_body(const struct alert_facts *f)
{
	struct strbuf b = STRBUF_INIT;
	char *subject = alert_fmt_subject(f);

	/* The subject without its "[cronwrap] " opens the body too: some
	 * clients show only the body's first line in a preview. */
	strbuf_printf(&b, "%s\n\n", subject + strlen("[cronwrap] "));
	free(subject);
	add_facts(&b, f);
	add_tail(&b, f);
	if (f->r->log_path != NULL)
		strbuf_printf(&b, "\nThe whole output: cronwrap log %s %s\n",
		    job_name(f), f->r->run_id);
	return b.s;
}
