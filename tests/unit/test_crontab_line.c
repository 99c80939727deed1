/*
 * test_crontab_line.c - schedules rewritten for Debian's cron (and still
 * meaning the same ticks), time zones compared, cron command quoting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crontab_line.h"
#include "schedule.h"

static const struct {
	const char *in, *out;
} exprs[] = {
    {"*/5 * * * *", "*/5 * * * *"},
    {"5/10 * * * *", "5-59/10 * * * *"},
    {"0 0 * jan-mar mon-fri", "0 0 * 1-3 1-5"},
    {"0 0 * * fri-sun", "0 0 * * 5-7"},
    {"0 0 * * 5-0", "0 0 * * 5-7"},
    {"0 0 * * sun", "0 0 * * 0"},
    {"0 0 * * 7", "0 0 * * 7"},
    {"0 0 1,15 * 5/1", "0 0 1,15 * 5-7/1"},
    {"0 0 */2 * MON", "0 0 */2 * 1"},
    {"0 22 * * mon-fri/2", "0 22 * * 1-5/2"},
    {"*/15 9-17 * Dec-dec *", "*/15 9-17 * 12-12 *"},
    {"  0\t 0  *  *  *  ", "0 0 * * *"},
    {"30 4 1-7 * *", "30 4 1-7 * *"},
    {"0 12 * 2/3 *", "0 12 * 2-12/3 *"},
    {"@daily", "@daily"},
    {" @hourly ", "@hourly"},
};

static void
test_expr_rewrite(void **state)
{
	char out[128];

	(void)state;
	for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
		assert_int_equal(crontab_expr(exprs[i].in, out, sizeof out), 0);
		assert_string_equal(out, exprs[i].out);
	}
}

/* The rewritten schedule has the same ticks as the original. */
static void
test_expr_same_ticks(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
		struct schedule *a, *b;
		char err[256], out[128];
		time_t ta = 1767225600, tb = ta; /* 2026-01-01 UTC */

		assert_int_equal(crontab_expr(exprs[i].in, out, sizeof out), 0);
		assert_int_equal(
		    schedule_parse(exprs[i].in, "UTC", &a, err, sizeof err), 0);
		assert_int_equal(
		    schedule_parse(out, "UTC", &b, err, sizeof err), 0);
		for (int k = 0; k < 300; k++) {
			ta = schedule_next(a, ta);
			tb = schedule_next(b, tb);
			assert_int_equal(ta, tb);
		}
		schedule_free(a);
		schedule_free(b);
	}
}

static void
test_expr_errors(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(crontab_expr("0 0 * * bogus", out, sizeof out), -1);
	assert_int_equal(crontab_expr("0 0 * *", out, sizeof out), -1);
	assert_int_equal(crontab_expr("0 0 * * * *", out, sizeof out), -1);
	assert_int_equal(crontab_expr("0 0 ,1 * *", out, sizeof out), -1);
	assert_int_equal(crontab_expr("0 0 * * 1/", out, sizeof out), -1);
	/* Does not fit in out. */
	assert_int_equal(crontab_expr("0 0 * * 1-5", out, sizeof out), -1);
}

static void
test_tz_same(void **state)
{
	(void)state;
	setenv("TZ", "America/New_York", 1);
	assert_true(crontab_tz_same("UTC", "Etc/UTC", 1767225600, 400));
	assert_true(
	    crontab_tz_same("Europe/Paris", "Europe/Berlin", 1767225600, 400));
	assert_false(
	    crontab_tz_same("Europe/Paris", "Europe/London", 1767225600, 400));
	assert_false(crontab_tz_same("UTC", "Asia/Tokyo", 1767225600, 400));
	/* The caller's zone is put back. */
	assert_string_equal(getenv("TZ"), "America/New_York");
	unsetenv("TZ");
	assert_true(crontab_tz_same("Asia/Tokyo", "Japan", 1767225600, 10));
	assert_null(getenv("TZ"));
}

static void
test_quote(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"/usr/bin/cronwrap", "/usr/bin/cronwrap"},
	    {"/srv/my jobs/cw.conf", "'/srv/my jobs/cw.conf'"},
	    {"/srv/100%/cw.conf", "'/srv/100\\%/cw.conf'"},
	    {"/srv/it's", "'/srv/it'\\''s'"},
	    {"$HOME", "'$HOME'"},
	    {"", "''"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct strbuf b = STRBUF_INIT;

		assert_int_equal(crontab_quote(&b, cases[i].in), 0);
		assert_string_equal(strbuf_str(&b), cases[i].out);
		strbuf_free(&b);
	}
	for (int i = 0; i < 2; i++) {
		struct strbuf b = STRBUF_INIT;

		assert_int_equal(
		    crontab_quote(&b, i ? "a\\b" : "line\nbreak"), -1);
		strbuf_free(&b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_expr_rewrite),
	    cmocka_unit_test(test_expr_same_ticks),
	    cmocka_unit_test(test_expr_errors),
	    cmocka_unit_test(test_tz_same),
	    cmocka_unit_test(test_quote),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
