/*
 * test_duration.c - durations as SPEC writes them ("90", "90s", "15m",
 * "2h", "1d"): what is accepted and its value in seconds, what is refused
 * (and that a refusal leaves the output alone), and the format for people.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/duration.h"
#include "util/xalloc.h"

struct accept_case {
	const char *s;
	double seconds;
};

static const struct accept_case accepts[] = {
    {"0", 0},
    {"0s", 0},
    {"90", 90},
    {"90s", 90},
    {"15m", 900},
    {"2h", 7200},
    {"1d", 86400},
    {"1.5h", 5400},
    {"0.5s", 0.5},
    {".5m", 30},
    {"2.25d", 194400},
    {"007m", 420},
    {"36500d", 36500.0 * 86400},
};

/* Everything else is refused: a number followed by at most one unit of
 * s, m, h, d, nothing before and nothing after. */
static const char *const rejects[] = {
    "",
    "s",
    "m",
    ".",
    "-1",
    "-1s",
    "-0",
    "+5",
    " 5",
    "5 ",
    "5 s",
    "\t5",
    "5\n",
    "5x",
    "5S",
    "5M",
    "5ms",
    "5mm",
    "5sec",
    "1h30m",
    "1w",
    "1y",
    "m5",
    "5,5s",
    "1..5",
    "inf",
    "infinity",
    "nan",
    "NaN",
    "five",
};

/* strtod's grammar is wider than SPEC's: hexadecimal and exponents are
 * numbers to strtod, not durations a person writes. */
static const char *const rejects_strtod[] = {
    "0x10",
    "0x1p4",
    "0X1A",
    "1e3",
    "1E3s",
    "2e1m",
};

static void
test_accepted(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof accepts / sizeof accepts[0]; i++) {
		const struct accept_case *c = &accepts[i];
		double v = -1;

		if (duration_parse(c->s, &v) != 0)
			fail_msg("\"%s\" refused", c->s);
		if (v != c->seconds)
			fail_msg(
			    "\"%s\": %g s, want %g s", c->s, v, c->seconds);
	}
}

static void
check_rejected(const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		double v = -42;

		if (duration_parse(list[i], &v) == 0)
			fail_msg("\"%s\" accepted as %g s", list[i], v);
		if (v != -42)
			fail_msg("\"%s\" refused but the output changed to %g",
			    list[i], v);
	}
}

static void
test_rejected(void **state)
{
	double v = -42;

	(void)state;
	check_rejected(rejects, sizeof rejects / sizeof rejects[0]);
	assert_int_equal(duration_parse(NULL, &v), -1);
	assert_true(v == -42);
}

static void
test_rejected_strtod_forms(void **state)
{
	(void)state;
	check_rejected(
	    rejects_strtod, sizeof rejects_strtod / sizeof rejects_strtod[0]);
}

/* A number too large for a double, and one that only overflows once its
 * unit is applied: neither may come back as infinity (a timeout that never
 * fires) or as anything else. */
static void
test_overflow(void **state)
{
	char digits[512];
	char *s;
	double v = -42;

	(void)state;
	memset(digits, '9', 400);
	digits[400] = '\0';
	assert_int_equal(duration_parse(digits, &v), -1);
	s = xasprintf("%sd", digits);
	assert_int_equal(duration_parse(s, &v), -1);
	free(s);

	/* 1e308 is a finite double; 1e308 days are not. */
	memset(digits, '0', sizeof digits);
	digits[0] = '1';
	digits[309] = '\0';
	assert_int_equal(duration_parse(digits, &v), 0);
	assert_true(v == 1e308);
	v = -42;
	s = xasprintf("%sd", digits);
	if (duration_parse(s, &v) == 0)
		fail_msg("1e308 days accepted as %g s", v);
	free(s);
}

struct format_case {
	double seconds;
	const char *want;
};

static const struct format_case formats[] = {
    {0, "0.0s"},
    {0.04, "0.0s"},
    {12.4, "12.4s"},
    {59.9, "59.9s"},
    {60, "1m00s"},
    {60.4, "1m00s"},
    {185, "3m05s"},
    {3599, "59m59s"},
    {3599.6, "1h00m"}, /* rounded to 3600 s first */
    {3600, "1h00m"},
    {7260, "2h01m"},
    {86399, "23h59m"},
    {86400, "1d00h"},
    {93600, "1d02h"},
    {36500.0 * 86400, "36500d00h"},
};

static void
test_format(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		char buf[32];

		memset(buf, 'X', sizeof buf);
		duration_format(formats[i].seconds, buf, sizeof buf);
		if (strcmp(buf, formats[i].want) != 0)
			fail_msg("%g s: \"%s\", want \"%s\"",
			    formats[i].seconds, buf, formats[i].want);
	}
}

/* A short buffer gets a truncated, terminated string. */
static void
test_format_short_buffer(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'X', sizeof buf);
	duration_format(93600, buf, 4);
	assert_string_equal(buf, "1d0");
	assert_int_equal(buf[4], 'X');
}

/* Any duration the parser accepts formats as days, never as a negative
 * number of minutes (llround overflows past 2^63 seconds). */
static void
test_format_huge(void **state)
{
	static const char *const inputs[] = {"99999999999999999999d",
	    "10000000000000000000", "123456789012345678901234567890h"};

	(void)state;
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		char buf[64];
		double v;

		assert_int_equal(duration_parse(inputs[i], &v), 0);
		duration_format(v, buf, sizeof buf);
		if (buf[0] < '1' || buf[0] > '9' || strchr(buf, '-') != NULL ||
		    strchr(buf, 'd') == NULL)
			fail_msg("\"%s\" (%g s) formats as \"%s\"", inputs[i],
			    v, buf);
	}
}

/* What is formatted parses back to (about) the same duration. */
static void
test_format_parses_back(void **state)
{
	static const double values[] = {
	    0, 7, 59, 60, 61, 3599, 3600, 86400, 90061};

	(void)state;
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		char buf[32], *unit;
		double v;

		duration_format(values[i], buf, sizeof buf);
		/* "3m05s" is two units; its first part must parse. */
		unit = strpbrk(buf, "smhd");
		assert_non_null(unit);
		unit[1] = '\0';
		assert_int_equal(duration_parse(buf, &v), 0);
		assert_true(v <= values[i] && v > values[i] - 86400);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepted),
	    cmocka_unit_test(test_rejected),
	    cmocka_unit_test(test_rejected_strtod_forms),
	    cmocka_unit_test(test_overflow),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_format_short_buffer),
	    cmocka_unit_test(test_format_huge),
	    cmocka_unit_test(test_format_parses_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
