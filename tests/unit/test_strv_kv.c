/*
 * test_strv_kv.c - the string vector (an argv: owned strings, always
 * NULL-terminated for execve) and the ordered KEY=VALUE list (an
 * environment: a later set replaces in place, unset keeps the order).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/kv.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* --- strv ------------------------------------------------------------- */

static void
test_strv_push(void **state)
{
	struct strv sv = STRV_INIT;
	char buf[] = "mutable";

	(void)state;
	strv_push(&sv, "a");
	strv_push(&sv, buf);
	/* A copy: changing the argument changes nothing inside. */
	buf[0] = 'X';
	strv_push_take(&sv, xstrdup("taken"));
	assert_int_equal(sv.n, 3);
	assert_string_equal(sv.v[0], "a");
	assert_string_equal(sv.v[1], "mutable");
	assert_string_equal(sv.v[2], "taken");
	assert_null(sv.v[3]);
	strv_free(&sv);
	assert_null(sv.v);
	assert_int_equal(sv.n, 0);
	strv_free(&sv);
}

/* Growing past any initial capacity keeps order and the NULL. */
static void
test_strv_grow(void **state)
{
	struct strv sv = STRV_INIT;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		char s[32];

		snprintf(s, sizeof s, "%d", i);
		strv_push(&sv, s);
		assert_null(sv.v[sv.n]);
		assert_true(sv.cap > sv.n);
	}
	assert_int_equal(sv.n, 1000);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(atoi(sv.v[i]), i);
	strv_free(&sv);
}

static void
test_strv_terminate(void **state)
{
	struct strv sv = STRV_INIT;
	char **v;

	(void)state;
	v = strv_terminate(&sv);
	assert_non_null(v);
	assert_null(v[0]);
	assert_int_equal(sv.n, 0);
	strv_push(&sv, "x");
	v = strv_terminate(&sv);
	assert_string_equal(v[0], "x");
	assert_null(v[1]);
	strv_free(&sv);
}

static void
test_strv_contains_copy(void **state)
{
	struct strv a = STRV_INIT, b = STRV_INIT;

	(void)state;
	assert_false(strv_contains(&a, "x"));
	strv_push(&a, "one");
	strv_push(&a, "two");
	strv_push(&a, "");
	assert_true(strv_contains(&a, "one"));
	assert_true(strv_contains(&a, "two"));
	assert_true(strv_contains(&a, ""));
	assert_false(strv_contains(&a, "on"));
	assert_false(strv_contains(&a, "one "));
	assert_false(strv_contains(&a, "TWO"));

	strv_push(&b, "zero");
	strv_copy(&b, &a);
	assert_int_equal(b.n, 4);
	assert_string_equal(b.v[0], "zero");
	assert_string_equal(b.v[1], "one");
	assert_string_equal(b.v[3], "");
	assert_null(b.v[4]);
	/* Deep: the copies are b's own. */
	assert_ptr_not_equal(b.v[1], a.v[0]);
	strv_free(&a);
	assert_string_equal(b.v[2], "two");
	strv_free(&b);
}

struct join_case {
	const char *items[5];
	const char *sep;
	const char *want;
};

static const struct join_case joins[] = {
    {{NULL}, ", ", ""},
    {{"a"}, ", ", "a"},
    {{"a", "b", "c"}, ", ", "a, b, c"},
    {{"a", "b"}, "", "ab"},
    {{"", "", ""}, "-", "--"},
    {{"x y", "z"}, " ", "x y z"},
};

static void
test_strv_join(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof joins / sizeof joins[0]; i++) {
		struct strv sv = STRV_INIT;
		char *got;

		for (size_t k = 0; k < 5 && joins[i].items[k] != NULL; k++)
			strv_push(&sv, joins[i].items[k]);
		got = strv_join(&sv, joins[i].sep);
		assert_string_equal(got, joins[i].want);
		free(got);
		strv_free(&sv);
	}
}

/* --- kv --------------------------------------------------------------- */

static void
check_kv(const struct kv *kv, const char *want)
{
	char got[512] = "";

	for (size_t i = 0; i < kv->n; i++) {
		size_t len = strlen(got);

		snprintf(got + len, sizeof got - len, "%s%s=%s", i ? " " : "",
		    kv->keys[i], kv->values[i]);
	}
	assert_string_equal(got, want);
}

static void
test_kv_set_get(void **state)
{
	struct kv kv = KV_INIT;

	(void)state;
	assert_null(kv_get(&kv, "A"));
	kv_set(&kv, "A", "1");
	kv_set(&kv, "B", "2");
	kv_set(&kv, "C", "");
	check_kv(&kv, "A=1 B=2 C=");
	assert_string_equal(kv_get(&kv, "B"), "2");
	assert_string_equal(kv_get(&kv, "C"), "");
	assert_null(kv_get(&kv, "a"));
	assert_null(kv_get(&kv, "AB"));
	assert_null(kv_get(&kv, ""));
	/* A later set replaces the value where the key is. */
	kv_set(&kv, "A", "one");
	check_kv(&kv, "A=one B=2 C=");
	assert_int_equal(kv.n, 3);
	kv_free(&kv);
	assert_int_equal(kv.n, 0);
	assert_null(kv.keys);
	kv_free(&kv);
}

/* The value may be the kv's own (replacing a value by itself). */
static void
test_kv_set_own_value(void **state)
{
	struct kv kv = KV_INIT;

	(void)state;
	kv_set(&kv, "A", "same");
	kv_set(&kv, "B", "x");
	kv_set(&kv, "A", kv_get(&kv, "A"));
	kv_set(&kv, "B", kv_get(&kv, "A"));
	check_kv(&kv, "A=same B=same");
	kv_free(&kv);
}

struct unset_case {
	const char *unset;
	const char *want;
};

static const struct unset_case unsets[] = {
    {"A", "B=2 C=3 D=4"},
    {"B", "A=1 C=3 D=4"},
    {"D", "A=1 B=2 C=3"},
    {"X", "A=1 B=2 C=3 D=4"},
    {"", "A=1 B=2 C=3 D=4"},
};

static void
test_kv_unset(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof unsets / sizeof unsets[0]; i++) {
		struct kv kv = KV_INIT;

		kv_set(&kv, "A", "1");
		kv_set(&kv, "B", "2");
		kv_set(&kv, "C", "3");
		kv_set(&kv, "D", "4");
		kv_unset(&kv, unsets[i].unset);
		check_kv(&kv, unsets[i].want);
		/* And it keeps working afterwards. */
		kv_set(&kv, "E", "5");
		assert_string_equal(kv_get(&kv, "E"), "5");
		kv_free(&kv);
	}
}

/* Unsetting with the kv's own key string, as env_build does. */
static void
test_kv_unset_own_key(void **state)
{
	struct kv kv = KV_INIT;

	(void)state;
	kv_set(&kv, "A", "1");
	kv_set(&kv, "B", "2");
	kv_unset(&kv, kv.keys[0]);
	check_kv(&kv, "B=2");
	kv_unset(&kv, kv.keys[0]);
	assert_int_equal(kv.n, 0);
	kv_free(&kv);
}

static void
test_kv_copy(void **state)
{
	struct kv a = KV_INIT, b = KV_INIT;

	(void)state;
	kv_set(&a, "X", "1");
	kv_set(&a, "Y", "2");
	kv_set(&b, "Y", "old");
	kv_set(&b, "Z", "z");
	kv_copy(&b, &a);
	check_kv(&b, "Y=2 Z=z X=1");
	kv_free(&a);
	check_kv(&b, "Y=2 Z=z X=1");
	kv_copy(&b, &a); /* from an empty one */
	check_kv(&b, "Y=2 Z=z X=1");
	kv_free(&b);
}

static void
test_kv_many(void **state)
{
	struct kv kv = KV_INIT;

	(void)state;
	for (int i = 0; i < 500; i++) {
		char k[32], v[32];

		snprintf(k, sizeof k, "K%d", i);
		snprintf(v, sizeof v, "%d", i * 2);
		kv_set(&kv, k, v);
	}
	for (int i = 0; i < 500; i += 2) {
		char k[32];

		snprintf(k, sizeof k, "K%d", i);
		kv_unset(&kv, k);
	}
	assert_int_equal(kv.n, 250);
	for (size_t i = 0; i < kv.n; i++) {
		char k[32];

		snprintf(k, sizeof k, "K%zu", 2 * i + 1);
		assert_string_equal(kv.keys[i], k);
		assert_int_equal(atoi(kv.values[i]), (int)(2 * (2 * i + 1)));
	}
	kv_free(&kv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strv_push),
	    cmocka_unit_test(test_strv_grow),
	    cmocka_unit_test(test_strv_terminate),
	    cmocka_unit_test(test_strv_contains_copy),
	    cmocka_unit_test(test_strv_join),
	    cmocka_unit_test(test_kv_set_get),
	    cmocka_unit_test(test_kv_set_own_value),
	    cmocka_unit_test(test_kv_unset),
	    cmocka_unit_test(test_kv_unset_own_key),
	    cmocka_unit_test(test_kv_copy),
	    cmocka_unit_test(test_kv_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
