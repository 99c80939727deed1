/*
 * test_alert.c - the alert policy: the decision as a table, the streak
 * from a real state database, the whole of alert_after_run() over a run
 * of failures and a recovery (told through the sendmail transport to a
 * stand-in program that keeps each message), and the text it sends:
 * subjects, the tail cleaned of escapes and invalid UTF-8, JSON.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "alert.h"
#include "alert_fmt.h"
#include "alert_json.h"
#include "alert_text.h"
#include "state.h"
#include "unit.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

#define ALL_EVENTS                                                             \
	(EV_FAILURE | EV_TIMEOUT | EV_PRECONDITION | EV_CRASH | EV_RECOVERY)

struct decide_case {
	const char *name;
	enum run_status status;
	unsigned on, after;
	double repeat;
	bool in_alert;
	double last_mail_ago;
	int consecutive;
	unsigned want;
};

static void
test_decide(void **state)
{
	static const struct decide_case cases[] = {
	    {"first failure", RS_FAILED, ALL_EVENTS, 1, 3600, false, 0, 1,
	        EV_FAILURE},
	    {"killed is a failure", RS_KILLED, ALL_EVENTS, 1, 3600, false, 0, 1,
	        EV_FAILURE},
	    {"timeout", RS_TIMEOUT, ALL_EVENTS, 1, 3600, false, 0, 1,
	        EV_TIMEOUT},
	    {"precondition", RS_PRECONDITION, ALL_EVENTS, 1, 3600, false, 0, 1,
	        EV_PRECONDITION},
	    {"crash", RS_CRASHED, ALL_EVENTS, 1, 3600, false, 0, 1, EV_CRASH},
	    {"below after_failures", RS_FAILED, ALL_EVENTS, 2, 3600, false, 0,
	        1, 0},
	    {"at after_failures", RS_FAILED, ALL_EVENTS, 2, 3600, false, 0, 2,
	        EV_FAILURE},
	    {"after_failures 0 is 1", RS_FAILED, ALL_EVENTS, 0, 3600, false, 0,
	        1, EV_FAILURE},
	    {"not in on", RS_TIMEOUT, EV_FAILURE, 1, 3600, false, 0, 1, 0},
	    {"within repeat_every", RS_FAILED, ALL_EVENTS, 1, 3600, true, 60, 2,
	        0},
	    {"repeat_every passed", RS_FAILED, ALL_EVENTS, 1, 3600, true, 3601,
	        5, EV_FAILURE},
	    {"repeat_every 0: once", RS_FAILED, ALL_EVENTS, 1, 0, true, 99999,
	        9, 0},
	    {"recovery", RS_SUCCEEDED, ALL_EVENTS, 1, 3600, true, 10, 0,
	        EV_RECOVERY},
	    {"recovery not wanted", RS_SUCCEEDED, EV_FAILURE, 1, 3600, true, 10,
	        0, 0},
	    {"success, nothing told", RS_SUCCEEDED, ALL_EVENTS, 1, 3600, false,
	        0, 0, 0},
	    {"skipped", RS_SKIPPED, ALL_EVENTS, 1, 3600, true, 99999, 3, 0},
	    {"running", RS_RUNNING, ALL_EVENTS, 1, 3600, false, 0, 0, 0},
	};
	double now = 1000000;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct decide_case *c = &cases[i];
		struct mail_conf conf = {.on = c->on,
		    .after_failures = c->after,
		    .repeat_every = c->repeat};
		struct alert_state a = {.in_alert = c->in_alert,
		    .last_mail = now - c->last_mail_ago};
		struct run_record r = {.status = c->status};
		const char *why;
		unsigned got =
		    alert_decide(&conf, &a, &r, c->consecutive, now, &why);

		if (got != c->want)
			fail_msg("%s: got %u, want %u (%s)", c->name, got,
			    c->want, why ? why : "");
		if (got == 0 && why == NULL)
			fail_msg("%s: quiet without a reason", c->name);
	}
}

struct tail_case {
	const char *in;
	size_t len; /* 0: strlen */
	unsigned max;
	const char *want;
	unsigned lines;
};

static void
test_tail(void **state)
{
	static const struct tail_case cases[] = {
	    {"a\nb\nc\n", 0, 2, "b\nc\n", 2},
	    {"a\nb\nc", 0, 2, "b\nc\n", 2},
	    {"a\nb\n", 0, 5, "a\nb\n", 2},
	    {"", 0, 5, "", 0},
	    {"x\n", 0, 0, "", 0},
	    {"\x1b[1;31mred\x1b[0m\n", 0, 5, "red\n", 1},
	    {"\x1b]0;title\a\ttab\n", 0, 5, "\ttab\n", 1},
	    {"10%\r50%\r100%\n", 0, 5, "100%\n", 1},
	    {"dos\r\nline\r\n", 0, 5, "dos\nline\n", 2},
	    {"bad \xff\xfe end\n", 0, 5, "bad \xef\xbf\xbd\xef\xbf\xbd end\n",
	        1},
	    {"overlong \xc0\xaf\n", 0, 5, "overlong \xef\xbf\xbd\xef\xbf\xbd\n",
	        1},
	    {"surrogate \xed\xa0\x80\n", 0, 5,
	        "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\n", 1},
	    {"ok \xe2\x9c\x93 \xf0\x9f\x98\x80\n", 0, 5,
	        "ok \xe2\x9c\x93 \xf0\x9f\x98\x80\n", 1},
	    {"cut \xe2\x9c", 0, 5, "cut \xef\xbf\xbd\xef\xbf\xbd\n", 1},
	    {"nul\0byte\n", 9, 5, "nulbyte\n", 1},
	    {"bell\a\x7f\n", 0, 5, "bell\n", 1},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct tail_case *c = &cases[i];
		size_t n = c->len ? c->len : strlen(c->in);
		unsigned lines;
		char *got = alert_text_tail(c->in, n, c->max, &lines);

		if (strcmp(got, c->want) != 0 || lines != c->lines)
			fail_msg(
			    "case %zu: got \"%s\" (%u lines)", i, got, lines);
		free(got);
	}
}

static void
test_file_tail(void **state)
{
	char *dir = unit_tmpdir("alert");
	struct strbuf b = STRBUF_INIT;
	char *path, *got;
	unsigned lines;

	(void)state;
	for (int i = 1; i <= 20000; i++)
		strbuf_printf(&b, "line %d\n", i);
	path = unit_write(dir, "log", strbuf_str(&b));
	got = alert_text_file_tail(path, 3, &lines);
	assert_string_equal(got, "line 19998\nline 19999\nline 20000\n");
	assert_int_equal(lines, 3);
	free(got);
	free(path);
	path = xasprintf("%s/missing", dir);
	assert_null(alert_text_file_tail(path, 3, &lines));
	free(path);
	strbuf_free(&b);
	unit_rmdir(dir);
}

static void
test_short_duration(void **state)
{
	static const struct {
		double s;
		const char *want;
	} cases[] = {
	    {0, "0s"},
	    {12.4, "12s"},
	    {59.6, "1m"},
	    {733, "12m"},
	    {3600, "1h00m"},
	    {7500, "2h05m"},
	    {90000, "1d01h"},
	    {-3, "0s"},
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		alert_text_duration(cases[i].s, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
	}
}

static struct job
make_job(void)
{
	struct job job;

	memset(&job, 0, sizeof job);
	job.name = xstrdup("nightly-export");
	strv_push(&job.command, "/usr/local/bin/export.sh");
	strv_push(&job.command, "--out dir/it's");
	job.retry.attempts = 3;
	job.timeout = 1800;
	return job;
}

static void
free_job(struct job *job)
{
	free(job->name);
	strv_free(&job->command);
	strv_free(&job->mail.to);
	free(job->mail.sendmail);
	free(job->mail.from);
	free(job->shell);
}

static void
test_subjects(void **state)
{
	struct job job = make_job();
	struct run_record r = {.run_id = "01J00000000000000000000000",
	    .exit_code = 2,
	    .start = 1000,
	    .end = 1000 + 733,
	    .attempts = 3};
	struct alert_facts f = {EV_FAILURE, &job, &r, "db3", NULL, 0, 1, 0};
	char *s;

	(void)state;
	s = alert_fmt_subject(&f);
	assert_string_equal(
	    s, "[cronwrap] FAILED nightly-export on db3: exit 2 after 12m");
	free(s);
	f.consecutive = 3;
	r.failed_step = (char *)(uintptr_t) "2 (upload)";
	s = alert_fmt_subject(&f);
	assert_string_equal(s,
	    "[cronwrap] FAILED nightly-export on db3: "
	    "exit 2 in step 2 (upload) after 12m (3 in a row)");
	free(s);
	r.failed_step = NULL;
	r.exit_code = -1;
	r.signal = 9;
	f.consecutive = 1;
	s = alert_fmt_subject(&f);
	assert_string_equal(s, "[cronwrap] FAILED nightly-export on db3: "
	                       "killed by SIGKILL after 12m");
	free(s);
	f.event = EV_RECOVERY;
	f.consecutive = 4;
	s = alert_fmt_subject(&f);
	assert_string_equal(s, "[cronwrap] RECOVERED nightly-export on db3: "
	                       "succeeded after 4 failures");
	free(s);
	s = alert_fmt_command(&job);
	assert_string_equal(s, "/usr/local/bin/export.sh '--out dir/it'\\''s'");
	free(s);
	free_job(&job);
}

static void
test_body(void **state)
{
	struct job job = make_job();
	struct run_record r = {.run_id = "01J00000000000000000000000",
	    .status = RS_TIMEOUT,
	    .exit_code = -1,
	    .signal = 15,
	    .start = 1000,
	    .end = 2800,
	    .attempts = 2,
	    .log_path = (char *)(uintptr_t) "/var/log/cronwrap/x/01J.log"};
	struct alert_facts f = {
	    EV_TIMEOUT, &job, &r, "db3", "a\nb\n", 2, 2, 500};
	char *b;

	(void)state;
	b = alert_fmt_body(&f);
	assert_true(strncmp(b,
	                "TIMED OUT nightly-export on db3: timed out "
	                "after 30m (2 in a row)\n\n",
	                strlen("TIMED OUT nightly-export on db3: timed out "
	                       "after 30m (2 in a row)\n\n")) == 0);
	assert_non_null(
	    strstr(b, "\nStatus:       timeout, killed by signal 15 "
	              "(SIGTERM) (timeout 30m00s)\n"));
	assert_non_null(strstr(b, "\nAttempt:      2 of 3\n"));
	assert_non_null(strstr(b, "\nFailures:     2 in a row, since "));
	assert_non_null(
	    strstr(b, "\nLog:          /var/log/cronwrap/x/01J.log\n"));
	assert_non_null(strstr(b, "\nLast 2 lines of output:\n\na\nb\n"));
	free(b);
	free_job(&job);
}

static void
test_json(void **state)
{
	struct job job = make_job();
	struct run_record r = {.run_id = "01J00000000000000000000000",
	    .status = RS_FAILED,
	    .exit_code = 2,
	    .start = 1700000000.5,
	    .end = 1700000010.5,
	    .attempts = 1,
	    .reason = (char *)(uintptr_t) "quote \" back\\slash \x01 \xff"};
	struct alert_facts f = {EV_FAILURE, &job, &r, "db3", "t\n", 1, 1, 0};
	char *j;

	(void)state;
	j = alert_json(&f);
	assert_true(j[0] == '{' && j[strlen(j) - 1] == '}');
	assert_non_null(strstr(j, "\"event\":\"failure\""));
	assert_non_null(strstr(j, "\"exit_code\":2,\"signal\":null"));
	assert_non_null(strstr(j, "\"start\":\"2023-11-14T22:13:20.500Z\""));
	assert_non_null(strstr(j, "\"duration_s\":10.000"));
	assert_non_null(strstr(j, "\"max_attempts\":3"));
	assert_non_null(strstr(j, "\"reason\":\"quote \\\" back\\\\slash "
	                          "\\u0001 \\ufffd\""));
	assert_non_null(strstr(j, "\"window_start\":null"));
	assert_non_null(strstr(j, "\"tail\":\"t\\n\""));
	free(j);
	free_job(&job);
}

/* A state database and a stand-in MTA that keeps each message. */
struct world {
	char *dir, *maildir;
	struct state *st;
	struct job job;
	int n;
};

static int
setup_world(void **state)
{
	struct world *w = xcalloc(1, sizeof *w);
	char *script;

	w->dir = unit_tmpdir("alert");
	w->maildir = xasprintf("%s/mail", w->dir);
	mkdir_p(w->maildir, 0755);
	if (state_open(w->dir, false, &w->st) < 0)
		fail_msg("state: %s", state_error(w->st));
	script =
	    xasprintf("#!/bin/sh\n"
	              "[ -e %s/down ] && { echo 'MTA down' >&2; exit 75; }\n"
	              "cat > %s/$(date +%%s%%N).eml\n",
	        w->dir, w->maildir);
	w->job = make_job();
	w->job.mail.sendmail = unit_write(w->dir, "sendmail", script);
	chmod(w->job.mail.sendmail, 0755);
	free(script);
	w->job.mail.transport = MAIL_SENDMAIL;
	w->job.mail.from = xstrdup("cronwrap@%h");
	strv_push(&w->job.mail.to, "ops@example.com");
	w->job.mail.on = ALL_EVENTS;
	w->job.mail.after_failures = 1;
	w->job.mail.repeat_every = 3600;
	w->job.mail.tail_lines = 10;
	w->job.mail.timeout = 10;
	*state = w;
	return 0;
}

static int
teardown_world(void **state)
{
	struct world *w = *state;

	state_close(w->st);
	free_job(&w->job);
	free(w->maildir);
	unit_rmdir(w->dir);
	free(w);
	return 0;
}

/* Records a finished run with status s and hands it to the policy. */
static int
run(struct world *w, enum run_status s, char *err, size_t errlen)
{
	struct run_record r;
	double now = now_real() + w->n++; /* one run after the other */
	int ret;

	memset(&r, 0, sizeof r);
	runid_new(now, r.run_id);
	r.job = xstrdup(w->job.name);
	r.host = xstrdup("db3");
	r.status = s;
	r.exit_code = s == RS_SUCCEEDED ? 0 : 1;
	r.start = now;
	r.end = now + 0.5;
	r.attempts = 1;
	if (state_run_insert(w->st, &r) < 0)
		fail_msg("insert: %s", state_error(w->st));
	ret = alert_after_run(NULL, &w->job, w->st, &r, "out\n", err, errlen);
	/* The same row again (a caller retrying) is not told twice. */
	if (ret == 0 &&
	    alert_after_run(NULL, &w->job, w->st, &r, "out\n", err, errlen))
		fail_msg("second call: %s", err);
	run_record_free(&r);
	return ret;
}

static int
count_mail(const struct world *w)
{
	DIR *d = opendir(w->maildir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
test_storm_and_recovery(void **state)
{
	struct world *w = *state;
	struct alert_state a;
	char err[512];

	for (int i = 0; i < 3; i++)
		assert_int_equal(run(w, RS_FAILED, err, sizeof err), 0);
	assert_int_equal(count_mail(w), 1);
	assert_int_equal(state_alert_get(w->st, w->job.name, &a), 0);
	assert_true(a.in_alert);
	assert_int_equal(a.failures_alerted, 1);
	assert_int_equal(run(w, RS_SKIPPED, err, sizeof err), 0);
	assert_int_equal(run(w, RS_SUCCEEDED, err, sizeof err), 0);
	assert_int_equal(count_mail(w), 2);
	assert_int_equal(state_alert_get(w->st, w->job.name, &a), 0);
	assert_false(a.in_alert);
	assert_int_equal(run(w, RS_SUCCEEDED, err, sizeof err), 0);
	assert_int_equal(count_mail(w), 2);
}

static void
test_streak(void **state)
{
	struct world *w = *state;
	struct run_record *runs;
	double since;
	size_t n;
	char err[512];

	w->job.mail.to.n = 0; /* no channel: the policy stays out */
	run(w, RS_FAILED, err, sizeof err);
	run(w, RS_SUCCEEDED, err, sizeof err);
	run(w, RS_FAILED, err, sizeof err);
	run(w, RS_SKIPPED, err, sizeof err);
	run(w, RS_TIMEOUT, err, sizeof err);
	run(w, RS_CRASHED, err, sizeof err);
	w->job.mail.to.n = 1;
	assert_int_equal(state_runs_list(w->st, w->job.name, 0, &runs, &n), 0);
	assert_int_equal(n, 6);
	/* Newest first: crashed, timeout, skipped, failed, succeeded, ... */
	assert_int_equal(alert_streak(w->st, w->job.name, &runs[0], &since), 3);
	assert_true(since == runs[3].start);
	assert_int_equal(alert_streak(w->st, w->job.name, &runs[1], &since), 2);
	assert_int_equal(alert_streak(w->st, w->job.name, &runs[4], &since),
	    1); /* the failure before the success */
	assert_int_equal(alert_streak(w->st, w->job.name, &runs[5], &since), 1);
	state_runs_free(runs, n);
}

static void
test_undelivered_is_tried_again(void **state)
{
	struct world *w = *state;
	char *down = xasprintf("%s/down", w->dir);
	struct alert_state a;
	char err[512];

	free(unit_write(w->dir, "down", ""));
	assert_int_equal(run(w, RS_FAILED, err, sizeof err), -1);
	assert_non_null(strstr(err, "mail not sent: sendmail "));
	assert_non_null(strstr(err, "exited 75: MTA down"));
	assert_int_equal(state_alert_get(w->st, w->job.name, &a), 0);
	assert_false(a.in_alert);
	unlink(down);
	assert_int_equal(run(w, RS_FAILED, err, sizeof err), 0);
	assert_int_equal(count_mail(w), 1);
	free(down);
}

static void
test_after_failures(void **state)
{
	struct world *w = *state;
	char err[512];

	w->job.mail.after_failures = 2;
	run(w, RS_FAILED, err, sizeof err);
	assert_int_equal(count_mail(w), 0);
	run(w, RS_SUCCEEDED, err, sizeof err);
	run(w, RS_FAILED, err, sizeof err);
	assert_int_equal(count_mail(w), 0);
	run(w, RS_PRECONDITION, err, sizeof err);
	assert_int_equal(count_mail(w), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decide),
	    cmocka_unit_test(test_tail),
	    cmocka_unit_test(test_file_tail),
	    cmocka_unit_test(test_short_duration),
	    cmocka_unit_test(test_subjects),
	    cmocka_unit_test(test_body),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test_setup_teardown(
	        test_storm_and_recovery, setup_world, teardown_world),
	    cmocka_unit_test_setup_teardown(
	        test_streak, setup_world, teardown_world),
	    cmocka_unit_test_setup_teardown(
	        test_undelivered_is_tried_again, setup_world, teardown_world),
	    cmocka_unit_test_setup_teardown(
	        test_after_failures, setup_world, teardown_world),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
