/*
 * file_target.c - the file:// target: a local or mounted directory.
 *
 * Not libcurl's file:// upload: that one writes the final name in place
 * (a reader can see half a file) and never syncs.  Here a file is copied
 * to the temporary name with copy_file_range(2) (in-kernel, and server-side
 * on NFS 4.2 and CIFS), fsync()ed, renamed, and the directory fsync()ed,
 * so after a crash the final name holds the old file or the whole new one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_target.h"

#define CHUNK (8 * 1024 * 1024) /* per copy_file_range(): progress steps */
#define BUFSZ (256 * 1024)      /* the read/write fallback's buffer */

struct ftarget {
	struct target base; /* first: a struct target * is a struct ftarget * */
	const char *dir;    /* the directory, ending with '/' (borrowed) */
};

/* Failures that may pass: a full disk may be cleaned, an NFS server may
 * come back. */
static bool
errno_transient(int e)
{
	return e == EAGAIN || e == EINTR || e == ETIMEDOUT || e == ESTALE ||
	       e == ENOSPC || e == EDQUOT || e == EBUSY || e == EIO;
}

static int
fail_errno(struct target *t, const char *what, const char *path)
{
	int e = errno;

	return target_fail(
	    t, errno_transient(e), "%s %s: %s", what, path, strerror(e));
}

static char *
path_of(struct target *t, const char *name)
{
	char *p;

	if (asprintf(&p, "%s%s", ((struct ftarget *)t)->dir, name) < 0)
		return NULL;
	return p;
}

static int
file_list(
    struct target *t, void (*each)(void *arg, const char *name), void *arg)
{
	const char *dir = ((struct ftarget *)t)->dir;
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL) {
		bool missing = errno == ENOENT;

		fail_errno(t, "listing", dir);
		t->err.missing = missing;
		return -1;
	}
	/* One thread: readdir_r() is deprecated by glibc itself. */
	/* cppcheck-suppress readdirCalled */
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			each(arg, e->d_name);
	}
	closedir(d);
	if (access(dir, W_OK) < 0)
		return fail_errno(t, "writing into", dir);
	return 0;
}

/* Copies with read/write, for file systems without copy_file_range. */
static int
copy_rw(struct target *t, int in, int out, off_t size, off_t *done)
{
	char *buf = malloc(BUFSZ);
	ssize_t n = 0;

	if (buf == NULL)
		return -1;
	while (*done < size) {
		size_t want =
		    size - *done < BUFSZ ? (size_t)(size - *done) : BUFSZ;

		n = read(in, buf, want);
		if (n <= 0)
			break;
		for (ssize_t w, off = 0; off < n; off += w) {
			w = write(out, buf + off, (size_t)(n - off));
			if (w < 0)
				goto out;
		}
		*done += n;
		if (t->hooks.progress)
			t->hooks.progress(
			    t->hooks.arg, (double)*done, (double)size);
	}
out:
	free(buf);
	if (n == 0 && *done < size)
		errno = ENODATA; /* the source got shorter */
	return *done == size ? 0 : -1;
}

static int
copy(struct target *t, int in, int out, off_t size)
{
	off_t done = 0;

	while (done < size) {
		size_t want =
		    size - done < CHUNK ? (size_t)(size - done) : CHUNK;
		ssize_t n = copy_file_range(in, NULL, out, NULL, want, 0);

		if (n < 0 && done == 0 &&
		    (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
		        errno == EOPNOTSUPP))
			return copy_rw(t, in, out, size, &done);
		if (n <= 0) {
			if (n == 0)
				errno = ENODATA;
			return -1;
		}
		done += n;
		if (t->hooks.progress)
			t->hooks.progress(
			    t->hooks.arg, (double)done, (double)size);
	}
	return 0;
}

static int
file_put(struct target *t, const char *name, int fd, off_t size)
{
	char *path = path_of(t, name);
	int out, rc = -1;

	if (path == NULL)
		return target_fail(t, false, "%s", strerror(ENOMEM));
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (out < 0 && errno == ENOENT) {
		target_fail(t, false,
		    "creating %s: the directory does not "
		    "exist (create_dirs = true creates it)",
		    path);
		goto out_free;
	}
	if (out < 0) {
		fail_errno(t, "creating", path);
		goto out_free;
	}
	t->touched = true;
	if (copy(t, fd, out, size) < 0 || fsync(out) < 0) {
		fail_errno(t, "writing", path);
		close(out);
		goto out_free;
	}
	/* NFS reports a failed write-back at close. */
	if (close(out) < 0) {
		fail_errno(t, "writing", path);
		goto out_free;
	}
	rc = 0;
out_free:
	free(path);
	return rc;
}

static int
file_check_size(struct target *t, const char *name, off_t size)
{
	char *path = path_of(t, name);
	struct stat st;
	int rc = 0;

	if (path == NULL)
		return target_fail(t, false, "%s", strerror(ENOMEM));
	if (stat(path, &st) < 0)
		rc = fail_errno(t, "checking the size of", path);
	else if (st.st_size != size)
		rc = target_fail(t, true,
		    "%s has %lld bytes, not the %lld "
		    "bytes written",
		    path, (long long)st.st_size, (long long)size);
	free(path);
	return rc;
}

/* Makes a rename durable: the directory entry is on disk after this. */
static int
sync_parent(const char *path)
{
	char *dir = strdup(path);
	int fd, rc = 0;

	if (dir == NULL)
		return -1;
	*strrchr(dir, '/') = '\0';
	fd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (fsync(fd) < 0 && errno != EINVAL))
		rc = -1;
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

static int
file_rename(struct target *t, const char *from, const char *to)
{
	char *pf = path_of(t, from), *pt = path_of(t, to);
	int rc = 0;

	if (pf == NULL || pt == NULL)
		rc = target_fail(t, false, "%s", strerror(ENOMEM));
	else if (rename(pf, pt) < 0)
		rc = fail_errno(t, "renaming to", pt);
	else if (sync_parent(pt) < 0)
		rc = fail_errno(t, "syncing the directory of", pt);
	free(pf);
	free(pt);
	return rc;
}

static int
file_remove(struct target *t, const char *name)
{
	char *path = path_of(t, name);
	int rc = 0;

	if (path == NULL)
		return target_fail(t, false, "%s", strerror(ENOMEM));
	if (unlink(path) < 0 && errno != ENOENT)
		rc = fail_errno(t, "removing", path);
	free(path);
	return rc;
}

static int
file_mkdirs(struct target *t, const char *name)
{
	char *path = path_of(t, name), **dirs;
	size_t n = 0;
	int rc = 0;

	dirs = path ? remote_parents(path, &n) : NULL;
	free(path);
	if (dirs == NULL)
		return target_fail(t, false, "%s", strerror(ENOMEM));
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (mkdir(dirs[i], 0777) < 0 && errno != EEXIST)
			rc = fail_errno(t, "creating the directory", dirs[i]);
	}
	remote_strings_free(dirs);
	return rc;
}

static void
file_free(struct target *t)
{
	free(t);
}

static const struct target_ops file_ops = {
    .list = file_list,
    .put = file_put,
    .check_size = file_check_size,
    .rename = file_rename,
    .remove = file_remove,
    .mkdirs = file_mkdirs,
    .free = file_free,
};

struct target *
file_target_new(const struct remote *r, const struct target_hooks *hooks)
{
	struct ftarget *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->base.ops = &file_ops;
	f->base.hooks = *hooks;
	f->dir = r->cmd_dir;
	return &f->base;
}
