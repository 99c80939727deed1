/*
 * notify.c - pings, the webhook and the on_failure command.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net.h"
#include "alert.h"
#include "alert_json.h"
#include "alert_proc.h"
#include "mail.h"
#include "notify.h"
#include "notify_http.h"
#include "util/strbuf.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define DEFAULT_TIMEOUT 10.0
#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"
#define DEFAULT_TAIL_LINES 100

static double
timeout_of(const struct notify_conf *n)
{
	return n->timeout > 0 ? n->timeout : DEFAULT_TIMEOUT;
}

/* Appends "; why" (or "why") to err. */
static void
add_err(char *err, size_t errlen, const char *why)
{
	size_t n = strlen(err);

	if (n + 3 < errlen)
		snprintf(err + n, errlen - n, "%s%s", n ? "; " : "", why);
}

int
notify_start(
    const struct job *job, const char *run_id, char *err, size_t errlen)
{
	char why[512];

	(void)run_id;
	err[0] = '\0';
	if (job->notify.ping_start == NULL)
		return 0;
	if (net_notify_http(job->notify.ping_start, NULL, NULL,
	        timeout_of(&job->notify), why, sizeof why) == 0)
		return 0;
	snprintf(err, errlen, "ping start: %s", why);
	return -1;
}

int
notify_webhook(
    const struct notify_conf *n, const char *json, char *err, size_t errlen)
{
	char why[512];

	err[0] = '\0';
	if (n->webhook == NULL)
		return 0;
	if (net_notify_http(n->webhook, "application/json", json, timeout_of(n),
	        why, sizeof why) == 0)
		return 0;
	snprintf(err, errlen, "webhook: %s", why);
	return -1;
}

/* The environment of on_failure: a PATH, HOME, and the facts. */
static char **
hook_env(const struct job *job, const struct alert_facts *f, struct kv *kv)
{
	const char *home = getenv("HOME");
	char **envp;

	kv_set(
	    kv, "PATH", job->env.path != NULL ? job->env.path : DEFAULT_PATH);
	kv_set(kv, "HOME", home != NULL ? home : "/");
	alert_env(f, kv);
	envp = xcalloc(kv->n + 1, sizeof *envp);
	for (size_t i = 0; i < kv->n; i++)
		envp[i] = xasprintf("%s=%s", kv->keys[i], kv->values[i]);
	return envp;
}

static void
free_env(char **envp)
{
	for (size_t i = 0; envp[i] != NULL; i++)
		free(envp[i]);
	free(envp);
}

static int
run_hook(const struct job *job, const struct alert_facts *f, char *err,
    size_t errlen)
{
	struct strv argv = STRV_INIT;
	struct kv kv = KV_INIT;
	char **envp, out[512], how[80];
	int fd, status = 0, waited;
	pid_t pid;

	strv_copy(&argv, &job->notify.on_failure);
	envp = hook_env(job, f, &kv);
	pid = alert_proc_fork(true, &fd);
	if (pid == 0)
		alert_proc_exec(strv_terminate(&argv), envp, -1);
	free_env(envp);
	kv_free(&kv);
	strv_free(&argv);
	if (pid < 0) {
		snprintf(err, errlen, "on_failure: cannot fork: %m");
		return -1;
	}
	waited = alert_proc_wait(pid, fd, now_mono() + timeout_of(&job->notify),
	    out, sizeof out, &status);
	if (waited == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	out[strcspn(out, "\n")] = '\0';
	if (waited == 1)
		snprintf(how, sizeof how, "killed after %gs",
		    timeout_of(&job->notify));
	else if (waited == 0)
		alert_proc_status_str(status, how, sizeof how);
	else
		snprintf(how, sizeof how, "lost");
	snprintf(err, errlen, "on_failure %s %s%s%s",
	    job->notify.on_failure.v[0], how, out[0] ? ": " : "", out);
	return -1;
}

static void
facts_of(const struct job *job, struct state *st, const struct run_record *r,
    const char *tail, struct alert_facts *f, char **clean, char *host,
    size_t hostlen)
{
	unsigned max =
	    job->mail.tail_lines ? job->mail.tail_lines : DEFAULT_TAIL_LINES;

	if (r->host != NULL)
		snprintf(host, hostlen, "%s", r->host);
	else
		mail_hostname(host, hostlen);
	memset(f, 0, sizeof *f);
	f->event = alert_event_of(r->status);
	f->job = job;
	f->r = r;
	f->host = host;
	if (tail != NULL)
		*clean =
		    alert_text_tail(tail, strlen(tail), max, &f->tail_lines);
	else if (r->log_path != NULL && f->event != 0)
		*clean = alert_text_file_tail(r->log_path, max, &f->tail_lines);
	else
		*clean = NULL;
	f->tail = *clean;
	if (st != NULL && f->event != 0) {
		int n = alert_streak(
		    st, r->job ? r->job : job->name, r, &f->failing_since);

		f->consecutive = n > 0 ? n : 0;
	}
}

/* The ping's body: what a person sees in the ping's log. */
static char *
ping_body(const struct alert_facts *f)
{
	struct strbuf b = STRBUF_INIT;
	char *subject = alert_fmt_subject(f);

	strbuf_printf(&b, "%s\n", subject);
	if (f->tail != NULL && f->tail[0] != '\0')
		strbuf_printf(&b, "\n%s", f->tail);
	free(subject);
	return b.s;
}

static void
ping_finish(const struct job *job, const struct alert_facts *f, char *err,
    size_t errlen)
{
	const char *url =
	    f->event != 0 ? job->notify.ping_failure : job->notify.ping_success;
	char why[512];
	char *body;

	if (url == NULL)
		return;
	body = ping_body(f);
	if (net_notify_http(url, "text/plain; charset=utf-8", body,
	        timeout_of(&job->notify), why, sizeof why) < 0) {
		char *msg = xasprintf(
		    "ping %s: %s", f->event != 0 ? "failure" : "success", why);

		add_err(err, errlen, msg);
		free(msg);
	}
	free(body);
}

int
notify_finish(const struct job *job, struct state *st,
    const struct run_record *r, const char *tail, char *err, size_t errlen)
{
	struct alert_facts f;
	char host[256], why[768];
	char *clean;

	err[0] = '\0';
	if (r->status != RS_SUCCEEDED && alert_event_of(r->status) == 0)
		return 0;
	facts_of(job, st, r, tail, &f, &clean, host, sizeof host);
	ping_finish(job, &f, err, errlen);
	if (f.event != 0 && job->notify.on_failure.n > 0 &&
	    run_hook(job, &f, why, sizeof why) < 0)
		add_err(err, errlen, why);
	free(clean);
	return err[0] == '\0' ? 0 : -1;
}
