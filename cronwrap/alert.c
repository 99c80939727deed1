/*
 * alert.c - the alert policy: decide from the state database, tell by
 * mail and webhook, remember what was told.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "alert_fmt.h"
#include "alert_json.h"
#include "mail.h"
#include "notify.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define DEFAULT_FROM "cronwrap@%h"
#define DEFAULT_TAIL_LINES 100
#define STREAK_SCAN 1000 /* runs looked at to find where a streak began */

static unsigned
decide_failure(const struct mail_conf *conf, const struct alert_state *a,
    unsigned ev, int consecutive, double now, const char **why)
{
	unsigned after = conf->after_failures > 0 ? conf->after_failures : 1;

	if (consecutive < (int)after) {
		*why = "fewer consecutive failures than mail.after_failures";
		return 0;
	}
	if (!(conf->on & ev)) {
		*why = "the event is not in mail.on";
		return 0;
	}
	if (a->in_alert && conf->repeat_every <= 0) {
		*why = "already told (mail.repeat_every = 0)";
		return 0;
	}
	if (a->in_alert && now - a->last_mail < conf->repeat_every) {
		*why = "told less than mail.repeat_every ago";
		return 0;
	}
	return ev;
}

unsigned
alert_decide(const struct mail_conf *conf, const struct alert_state *a,
    const struct run_record *r, int consecutive, double now, const char **why)
{
	unsigned ev = alert_event_of(r->status);

	*why = NULL;
	if (r->status == RS_SUCCEEDED) {
		if (!a->in_alert) {
			*why = "no failure was told";
			return 0;
		}
		if (!(conf->on & EV_RECOVERY)) {
			*why = "recovery is not in mail.on";
			return 0;
		}
		return EV_RECOVERY;
	}
	if (ev == 0) {
		*why = "neither a failure nor a success";
		return 0;
	}
	return decide_failure(conf, a, ev, consecutive, now, why);
}

static void
add_err(char *err, size_t errlen, const char *what, const char *why)
{
	size_t n = strlen(err);

	if (n + 3 < errlen)
		snprintf(
		    err + n, errlen - n, "%s%s%s", n ? "; " : "", what, why);
}

int
alert_streak(struct state *st, const char *job, const struct run_record *r,
    double *since)
{
	struct run_record *runs;
	bool seen = false;
	int count = 0;
	size_t n;

	*since = 0;
	if (state_runs_list(st, job, STREAK_SCAN, &runs, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		bool is_r = strcmp(runs[i].run_id, r->run_id) == 0;

		if (!seen && !is_r)
			continue; /* newer than r */
		seen = true;
		if (runs[i].status == RS_SUCCEEDED && !is_r)
			break;
		if (run_status_is_failure(runs[i].status)) {
			count++;
			*since = runs[i].start;
		}
	}
	state_runs_free(runs, n);
	return count;
}

struct told {
	struct alert_facts f;
	char host[256];
	char *tail;
};

static void
facts(struct told *t, const struct job *job, const struct run_record *r,
    const char *tail, unsigned ev, int streak, double since)
{
	unsigned max =
	    job->mail.tail_lines ? job->mail.tail_lines : DEFAULT_TAIL_LINES;

	memset(t, 0, sizeof *t);
	if (r->host != NULL)
		snprintf(t->host, sizeof t->host, "%s", r->host);
	else
		mail_hostname(t->host, sizeof t->host);
	if (tail != NULL)
		t->tail =
		    alert_text_tail(tail, strlen(tail), max, &t->f.tail_lines);
	else if (r->log_path != NULL && ev != EV_RECOVERY)
		t->tail =
		    alert_text_file_tail(r->log_path, max, &t->f.tail_lines);
	t->f.event = ev;
	t->f.job = job;
	t->f.r = r;
	t->f.host = t->host;
	t->f.tail = t->tail;
	t->f.consecutive = streak;
	t->f.failing_since = since;
}

static int
send_mail(const struct job *job, const struct alert_facts *f, char *err,
    size_t errlen)
{
	const struct mail_conf *conf = &job->mail;
	char myhost[256], why[1024];
	struct kv headers = KV_INIT;
	struct mail_msg m;
	char *subject = alert_fmt_subject(f), *body = alert_fmt_body(f);
	char *from;
	int ret;

	mail_hostname(myhost, sizeof myhost);
	from = mail_expand(conf->from ? conf->from : DEFAULT_FROM, myhost);
	kv_set(&headers, "X-Cronwrap-Job", f->r->job ? f->r->job : job->name);
	kv_set(&headers, "X-Cronwrap-Event", alert_event_name(f->event));
	kv_set(&headers, "X-Cronwrap-Run-Id", f->r->run_id);
	kv_set(&headers, "X-Cronwrap-Host", f->host);
	m = (struct mail_msg){subject, body, from, &conf->to, &headers};
	ret = mail_send(conf, &m, why, sizeof why);
	if (why[0] != '\0')
		add_err(
		    err, errlen, ret < 0 ? "mail not sent: " : "mail: ", why);
	kv_free(&headers);
	free(from);
	free(body);
	free(subject);
	return ret;
}

/* Tells by every channel; true when at least one delivered. */
static bool
tell(const struct job *job, const struct alert_facts *f, char *err,
    size_t errlen)
{
	bool told = false;

	if (job->mail.to.n > 0 && send_mail(job, f, err, errlen) == 0)
		told = true;
	if (job->notify.webhook != NULL) {
		char *json = alert_json(f);
		char why[768];

		if (notify_webhook(&job->notify, json, why, sizeof why) == 0)
			told = true;
		else
			add_err(err, errlen, "", why);
		free(json);
	}
	return told;
}

static int
save(struct state *st, const char *job, const struct alert_state *a, char *err,
    size_t errlen)
{
	if (state_alert_set(st, job, a) == 0)
		return 0;
	add_err(err, errlen, "alert state not saved: ", state_error(st));
	return -1;
}

/* Tells ev about r and, when someone heard it, remembers it.  n is the
 * streak r ends (a recovery: the one before it), since its start. */
static void
tell_and_remember(const struct job *job, struct state *st,
    const struct run_record *r, const char *tail, unsigned ev, int n,
    double since, struct alert_state *a, char *err, size_t errlen)
{
	const char *name = r->job != NULL ? r->job : job->name;
	struct told t;

	facts(&t, job, r, tail, ev, n, since);
	if (tell(job, &t.f, err, errlen)) {
		if (ev == EV_RECOVERY) {
			a->in_alert = false;
			a->failures_alerted = 0;
		} else {
			a->in_alert = true;
			a->failures_alerted = (unsigned)n;
			a->last_mail = now_real();
		}
		snprintf(
		    a->last_run_id, sizeof a->last_run_id, "%s", r->run_id);
		save(st, name, a, err, errlen);
	}
	free(t.tail);
}

int
alert_after_run(const struct global *g, const struct job *job, struct state *st,
    const struct run_record *r, const char *tail, char *err, size_t errlen)
{
	const char *name = r->job != NULL ? r->job : job->name;
	struct alert_state a;
	double since = 0;
	const char *why;
	unsigned ev;
	int n = 0;

	(void)g;
	err[0] = '\0';
	if (job->mail.to.n == 0 && job->notify.webhook == NULL)
		return 0;
	if (state_alert_get(st, name, &a) < 0 ||
	    ((alert_event_of(r->status) != 0 || a.in_alert) &&
	        (n = alert_streak(st, name, r, &since)) < 0)) {
		add_err(err, errlen, "alert state: ", state_error(st));
		return -1;
	}
	if (strcmp(a.last_run_id, r->run_id) == 0)
		return 0; /* told already */
	ev = alert_decide(&job->mail, &a, r, n, now_real(), &why);
	if (ev != 0)
		tell_and_remember(
		    job, st, r, tail, ev, n, since, &a, err, errlen);
	else if (r->status == RS_SUCCEEDED && a.in_alert) {
		/* The failures ended; "recovery" is just not wanted. */
		a.in_alert = false;
		a.failures_alerted = 0;
		snprintf(a.last_run_id, sizeof a.last_run_id, "%s", r->run_id);
		save(st, name, &a, err, errlen);
	}
	return err[0] == '\0' ? 0 : -1;
}
