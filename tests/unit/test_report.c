/*
 * test_report.c - the formatting of the history commands: JSON strings
 * (escapes, invalid UTF-8), commas between members, aligned columns,
 * exits and durations for people.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report.h"

static void
test_json_strings(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"plain", "\"plain\""},
	    {"a\"b\\c", "\"a\\\"b\\\\c\""},
	    {"line\nnext\ttab", "\"line\\nnext\\ttab\""},
	    {"bell\a del\x7f", "\"bell\\u0007 del\\u007f\""},
	    {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 "
	                                                  "\xe2\x82\xac "
	                                                  "\xf0\x9f\x98\x80\""},
	    {"bad\xff!", "\"bad\\ufffd!\""},
	    {"overlong\xc0\x80", "\"overlong\\ufffd\\ufffd\""},
	    {"surrogate\xed\xa0\x80", "\"surrogate\\ufffd\\ufffd\\ufffd\""},
	    {"cut\xe2\x82", "\"cut\\ufffd\\ufffd\""},
	    {"", "\"\""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct strbuf b = STRBUF_INIT;

		json_str(&b, cases[i].in);
		assert_string_equal(strbuf_str(&b), cases[i].out);
		strbuf_free(&b);
	}
}

static void
test_json_structure(void **state)
{
	struct strbuf b = STRBUF_INIT;

	(void)state;
	strbuf_adds(&b, "[\n");
	json_open(&b, '{');
	json_key(&b, "s");
	json_str(&b, NULL);
	json_key(&b, "n");
	json_int(&b, -3);
	json_key(&b, "d");
	json_num(&b, 1.23456);
	json_key(&b, "b");
	json_bool(&b, true);
	json_key(&b, "l");
	json_open(&b, '[');
	json_str(&b, "x");
	json_str(&b, "y");
	json_close(&b, ']');
	json_key(&b, "e");
	json_open(&b, '[');
	json_close(&b, ']');
	json_key(&b, "t");
	json_time_ms(&b, 1795458570.5);
	json_key(&b, "u");
	json_time(&b, true, 1795458600);
	json_key(&b, "z");
	json_time(&b, false, 1795458600);
	json_key(&b, "zero");
	json_time_ms(&b, 0);
	json_close(&b, '}');
	strbuf_adds(&b, ",\n");
	json_open(&b, '{');
	json_close(&b, '}');
	assert_string_equal(strbuf_str(&b),
	    "[\n{\"s\":null,\"n\":-3,\"d\":1.235,\"b\":true,"
	    "\"l\":[\"x\",\"y\"],\"e\":[],"
	    "\"t\":\"2026-11-23T18:29:30.500Z\","
	    "\"u\":\"2026-11-23T18:30:00Z\",\"z\":null,\"zero\":null},\n{}");
	strbuf_free(&b);
}

static void
test_table_alignment(void **state)
{
	struct table t;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	table_init(&t, 3, "JOB", "STATUS", "NOTE");
	table_add(&t, "caf\xc3\xa9");
	table_add(&t, "ok");
	table_add(&t, "");
	table_add(&t, "a");
	table_add(&t, NULL);
	table_addf(&t, "%d runs", 3);
	assert_int_equal(table_print(&t, f), 0);
	fclose(f);
	/* "café" is four characters wide; the last column is not padded. */
	assert_string_equal(text, "JOB   STATUS  NOTE\n"
	                          "caf\xc3\xa9  ok      -\n"
	                          "a     -       3 runs\n");
	free(text);
	table_free(&t);
}

static void
test_exit_and_duration(void **state)
{
	struct run_record r = {0};
	char buf[64];

	(void)state;
	r.exit_code = -1;
	report_exit(&r, buf, sizeof buf);
	assert_string_equal(buf, "-");
	r.exit_code = 3;
	report_exit(&r, buf, sizeof buf);
	assert_string_equal(buf, "3");
	r.signal = SIGKILL;
	report_exit(&r, buf, sizeof buf);
	assert_string_equal(buf, "SIGKILL");

	r.status = RS_SUCCEEDED;
	r.start = 1000;
	r.end = 1012.4;
	report_duration(&r, 2000, buf, sizeof buf);
	assert_string_equal(buf, "12.4s");
	r.status = RS_RUNNING;
	r.end = 0;
	report_duration(&r, 1185, buf, sizeof buf);
	assert_string_equal(buf, "(3m05s)");
	r.status = RS_CRASHED;
	report_duration(&r, 1185, buf, sizeof buf);
	assert_string_equal(buf, "-");

	report_time(0, buf, sizeof buf);
	assert_string_equal(buf, "-");
}

static void
test_oneline(void **state)
{
	char *s = report_oneline("two\nlines\tand\rmore");

	(void)state;
	assert_string_equal(s, "two lines and more");
	free(s);
	s = report_oneline(NULL);
	assert_string_equal(s, "");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_strings),
	    cmocka_unit_test(test_json_structure),
	    cmocka_unit_test(test_table_alignment),
	    cmocka_unit_test(test_exit_and_duration),
	    cmocka_unit_test(test_oneline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
