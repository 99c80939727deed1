/*
 * test_ring.c - the tail ring: fewer and more lines than its capacity, the
 * join of the last n, wrap-around over many turns, lengths, and freeing
 * (valgrind and ASan see every line go).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/ring.h"
#include "util/strbuf.h"

/* Pushes the lines of text ("a|b|c") one by one. */
static void
push_all(struct ring *r, const char *text)
{
	const char *p = text;

	for (;;) {
		const char *bar = strchr(p, '|');
		size_t len = bar != NULL ? (size_t)(bar - p) : strlen(p);

		ring_push(r, p, len);
		if (bar == NULL)
			break;
		p = bar + 1;
	}
}

struct join_case {
	size_t cap;
	const char *pushed; /* lines separated by '|', NULL = none */
	size_t n;           /* ring_join's n */
	const char *want;
};

static const struct join_case joins[] = {
    /* Empty. */
    {3, NULL, 0, ""},
    {3, NULL, 2, ""},
    /* Fewer lines than the capacity. */
    {3, "a", 0, "a\n"},
    {3, "a|b", 0, "a\nb\n"},
    {3, "a|b", 1, "b\n"},
    {3, "a|b", 2, "a\nb\n"},
    {3, "a|b", 9, "a\nb\n"},
    /* Exactly the capacity. */
    {3, "a|b|c", 0, "a\nb\nc\n"},
    {3, "a|b|c", 3, "a\nb\nc\n"},
    {3, "a|b|c", 2, "b\nc\n"},
    /* More lines: the oldest go. */
    {3, "a|b|c|d", 0, "b\nc\nd\n"},
    {3, "a|b|c|d|e", 0, "c\nd\ne\n"},
    {3, "a|b|c|d|e", 1, "e\n"},
    {3, "a|b|c|d|e", 2, "d\ne\n"},
    {3, "a|b|c|d|e", 4, "c\nd\ne\n"},
    {3, "1|2|3|4|5|6|7", 0, "5\n6\n7\n"},
    /* Capacity 1, and 0 which means 1. */
    {1, "a|b|c", 0, "c\n"},
    {0, "a|b|c", 0, "c\n"},
    {0, "a", 5, "a\n"},
    /* Empty lines are lines. */
    {4, "||x|", 0, "\n\nx\n\n"},
    {2, "x||", 0, "\n\n"},
};

static void
test_join(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof joins / sizeof joins[0]; i++) {
		const struct join_case *c = &joins[i];
		struct ring r;
		char *got;

		ring_init(&r, c->cap);
		if (c->pushed != NULL)
			push_all(&r, c->pushed);
		got = ring_join(&r, c->n);
		if (strcmp(got, c->want) != 0)
			fail_msg(
			    "cap %zu, pushed \"%s\", last %zu: got \"%s\", "
			    "want \"%s\"",
			    c->cap, c->pushed ? c->pushed : "", c->n, got,
			    c->want);
		free(got);
		ring_free(&r);
	}
}

/* The line is len bytes of the argument, not up to its NUL. */
static void
test_push_len(void **state)
{
	struct ring r;
	char *got;

	(void)state;
	ring_init(&r, 4);
	ring_push(&r, "abcdef", 3);
	ring_push(&r, "xyz", 0);
	ring_push(&r, "line\nwith newline", 4);
	got = ring_join(&r, 0);
	assert_string_equal(got, "abc\n\nline\n");
	free(got);
	ring_free(&r);
}

/* Many turns around a ring of each small capacity: after every push, the
 * ring holds the last min(pushed, cap) lines in order. */
static void
test_wrap_around(void **state)
{
	(void)state;
	for (size_t cap = 1; cap <= 7; cap++) {
		struct ring r;

		ring_init(&r, cap);
		for (int i = 1; i <= 50; i++) {
			struct strbuf want = STRBUF_INIT;
			char line[32];
			char *got;
			int first = i - (int)cap + 1;

			snprintf(line, sizeof line, "line %d", i);
			ring_push(&r, line, strlen(line));
			for (int k = first > 1 ? first : 1; k <= i; k++)
				strbuf_printf(&want, "line %d\n", k);
			got = ring_join(&r, 0);
			if (strcmp(got, strbuf_str(&want)) != 0)
				fail_msg("cap %zu after %d: got \"%s\", want "
				         "\"%s\"",
				    cap, i, got, strbuf_str(&want));
			assert_int_equal(
			    r.n, (size_t)i < cap ? (size_t)i : cap);
			free(got);
			strbuf_free(&want);
		}
		ring_free(&r);
	}
}

/* Long lines are kept whole (the sink cuts them, not the ring). */
static void
test_long_lines(void **state)
{
	char big[10000];
	struct ring r;
	char *got;

	(void)state;
	memset(big, 'x', sizeof big);
	ring_init(&r, 2);
	ring_push(&r, big, sizeof big);
	ring_push(&r, "short", 5);
	ring_push(&r, big, sizeof big);
	got = ring_join(&r, 0);
	assert_int_equal(strlen(got), 5 + 1 + sizeof big + 1);
	assert_memory_equal(got, "short\nxxx", 9);
	assert_int_equal(got[strlen(got) - 1], '\n');
	free(got);
	ring_free(&r);
}

/* ring_free forgets everything; freeing twice is harmless. */
static void
test_free_ring(void **state)
{
	struct ring r;
	char *got;

	(void)state;
	ring_init(&r, 3);
	push_all(&r, "a|b|c|d|e");
	ring_free(&r);
	assert_null(r.lines);
	assert_int_equal(r.n, 0);
	ring_free(&r);

	/* And a freed ring can be set up again. */
	ring_init(&r, 2);
	push_all(&r, "p|q|r");
	got = ring_join(&r, 0);
	assert_string_equal(got, "q\nr\n");
	free(got);
	ring_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_join),
	    cmocka_unit_test(test_push_len),
	    cmocka_unit_test(test_wrap_around),
	    cmocka_unit_test(test_long_lines),
	    cmocka_unit_test(test_free_ring),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
