/*
 * test_lock.c - the flock backend of lock.h with real contenders: other
 * processes (fork) take, find busy, wait for and inspect the lock; the
 * holder record they read; orphan detection (a record whose job process
 * group is alive keeps the lock held after its runner died, though the
 * flock itself is free); the lock directory's checks; and a lock that the
 * job never inherits.
 *
 * A contender runs in a child and sends its result back through a pipe, so
 * that every assertion is made here, in the test process.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lock.h"
#include "unit.h"

#define RUN_ID "01JDTESTRUN000000000000000"

struct report {
	enum lock_result result;
	int inspect; /* lock_inspect's return, before trying */
	struct lock_holder holder, seen;
	char err[256];
};

static int
setup(void **state)
{
	*state = unit_tmpdir("lock");
	return 0;
}

static int
teardown(void **state)
{
	unit_rmdir(*state);
	return 0;
}

static void
write_full(int fd, const void *buf, size_t len)
{
	if (write(fd, buf, len) != (ssize_t)len)
		_exit(90);
}

static void
read_full(int fd, void *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);

	if (n != (ssize_t)len)
		fail_msg("read from child: %zd of %zu bytes", n, len);
}

static void
reap(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("child %ld ended with status %#x", (long)pid, status);
}

/* Another process inspects, then tries to take the lock (waiting up to
 * wait seconds), and releases it at once if it got it. */
static struct report
contend(const char *dir, const char *name, double wait)
{
	struct report r;
	int p[2];
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct lock *lk = NULL;
		char err[256] = "";

		alarm(60); /* alarms are not inherited */
		close(p[0]);
		memset(&r, 0, sizeof r);
		r.inspect = lock_inspect(dir, name, &r.seen, err, sizeof err);
		r.result = lock_acquire(
		    dir, name, wait, NULL, &lk, &r.holder, r.err, sizeof r.err);
		if (r.result == LOCK_ACQUIRED)
			lock_release(lk);
		write_full(p[1], &r, sizeof r);
		_exit(0);
	}
	close(p[1]);
	read_full(p[0], &r, sizeof r);
	close(p[0]);
	reap(pid);
	return r;
}

struct holder_proc {
	pid_t pid;
	int go; /* closing it lets the holder release and exit */
};

/* Another process takes the lock, records itself with pgid, says so, and
 * holds it until told to go (or, with linger, for that many seconds). */
static struct holder_proc
hold(const char *dir, const char *name, pid_t pgid, double linger)
{
	struct holder_proc h;
	int ready[2], go[2];
	char c = 0;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	h.pid = fork();
	assert_true(h.pid >= 0);
	if (h.pid == 0) {
		struct lock_holder me, seen;
		struct lock *lk = NULL;
		char err[256];

		alarm(60);
		close(ready[0]);
		close(go[1]);
		if (lock_acquire(dir, name, 0, NULL, &lk, &seen, err,
		        sizeof err) != LOCK_ACQUIRED)
			_exit(91);
		memset(&me, 0, sizeof me);
		me.pid = getpid();
		me.pgid = pgid;
		snprintf(me.run_id, sizeof me.run_id, "%s", RUN_ID);
		me.start = 1764000000.5;
		if (lock_record(lk, &me) < 0)
			_exit(92);
		write_full(ready[1], "R", 1);
		if (linger > 0) {
			struct timespec ts = {(time_t)linger,
			    (long)((linger - (double)(time_t)linger) * 1e9)};

			nanosleep(&ts, NULL);
		} else if (read(go[0], &c, 1) < 0)
			_exit(93);
		lock_release(lk);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	read_full(ready[0], &c, 1);
	close(ready[0]);
	h.go = go[1];
	return h;
}

static void
let_go(struct holder_proc *h)
{
	close(h->go);
	reap(h->pid);
}

/* A process group of its own that lives until killed: a job whose runner
 * is gone. */
static pid_t
job_group(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		alarm(60); /* not forever, if this test dies first */
		for (;;)
			pause();
	}
	/* Both sides set it, so that it is set whoever runs first. */
	if (setpgid(pid, pid) < 0 && errno != EACCES)
		fail_msg("setpgid: %s", strerror(errno));
	return pid;
}

static void
kill_group(pid_t pgid)
{
	int status;

	assert_int_equal(kill(-pgid, SIGKILL), 0);
	assert_int_equal(waitpid(pgid, &status, 0), pgid);
}

/* --- acquire, busy, release ------------------------------------------ */

static void
test_acquire_busy_release(void **state)
{
	const char *dir = *state;
	struct lock_holder me = {0}, h;
	struct lock *lk = NULL;
	struct report r;
	char err[256] = "";

	/* Free: another process sees it free and can take it. */
	r = contend(dir, "job", 0);
	assert_int_equal(r.inspect, 0);
	assert_int_equal(r.result, LOCK_ACQUIRED);

	assert_int_equal(
	    lock_acquire(dir, "job", 0, NULL, &lk, &h, err, sizeof err),
	    LOCK_ACQUIRED);
	me.pid = getpid();
	snprintf(me.run_id, sizeof me.run_id, "%s", RUN_ID);
	me.start = 1764000000.5;
	assert_int_equal(lock_record(lk, &me), 0);

	/* Held: another process finds it busy, and who holds it. */
	r = contend(dir, "job", 0);
	assert_int_equal(r.inspect, 1);
	assert_int_equal(r.seen.pid, getpid());
	assert_string_equal(r.seen.run_id, RUN_ID);
	assert_false(r.seen.orphan);
	assert_int_equal(r.result, LOCK_BUSY);
	assert_int_equal(r.holder.pid, getpid());
	assert_int_equal(r.holder.pgid, 0);
	assert_string_equal(r.holder.run_id, RUN_ID);
	assert_true(r.holder.start == 1764000000.5);
	assert_false(r.holder.orphan);

	/* The holder's facts change once the job's group exists. */
	me.pgid = getpgrp();
	assert_int_equal(lock_record(lk, &me), 0);
	r = contend(dir, "job", 0);
	assert_int_equal(r.result, LOCK_BUSY);
	assert_int_equal(r.holder.pgid, getpgrp());
	assert_false(r.holder.orphan);

	/* Another name is another lock. */
	r = contend(dir, "other", 0);
	assert_int_equal(r.result, LOCK_ACQUIRED);

	/* Released: free again, and the record is gone. */
	lock_release(lk);
	r = contend(dir, "job", 0);
	assert_int_equal(r.inspect, 0);
	assert_int_equal(r.seen.pid, 0);
	assert_int_equal(r.result, LOCK_ACQUIRED);
	lock_release(NULL);
}

/* The lock in this process, inspected by this process: held. */
static void
test_inspect_in_process(void **state)
{
	const char *dir = *state;
	struct lock_holder me = {0}, h;
	struct lock *lk = NULL;
	char err[256] = "";

	assert_int_equal(lock_inspect(dir, "never", &h, err, sizeof err), 0);
	assert_int_equal(
	    lock_acquire(dir, "self", 0, NULL, &lk, &h, err, sizeof err),
	    LOCK_ACQUIRED);
	me.pid = getpid();
	snprintf(me.run_id, sizeof me.run_id, "%s", RUN_ID);
	assert_int_equal(lock_record(lk, &me), 0);
	assert_int_equal(lock_inspect(dir, "self", &h, err, sizeof err), 1);
	assert_int_equal(h.pid, getpid());
	assert_string_equal(h.run_id, RUN_ID);
	/* A second acquire in the same process is busy too: the lock is the
	 * run's, not the process's. */
	assert_int_equal(
	    lock_acquire(dir, "self", 0, NULL, &lk, &h, err, sizeof err),
	    LOCK_BUSY);
	lock_release(lk);
	assert_int_equal(lock_inspect(dir, "self", &h, err, sizeof err), 0);
}

/* --- waiting --------------------------------------------------------- */

static void
test_wait_until_free(void **state)
{
	const char *dir = *state;
	struct holder_proc h = hold(dir, "w", 0, 0.3);
	struct lock_holder seen;
	struct lock *lk = NULL;
	char err[256] = "";

	/* The holder lets go after a while; waiting (up to a minute) gets
	 * the lock then. */
	assert_int_equal(
	    lock_acquire(dir, "w", 60, NULL, &lk, &seen, err, sizeof err),
	    LOCK_ACQUIRED);
	lock_release(lk);
	reap(h.pid);
	close(h.go);
}

static void
test_wait_gives_up(void **state)
{
	const char *dir = *state;
	struct holder_proc h = hold(dir, "w", 0, 0);
	struct lock_holder seen;
	struct lock *lk = NULL;
	volatile sig_atomic_t stop = 1;
	char err[256] = "";

	/* A bounded wait ends busy, saying who holds it. */
	assert_int_equal(
	    lock_acquire(dir, "w", 0.3, NULL, &lk, &seen, err, sizeof err),
	    LOCK_BUSY);
	assert_int_equal(seen.pid, h.pid);
	/* So does waiting forever once told to stop. */
	assert_int_equal(
	    lock_acquire(dir, "w", -1, &stop, &lk, &seen, err, sizeof err),
	    LOCK_BUSY);
	let_go(&h);
}

/* --- orphans --------------------------------------------------------- */

static void
test_orphan(void **state)
{
	const char *dir = *state;
	pid_t group = job_group(), runner;
	struct holder_proc h;
	struct lock_holder seen;
	struct lock *lk = NULL;
	struct report r;
	char err[256] = "";

	/* A runner takes the lock, records its job's group, and dies
	 * without releasing: the kernel drops the flock, the record stays. */
	h = hold(dir, "o", group, 0);
	runner = h.pid;
	assert_int_equal(kill(runner, SIGKILL), 0);
	close(h.go);
	{
		int status;

		assert_int_equal(waitpid(runner, &status, 0), runner);
		assert_true(WIFSIGNALED(status));
	}
	assert_true(lock_group_alive(group));

	/* Held, by an orphan: for lock_inspect and for a contender. */
	assert_int_equal(lock_inspect(dir, "o", &seen, err, sizeof err), 1);
	assert_true(seen.orphan);
	assert_int_equal(seen.pid, runner);
	assert_int_equal(seen.pgid, group);
	r = contend(dir, "o", 0);
	assert_int_equal(r.result, LOCK_BUSY);
	assert_true(r.holder.orphan);
	assert_int_equal(r.holder.pgid, group);
	assert_int_equal(
	    lock_acquire(dir, "o", 0, NULL, &lk, &seen, err, sizeof err),
	    LOCK_BUSY);
	assert_true(seen.orphan);

	/* The group dies: the lock is free. */
	kill_group(group);
	assert_false(lock_group_alive(group));
	assert_int_equal(lock_inspect(dir, "o", &seen, err, sizeof err), 0);
	r = contend(dir, "o", 0);
	assert_int_equal(r.result, LOCK_ACQUIRED);
}

/* A record left by a runner whose group is gone too is stale: free. */
static void
test_stale_record(void **state)
{
	const char *dir = *state;
	pid_t group = job_group();
	struct holder_proc h;
	struct lock_holder seen;
	char err[256] = "";

	kill_group(group);
	h = hold(dir, "s", group, 0);
	assert_int_equal(kill(h.pid, SIGKILL), 0);
	close(h.go);
	waitpid(h.pid, NULL, 0);
	assert_int_equal(lock_inspect(dir, "s", &seen, err, sizeof err), 0);
	assert_int_equal(contend(dir, "s", 0).result, LOCK_ACQUIRED);
}

static void
test_group_alive(void **state)
{
	pid_t pid;

	(void)state;
	assert_false(lock_group_alive(0));
	assert_false(lock_group_alive(1)); /* never init's */
	assert_false(lock_group_alive(-5));
	assert_true(lock_group_alive(getpgrp()));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	assert_false(lock_group_alive(pid));
}

/* A group whose members are zombies nobody reaped yet has ended: it holds
 * no lock.  One that still runs a member beside a zombie has not. */
static void
test_zombie_group(void **state)
{
	pid_t leader = job_group(), zombie;

	(void)state;
	zombie = fork();
	assert_true(zombie >= 0);
	if (zombie == 0) {
		setpgid(0, leader);
		_exit(0);
	}
	setpgid(zombie, leader);
	/* Not reaped: a zombie in the leader's group, beside the leader. */
	for (int i = 0; i < 200; i++) {
		char path[64], buf[256];
		FILE *f;
		char *p = NULL;

		snprintf(path, sizeof path, "/proc/%d/stat", (int)zombie);
		f = fopen(path, "r");
		if (f != NULL && fgets(buf, sizeof buf, f) != NULL)
			p = strrchr(buf, ')');
		if (f != NULL)
			fclose(f);
		if (p != NULL && p[2] == 'Z')
			break;
		usleep(10000);
	}
	assert_true(lock_group_alive(leader));
	/* The leader goes (reaped); the zombie stays until reaped. */
	assert_int_equal(kill(leader, SIGKILL), 0);
	assert_int_equal(waitpid(leader, NULL, 0), leader);
	assert_int_equal(kill(-leader, 0), 0); /* the kernel still sees one */
	assert_false(lock_group_alive(leader));
	assert_int_equal(waitpid(zombie, NULL, 0), zombie);
	assert_false(lock_group_alive(leader));
}

/* A command name may hold spaces, parentheses and what looks like the
 * rest of the line: /proc/PID/stat is read after its last ')', so this
 * live member is seen running, not as a zombie of its own group, which is
 * what a parse up to the first ')' would find ("x) Z 1 PGID"). */
static void
test_group_odd_name(void **state)
{
	pid_t pid;
	char name[16], path[64], comm[32] = "";

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		snprintf(name, sizeof name, "x) Z 1 %d", (int)getpid());
		prctl(PR_SET_NAME, name);
		alarm(60);
		for (;;)
			pause();
	}
	setpgid(pid, pid);
	snprintf(name, sizeof name, "x) Z 1 %d", (int)pid);
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	for (int i = 0; i < 200 && strncmp(comm, name, strlen(name)) != 0;
	     i++) {
		FILE *f = fopen(path, "r");

		comm[0] = '\0';
		if (f != NULL) {
			if (fgets(comm, sizeof comm, f) == NULL)
				comm[0] = '\0';
			fclose(f);
		}
		usleep(10000);
	}
	assert_memory_equal(comm, name, strlen(name));
	assert_true(lock_group_alive(pid));
	kill_group(pid);
	assert_false(lock_group_alive(pid));
}

/* --- the lock directory and file ------------------------------------- */

static void
test_lock_dir(void **state)
{
	const char *dir = *state;
	char *nested = xasprintf("%s/run/lock/cronwrap", dir);
	char *open_dir = xasprintf("%s/open", dir);
	char *sticky = xasprintf("%s/sticky", dir);
	char *file = xasprintf("%s/file", dir);
	char *want;
	struct lock_holder seen;
	struct lock *lk = NULL;
	struct stat st;
	char err[512] = "";

	/* Created on demand, parents too. */
	assert_int_equal(
	    lock_acquire(nested, "n", 0, NULL, &lk, &seen, err, sizeof err),
	    LOCK_ACQUIRED);
	lock_release(lk);
	assert_int_equal(stat(nested, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0755);

	/* Refused when others could plant files in it... */
	assert_int_equal(mkdir(open_dir, 0700), 0);
	assert_int_equal(chmod(open_dir, 0777), 0);
	assert_int_equal(
	    lock_acquire(open_dir, "n", 0, NULL, &lk, &seen, err, sizeof err),
	    LOCK_ERROR);
	want =
	    xasprintf("lock directory %s: not a directory owned by this user "
	              "or root and closed to others",
	        open_dir);
	assert_string_equal(err, want);
	free(want);
	/* ...unless it is sticky, as /tmp. */
	assert_int_equal(mkdir(sticky, 0700), 0);
	assert_int_equal(chmod(sticky, 01777), 0);
	assert_int_equal(
	    lock_acquire(sticky, "n", 0, NULL, &lk, &seen, err, sizeof err),
	    LOCK_ACQUIRED);
	lock_release(lk);

	/* Not a directory. */
	free(unit_write(dir, "file", "x"));
	assert_int_equal(
	    lock_acquire(file, "n", 0, NULL, &lk, &seen, err, sizeof err),
	    LOCK_ERROR);
	want = xasprintf("lock directory %s: Not a directory", file);
	assert_string_equal(err, want);
	free(want);

	free(nested);
	free(open_dir);
	free(sticky);
	free(file);
}

/* A symlink planted as the lock file is not followed. */
static void
test_lock_file_symlink(void **state)
{
	const char *dir = *state;
	char *target = unit_write(dir, "target", "precious\n");
	char *link = xasprintf("%s/evil.lock", dir);
	struct lock_holder seen;
	struct lock *lk = NULL;
	char err[512] = "";
	char *text;

	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(
	    lock_acquire(dir, "evil", 0, NULL, &lk, &seen, err, sizeof err),
	    LOCK_ERROR);
	assert_non_null(strstr(err, "evil.lock"));
	assert_int_equal(lock_inspect(dir, "evil", &seen, err, sizeof err), -1);
	text = unit_slurp(target, NULL);
	assert_string_equal(text, "precious\n");
	free(text);
	free(link);
	free(target);
}

/* The descriptor that holds the lock is close-on-exec: a job never
 * inherits (and so never prolongs) its runner's lock. */
static void
test_lock_fd_cloexec(void **state)
{
	const char *dir = *state;
	char *path = xasprintf("%s/c.lock", dir);
	struct lock_holder seen;
	struct lock *lk = NULL;
	struct dirent *e;
	char err[256] = "";
	int found = 0;
	DIR *fds;

	assert_int_equal(
	    lock_acquire(dir, "c", 0, NULL, &lk, &seen, err, sizeof err),
	    LOCK_ACQUIRED);
	fds = opendir("/proc/self/fd");
	assert_non_null(fds);
	while ((e = readdir(fds)) != NULL) {
		char link[64], target[PATH_MAX];
		ssize_t n;
		int fd = atoi(e->d_name);

		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof target - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, path) != 0)
			continue;
		found++;
		assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	}
	closedir(fds);
	assert_int_equal(found, 1);
	lock_release(lk);
	free(path);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_acquire_busy_release),
	    T(test_inspect_in_process),
	    T(test_wait_until_free),
	    T(test_wait_gives_up),
	    T(test_orphan),
	    T(test_stale_record),
	    cmocka_unit_test(test_group_alive),
	    cmocka_unit_test(test_zombie_group),
	    cmocka_unit_test(test_group_odd_name),
	    T(test_lock_dir),
	    T(test_lock_file_symlink),
	    T(test_lock_fd_cloexec),
	};

	/* A broken wait must fail the test, not hang it. */
	alarm(120);
	umask(022);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
