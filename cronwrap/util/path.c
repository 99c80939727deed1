#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/path.h"
#include "util/xalloc.h"

char *
path_resolve(const char *base, const char *rel)
{
	if (rel[0] == '/' || base == NULL || base[0] == '\0')
		return xstrdup(rel);
	if (strcmp(base, ".") == 0)
		return xstrdup(rel);
	return xasprintf("%s/%s", base, rel);
}

char *
path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int
mkdir_p(const char *dir, mode_t mode)
{
	char *p, *tmp = xstrdup(dir);
	int ret = 0;

	for (p = tmp + 1; ret == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			ret = -1;
		*p = c;
		if (c == '\0')
			break;
	}
	if (ret == 0) {
		struct stat st;

		if (stat(dir, &st) < 0)
			ret = -1;
		else if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			ret = -1;
		}
	}
	free(tmp);
	return ret;
}

static int
write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int
write_file_atomic(const char *path, const char *data, size_t len, mode_t mode)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd, saved;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		goto out_free;
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0)
		goto out_unlink;
	if (close(fd) < 0) {
		fd = -1;
		goto out_unlink;
	}
	if (rename(tmp, path) < 0) {
		fd = -1;
		goto out_unlink;
	}
	free(tmp);
	return 0;
out_unlink:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
out_free:
	saved = errno;
	free(tmp);
	errno = saved;
	return -1;
}

char *
read_file(const char *path, size_t max, size_t *lenp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), saved;
	size_t len = 0, cap = 4096;
	char *buf;

	if (fd < 0)
		return NULL;
	buf = xmalloc(cap);
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			if (cap >= max) {
				errno = EFBIG;
				goto fail;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
fail:
	saved = errno;
	close(fd);
	free(buf);
	errno = saved;
	return NULL;
}

static int rm_rf_err;

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && rm_rf_err == 0)
		rm_rf_err = errno;
	return 0;
}

int
rm_rf(const char *path)
{
	rm_rf_err = 0;
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		return -1;
	if (rm_rf_err != 0) {
		errno = rm_rf_err;
		return -1;
	}
	return 0;
}
