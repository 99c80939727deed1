/*
 * test_envfile.c - env files: KEY=VALUE lines, comments, blank lines, the
 * "export " prefix, bare / 'single' / "double" quoted values and their
 * escapes, CRLF line ends, trailing blanks, and bad lines reported as
 * FILE:LINE (with the right line numbers) while the good ones still parse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "envfile.h"
#include "unit.h"

#define MAXV 8

struct envfile_case {
	const char *what;
	const char *text;
	const char *kv[MAXV];   /* "KEY=VALUE", in order */
	const char *diag[MAXV]; /* messages, in order */
};

static const struct envfile_case cases[] = {
    {"empty file", "", {NULL}, {NULL}},
    {"blank lines only", "\n\n \t\n", {NULL}, {NULL}},
    {"plain pairs", "A=1\nB=two\nlower_case9=x\n",
        {"A=1", "B=two", "lower_case9=x"}, {NULL}},
    {"no newline at the end", "A=1\nB=2", {"A=1", "B=2"}, {NULL}},
    {"comments and blank lines",
        "# a comment\n\n   # indented\n\t# tab\nA=1\n\n#B=2\n", {"A=1"},
        {NULL}},
    {"blanks before the key", "   A=1\n\tB=2\n", {"A=1", "B=2"}, {NULL}},
    {"export prefix", "export A=1\nexport\tB=2\nexport   C=3\n",
        {"A=1", "B=2", "C=3"}, {NULL}},
    {"export is only a prefix with a blank",
        "exportA=1\nexport=2\nexport_x=3\n",
        {"exportA=1", "export=2", "export_x=3"}, {NULL}},
    {"empty values", "A=\nB=\"\"\nC=''\n", {"A=", "B=", "C="}, {NULL}},
    {"bare value: trailing blanks trimmed, inner ones kept",
        "A=hello world  \t \nB=x \n", {"A=hello world", "B=x"}, {NULL}},
    {"bare value: blanks before it trimmed too", "A=  x y  \nB=\t1\nC= \n",
        {"A=x y", "B=1", "C="}, {NULL}},
    {"bare value keeps '#', '=' and quotes inside",
        "A=a#b\nB=k=v=w\nC=it's\nD=say \"hi\"\n",
        {"A=a#b", "B=k=v=w", "C=it's", "D=say \"hi\""}, {NULL}},
    {"single quotes are literal",
        "A='a b'\nB='\\n $HOME \\\\ \"x\"'\nC='#not a comment'\n",
        {"A=a b", "B=\\n $HOME \\\\ \"x\"", "C=#not a comment"}, {NULL}},
    {"double quotes and their escapes",
        "A=\"a b\"\nB=\"q\\\"q\"\nC=\"back\\\\slash\"\nD=\"n\\nt\\t\"\n"
        "E=\"\\$HOME\"\nF=\"'single'\"\nG=\"# not a comment\"\n",
        {"A=a b", "B=q\"q", "C=back\\slash", "D=n\nt\t", "E=$HOME",
            "F='single'", "G=# not a comment"},
        {NULL}},
    {"blanks and a comment after a closing quote",
        "A=\"x\"   \nB='y'\t\nC=\"z\" # note\nD='w'#note\n",
        {"A=x", "B=y", "C=z", "D=w"}, {NULL}},
    {"CRLF line ends",
        "A=1\r\nB=\"two\"\r\nC='three'\r\n# comment\r\n\r\nD=4 \r\n"
        "export E=5\r\n",
        {"A=1", "B=two", "C=three", "D=4", "E=5"}, {NULL}},
    {"a later line replaces an earlier one", "A=1\nB=2\nA=3\n", {"A=3", "B=2"},
        {NULL}},
    {"bad lines are FILE:LINE, good ones still parse",
        "A=1\nnot a line\n\nB=2\n=3\n9X=1\nC=3\nA B=4\nD =5\n",
        {"A=1", "B=2", "C=3"},
        {"t.env:2: expected KEY=VALUE", "t.env:5: expected KEY=VALUE",
            "t.env:6: expected KEY=VALUE", "t.env:8: expected KEY=VALUE",
            "t.env:9: expected KEY=VALUE"}},
    {"line numbers count comments, blanks and CRLF lines",
        "# one\r\n\r\n\r\nA=1\r\nbad\r\n# six\r\nbad-key=1\r\nB=2\r\n",
        {"A=1", "B=2"},
        {"t.env:5: expected KEY=VALUE", "t.env:7: expected KEY=VALUE"}},
    {"unterminated quotes",
        "A=\"abc\nB='abc\nC=ok\nD=\"ends with escaped quote\\\"\n"
        "E=\"ends with backslash\\\n",
        {"C=ok"},
        {"t.env:1: A: unterminated double quote",
            "t.env:2: B: unterminated single quote",
            "t.env:4: D: unterminated double quote",
            "t.env:5: E: unterminated double quote"}},
    {"a value cannot span lines", "A=\"first\nsecond\"\nB=1\n", {"B=1"},
        {"t.env:1: A: unterminated double quote",
            "t.env:2: expected KEY=VALUE"}},
    {"text after the closing quote", "A=\"x\"y\nB='x' y\nC=\"x\"\"y\"\nD=1\n",
        {"D=1"},
        {"t.env:1: A: text after the closing quote",
            "t.env:2: B: text after the closing quote",
            "t.env:3: C: text after the closing quote"}},
    {"export without a pair", "export\nexport \nA=1\n", {"A=1"},
        {"t.env:1: expected KEY=VALUE", "t.env:2: expected KEY=VALUE"}},
};

static void
check_kv(const char *what, const struct kv *kv, const char *const *want)
{
	size_t n = 0;

	while (n < MAXV && want[n] != NULL)
		n++;
	for (size_t i = 0; i < kv->n || i < n; i++) {
		char *got = i < kv->n
		                ? xasprintf("%s=%s", kv->keys[i], kv->values[i])
		                : xstrdup("(none)");
		const char *exp = i < n ? want[i] : "(none)";

		if (strcmp(got, exp) != 0)
			fail_msg("%s: pair %zu is \"%s\", want \"%s\"", what, i,
			    got, exp);
		free(got);
	}
}

static void
check_diag(const char *what, const struct diag *d, const char *const *want)
{
	size_t n = 0;

	while (n < MAXV && want[n] != NULL)
		n++;
	for (size_t i = 0; i < d->msgs.n || i < n; i++) {
		const char *got = i < d->msgs.n ? d->msgs.v[i] : "(none)";
		const char *exp = i < n ? want[i] : "(none)";

		if (strcmp(got, exp) != 0)
			fail_msg("%s: diagnostic %zu is \"%s\", want \"%s\"",
			    what, i, got, exp);
	}
}

static void
test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct envfile_case *c = &cases[i];
		struct kv kv = KV_INIT;
		struct diag d = DIAG_INIT;
		int ret = envfile_parse(c->text, "t.env", &kv, &d);

		check_kv(c->what, &kv, c->kv);
		check_diag(c->what, &d, c->diag);
		if (ret != (c->diag[0] != NULL ? -1 : 0))
			fail_msg("%s: returned %d", c->what, ret);
		kv_free(&kv);
		diag_free(&d);
	}
}

/* Values from a file go over what kv already holds, in place. */
static void
test_parse_over_existing(void **state)
{
	struct kv kv = KV_INIT;
	struct diag d = DIAG_INIT;
	static const char *const want[] = {"PATH=/bin", "A=new", "B=b", NULL};

	(void)state;
	kv_set(&kv, "PATH", "/bin");
	kv_set(&kv, "A", "old");
	assert_int_equal(envfile_parse("A=new\nB=b\n", "t.env", &kv, &d), 0);
	check_kv("over existing", &kv, want);
	assert_int_equal(diag_count(&d), 0);
	kv_free(&kv);
	diag_free(&d);
}

static void
test_load(void **state)
{
	char *dir = unit_tmpdir("envfile");
	char *path = unit_write(dir, "x.env",
	    "# settings\nexport PGSERVICE=reports\nLANG=\"C.UTF-8\"\n"
	    "oops\n");
	char *missing = xasprintf("%s/missing.env", dir);
	char *want_bad = xasprintf("%s:4: expected KEY=VALUE", path);
	char *want_missing = xasprintf(
	    "%s: cannot read env file: No such file or directory", missing);
	static const char *const want_kv[] = {
	    "PGSERVICE=reports", "LANG=C.UTF-8", NULL};
	struct kv kv = KV_INIT;
	struct diag d = DIAG_INIT;

	(void)state;
	assert_int_equal(envfile_load(path, &kv, &d), -1);
	check_kv("load", &kv, want_kv);
	assert_int_equal(envfile_load(missing, &kv, &d), -1);
	{
		const char *const want_d[] = {want_bad, want_missing, NULL};

		unit_diag_eq(&d, want_d);
	}
	kv_free(&kv);
	diag_free(&d);
	free(want_bad);
	free(want_missing);
	free(missing);
	free(path);
	unit_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_parse_over_existing),
	    cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
