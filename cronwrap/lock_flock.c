/*
 * lock_flock.c - the flock(2) backend of lock.h.  The kernel drops the lock
 * when the runner dies, whatever the signal; the file's text names the
 * holder (pid, job process group, run id, start) for others to read.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lock.h"
#include "util/path.h"
#include "util/procgroup.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct lock {
	int fd;
	bool writable;
};

/* A group counts while the kernel knows it (EPERM: another user's) and
 * some member is not a zombie: an orphaned job's group that init has not
 * reaped yet has ended, and must not keep the lock or the run going. */
bool
lock_group_alive(pid_t pgid)
{
	if (pgid <= 1 || (kill(-pgid, 0) < 0 && errno != EPERM))
		return false;
	switch (procgroup_scan(pgid)) {
	case 1:
		return true;
	case 0:
		return false;
	default:
		/* /proc showed no member: hidden from us (then the group
		 * counts, to be safe), or gone since the kill (then not). */
		return kill(-pgid, 0) == 0 || errno == EPERM;
	}
}

/* The lock directory lives on tmpfs under /run and vanishes at reboot:
 * create it on demand, and refuse one that others could plant files in. */
static int
lock_dir_prepare(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir_p(dir, 0755) < 0 || lstat(dir, &st) < 0) {
		snprintf(
		    err, errlen, "lock directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) ||
	    (st.st_uid != geteuid() && st.st_uid != 0) ||
	    ((st.st_mode & 0002) && !(st.st_mode & S_ISVTX))) {
		snprintf(err, errlen,
		    "lock directory %s: not a directory owned by this user or "
		    "root and closed to others",
		    dir);
		return -1;
	}
	return 0;
}

static int
lock_open(
    const char *dir, const char *name, bool *writable, char *err, size_t errlen)
{
	char *path = xasprintf("%s/%s.lock", dir, name);
	int fd;

	*writable = true;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 && errno == EACCES) {
		/* Another user's lock file: flock works on a read-only fd. */
		*writable = false;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0)
		snprintf(
		    err, errlen, "lock file %s: %s", path, strerror(errno));
	free(path);
	return fd;
}

static void
holder_read(int fd, struct lock_holder *h)
{
	char buf[512], id[RUNID_LEN + 1] = "";
	long pid = 0, pgid = 0;
	double start = 0;
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);

	memset(h, 0, sizeof *h);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (sscanf(buf, "pid=%ld\npgid=%ld\nrun_id=%26s\nstart=%lf", &pid,
	        &pgid, id, &start) < 2)
		return;
	h->pid = (pid_t)pid;
	h->pgid = (pid_t)pgid;
	h->start = start;
	memcpy(h->run_id, id, sizeof id);
}

int
lock_record(struct lock *lk, const struct lock_holder *h)
{
	char buf[256];
	int len;

	if (!lk->writable)
		return 0;
	len = snprintf(buf, sizeof buf,
	    "pid=%ld\npgid=%ld\nrun_id=%s\n"
	    "start=%.3f\n",
	    (long)h->pid, (long)h->pgid, h->run_id, h->start);
	if (ftruncate(lk->fd, 0) < 0 ||
	    pwrite(lk->fd, buf, (size_t)len, 0) != len)
		return -1;
	return 0;
}

/* One attempt: 1 taken, 0 busy (holder filled), -1 error.  mode is
 * LOCK_EX to take the lock, LOCK_SH to look (it conflicts with a holder
 * without excluding another looker). */
static int
try_once(int fd, int mode, struct lock_holder *holder)
{
	if (flock(fd, mode | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK)
			return -1;
		holder_read(fd, holder);
		return 0;
	}
	/* The kernel lock is free; the previous runner may have died and
	 * left its job running.  Its group still counts as the holder. */
	holder_read(fd, holder);
	if (holder->pgid > 0 && holder->pid != getpid() &&
	    lock_group_alive(holder->pgid)) {
		holder->orphan = true;
		flock(fd, LOCK_UN);
		return 0;
	}
	return 1;
}

enum lock_result
lock_acquire(const char *dir, const char *name, double wait,
    volatile sig_atomic_t *stop, struct lock **out, struct lock_holder *holder,
    char *err, size_t errlen)
{
	double deadline = now_mono() + (wait > 0 ? wait : 0);
	bool writable;
	int fd, r;

	if (lock_dir_prepare(dir, err, errlen) < 0 ||
	    (fd = lock_open(dir, name, &writable, err, errlen)) < 0)
		return LOCK_ERROR;
	while ((r = try_once(fd, LOCK_EX, holder)) == 0) {
		if (wait == 0 || (wait > 0 && now_mono() >= deadline) ||
		    (stop != NULL && *stop))
			break;
		sleep_until(now_mono() + 0.1, stop);
	}
	if (r < 0)
		snprintf(err, errlen, "lock %s: %s", name, strerror(errno));
	if (r <= 0) {
		close(fd);
		return r < 0 ? LOCK_ERROR : LOCK_BUSY;
	}
	*out = xcalloc(1, sizeof **out);
	(*out)->fd = fd;
	(*out)->writable = writable;
	return LOCK_ACQUIRED;
}

int
lock_inspect(const char *dir, const char *name, struct lock_holder *holder,
    char *err, size_t errlen)
{
	char *path = xasprintf("%s/%s.lock", dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), r;

	free(path);
	memset(holder, 0, sizeof *holder);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "lock %s: %s", name, strerror(errno));
		return -1;
	}
	r = try_once(fd, LOCK_SH, holder);
	if (r == 1)
		flock(fd, LOCK_UN);
	close(fd);
	if (r < 0) {
		snprintf(err, errlen, "lock %s: %s", name, strerror(errno));
		return -1;
	}
	return r == 0 ? 1 : 0;
}

void
lock_release(struct lock *lk)
{
	if (lk == NULL)
		return;
	if (lk->writable && ftruncate(lk->fd, 0) < 0) {
		/* The next runner checks the recorded group; a stale record
		 * of a dead group is harmless. */
	}
	close(lk->fd);
	free(lk);
}
