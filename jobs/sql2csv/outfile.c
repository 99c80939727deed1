/*
 * outfile.c - the export file (see outfile.h).
 *
 * The temporary name starts with a dot, so that a later command step
 * globbing the run directory does not pick up a file killed half-way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"

static int
outfile_fail(struct outfile *o, const char *op)
{
	o->op = op;
	return -1;
}

int
outfile_open(struct outfile *o, const char *dir, const char *name, bool sha256)
{
	memset(o, 0, sizeof(*o));
	o->dirfd = o->fd = -1;
	if ((o->name = strdup(name)) == NULL ||
	    asprintf(&o->tmp, ".%s.%ld.tmp", name, (long)getpid()) < 0) {
		o->tmp = NULL;
		return outfile_fail(o, "malloc");
	}
	o->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->dirfd < 0)
		return outfile_fail(o, "open the run directory");
	/* A leftover of a killed attempt with the same pid is ours. */
	(void)unlinkat(o->dirfd, o->tmp, 0);
	o->fd = openat(o->dirfd, o->tmp,
	    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (o->fd < 0)
		return outfile_fail(o, "create");
	if (sha256) {
		if ((o->sha = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestInit_ex(o->sha, EVP_sha256(), NULL) != 1) {
			errno = ENOMEM;
			return outfile_fail(o, "SHA-256");
		}
	}
	return 0;
}

int
outfile_write(void *arg, const void *p, size_t n)
{
	struct outfile *o = arg;
	const char *s = p;

	if (o->sha != NULL && EVP_DigestUpdate(o->sha, p, n) != 1) {
		errno = EIO;
		return -1;
	}
	while (n > 0) {
		ssize_t k = write(o->fd, s, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += k;
		n -= (size_t)k;
		o->bytes += (uint64_t)k;
	}
	return 0;
}

int
outfile_truncate(struct outfile *o)
{
	if (ftruncate(o->fd, 0) < 0 || lseek(o->fd, 0, SEEK_SET) < 0)
		return outfile_fail(o, "truncate");
	o->bytes = 0;
	if (o->sha != NULL &&
	    EVP_DigestInit_ex(o->sha, EVP_sha256(), NULL) != 1) {
		errno = EIO;
		return outfile_fail(o, "SHA-256");
	}
	return 0;
}

char *
outfile_sha256_name(const struct outfile *o)
{
	char *s;

	if (o->sha == NULL || asprintf(&s, "%s.sha256", o->name) < 0)
		return NULL;
	return s;
}

/* Writes dir/NAME.sha256 as sha256sum(1) does, "HEX  NAME", through a
 * temporary file of its own. */
static int
outfile_write_sha256(struct outfile *o)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned i, len = 0;
	char *name = NULL, *tmp = NULL, hex[2 * EVP_MAX_MD_SIZE + 1];
	int fd = -1, rc = -1, saved;
	FILE *f;

	if (EVP_DigestFinal_ex(o->sha, md, &len) != 1) {
		errno = EIO;
		return outfile_fail(o, "SHA-256");
	}
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if ((name = outfile_sha256_name(o)) == NULL ||
	    asprintf(&tmp, ".%s.%ld.tmp", name, (long)getpid()) < 0) {
		free(name);
		return outfile_fail(o, "malloc");
	}
	(void)unlinkat(o->dirfd, tmp, 0);
	fd = openat(o->dirfd, tmp,
	    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		outfile_fail(o, "create the .sha256 file");
		goto out;
	}
	fd = -1; /* the stream owns it now */
	if (fprintf(f, "%s  %s\n", hex, o->name) < 0 || fflush(f) != 0 ||
	    fsync(fileno(f)) < 0) {
		saved = errno;
		fclose(f);
		errno = saved;
		outfile_fail(o, "write the .sha256 file");
	} else if (fclose(f) != 0)
		outfile_fail(o, "write the .sha256 file");
	else if (renameat(o->dirfd, tmp, o->dirfd, name) < 0)
		outfile_fail(o, "rename the .sha256 file");
	else
		rc = 0;
out:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		(void)unlinkat(o->dirfd, tmp, 0);
	free(tmp);
	free(name);
	errno = saved;
	return rc;
}

int
outfile_commit(struct outfile *o)
{
	if (fsync(o->fd) < 0)
		return outfile_fail(o, "fsync");
	if (close(o->fd) < 0) {
		o->fd = -1;
		return outfile_fail(o, "close");
	}
	o->fd = -1;
	if (o->sha != NULL && outfile_write_sha256(o) < 0)
		return -1;
	if (renameat(o->dirfd, o->tmp, o->dirfd, o->name) < 0)
		return outfile_fail(o, "rename");
	free(o->tmp);
	o->tmp = NULL; /* committed: nothing to remove */
	/* The renames are on disk once the directory is. */
	if (fsync(o->dirfd) < 0)
		return outfile_fail(o, "fsync the run directory");
	return 0;
}

void
outfile_close(struct outfile *o)
{
	int saved = errno;

	if (o->fd >= 0)
		close(o->fd);
	if (o->tmp != NULL && o->dirfd >= 0)
		(void)unlinkat(o->dirfd, o->tmp, 0);
	if (o->dirfd >= 0)
		close(o->dirfd);
	EVP_MD_CTX_free(o->sha);
	free(o->tmp);
	free(o->name);
	memset(o, 0, sizeof(*o));
	o->dirfd = o->fd = -1;
	errno = saved;
}
