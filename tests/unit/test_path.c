/*
 * test_path.c - paths and files: resolving against a base, the directory
 * part, mkdir -p, the atomic write (temp file, rename, nothing left
 * behind), reading a whole bounded file, and rm -rf that does not follow
 * symlinks out of the tree.  Also the growable string.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"
#include "util/strbuf.h"

struct resolve_case {
	const char *base, *rel, *want;
};

static const struct resolve_case resolves[] = {
    {"/etc/cronwrap", "jobs.d", "/etc/cronwrap/jobs.d"},
    {"/etc/cronwrap", "../x", "/etc/cronwrap/../x"},
    {"/etc/cronwrap", "/abs/path", "/abs/path"},
    {"rel/dir", "f.env", "rel/dir/f.env"},
    {".", "f.env", "f.env"},
    {"", "f.env", "f.env"},
    {NULL, "f.env", "f.env"},
};

static void
test_resolve(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof resolves / sizeof resolves[0]; i++) {
		char *got = path_resolve(resolves[i].base, resolves[i].rel);

		if (strcmp(got, resolves[i].want) != 0)
			fail_msg("%s + %s: \"%s\", want \"%s\"",
			    resolves[i].base ? resolves[i].base : "NULL",
			    resolves[i].rel, got, resolves[i].want);
		free(got);
	}
}

struct dirname_case {
	const char *path, *want;
};

static const struct dirname_case dirnames[] = {
    {"/etc/cronwrap/cronwrap.conf", "/etc/cronwrap"},
    {"jobs.d/x.conf", "jobs.d"},
    {"x.conf", "."},
    {"/x.conf", "/"},
};

static void
test_dirname(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof dirnames / sizeof dirnames[0]; i++) {
		char *got = path_dirname(dirnames[i].path);

		assert_string_equal(got, dirnames[i].want);
		free(got);
	}
}

static void
test_mkdir_p(void **state)
{
	char *dir = unit_tmpdir("path");
	char *deep = xasprintf("%s/a/b/c", dir);
	char *slash = xasprintf("%s/d/e/", dir);
	char *file = unit_write(dir, "f", "x");
	char *under_file = xasprintf("%s/f/g", dir);
	struct stat st;

	(void)state;
	assert_int_equal(mkdir_p(deep, 0755), 0);
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* Existing directories are fine. */
	assert_int_equal(mkdir_p(deep, 0755), 0);
	assert_int_equal(mkdir_p(slash, 0755), 0);
	/* A file in the way is not. */
	errno = 0;
	assert_int_equal(mkdir_p(file, 0755), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(mkdir_p(under_file, 0755), -1);
	free(deep);
	free(slash);
	free(file);
	free(under_file);
	unit_rmdir(dir);
}

static size_t
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void
test_write_file_atomic(void **state)
{
	char *dir = unit_tmpdir("path");
	char *path = xasprintf("%s/state", dir);
	char *missing = xasprintf("%s/no/such/dir/state", dir);
	struct stat st;
	size_t len;
	char *text;

	(void)state;
	assert_int_equal(write_file_atomic(path, "one\0two", 7, 0600), 0);
	text = unit_slurp(path, &len);
	assert_int_equal(len, 7);
	assert_memory_equal(text, "one\0two", 7);
	free(text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Replaced whole, and no temp file is left. */
	assert_int_equal(write_file_atomic(path, "new", 3, 0644), 0);
	text = unit_slurp(path, &len);
	assert_string_equal(text, "new");
	free(text);
	assert_int_equal(count_entries(dir), 1);
	/* A failure says why. */
	errno = 0;
	assert_int_equal(write_file_atomic(missing, "x", 1, 0644), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(count_entries(dir), 1);
	free(path);
	free(missing);
	unit_rmdir(dir);
}

static void
test_read_file(void **state)
{
	char *dir = unit_tmpdir("path");
	char big[10000];
	char *path, *text;
	size_t len = 0;

	(void)state;
	memset(big, 'b', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	path = unit_write(dir, "big", big);
	text = read_file(path, 1 << 20, &len);
	assert_non_null(text);
	assert_int_equal(len, sizeof big - 1);
	assert_int_equal(text[len], '\0');
	free(text);
	/* Larger than the bound: refused, not cut. */
	errno = 0;
	assert_null(read_file(path, 4096, &len));
	assert_int_equal(errno, EFBIG);
	free(path);
	/* Empty, and missing. */
	path = unit_write(dir, "empty", "");
	text = read_file(path, 4096, &len);
	assert_non_null(text);
	assert_int_equal(len, 0);
	assert_string_equal(text, "");
	free(text);
	free(path);
	path = xasprintf("%s/missing", dir);
	errno = 0;
	assert_null(read_file(path, 4096, NULL));
	assert_int_equal(errno, ENOENT);
	free(path);
	unit_rmdir(dir);
}

/* rm -rf removes the tree, and only the tree: a symlink inside it goes,
 * what it points to stays. */
static void
test_rm_rf(void **state)
{
	char *outside = unit_tmpdir("keep");
	char *kept = unit_write(outside, "precious", "x");
	char *dir = unit_tmpdir("path");
	char *tree = xasprintf("%s/tree", dir);
	char *link = xasprintf("%s/tree/a/link", dir);
	struct stat st;

	(void)state;
	free(unit_write(dir, "tree/a/b/c/file", "1"));
	free(unit_write(dir, "tree/a/other", "2"));
	free(unit_write(dir, "tree/top", "3"));
	assert_int_equal(symlink(outside, link), 0);
	assert_int_equal(rm_rf(tree), 0);
	assert_int_equal(lstat(tree, &st), -1);
	assert_int_equal(stat(kept, &st), 0);
	/* Nothing there: an error, with errno. */
	errno = 0;
	assert_int_equal(rm_rf(tree), -1);
	assert_int_equal(errno, ENOENT);
	free(tree);
	free(link);
	free(kept);
	unit_rmdir(dir);
	unit_rmdir(outside);
}

static void
test_strbuf(void **state)
{
	struct strbuf b = STRBUF_INIT;

	(void)state;
	assert_string_equal(strbuf_str(&b), "");
	strbuf_add(&b, "ab\0cd", 5);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.s, "ab\0cd", 6);
	strbuf_adds(&b, "ef");
	strbuf_printf(&b, "[%d:%s]", 42, "x");
	assert_int_equal(b.len, 13);
	assert_memory_equal(strbuf_str(&b), "ab\0cdef[42:x]", 14);
	strbuf_free(&b);
	assert_null(b.s);
	assert_int_equal(b.len, 0);

	/* Growth over many appends and one large printf. */
	for (int i = 0; i < 1000; i++)
		strbuf_printf(&b, "%03d,", i);
	assert_int_equal(b.len, 4000);
	assert_memory_equal(b.s + 3996, "999,", 5);
	strbuf_printf(&b, "%5000s", "");
	assert_int_equal(b.len, 9000);
	assert_int_equal(strlen(b.s), 9000);
	strbuf_add(&b, "", 0);
	assert_int_equal(b.len, 9000);
	strbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_resolve),
	    cmocka_unit_test(test_dirname),
	    cmocka_unit_test(test_mkdir_p),
	    cmocka_unit_test(test_write_file_atomic),
	    cmocka_unit_test(test_read_file),
	    cmocka_unit_test(test_rm_rf),
	    cmocka_unit_test(test_strbuf),
	};

	umask(022);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
