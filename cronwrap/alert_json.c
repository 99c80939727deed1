/*
 * alert_json.c - the facts of a run as JSON and as environment.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "alert_json.h"
#include "util/strbuf.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* A JSON string of s, or null. */
static void
json_str(struct strbuf *b, const char *s)
{
	if (s == NULL)
		strbuf_adds(b, "null");
	else
		json_quote(b, s);
}

static void
key(struct strbuf *b, const char *k)
{
	strbuf_printf(b, "%s\"%s\":", b->len > 1 ? "," : "", k);
}

static void
kstr(struct strbuf *b, const char *k, const char *v)
{
	key(b, k);
	json_str(b, v);
}

static void
kint(struct strbuf *b, const char *k, long long v, bool null)
{
	key(b, k);
	if (null)
		strbuf_adds(b, "null");
	else
		strbuf_printf(b, "%lld", v);
}

static void
ktime(struct strbuf *b, const char *k, double t)
{
	char buf[40];

	key(b, k);
	if (t <= 0) {
		strbuf_adds(b, "null");
		return;
	}
	iso8601_utc_ms(t, buf, sizeof buf);
	json_str(b, buf);
}

static void
kwindow(struct strbuf *b, const struct run_record *r)
{
	char buf[32];

	key(b, "window_start");
	if (r->has_window) {
		iso8601_utc(r->window_start, buf, sizeof buf);
		json_str(b, buf);
	} else
		strbuf_adds(b, "null");
	key(b, "window_end");
	if (r->has_window) {
		iso8601_utc(r->window_end, buf, sizeof buf);
		json_str(b, buf);
	} else
		strbuf_adds(b, "null");
}

static unsigned
max_attempts(const struct alert_facts *f)
{
	unsigned m = f->job->retry.attempts;

	return m > f->r->attempts ? m : f->r->attempts;
}

char *
alert_json(const struct alert_facts *f)
{
	const struct run_record *r = f->r;
	struct strbuf b = STRBUF_INIT;
	char *subject = alert_fmt_subject(f), *cmd = alert_fmt_command(f->job);

	strbuf_add(&b, "{", 1);
	kstr(&b, "event", alert_event_name(f->event));
	kstr(&b, "text", subject);
	kstr(&b, "job", r->job != NULL ? r->job : f->job->name);
	kstr(&b, "host", f->host);
	kstr(&b, "run_id", r->run_id);
	kstr(&b, "status", run_status_name(r->status));
	kint(&b, "exit_code", r->exit_code, r->exit_code < 0);
	kint(&b, "signal", r->signal, r->signal <= 0);
	ktime(&b, "start", r->start);
	ktime(&b, "end", r->end);
	key(&b, "duration_s");
	strbuf_printf(&b, "%.3f",
	    r->end > r->start ? duration_ms_exact(r->start, r->end) : 0.0);
	kint(&b, "attempts", r->attempts, false);
	kint(&b, "max_attempts", max_attempts(f), false);
	kstr(&b, "command", cmd);
	kstr(&b, "reason", r->reason);
	kstr(&b, "failed_step", r->failed_step);
	kwindow(&b, r);
	kstr(&b, "log", r->log_path);
	kint(&b, "consecutive_failures", f->consecutive, false);
	kstr(&b, "tail", f->tail != NULL ? f->tail : "");
	strbuf_add(&b, "}", 1);
	free(subject);
	free(cmd);
	return b.s;
}

static void
set(struct kv *env, const char *k, const char *v)
{
	if (v != NULL && v[0] != '\0')
		kv_set(env, k, v);
}

static void setf(struct kv *env, const char *k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
setf(struct kv *env, const char *k, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	kv_set(env, k, buf);
}

static void
env_times(const struct run_record *r, struct kv *env)
{
	char buf[40];

	iso8601_utc_ms(r->start, buf, sizeof buf);
	set(env, "CRONWRAP_START", buf);
	if (r->end > 0) {
		iso8601_utc_ms(r->end, buf, sizeof buf);
		set(env, "CRONWRAP_END", buf);
		setf(env, "CRONWRAP_DURATION", "%.3f",
		    r->end > r->start ? r->end - r->start : 0.0);
	}
	if (r->has_window) {
		iso8601_utc(r->window_start, buf, sizeof buf);
		set(env, "CRONWRAP_WINDOW_START", buf);
		iso8601_utc(r->window_end, buf, sizeof buf);
		set(env, "CRONWRAP_WINDOW_END", buf);
	}
}

void
alert_env(const struct alert_facts *f, struct kv *env)
{
	const struct run_record *r = f->r;
	char *subject = alert_fmt_subject(f);

	set(env, "CRONWRAP_EVENT", alert_event_name(f->event));
	set(env, "CRONWRAP_JOB", r->job != NULL ? r->job : f->job->name);
	set(env, "CRONWRAP_RUN_ID", r->run_id);
	set(env, "CRONWRAP_HOST", f->host);
	set(env, "CRONWRAP_STATUS", run_status_name(r->status));
	if (r->exit_code >= 0)
		setf(env, "CRONWRAP_EXIT_CODE", "%d", r->exit_code);
	if (r->signal > 0)
		setf(env, "CRONWRAP_SIGNAL", "%d", r->signal);
	env_times(r, env);
	setf(env, "CRONWRAP_ATTEMPTS", "%u", r->attempts);
	set(env, "CRONWRAP_REASON", r->reason);
	set(env, "CRONWRAP_FAILED_STEP", r->failed_step);
	set(env, "CRONWRAP_LOG", r->log_path);
	setf(env, "CRONWRAP_CONSECUTIVE_FAILURES", "%d", f->consecutive);
	set(env, "CRONWRAP_SUBJECT", subject);
	set(env, "CRONWRAP_TAIL", f->tail);
	free(subject);
}
