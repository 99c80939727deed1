/*
 * upload.c - the upload sequence over a target (see upload.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "upload.h"

#define MAX_RETRY_DELAY 600.0

static char *
join_path(const char *dir, const char *name)
{
	char *p;

	if (name[0] == '/')
		return strdup(name);
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	return p;
}

/* The final remote name of an artifact: remote_name expanded on the
 * window end, or the artifact's own name. */
static char *
final_name(
    struct cw_ctx *ctx, const struct upload_conf *c, const char *artifact)
{
	if (c->remote_name == NULL)
		return strdup(remote_basename(artifact));
	return cw_expand_time(ctx, c->remote_name);
}

static int
item_init(struct cw_ctx *ctx, const struct upload_conf *c,
    struct upload_item *it, const char *artifact)
{
	char err[256];

	it->local = join_path(cw_run_dir(ctx), artifact);
	it->name = final_name(ctx, c, artifact);
	if (it->local == NULL || it->name == NULL) {
		cw_log(ctx, CW_LOG_ERR, "remote_name \"%s\": cannot expand it",
		    c->remote_name ? c->remote_name : "");
		return -1;
	}
	if (remote_name_check(it->name, err, sizeof(err)) < 0) {
		cw_log(ctx, CW_LOG_ERR, "%s", err);
		return -1;
	}
	it->temp = c->atomic ? remote_temp_name(
	                           it->name, c->temp_prefix, c->temp_suffix)
	                     : strdup(it->name);
	return it->temp ? 0 : -1;
}

enum cw_status
upload_items_new(struct cw_ctx *ctx, const struct upload_conf *c,
    struct upload_item **items, size_t *n)
{
	const char *const *in = cw_artifacts_in(ctx, n);

	*items = NULL;
	if (*n == 0 && cw_dry_run(ctx))
		return CW_OK; /* the previous step wrote nothing: a dry run */
	if (*n == 0) {
		cw_log(ctx, CW_LOG_ERR,
		    "nothing to upload: the previous step declared no "
		    "artifacts");
		return CW_FAIL;
	}
	if (c->remote_name && *n > 1) {
		cw_log(ctx, CW_LOG_ERR,
		    "remote_name names one file, but the "
		    "previous step passed %zu artifacts",
		    *n);
		return CW_FAIL;
	}
	*items = calloc(*n, sizeof(**items));
	if (*items == NULL)
		return CW_FAIL;
	for (size_t i = 0; i < *n; i++) {
		if (item_init(ctx, c, &(*items)[i], in[i]) < 0) {
			upload_items_free(*items, *n);
			*items = NULL;
			return CW_FAIL;
		}
	}
	return CW_OK;
}

void
upload_items_free(struct upload_item *items, size_t n)
{
	if (items == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(items[i].local);
		free(items[i].name);
		free(items[i].temp);
	}
	free(items);
}

static void
sleep_seconds(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* One try: (mkdir,) upload, (size check,) (rename).  *touched is set
 * once the server has created or truncated the file. */
static int
attempt(const struct upload_conf *c, struct target *t,
    const struct upload_item *it, int fd, off_t size, bool *touched)
{
	int rc;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return target_fail(
		    t, false, "%s: %s", it->local, strerror(errno));
	if (c->create_dirs && t->ops->mkdirs(t, it->temp) < 0)
		return -1;
	t->touched = false;
	rc = t->ops->put(t, it->temp, fd, size);
	*touched |= t->touched;
	if (rc < 0)
		return -1;
	if (c->verify_size && t->ops->check_size(t, it->temp, size) < 0)
		return -1;
	if (c->atomic && t->ops->rename(t, it->temp, it->name) < 0)
		return -1;
	return 0;
}

/* After a failure, nothing partial may stay under the final name (with
 * atomic it never got there; without, the file the failed upload truncated
 * is removed) and the temporary file goes if the connection still allows
 * it. */
static void
clean_up(struct cw_ctx *ctx, struct target *t, const struct upload_item *it)
{
	struct target_error saved = t->err;

	if (t->ops->remove(t, it->temp) < 0)
		cw_log(ctx, CW_LOG_WARNING, "%s may remain on the server: %s",
		    it->temp, t->err.msg);
	t->err = saved;
}

static enum cw_status
upload_one(struct cw_ctx *ctx, const struct upload_conf *c, struct target *t,
    const struct upload_item *it)
{
	int fd = open(it->local, O_RDONLY | O_CLOEXEC);
	double delay = c->retry_delay;
	bool touched = false;
	struct stat st;
	char *url;
	int rc;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		cw_log(ctx, CW_LOG_ERR, "artifact %s: %s", it->local,
		    fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return CW_FAIL;
	}
	for (unsigned a = 1;; a++) {
		rc = attempt(c, t, it, fd, st.st_size, &touched);
		if (rc == 0 || !t->err.transient || a >= c->attempts)
			break;
		cw_log(ctx, CW_LOG_WARNING,
		    "%s; trying again in %.0fs (%u of "
		    "%u)",
		    t->err.msg, delay, a + 1, c->attempts);
		sleep_seconds(delay);
		delay =
		    delay * 2 > MAX_RETRY_DELAY ? MAX_RETRY_DELAY : delay * 2;
	}
	close(fd);
	url = remote_url(&c->remote, it->name);
	if (rc == 0)
		cw_log(ctx, CW_LOG_INFO, "uploaded %s to %s (%lld bytes)",
		    it->local, url ? url : it->name, (long long)st.st_size);
	free(url);
	if (rc == 0)
		return CW_OK;
	cw_log(ctx, CW_LOG_ERR, "%s", t->err.msg);
	if (touched)
		clean_up(ctx, t, it);
	return t->err.transient ? CW_TEMPFAIL : CW_FAIL;
}

enum cw_status
upload_all(struct cw_ctx *ctx, const struct upload_conf *c, struct target *t,
    const struct upload_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum cw_status st = upload_one(ctx, c, t, &items[i]);

		if (st != CW_OK) {
			if (i + 1 < n)
				cw_log(ctx, CW_LOG_ERR,
				    "%zu of %zu files not "
				    "uploaded",
				    n - i, n);
			return st;
		}
	}
	return CW_OK;
}

/* What the dry run's listing found. */
struct listing {
	const struct upload_item *items;
	size_t n;
	bool *exists; /* per item */
	size_t entries;
};

static void
on_entry(void *arg, const char *name)
{
	struct listing *l = arg;

	l->entries++;
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->items[i].name, name) == 0)
			l->exists[i] = true;
	}
}

static void
dry_item(struct cw_ctx *ctx, const struct upload_conf *c,
    const struct upload_item *it, bool exists)
{
	char *url = remote_url(&c->remote, it->name);
	struct stat st;
	char size[64];

	if (stat(it->local, &st) == 0)
		snprintf(
		    size, sizeof(size), "%lld bytes", (long long)st.st_size);
	else
		snprintf(size, sizeof(size), "not produced in this dry run");
	cw_log(ctx, CW_LOG_NOTICE, "dry run: would upload %s (%s) to %s%s%s%s",
	    it->local, size, url ? url : it->name, c->atomic ? " through " : "",
	    c->atomic ? it->temp : "",
	    exists ? ", replacing the file there" : "");
	free(url);
}

enum cw_status
upload_dry_run(struct cw_ctx *ctx, const struct upload_conf *c,
    struct target *t, const struct upload_item *items, size_t n)
{
	struct listing l = {items, n, calloc(n + 1, sizeof(bool)), 0};
	char *url = remote_url(&c->remote, "");
	enum cw_status st = CW_OK;

	if (l.exists == NULL || url == NULL) {
		st = CW_FAIL;
	} else if (t->ops->list(t, on_entry, &l) == 0) {
		cw_log(ctx, CW_LOG_NOTICE, "dry run: listed %s: %zu entries",
		    url, l.entries);
	} else if (t->err.missing && c->create_dirs) {
		cw_log(ctx, CW_LOG_NOTICE,
		    "dry run: %s does not exist; it would be created", url);
	} else {
		cw_log(ctx, CW_LOG_ERR, "%s", t->err.msg);
		st = t->err.transient ? CW_TEMPFAIL : CW_FAIL;
	}
	for (size_t i = 0; st == CW_OK && i < n; i++)
		dry_item(ctx, c, &items[i], l.exists[i]);
	if (st == CW_OK && n == 0)
		cw_log(ctx, CW_LOG_NOTICE,
		    "dry run: the previous step produced no files in this dry "
		    "run; its files would be uploaded to %s",
		    url);
	free(l.exists);
	free(url);
	return st;
}
