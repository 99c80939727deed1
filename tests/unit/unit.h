/*
 * unit.h - small helpers shared by the unit tests of the core: a scratch
 * directory per test, files written into it, a whole file read back, and a
 * cmocka check of a list of diagnostics.  Header-only (static inline) so
 * that every tests/unit/test_*.c stays one program of its own.
 *
 * Include after <cmocka.h>.
 */
#ifndef CW_TEST_UNIT_H
#define CW_TEST_UNIT_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/diag.h"
#include "util/path.h"
#include "util/xalloc.h"

/* A fresh directory under $TMPDIR (or /tmp); the caller removes it with
 * unit_rmdir() and frees the name. */
static inline char *
unit_tmpdir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	dir = xasprintf("%s/cw-unit-%s-XXXXXX", base, tag);
	if (mkdtemp(dir) == NULL)
		fail_msg("mkdtemp %s: %s", dir, strerror(errno));
	return dir;
}

static inline void
unit_rmdir(char *dir)
{
	if (dir != NULL && rm_rf(dir) < 0)
		fail_msg("rm -rf %s: %s", dir, strerror(errno));
	free(dir);
}

/* Writes text to dir/name (creating its parent directories); returns the
 * path, which the caller frees. */
static inline char *
unit_write(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *parent = path_dirname(path);
	FILE *f;

	if (mkdir_p(parent, 0755) < 0)
		fail_msg("mkdir -p %s: %s", parent, strerror(errno));
	free(parent);
	f = fopen(path, "w");
	if (f == NULL)
		fail_msg("fopen %s: %s", path, strerror(errno));
	if (fputs(text, f) == EOF || fclose(f) == EOF)
		fail_msg("write %s: %s", path, strerror(errno));
	return path;
}

/* The whole file (NUL-terminated; its length in *len when not NULL). */
static inline char *
unit_slurp(const char *path, size_t *len)
{
	char *text = read_file(path, 64 * 1024 * 1024, len);

	if (text == NULL)
		fail_msg("read %s: %s", path, strerror(errno));
	return text;
}

/* Checks that d holds exactly the messages of want (NULL-terminated), in
 * order, and says which one differs. */
static inline void
unit_diag_eq(const struct diag *d, const char *const *want)
{
	size_t n = 0;

	while (want[n] != NULL)
		n++;
	for (size_t i = 0; i < d->msgs.n || i < n; i++) {
		const char *got = i < d->msgs.n ? d->msgs.v[i] : "(none)";
		const char *exp = i < n ? want[i] : "(none)";

		if (strcmp(got, exp) != 0)
			fail_msg("diagnostic %zu:\n  got:  %s\n  want: %s", i,
			    got, exp);
	}
}

#endif
