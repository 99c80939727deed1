/*
 * test_schedule.c - the cron schedule engine: parser messages, ticks
 * before and after chosen instants (worked out by hand with a calendar),
 * the daylight-saving rules of schedule.h, the search bound, windows, and
 * that the caller's TZ survives.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "schedule.h"

/* "YYYY-MM-DD HH:MM:SS" in UTC to an epoch; NULL is "none" (-1). */
static time_t
utc(const char *s)
{
	struct tm tm;

	if (s == NULL)
		return (time_t)-1;
	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	        &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		fail_msg("bad time in the table: %s", s);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

static struct schedule *
parse_ok(const char *expr, const char *tz)
{
	struct schedule *s = NULL;
	char err[256] = "";

	if (schedule_parse(expr, tz, &s, err, sizeof err) != 0)
		fail_msg("\"%s\" rejected: %s", expr, err);
	return s;
}

struct reject_case {
	const char *expr;
	const char *tz;
	const char *msg;
};

static const struct reject_case rejects[] = {
    {"", NULL, "expected 5 fields, got 0"},
    {"1 2 3 4", NULL, "expected 5 fields, got 4"},
    {"0 0 1 1 * 2030", NULL, "expected 5 fields, got 6"},
    {"60 * * * *", NULL, "field 1 (minute): 60 out of range 0-59"},
    {"0 25 * * *", NULL, "field 2 (hour): 25 out of range 0-23"},
    {"0 0 0 * *", NULL, "field 3 (day of month): 0 out of range 1-31"},
    {"0 0 32 * *", NULL, "field 3 (day of month): 32 out of range 1-31"},
    {"0 0 * 13 *", NULL, "field 4 (month): 13 out of range 1-12"},
    {"0 0 * 0 *", NULL, "field 4 (month): 0 out of range 1-12"},
    {"0 0 * * 8", NULL, "field 5 (day of week): 8 out of range 0-7"},
    {"99999999999 * * * *", NULL,
        "field 1 (minute): 99999999999 out of range 0-59"},
    {"0 0 * * fri2", NULL, "field 5 (day of week): unknown name \"fri2\""},
    {"0 0 * * monday", NULL, "field 5 (day of week): unknown name \"monday\""},
    {"0 0 * foo *", NULL, "field 4 (month): unknown name \"foo\""},
    {"0 0 * * 1-fry", NULL, "field 5 (day of week): unknown name \"fry\""},
    {"mon * * * *", NULL, "field 1 (minute): invalid value \"mon\""},
    {"0 0 L * *", NULL, "field 3 (day of month): invalid value \"L\""},
    {"5x * * * *", NULL, "field 1 (minute): invalid value \"5x\""},
    {"*/0 * * * *", NULL, "field 1 (minute): step 0 out of range 1-60"},
    {"*/61 * * * *", NULL, "field 1 (minute): step 61 out of range 1-60"},
    {"0 */25 * * *", NULL, "field 2 (hour): step 25 out of range 1-24"},
    {"5-1 * * * *", NULL, "field 1 (minute): range \"5-1\" goes backwards"},
    {"0 0 * dec-jan *", NULL,
        "field 4 (month): range \"dec-jan\" goes backwards"},
    {"1,,2 * * * *", NULL, "field 1 (minute): empty element in \"1,,2\""},
    {"1, * * * *", NULL, "field 1 (minute): empty element in \"1,\""},
    {"*5 * * * *", NULL, "field 1 (minute): unexpected \"5\" in \"*5\""},
    {"*-5 * * * *", NULL, "field 1 (minute): unexpected \"-5\" in \"*-5\""},
    {"1-5/ * * * *", NULL,
        "field 1 (minute): expected a step after \"/\" in \"1-5/\""},
    {"1-5/2/3 * * * *", NULL,
        "field 1 (minute): unexpected \"/3\" in \"1-5/2/3\""},
    {"-5 * * * *", NULL, "field 1 (minute): expected a number in \"-5\""},
    {"0 0 ? * *", NULL, "field 3 (day of month): expected a number in \"?\""},
    {"0 0 * * 1#2", NULL,
        "field 5 (day of week): unexpected \"#2\" in \"1#2\""},
    {"0 0 * * 1~5", NULL,
        "field 5 (day of week): unexpected \"~5\" in \"1~5\""},
    {"@reboot", NULL,
        "@reboot is not supported: cronwrap runs from cron and is not a "
        "daemon (put the @reboot line in a crontab instead)"},
    {"@DAILY", NULL,
        "unknown macro \"@DAILY\" (expected @hourly, @daily, @midnight, "
        "@weekly, @monthly, @yearly or @annually)"},
    {"@fortnightly", NULL,
        "unknown macro \"@fortnightly\" (expected @hourly, @daily, "
        "@midnight, @weekly, @monthly, @yearly or @annually)"},
    {"@daily 0", NULL, "unexpected \"0\" after @daily"},
    {"0 0 * * *", "Europe/Pari", "unknown time zone \"Europe/Pari\""},
    {"0 0 * * *", "../../etc/passwd", "unknown time zone \"../../etc/passwd\""},
    {"0 0 * * *", "", "unknown time zone \"\""},
    {NULL, NULL, "no schedule given"},
};

static void
test_parse_rejects(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof rejects / sizeof rejects[0]; i++) {
		struct schedule *s = (struct schedule *)1;
		char err[256] = "";

		if (schedule_parse(rejects[i].expr, rejects[i].tz, &s, err,
		        sizeof err) != -1)
			fail_msg("\"%s\" accepted", rejects[i].expr);
		assert_null(s);
		if (strcmp(err, rejects[i].msg) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"",
			    rejects[i].expr, err, rejects[i].msg);
	}
}

static void
test_parse_short_buffer(void **state)
{
	struct schedule *s;
	char err[12];

	(void)state;
	assert_int_equal(
	    schedule_parse("0 25 * * *", NULL, &s, err, sizeof err), -1);
	assert_string_equal(err, "field 2 (ho");
}

static const char *const accepts[] = {
    "0 0 * * SUN",
    "0 0 * JAN-mar *",
    "*/15 1-5,10 1,15 */2 mon-fri",
    "  0   0 * * *  ",
    "0\t0\t*\t*\t*",
    "0 0 * * *\n",
    "@daily\n",
    "0 0 * * 0-7",
    "0 0 * * 7-7",
    "0 0 * * sat-sun",
    "0 0 * * 6-0",
    "0 0 * * mon-fri/2",
    "*/60 * * * *",
    "0 0 * * */8",
    "@hourly",
    "@daily",
    "@midnight",
    "@weekly",
    "@monthly",
    "@yearly",
    "@annually",
    "  @daily  ",
    "059 023 031 012 007",
};

static void
test_parse_accepts(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof accepts / sizeof accepts[0]; i++)
		schedule_free(parse_ok(accepts[i], "UTC"));
	schedule_free(NULL);
}

static void
test_fixed(void **state)
{
	static const struct {
		const char *expr;
		bool fixed;
	} cases[] = {
	    {"30 2 * * *", true},
	    {"0 0-5 * * *", true},
	    {"@daily", true},
	    {"@weekly", true},
	    {"*/5 2 * * *", false},
	    {"0 * * * *", false},
	    {"* 2 * * *", false},
	    {"@hourly", false},
	    {"0 */2 * * *", false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct schedule *s = parse_ok(cases[i].expr, "UTC");

		if (schedule_is_fixed(s) != cases[i].fixed)
			fail_msg("\"%s\": fixed should be %d", cases[i].expr,
			    cases[i].fixed);
		schedule_free(s);
	}
}

/* An expression, a zone, an instant, and the ticks around it (UTC). */
struct tick_case {
	const char *expr;
	const char *tz;
	const char *at;
	const char *prev; /* NULL: none within the bound */
	const char *next;
};

static const struct tick_case ticks[] = {
    /* Minutes and hours; prev includes t itself, next is strictly after. */
    {"* * * * *", "UTC", "2024-03-15 10:20:30", "2024-03-15 10:20:00",
        "2024-03-15 10:21:00"},
    {"* * * * *", "UTC", "2024-03-15 10:20:00", "2024-03-15 10:20:00",
        "2024-03-15 10:21:00"},
    {"0 * * * *", "UTC", "2024-03-15 10:20:00", "2024-03-15 10:00:00",
        "2024-03-15 11:00:00"},
    {"*/15 * * * *", "UTC", "2024-03-15 23:50:00", "2024-03-15 23:45:00",
        "2024-03-16 00:00:00"},
    /* 5/10 is 5-59/10: 5, 15, ..., 55. */
    {"5/10 * * * *", "UTC", "2024-03-15 10:00:00", "2024-03-15 09:55:00",
        "2024-03-15 10:05:00"},
    /* 1-30/5: 1, 6, 11, 16, 21, 26. */
    {"1-30/5 * * * *", "UTC", "2024-03-15 10:31:00", "2024-03-15 10:26:00",
        "2024-03-15 11:01:00"},
    {"30 4 * * *", "UTC", "2024-03-15 04:30:00", "2024-03-15 04:30:00",
        "2024-03-16 04:30:00"},
    {"23 0-20/2 * * *", "UTC", "2024-03-15 21:00:00", "2024-03-15 20:23:00",
        "2024-03-16 00:23:00"},
    /* Day of month OR day of week: Tuesday 30 April 2024, the Monday
     * before, then 1 May (a Wednesday) by its date. */
    {"0 0 1 * mon", "UTC", "2024-04-30 12:00:00", "2024-04-29 00:00:00",
        "2024-05-01 00:00:00"},
    {"0 0 13 * fri", "UTC", "2024-09-14 00:00:00", "2024-09-13 00:00:00",
        "2024-09-20 00:00:00"},
    /* A starred day of week ANDs: the 1st on Sun/Tue/Thu/Sat.  1 Feb 2024
     * is a Thursday; 1 Jan (Mon), 1 Dec (Fri), 1 Nov (Wed) are not, 1 Oct
     * 2023 is a Sunday. */
    {"0 0 1 * */2", "UTC", "2024-01-15 00:00:00", "2023-10-01 00:00:00",
        "2024-02-01 00:00:00"},
    /* A starred day of month ANDs: odd dates that are Mondays. */
    {"0 0 */2 * mon", "UTC", "2024-01-02 00:00:00", "2024-01-01 00:00:00",
        "2024-01-15 00:00:00"},
    /* 1-31 does not start with '*': OR with every day is every day. */
    {"0 0 1-31 * mon", "UTC", "2024-01-02 12:00:00", "2024-01-02 00:00:00",
        "2024-01-03 00:00:00"},
    {"0 12 * * 1-5", "UTC", "2024-01-06 12:00:00", "2024-01-05 12:00:00",
        "2024-01-08 12:00:00"},
    {"0 0 * * fri-sun", "UTC", "2024-01-03 00:00:00", "2023-12-31 00:00:00",
        "2024-01-05 00:00:00"},
    {"0 0 * * 5-0", "UTC", "2024-01-03 00:00:00", "2023-12-31 00:00:00",
        "2024-01-05 00:00:00"},
    {"0 0 * * 7", "UTC", "2024-01-03 00:00:00", "2023-12-31 00:00:00",
        "2024-01-07 00:00:00"},
    {"0 0 * feb mon", "UTC", "2024-03-01 00:00:00", "2024-02-26 00:00:00",
        "2025-02-03 00:00:00"},
    {"0 0 1 jan,jul *", "UTC", "2024-03-01 00:00:00", "2024-01-01 00:00:00",
        "2024-07-01 00:00:00"},
    /* Month ends and leap days. */
    {"0 0 31 * *", "UTC", "2024-04-15 00:00:00", "2024-03-31 00:00:00",
        "2024-05-31 00:00:00"},
    {"0 0 29 2 *", "UTC", "2024-03-15 00:00:00", "2024-02-29 00:00:00",
        "2028-02-29 00:00:00"},
    {"0 0 29 2 *", "UTC", "2024-02-29 00:00:00", "2024-02-29 00:00:00",
        "2028-02-29 00:00:00"},
    {"59 23 31 12 *", "UTC", "2024-12-31 23:59:59", "2024-12-31 23:59:00",
        "2025-12-31 23:59:00"},
    {"0 0 28 2 *", "UTC", "2100-03-01 00:00:00", "2100-02-28 00:00:00",
        "2101-02-28 00:00:00"},
    /* Macros. */
    {"@yearly", "UTC", "2024-01-01 00:00:00", "2024-01-01 00:00:00",
        "2025-01-01 00:00:00"},
    {"@annually", "UTC", "2024-06-01 00:00:00", "2024-01-01 00:00:00",
        "2025-01-01 00:00:00"},
    {"@monthly", "UTC", "2024-02-29 12:00:00", "2024-02-01 00:00:00",
        "2024-03-01 00:00:00"},
    {"@weekly", "UTC", "2024-01-03 00:00:00", "2023-12-31 00:00:00",
        "2024-01-07 00:00:00"},
    {"@daily", "UTC", "2024-12-31 23:30:00", "2024-12-31 00:00:00",
        "2025-01-01 00:00:00"},
    {"@midnight", "UTC", "2024-12-31 00:00:00", "2024-12-31 00:00:00",
        "2025-01-01 00:00:00"},
    {"@hourly", "UTC", "2024-12-31 23:30:00", "2024-12-31 23:00:00",
        "2025-01-01 00:00:00"},
    /* The five-year bound: impossible dates, and the eight years without
     * a 29 February around 2100 (2096, then 2104). */
    {"0 0 31 2 *", "UTC", "2024-01-01 00:00:00", NULL, NULL},
    {"0 0 30 2 *", "UTC", "2024-01-01 00:00:00", NULL, NULL},
    {"0 0 31 4,6,9,11 *", "UTC", "2024-01-01 00:00:00", NULL, NULL},
    {"0 0 29 2 *", "UTC", "2097-03-01 00:00:00", "2096-02-29 00:00:00", NULL},
    {"0 0 29 2 *", "UTC", "2103-03-01 00:00:00", NULL, "2104-02-29 00:00:00"},
    /* A zone without DST: 09:00 in Tokyo is 00:00 UTC. */
    {"0 9 * * *", "Asia/Tokyo", "2024-01-01 00:30:00", "2024-01-01 00:00:00",
        "2024-01-02 00:00:00"},
    {"0 0 * * *", "America/New_York", "2024-07-04 12:00:00",
        "2024-07-04 04:00:00", "2024-07-05 04:00:00"},
    /* Paris, 31 March 2024: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
     * A fixed-time 02:30 fires at the jump; a starred job skips the gap. */
    {"30 2 * * *", "Europe/Paris", "2024-03-31 00:00:00", "2024-03-30 01:30:00",
        "2024-03-31 01:00:00"},
    {"30 2 * * *", "Europe/Paris", "2024-03-31 01:00:30", "2024-03-31 01:00:00",
        "2024-04-01 00:30:00"},
    {"*/15 * * * *", "Europe/Paris", "2024-03-31 00:50:00",
        "2024-03-31 00:45:00", "2024-03-31 01:00:00"},
    {"* 2 * * *", "Europe/Paris", "2024-03-31 00:30:00", "2024-03-30 01:59:00",
        "2024-04-01 00:00:00"},
    /* Paris, 27 October 2024: 03:00 CEST falls back to 02:00 CET at
     * 01:00 UTC.  A fixed-time 02:30 fires at the first 02:30 only; a
     * starred job fires in both copies of the hour. */
    {"30 2 * * *", "Europe/Paris", "2024-10-27 01:40:00", "2024-10-27 00:30:00",
        "2024-10-28 01:30:00"},
    {"*/15 * * * *", "Europe/Paris", "2024-10-27 00:50:00",
        "2024-10-27 00:45:00", "2024-10-27 01:00:00"},
    {"*/15 * * * *", "Europe/Paris", "2024-10-27 01:40:00",
        "2024-10-27 01:30:00", "2024-10-27 01:45:00"},
    {"0 * * * *", "Europe/Paris", "2024-10-27 00:30:00", "2024-10-27 00:00:00",
        "2024-10-27 01:00:00"},
};

static void
test_ticks(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof ticks / sizeof ticks[0]; i++) {
		const struct tick_case *c = &ticks[i];
		struct schedule *s = parse_ok(c->expr, c->tz);
		time_t t = utc(c->at);
		time_t p = schedule_prev(s, t), n = schedule_next(s, t);

		if (p != utc(c->prev) || n != utc(c->next))
			fail_msg("\"%s\" %s at %s: prev %lld next %lld, want "
			         "%lld %lld",
			    c->expr, c->tz, c->at, (long long)p, (long long)n,
			    (long long)utc(c->prev), (long long)utc(c->next));
		schedule_free(s);
	}
}

/* Walking next() from tick to tick and prev() back gives the same list. */
static void
test_walk(void **state)
{
	static const char *const exprs[] = {
	    "*/15 * * * *", "30 2 * * *", "0 0 1 * mon", "0 * * * *"};
	time_t fwd[64];
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
		struct schedule *s = parse_ok(exprs[i], "Europe/Paris");
		time_t t = utc("2024-10-26 22:00:00");

		for (k = 0; k < 64; k++)
			t = fwd[k] = schedule_next(s, t);
		for (k = 64; k-- > 1;) {
			assert_int_equal(schedule_prev(s, fwd[k]), fwd[k]);
			assert_int_equal(
			    schedule_prev(s, fwd[k] - 1), fwd[k - 1]);
			assert_true(fwd[k] > fwd[k - 1]);
		}
		schedule_free(s);
	}
}

static void
test_window(void **state)
{
	struct schedule *s = parse_ok("@daily", "UTC");
	time_t a, b;

	(void)state;
	assert_int_equal(
	    schedule_window(s, utc("2024-03-15 00:00:30"), &a, &b), 0);
	assert_int_equal(a, utc("2024-03-14 00:00:00"));
	assert_int_equal(b, utc("2024-03-15 00:00:00"));
	/* A run started late still takes the latest tick at or before it. */
	assert_int_equal(
	    schedule_window(s, utc("2024-03-15 17:45:00"), &a, &b), 0);
	assert_int_equal(a, utc("2024-03-14 00:00:00"));
	assert_int_equal(b, utc("2024-03-15 00:00:00"));
	schedule_free(s);

	s = parse_ok("30 2 * * *", "Europe/Paris");
	/* Started by cron at 03:00:20 CEST on the day 02:30 does not exist. */
	assert_int_equal(
	    schedule_window(s, utc("2024-03-31 01:00:20"), &a, &b), 0);
	assert_int_equal(a, utc("2024-03-30 01:30:00"));
	assert_int_equal(b, utc("2024-03-31 01:00:00"));
	schedule_free(s);

	s = parse_ok("0 0 31 2 *", "UTC");
	errno = 0;
	assert_int_equal(
	    schedule_window(s, utc("2024-03-15 00:00:00"), &a, &b), -1);
	assert_int_equal(errno, ERANGE);
	schedule_free(s);
}

/* The local zone is used when tz is NULL, and a schedule's own zone does
 * not leak into the caller's TZ. */
static void
test_tz_restored(void **state)
{
	struct schedule *local, *paris;
	const char *tz;
	time_t t = utc("2024-01-01 00:30:00");

	(void)state;
	local = parse_ok("0 9 * * *", NULL);
	paris = parse_ok("0 9 * * *", "Europe/Paris");

	assert_int_equal(setenv("TZ", "Asia/Tokyo", 1), 0);
	tzset();
	assert_int_equal(schedule_prev(local, t), utc("2024-01-01 00:00:00"));
	assert_int_equal(schedule_prev(paris, t), utc("2023-12-31 08:00:00"));
	tz = getenv("TZ");
	assert_non_null(tz);
	assert_string_equal(tz, "Asia/Tokyo");
	assert_int_equal(schedule_next(local, t), utc("2024-01-02 00:00:00"));

	assert_int_equal(unsetenv("TZ"), 0);
	tzset();
	assert_int_equal(schedule_next(paris, t), utc("2024-01-01 08:00:00"));
	assert_null(getenv("TZ"));

	schedule_free(local);
	schedule_free(paris);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_rejects),
	    cmocka_unit_test(test_parse_short_buffer),
	    cmocka_unit_test(test_parse_accepts),
	    cmocka_unit_test(test_fixed),
	    cmocka_unit_test(test_ticks),
	    cmocka_unit_test(test_walk),
	    cmocka_unit_test(test_window),
	    cmocka_unit_test(test_tz_restored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
