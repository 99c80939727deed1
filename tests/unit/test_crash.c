/*
 * test_crash.c - crash detection: a runner pid that is gone or reused,
 * rows of another host, a lock still held for the run (by the job's
 * process group), and the job's lock name taken from its file.
 */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "crash.h"
#include "health.h"
#include "lock.h"
#include "state.h"
#include "util/runid.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct fixture {
	char root[64];
	struct global g;
	struct state *st;
	char host[256];
};

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	struct diag d = DIAG_INIT;
	char *conf, *jobs;

	snprintf(f->root, sizeof f->root, "/tmp/cw-test-crash-XXXXXX");
	if (mkdtemp(f->root) == NULL)
		return -1;
	conf = xasprintf("%s/cronwrap.conf", f->root);
	jobs = xasprintf("%s/jobs.d", f->root);
	mkdir(jobs, 0755);
	write_text(conf, "jobs_dir = \"jobs.d\"; state_dir = \"state\";\n"
	                 "log_dir = \"log\"; lock_dir = \"lock\";\n");
	if (config_load_global(conf, &f->g, &d) < 0 ||
	    state_open(f->g.state_dir, false, &f->st) < 0)
		return -1;
	free(conf);
	free(jobs);
	diag_free(&d);
	gethostname(f->host, sizeof f->host - 1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	state_close(f->st);
	global_free(&f->g);
	nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* A pid that existed and is gone (reaped). */
static pid_t
dead_pid(void)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return pid;
}

/* Inserts a running row; its id goes to id. */
static void
begin_run(struct fixture *f, const char *job, const char *host, pid_t pid,
    double start, char id[RUNID_LEN + 1])
{
	struct run_record r = {0};

	runid_new(start, r.run_id);
	r.job = xstrdup(job);
	r.host = xstrdup(host);
	r.pid = pid;
	r.exit_code = -1;
	r.start = start;
	if (state_run_begin(f->st, &r) < 0)
		fail_msg("begin: %s", state_error(f->st));
	memcpy(id, r.run_id, RUNID_LEN + 1);
	run_record_free(&r);
}

static enum run_status
status_of(struct fixture *f, const char *id)
{
	struct run_record r;
	enum run_status s;

	assert_int_equal(state_run_get(f->st, NULL, id, &r), 1);
	s = r.status;
	run_record_free(&r);
	return s;
}

static void
test_pid_is_runner(void **state)
{
	double now = now_real();

	(void)state;
	assert_true(crash_pid_is_runner(getpid(), now));
	/* A run that started long before this process: the pid was reused. */
	assert_false(crash_pid_is_runner(getpid(), now - 30 * 86400.0));
	assert_false(crash_pid_is_runner(dead_pid(), now));
	assert_false(crash_pid_is_runner(0, now));
	assert_false(crash_pid_is_runner(-5, now));
	/* init started at boot, before any run. */
	assert_true(crash_pid_is_runner(1, now));
}

/* The state letter of pid in /proc/PID/stat, '?' when unreadable. */
static char
proc_state(pid_t pid)
{
	char path[64], buf[512] = "", *p;
	FILE *fp;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return '?';
	if (fgets(buf, sizeof buf, fp) == NULL)
		buf[0] = '\0';
	fclose(fp);
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' ? p[2] : '?';
}

/* A zombie is not a runner: it holds no lock and writes no row. */
static void
test_zombie_is_not_runner(void **state)
{
	pid_t pid = fork();
	int st;

	(void)state;
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	/* Wait for the zombie state without reaping it. */
	for (int i = 0; i < 500 && proc_state(pid) != 'Z'; i++)
		nanosleep(&(struct timespec){0, 10000000}, NULL);
	assert_int_equal(proc_state(pid), 'Z');
	assert_false(crash_pid_is_runner(pid, now_real()));
	assert_int_equal(waitpid(pid, &st, 0), pid);
}

static void
test_detect_marks_only_dead(void **state)
{
	struct fixture *f = *state;
	double now = now_real();
	char alive[RUNID_LEN + 1], dead[RUNID_LEN + 1], other[RUNID_LEN + 1],
	    reused[RUNID_LEN + 1];
	struct run_record r;

	begin_run(f, "a", f->host, getpid(), now, alive);
	begin_run(f, "b", f->host, dead_pid(), now, dead);
	begin_run(f, "c", "elsewhere.example", dead_pid(), now, other);
	begin_run(f, "d", f->host, getpid(), now - 30 * 86400.0, reused);
	assert_int_equal(crash_detect(&f->g, f->st, NULL, NULL), 2);
	assert_int_equal(status_of(f, alive), RS_RUNNING);
	assert_int_equal(status_of(f, dead), RS_CRASHED);
	assert_int_equal(status_of(f, other), RS_RUNNING);
	assert_int_equal(status_of(f, reused), RS_CRASHED);
	/* The reason names the runner; the end is set. */
	assert_int_equal(state_run_get(f->st, "b", dead, &r), 1);
	assert_non_null(r.reason);
	assert_non_null(strstr(r.reason, "vanished"));
	assert_true(r.end >= now);
	run_record_free(&r);
	/* A crash counts as a failure. */
	assert_int_equal(state_consecutive_failures(f->st, "b"), 1);
	/* Nothing more to mark. */
	assert_int_equal(crash_detect(&f->g, f->st, NULL, NULL), 0);
}

static void
test_detect_one_job(void **state)
{
	struct fixture *f = *state;
	char x[RUNID_LEN + 1], y[RUNID_LEN + 1];

	begin_run(f, "x", f->host, dead_pid(), now_real(), x);
	begin_run(f, "y", f->host, dead_pid(), now_real(), y);
	assert_int_equal(crash_detect(&f->g, f->st, "x", NULL), 1);
	assert_int_equal(status_of(f, x), RS_CRASHED);
	assert_int_equal(status_of(f, y), RS_RUNNING);
}

/* Holds lock name for run id, as a runner whose job's group lives on. */
static struct lock *
hold_lock(struct fixture *f, const char *name, const char *id)
{
	struct lock_holder me = {.pid = getpid(), .start = now_real()};
	struct lock *lk = NULL;
	char err[256];

	assert_int_equal(lock_acquire(f->g.lock_dir, name, 0, NULL, &lk, &me,
	                     err, sizeof err),
	    LOCK_ACQUIRED);
	memcpy(me.run_id, id, RUNID_LEN + 1);
	assert_int_equal(lock_record(lk, &me), 0);
	return lk;
}

static void
test_lock_held_keeps_running(void **state)
{
	struct fixture *f = *state;
	char id[RUNID_LEN + 1], other[RUNID_LEN + 1];
	struct lock *lk;

	begin_run(f, "held", f->host, dead_pid(), now_real(), id);
	lk = hold_lock(f, "held", id);
	assert_int_equal(crash_detect(&f->g, f->st, "held", NULL), 0);
	assert_int_equal(status_of(f, id), RS_RUNNING);
	lock_release(lk);
	/* Held, but for another run: the row's runner is gone. */
	runid_new(now_real(), other);
	lk = hold_lock(f, "held", other);
	assert_int_equal(crash_detect(&f->g, f->st, "held", NULL), 1);
	assert_int_equal(status_of(f, id), RS_CRASHED);
	lock_release(lk);
}

static void
test_lock_name_from_job_file(void **state)
{
	struct fixture *f = *state;
	char id[RUNID_LEN + 1], *path;
	struct lock *lk;

	path = xasprintf("%s/shared1.conf", f->g.jobs_dir);
	write_text(
	    path, "command = [ \"/bin/true\" ];\nlock = \"db-heavy\";\n");
	free(path);
	begin_run(f, "shared1", f->host, dead_pid(), now_real(), id);
	lk = hold_lock(f, "db-heavy", id);
	assert_int_equal(crash_detect(&f->g, f->st, NULL, NULL), 0);
	lock_release(lk);
	assert_int_equal(crash_detect(&f->g, f->st, NULL, NULL), 1);
	assert_int_equal(status_of(f, id), RS_CRASHED);
}

static void
test_alive_of_finished_row(void **state)
{
	struct fixture *f = *state;
	struct run_record r = {0};

	r.status = RS_SUCCEEDED;
	r.pid = getpid();
	r.start = now_real();
	assert_false(crash_run_alive(&f->g, &r));
	r.status = RS_RUNNING;
	assert_true(crash_run_alive(&f->g, &r));
}

/* A reader that cannot mark (read-only) still sees the crash. */
static void
test_health_without_marking(void **state)
{
	struct fixture *f = *state;
	struct job job;
	struct job_health h;
	char id[RUNID_LEN + 1], err[256];

	memset(&job, 0, sizeof job);
	job.name = xstrdup("ro");
	begin_run(f, "ro", f->host, dead_pid(), now_real(), id);
	assert_int_equal(health_get(&f->g, f->st, false, &job, now_real(), &h,
	                     err, sizeof err),
	    0);
	assert_false(h.running);
	assert_true(h.has_last);
	assert_int_equal(h.last.status, RS_CRASHED);
	assert_string_equal(h.last.run_id, id);
	assert_non_null(strstr(h.last.reason, "vanished"));
	assert_int_equal(h.failures, 1);
	assert_true(health_crashed(&h));
	health_free(&h);
	/* The database is unchanged. */
	assert_int_equal(status_of(f, id), RS_RUNNING);
	/* With marking done (marked = true), the row is taken as it is. */
	assert_int_equal(health_get(&f->g, f->st, true, &job, now_real(), &h,
	                     err, sizeof err),
	    0);
	assert_true(h.running);
	health_free(&h);
	free(job.name);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pid_is_runner),
	    cmocka_unit_test(test_zombie_is_not_runner),
	    T(test_detect_marks_only_dead),
	    T(test_detect_one_job),
	    T(test_lock_held_keeps_running),
	    T(test_lock_name_from_job_file),
	    T(test_alive_of_finished_row),
	    T(test_health_without_marking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
