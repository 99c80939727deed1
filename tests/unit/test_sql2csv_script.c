/*
 * test_sql2csv_script.c - cutting SQL scripts into statements and rewriting
 * :name parameters, for PostgreSQL and MySQL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../jobs/sql2csv/script.h"

#define MAXSTMT 6

struct scase {
	const char *name;
	enum script_dialect d;
	const char *text;
	size_t n;
	const char *sql[MAXSTMT];
	unsigned line[MAXSTMT];
};

static const char *const names[] = {"window_start", "window_end", "a", "b"};

static const struct scase cases[] = {
    {"two", SCRIPT_PG, "select 1; select 2", 2, {"select 1", "select 2"},
        {1, 1}},
    {"lines", SCRIPT_PG, "\n\nselect 1;\n\n  select\n2;\n", 2,
        {"select 1", "select\n2"}, {3, 5}},
    {"empty statements", SCRIPT_PG, ";;  ; -- c;\n ;\n/* x; */", 0, {NULL},
        {0}},
    {"strings", SCRIPT_PG, "select ';', 'it''s;'; select 2", 2,
        {"select ';', 'it''s;'", "select 2"}, {1, 1}},
    {"escape string", SCRIPT_PG, "select E'\\';', e'\\\\'; select 2", 2,
        {"select E'\\';', e'\\\\'", "select 2"}, {1, 1}},
    {"backslash is plain in a standard string", SCRIPT_PG,
        "select 'a\\'; select 2", 2, {"select 'a\\'", "select 2"}, {1, 1}},
    {"quoted identifier", SCRIPT_PG, "select 1 as \"a;\"\"b\"; select 2", 2,
        {"select 1 as \"a;\"\"b\"", "select 2"}, {1, 1}},
    {"comments", SCRIPT_PG,
        "-- a;b\nselect 1 /* ; /* nested ; */ ; */ ; select 2 -- x;y", 2,
        {"select 1 /* ; /* nested ; */ ; */ ", "select 2 -- x;y"}, {2, 2}},
    {"dollar quotes", SCRIPT_PG,
        "create function f() returns int as $$ select 1; $$ language sql;\n"
        "select $tag$ a;$$ b $tag$, $1, a$b;",
        2,
        {"create function f() returns int as $$ select 1; $$ language sql",
            "select $tag$ a;$$ b $tag$, $1, a$b"},
        {1, 2}},
    {"parentheses", SCRIPT_PG,
        "create rule r as on insert to t do also (insert into a values (1); "
        "insert into b values (2)); select 1",
        2,
        {"create rule r as on insert to t do also (insert into a values (1); "
         "insert into b values (2))",
            "select 1"},
        {1, 1}},
    {"begin atomic", SCRIPT_PG,
        "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\n"
        "BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END;\n"
        "select 3",
        2,
        {"CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\n"
         "BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END",
            "select 3"},
        {1, 3}},
    {"a transaction is not a body", SCRIPT_PG, "begin; select 1; end;", 3,
        {"begin", "select 1", "end"}, {1, 1, 1}},
    {"unterminated string", SCRIPT_PG, "select 'abc; select 2", 1,
        {"select 'abc; select 2"}, {1}},
    {"pg parameters", SCRIPT_PG,
        "select :a, :b, :a, :unknown, x::int, ':a', \":a\", a[1:2] -- :a\n"
        "where t >= :window_start",
        1,
        {"select $1, $2, $1, :unknown, x::int, ':a', \":a\", a[1:2] -- :a\n"
         "where t >= $3"},
        {1}},
    {"mysql strings", SCRIPT_MYSQL,
        "select 'a\\';b', \"x;\\\"y\"; select `a;``b` from t", 2,
        {"select 'a\\';b', \"x;\\\"y\"", "select `a;``b` from t"}, {1, 1}},
    {"mysql comments", SCRIPT_MYSQL,
        "# c;\nselect 1; -- c;\nselect 2;--x;\nselect 3", 4,
        {"select 1", "select 2", "--x", "select 3"}, {2, 3, 3, 4}},
    {"mysql executable comment", SCRIPT_MYSQL,
        "/*!40101 SET NAMES utf8; */;\n/* plain; */ select 1", 2,
        {"/*!40101 SET NAMES utf8; */", "select 1"}, {1, 2}},
    {"mysql parameters", SCRIPT_MYSQL,
        "select :a, @b := 1, ':a', `:a`, :window_end, :x", 1,
        {"select ?, @b := 1, ':a', `:a`, ?, :x"}, {1}},
    {"mysql delimiter", SCRIPT_MYSQL,
        "select 1;\nDELIMITER $$\ncreate procedure p() begin select 1; "
        "select ';$$'; end$$\ndelimiter ;\nselect 2; select 3",
        4,
        {"select 1", "create procedure p() begin select 1; select ';$$'; end",
            "select 2", "select 3"},
        {1, 3, 5, 5}},
    {"delimiter is only a line of its own", SCRIPT_MYSQL,
        "select 1 as delimiter; select 2", 2,
        {"select 1 as delimiter", "select 2"}, {1, 1}},
};

static void
test_cases(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct scase *c = &cases[i];
		struct script s;

		print_message("%s\n", c->name);
		assert_int_equal(script_parse(&s, c->text, c->d, names, 4), 0);
		assert_int_equal(s.n, c->n);
		for (k = 0; k < c->n; k++) {
			assert_string_equal(s.stmts[k].sql, c->sql[k]);
			assert_int_equal(s.stmts[k].line, c->line[k]);
		}
		script_free(&s);
	}
}

static void
test_pg_param_order(void **state)
{
	struct script s;

	(void)state;
	assert_int_equal(
	    script_parse(&s, "select :b; select :window_end, :a, :window_end",
	        SCRIPT_PG, names, 4),
	    0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.stmts[0].nparams, 1);
	assert_int_equal(s.stmts[0].params[0], 3);
	assert_string_equal(s.stmts[1].sql, "select $1, $2, $1");
	assert_int_equal(s.stmts[1].nparams, 2);
	assert_int_equal(s.stmts[1].params[0], 1);
	assert_int_equal(s.stmts[1].params[1], 2);
	script_free(&s);
}

static void
test_words(void **state)
{
	struct script s;

	(void)state;
	assert_int_equal(script_parse(&s,
	                     "  create TEMPORARY table x(a int); (select 1);"
	                     "/*!40101 set x=1*/; drop",
	                     SCRIPT_MYSQL, names, 4),
	    0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.stmts[0].words[0], "CREATE");
	assert_string_equal(s.stmts[0].words[1], "TEMPORARY");
	assert_string_equal(s.stmts[0].words[2], "TABLE");
	assert_string_equal(s.stmts[0].words[3], "X");
	assert_string_equal(s.stmts[1].words[0], "");
	assert_string_equal(s.stmts[1].words[1], "SELECT");
	assert_string_equal(s.stmts[2].words[0], "");
	assert_string_equal(s.stmts[3].words[0], "DROP");
	assert_string_equal(s.stmts[3].words[1], "");
	script_free(&s);
}

static void
test_mysql_params(void **state)
{
	struct script s;

	(void)state;
	assert_int_equal(
	    script_parse(&s, "select :b, :a, :b", SCRIPT_MYSQL, names, 4), 0);
	assert_string_equal(s.stmts[0].sql, "select ?, ?, ?");
	assert_int_equal(s.stmts[0].nparams, 3);
	assert_int_equal(s.stmts[0].params[0], 3);
	assert_int_equal(s.stmts[0].params[1], 2);
	assert_int_equal(s.stmts[0].params[2], 3);
	script_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_pg_param_order),
	    cmocka_unit_test(test_words),
	    cmocka_unit_test(test_mysql_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
