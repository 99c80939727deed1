/*
 * test_runid.c - run ids (ULIDs): 26 characters of Crockford base32, the
 * first 10 the milliseconds of the start time, so that ids sort by time;
 * the other 16 random, so that ids made in the same millisecond differ.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/runid.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* The value of the first 10 characters: milliseconds since the epoch. */
static uint64_t
decode_time(const char *id)
{
	uint64_t ms = 0;

	for (int i = 0; i < 10; i++) {
		const char *p = strchr(crockford, id[i]);

		if (p == NULL || id[i] == '\0')
			fail_msg("%s: '%c' is not Crockford base32", id, id[i]);
		ms = ms << 5 | (uint64_t)(p - crockford);
	}
	return ms;
}

static void
check_shape(const char *id)
{
	assert_int_equal(strlen(id), RUNID_LEN);
	for (int i = 0; i < RUNID_LEN; i++)
		if (id[i] == '\0' || strchr(crockford, id[i]) == NULL)
			fail_msg("%s: '%c' at %d is not Crockford base32", id,
			    id[i], i);
}

struct time_case {
	double now;
	const char *prefix; /* the 10 time characters */
};

static const struct time_case times[] = {
    {0, "0000000000"}, {0.001, "0000000001"}, {0.031, "000000000Z"},
    {0.032, "0000000010"}, {1.0, "00000000Z8"}, /* 1000 = 31 * 32 + 8 */
    {1764000000.25, "01KAV9FT7T"},              /* 2025-11-24T16:00:00.250Z */
    {281474976710.655, "7ZZZZZZZZZ"},           /* the last of 48 bits */
};

static void
test_shape_and_time(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		char id[RUNID_LEN + 1];

		memset(id, '!', sizeof id);
		runid_new(times[i].now, id);
		check_shape(id);
		if (strncmp(id, times[i].prefix, 10) != 0)
			fail_msg("%.3f: %s, want time part %s", times[i].now,
			    id, times[i].prefix);
		assert_int_equal(
		    decode_time(id), (uint64_t)(times[i].now * 1000.0));
	}
}

/* Ids sort as their start times do, across every digit position. */
static void
test_sorts_by_time(void **state)
{
	static const double t[] = {0, 0.001, 0.031, 0.032, 1, 59.999, 1e6,
	    1764000000, 1764000000.001, 1764000000.999, 1764000001, 1795392000,
	    4102444800, 281474976710.655};
	char prev[RUNID_LEN + 1];

	(void)state;
	runid_new(t[0], prev);
	for (size_t i = 1; i < sizeof t / sizeof t[0]; i++) {
		char id[RUNID_LEN + 1];

		runid_new(t[i], id);
		if (strcmp(prev, id) >= 0)
			fail_msg("%s (at %.3f) does not sort after %s", id,
			    t[i], prev);
		memcpy(prev, id, sizeof id);
	}
}

static int
cmp_ids(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Many ids in the same millisecond: all distinct, and every random
 * character varies (no position stuck at one value). */
static void
test_distinct(void **state)
{
	enum { N = 2000 };
	char(*ids)[RUNID_LEN + 1] = calloc(N, sizeof *ids);
	unsigned seen[RUNID_LEN] = {0};

	(void)state;
	assert_non_null(ids);
	for (int i = 0; i < N; i++) {
		runid_new(1764000000.25, ids[i]);
		check_shape(ids[i]);
		assert_memory_equal(ids[i], "01KAV9FT7T", 10);
		for (int k = 10; k < RUNID_LEN; k++)
			seen[k] |=
			    1u << (strchr(crockford, ids[i][k]) - crockford);
	}
	qsort(ids, N, sizeof *ids, cmp_ids);
	for (int i = 1; i < N; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0)
			fail_msg("%s made twice", ids[i]);
	/* 2000 draws of 32 values: each value turns up at every position
	 * (the odds against one missing are about 32 * e^-62). */
	for (int k = 10; k < RUNID_LEN; k++)
		if (seen[k] != 0xffffffffu)
			fail_msg("random character %d only took values %#x", k,
			    seen[k]);
	free(ids);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shape_and_time),
	    cmocka_unit_test(test_sorts_by_time),
	    cmocka_unit_test(test_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
