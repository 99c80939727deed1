/*
 * test_upload_remote.c - the upload plugin's URL and name building
 * (jobs/upload/remote.c), table-driven.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../jobs/upload/remote.h"

struct parse_case {
	const char *url;
	enum remote_scheme scheme;
	const char *host;
	long port;
	const char *user;
	const char *dir;
	const char *cmd_dir;
};

static const struct parse_case parse_cases[] = {
    {"ftp://h/incoming/", REMOTE_FTP, "h", 0, NULL, "/incoming/", "incoming/"},
    {"ftp://h/incoming", REMOTE_FTP, "h", 0, NULL, "/incoming/", "incoming/"},
    {"ftp://h", REMOTE_FTP, "h", 0, NULL, "/", ""},
    {"ftp://bob@h:2121//srv/in/", REMOTE_FTP, "h", 2121, "bob", "//srv/in/",
        "/srv/in/"},
    {"ftp://h/%2Fsrv/a%20b/", REMOTE_FTP, "h", 0, NULL, "//srv/a b/",
        "/srv/a b/"},
    {"ftps://127.0.0.1:990/in/", REMOTE_FTPS, "127.0.0.1", 990, NULL, "/in/",
        "in/"},
    {"sftp://a%40b@[::1]:22/srv/in", REMOTE_SFTP, "[::1]", 22, "a@b",
        "/srv/in/", "/srv/in/"},
    {"sftp://h/~/in/", REMOTE_SFTP, "h", 0, NULL, "/~/in/", "in/"},
    {"sftp://h/~", REMOTE_SFTP, "h", 0, NULL, "/~/", ""},
    {"file:///srv/out/", REMOTE_FILE, NULL, 0, NULL, "/srv/out/", "/srv/out/"},
    {"file://localhost/srv/out", REMOTE_FILE, NULL, 0, NULL, "/srv/out/",
        "/srv/out/"},
};

static void
test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(*parse_cases);
	     i++) {
		const struct parse_case *c = &parse_cases[i];
		struct remote r;
		char err[256] = "";

		if (remote_parse(c->url, &r, err, sizeof(err)) != 0)
			fail_msg("%s: %s", c->url, err);
		assert_int_equal(r.scheme, c->scheme);
		if (c->host)
			assert_string_equal(r.host, c->host);
		else
			assert_null(r.host);
		assert_int_equal(r.port, c->port);
		if (c->user)
			assert_string_equal(r.user, c->user);
		else
			assert_null(r.user);
		assert_string_equal(r.dir, c->dir);
		assert_string_equal(r.cmd_dir, c->cmd_dir);
		remote_free(&r);
	}
}

static const struct {
	const char *url;
	const char *err; /* a substring of the message */
} bad_urls[] = {
    {"http://h/x/", "unsupported scheme \"http\""},
    {"ftp://u:secret@h/x/", "password_file"},
    {"ftp://h/x/?a=b", "query"},
    {"sftp://h/x/#frag", "fragment"},
    {"file://otherhost/srv/", "file://"},
    {"no url at all", "not a URL"},
    {"gopher://h/", "unsupported scheme"},
    {"", "not a URL"},
};

static void
test_parse_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_urls) / sizeof(*bad_urls); i++) {
		struct remote r;
		char err[256] = "";

		if (remote_parse(bad_urls[i].url, &r, err, sizeof(err)) == 0)
			fail_msg("%s: accepted", bad_urls[i].url);
		if (strstr(err, bad_urls[i].err) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", bad_urls[i].url,
			    err, bad_urls[i].err);
		assert_null(r.dir);
	}
}

static const struct {
	const char *url, *name, *want_url, *want_cmd;
} url_cases[] = {
    {"ftp://u@h:21/in/", "a b%.csv", "ftp://h:21/in/a%20b%25.csv",
        "in/a b%.csv"},
    {"ftp://h//srv/", "x/y.csv", "ftp://h//srv/x/y.csv", "/srv/x/y.csv"},
    {"ftp://h/", "", "ftp://h/", ""},
    {"sftp://h/~/in/", "q?#.csv", "sftp://h/~/in/q%3f%23.csv", "in/q?#.csv"},
    {"sftp://h:2222/srv/in/", "f", "sftp://h:2222/srv/in/f", "/srv/in/f"},
    {"ftps://[::1]/in", "f", "ftps://[::1]/in/f", "in/f"},
};

static void
test_url(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(url_cases) / sizeof(*url_cases); i++) {
		struct remote r;
		char err[256], *u, *c;

		assert_int_equal(
		    remote_parse(url_cases[i].url, &r, err, sizeof(err)), 0);
		u = remote_url(&r, url_cases[i].name);
		c = remote_cmd_path(&r, url_cases[i].name);
		assert_non_null(u);
		assert_non_null(c);
		/* libcurl may write %-escapes in either case. */
		if (strcasecmp(u, url_cases[i].want_url) != 0)
			fail_msg("%s + %s: %s, want %s", url_cases[i].url,
			    url_cases[i].name, u, url_cases[i].want_url);
		assert_string_equal(c, url_cases[i].want_cmd);
		free(u);
		free(c);
		remote_free(&r);
	}
}

static void
test_names(void **state)
{
	static const char *const good[] = {
	    "a.csv", "d/a.csv", "..a", "a b", ".hidden", "x/y/z"};
	static const char *const bad[] = {"", "/abs", "dir/", "a//b", "../x",
	    "a/./b", "a\nRNTO x", "a\rb", "..", "a/.."};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		if (remote_name_check(good[i], err, sizeof(err)) != 0)
			fail_msg("%s: %s", good[i], err);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (remote_name_check(bad[i], err, sizeof(err)) == 0)
			fail_msg("\"%s\" accepted", bad[i]);
	}
	assert_int_equal(remote_affix_check(".part", err, sizeof(err)), 0);
	assert_int_equal(remote_affix_check("", err, sizeof(err)), 0);
	assert_int_equal(remote_affix_check("a/b", err, sizeof(err)), -1);
	assert_int_equal(remote_affix_check("\n", err, sizeof(err)), -1);
}

static void
test_temp_name(void **state)
{
	static const struct {
		const char *name, *prefix, *suffix, *want;
	} cases[] = {
	    {"a.csv", ".", ".part", ".a.csv.part"},
	    {"d/e/a.csv", ".", ".part", "d/e/.a.csv.part"},
	    {"a.csv", "", ".tmp", "a.csv.tmp"},
	    {"a.csv", "tmp-", "", "tmp-a.csv"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *t = remote_temp_name(
		    cases[i].name, cases[i].prefix, cases[i].suffix);

		assert_string_equal(t, cases[i].want);
		free(t);
	}
	assert_string_equal(remote_basename("a/b/c.csv"), "c.csv");
	assert_string_equal(remote_basename("c.csv"), "c.csv");
}

static void
test_sftp_quote(void **state)
{
	char *q;

	(void)state;
	q = remote_sftp_quote("/srv/a \"b\"\\c");
	assert_string_equal(q, "\"/srv/a \\\"b\\\"\\\\c\"");
	free(q);
	q = remote_sftp_quote("");
	assert_string_equal(q, "\"\"");
	free(q);
}

static void
test_parents(void **state)
{
	static const struct {
		const char *path;
		const char *want[4];
	} cases[] = {
	    {"in/a/b.csv", {"in", "in/a", NULL}},
	    {"/srv/in/b.csv", {"/srv", "/srv/in", NULL}},
	    {"b.csv", {NULL}},
	    {"/b.csv", {NULL}},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		size_t n = 99, k = 0;
		char **v = remote_parents(cases[i].path, &n);

		assert_non_null(v);
		for (; cases[i].want[k]; k++) {
			assert_non_null(v[k]);
			assert_string_equal(v[k], cases[i].want[k]);
		}
		assert_null(v[k]);
		assert_int_equal(n, k);
		remote_strings_free(v);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_parse_bad),
	    cmocka_unit_test(test_url),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_temp_name),
	    cmocka_unit_test(test_sftp_quote),
	    cmocka_unit_test(test_parents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
