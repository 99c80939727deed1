/*
 * test_cli.c - what the command layer parses itself: --param KEY=VALUE
 * (split at the first '=', keys of letters, digits and '_') and --window
 * START/END in ISO 8601 (Z, an offset, a date alone, no zone = UTC; START
 * before END), with the ISO 8601 instants of timeutil underneath.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cli.h"
#include "util/timeutil.h"

#define DAY 1795392000 /* 2026-11-23T00:00:00Z */
#define H 3600
#define M 60

/* --- --param ------------------------------------------------------------ */

struct param_case {
	const char *arg;
	const char *key; /* NULL: refused */
	const char *value;
};

static const struct param_case params[] = {
    {"A=1", "A", "1"},
    {"day=2026-11-23", "day", "2026-11-23"},
    {"A=b=c", "A", "b=c"},
    {"URL=http://x/?a=1&b=2", "URL", "http://x/?a=1&b=2"},
    {"A=", "A", ""},
    {"A==", "A", "="},
    {"_x9=v", "_x9", "v"},
    {"9lives=1", "9lives", "1"},
    {"A= spaced out ", "A", " spaced out "},
    {"A=line\nbreak", "A", "line\nbreak"},
    {"A=é", "A", "é"},
    {"", NULL, NULL},
    {"A", NULL, NULL},
    {"=", NULL, NULL},
    {"=x", NULL, NULL},
    {"a-b=1", NULL, NULL},
    {"a.b=1", NULL, NULL},
    {"a b=1", NULL, NULL},
    {" a=1", NULL, NULL},
    {"a =1", NULL, NULL},
    {"é=1", NULL, NULL},
    {"a\n=1", NULL, NULL},
    {"$A=1", NULL, NULL},
};

static void
test_param(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
		const struct param_case *c = &params[i];
		struct kv kv = KV_INIT;
		int ret;

		kv_set(&kv, "KEEP", "me");
		ret = cli_param(c->arg, &kv);
		if (c->key == NULL) {
			if (ret != -1)
				fail_msg("\"%s\" accepted", c->arg);
			/* A refusal changes nothing. */
			assert_int_equal(kv.n, 1);
		} else {
			if (ret != 0)
				fail_msg("\"%s\" refused", c->arg);
			assert_int_equal(kv.n, 2);
			assert_string_equal(kv.keys[1], c->key);
			assert_string_equal(kv.values[1], c->value);
		}
		assert_string_equal(kv_get(&kv, "KEEP"), "me");
		kv_free(&kv);
	}
}

/* A key given again takes the later value, in its first place. */
static void
test_param_repeated(void **state)
{
	struct kv kv = KV_INIT;

	(void)state;
	assert_int_equal(cli_param("A=1", &kv), 0);
	assert_int_equal(cli_param("B=2", &kv), 0);
	assert_int_equal(cli_param("A=3", &kv), 0);
	assert_int_equal(kv.n, 2);
	assert_string_equal(kv.keys[0], "A");
	assert_string_equal(kv.values[0], "3");
	assert_string_equal(kv.keys[1], "B");
	kv_free(&kv);
}

/* --- ISO 8601 instants ------------------------------------------------ */

struct instant_case {
	const char *s;
	bool ok;
	time_t t;
};

static const struct instant_case instants[] = {
    {"2026-11-23T04:30:00Z", true, DAY + 4 * H + 30 * M},
    {"2026-11-23T04:30:59Z", true, DAY + 4 * H + 30 * M + 59},
    {"2026-11-23T04:30Z", true, DAY + 4 * H + 30 * M},
    {"2026-11-23T04:30:00", true, DAY + 4 * H + 30 * M},      /* UTC */
    {"2026-11-23T04:30:00.999Z", true, DAY + 4 * H + 30 * M}, /* dropped */
    {"2026-11-23T05:30:00,5+01:00", true, DAY + 4 * H + 30 * M},
    {"2026-11-23T04:30:00.Z", false, 0},
    {"2026-11-23T04:30.5Z", false, 0},
    {"2026-11-23 04:30:00Z", true, DAY + 4 * H + 30 * M},
    {"2026-11-23T05:30:00+01:00", true, DAY + 4 * H + 30 * M},
    {"2026-11-23T05:30:00+0100", true, DAY + 4 * H + 30 * M},
    {"2026-11-22T23:00:00-05:30", true, DAY + 4 * H + 30 * M},
    {"2026-11-23T00:30:00-00:30", true, DAY + H},
    {"2026-11-23T00:00:00+00:00", true, DAY},
    {"2026-11-23", true, DAY}, /* midnight UTC */
    {"2026-11-24", true, DAY + 24 * H},
    {"2024-02-29", true, 1709164800},
    {"1970-01-01T00:00:00Z", true, 0},
    {"", false, 0},
    {"now", false, 0},
    {"2026", false, 0},
    {"2026-11", false, 0},
    {"23/11/2026", false, 0},
    {"2026-13-01", false, 0},
    {"2026-00-10", false, 0},
    {"2026-11-00", false, 0},
    {"2026-11-32", false, 0},
    {"2026-11-23T", false, 0},
    {"2026-11-23T04Z", false, 0},
    {"2026-11-23T25:00:00Z", false, 0},
    {"2026-11-23T04:60:00Z", false, 0},
    {"2026-11-23x", false, 0},
    {"2026-11-23T04:30:00Q", false, 0},
    {"2026-11-23T04:30:00 +01:00", false, 0},
    {"2026-11-23T04:30:00+1", false, 0},
    {"2026-11-23T04:30:00Zjunk", false, 0},
};

/* Dates that do not exist and offsets that are not offsets: strptime
 * and sscanf let them through, a person meant something else. */
static const struct instant_case bad_instants[] = {
    {"2026-02-30", false, 0},
    {"2025-02-29", false, 0},
    {"2026-04-31T12:00:00Z", false, 0},
    {"2026-11-23T04:30:00+01:00junk", false, 0},
    {"2026-11-23T04:30:00+0100 ", false, 0},
    {"2026-11-23T04:30:00+25:00", false, 0},
    {"2026-11-23T04:30:00+01:75", false, 0},
    {"2026-11-23T04:59:60Z", false, 0},
};

static void
check_instants(const struct instant_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct instant_case *c = &cases[i];
		time_t t = 42;
		int ret = iso8601_parse(c->s, &t);

		if (c->ok && ret != 0)
			fail_msg("\"%s\" refused", c->s);
		if (!c->ok && ret == 0)
			fail_msg("\"%s\" accepted as %lld", c->s, (long long)t);
		if (c->ok && t != c->t)
			fail_msg("\"%s\": %lld, want %lld", c->s, (long long)t,
			    (long long)c->t);
		if (!c->ok && t != 42)
			fail_msg("\"%s\" refused but the output changed", c->s);
	}
}

static void
test_iso8601_parse(void **state)
{
	(void)state;
	check_instants(instants, sizeof instants / sizeof instants[0]);
}

static void
test_iso8601_parse_strict(void **state)
{
	(void)state;
	check_instants(
	    bad_instants, sizeof bad_instants / sizeof bad_instants[0]);
}

/* What is written is read back. */
static void
test_iso8601_round_trip(void **state)
{
	static const time_t times[] = {
	    0, 951782400, DAY, DAY + 4 * H + 59, 2147483647, 4102444800};

	(void)state;
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		char buf[32];
		time_t t;

		iso8601_utc(times[i], buf, sizeof buf);
		assert_int_equal(strlen(buf), 20);
		assert_int_equal(iso8601_parse(buf, &t), 0);
		assert_int_equal(t, times[i]);
	}
	{
		char buf[32];

		iso8601_utc(DAY + 4 * H + 30 * M, buf, sizeof buf);
		assert_string_equal(buf, "2026-11-23T04:30:00Z");
		iso8601_utc_ms(DAY + 4 * H + 30 * M + 0.25, buf, sizeof buf);
		assert_string_equal(buf, "2026-11-23T04:30:00.250Z");
	}
}

/* --- --window ----------------------------------------------------------- */

struct window_case {
	const char *arg;
	bool ok;
	time_t start, end;
};

static const struct window_case windows[] = {
    {"2026-11-23T04:30:00Z/2026-11-24T04:30:00Z", true, DAY + 4 * H + 30 * M,
        DAY + 28 * H + 30 * M},
    {"2026-11-23/2026-11-24", true, DAY, DAY + 24 * H},
    {"2026-11-23/2026-11-23T00:00:01Z", true, DAY, DAY + 1},
    {"2026-11-23T01:00:00+01:00/2026-11-23T00:00:00-01:00", true, DAY, DAY + H},
    {"2026-11-23T05:30:00+01:00/2026-11-23T09:30:00Z", true,
        DAY + 4 * H + 30 * M, DAY + 9 * H + 30 * M},
    /* START >= END. */
    {"2026-11-23/2026-11-23", false, 0, 0},
    {"2026-11-23T01:00:00+01:00/2026-11-23T00:00:00Z", false, 0, 0},
    {"2026-11-24/2026-11-23", false, 0, 0},
    /* Not a window. */
    {"", false, 0, 0},
    {"/", false, 0, 0},
    {"2026-11-23", false, 0, 0},
    {"2026-11-23/", false, 0, 0},
    {"/2026-11-24", false, 0, 0},
    {"2026-11-23/2026-11-24/2026-11-25", false, 0, 0},
    {"2026-11-23 2026-11-24", false, 0, 0},
    {"yesterday/today", false, 0, 0},
};

static void
test_window(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++) {
		const struct window_case *c = &windows[i];
		time_t start = -1, end = -1;
		int ret = cli_window(c->arg, &start, &end);

		if (c->ok != (ret == 0))
			fail_msg("\"%s\" %s", c->arg,
			    c->ok ? "refused" : "accepted");
		if (c->ok && (start != c->start || end != c->end))
			fail_msg("\"%s\": %lld/%lld, want %lld/%lld", c->arg,
			    (long long)start, (long long)end,
			    (long long)c->start, (long long)c->end);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_param),
	    cmocka_unit_test(test_param_repeated),
	    cmocka_unit_test(test_iso8601_parse),
	    cmocka_unit_test(test_iso8601_parse_strict),
	    cmocka_unit_test(test_iso8601_round_trip),
	    cmocka_unit_test(test_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
