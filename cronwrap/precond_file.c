/*
 * precond_file.c - a requirement on a file: the strftime pattern expanded
 * on the window end (in UTC, like CRONWRAP_WINDOW_END), then the file must
 * exist, be a regular file, hold at least min_size bytes (at least one by
 * default) and, with newer_than = "window", be modified at or after the
 * window start.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "precond_int.h"
#include "util/timeutil.h"

/* Expands the pattern on the window end (the run's start without a
 * window).  Returns 0, or -1 when the result does not fit. */
static int
file_expand(
    const struct precond_ctx *ctx, const char *pattern, char *path, size_t len)
{
	time_t at = ctx->has_window ? ctx->window_end : (time_t)ctx->run_start;
	struct tm tm;

	if (gmtime_r(&at, &tm) == NULL)
		return -1;
		/* The pattern is the user's, from the job file, by design.
		 * strftime() also returns 0 for an empty result, which an empty
		 * pattern alone gives: config refuses an empty path. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (strftime(path, len, pattern, &tm) == 0)
		return -1;
#pragma GCC diagnostic pop
	return 0;
}

/* Size and age, once the file exists. */
static void
file_judge(const struct precond_ctx *ctx, const struct requirement *req,
    const char *path, const struct stat *sb, struct precond_result *res)
{
	long long size = (long long)sb->st_size;
	char m[32], w[32];

	iso8601_utc(sb->st_mtime, m, sizeof m);
	iso8601_utc(ctx->window_start, w, sizeof w);
	if (S_ISDIR(sb->st_mode))
		precond_set(
		    res, PRECOND_UNMET, "file %s: is a directory", path);
	else if (!S_ISREG(sb->st_mode))
		precond_set(
		    res, PRECOND_UNMET, "file %s: not a regular file", path);
	else if (req->min_size > 0 && size < req->min_size)
		precond_set(res, PRECOND_UNMET,
		    "file %s: %lld bytes, less than min_size %lld", path, size,
		    req->min_size);
	else if (size == 0)
		precond_set(res, PRECOND_UNMET, "file %s: empty", path);
	else if (req->newer_than_window && !ctx->has_window)
		precond_set(res, PRECOND_ERROR,
		    "file %s: newer_than = \"window\" needs a window, and this "
		    "run has none",
		    path);
	else if (req->newer_than_window && sb->st_mtime < ctx->window_start)
		precond_set(res, PRECOND_UNMET,
		    "file %s: modified %s, before the window start %s", path, m,
		    w);
	else
		precond_set(res, PRECOND_MET,
		    "file %s: %lld bytes, modified %s", path, size, m);
}

void
precond_file(const struct precond_ctx *ctx, const struct requirement *req,
    struct precond_result *res)
{
	char path[PATH_MAX];
	struct stat sb;

	if (file_expand(ctx, req->file, path, sizeof path) < 0) {
		precond_set(res, PRECOND_ERROR,
		    "file %s: the pattern does not expand to a path of at most "
		    "%d bytes",
		    req->file, PATH_MAX - 1);
		return;
	}
	if (stat(path, &sb) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			precond_set(
			    res, PRECOND_UNMET, "file %s: missing", path);
		else
			precond_set(res, PRECOND_ERROR, "file %s: %s", path,
			    strerror(errno));
		return;
	}
	file_judge(ctx, req, path, &sb, res);
}
