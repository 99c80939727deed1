/*
 * test_retention.c - "prune": old runs go with their log files and run
 * directories; running runs, kept runs, young leftovers and files that
 * are not named after a run stay; old leftovers go.
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
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "retention.h"
#include "util/path.h"
#include "util/runid.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define GLOBAL_CONF                                                            \
	"jobs_dir = \"jobs.d\"; state_dir = \"state\";\n"                      \
	"log_dir = \"log\"; lock_dir = \"lock\";\n"                            \
	"history = { keep_days = 30; keep_runs = 2; };\n"

struct fixture {
	char root[64];
	struct global g;
	struct state *st;
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
touch(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs("2026-01-01T00:00:00.000Z out x\n", f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void
mkdir_parent(const char *path)
{
	char *dir = path_dirname(path);

	assert_int_equal(mkdir_p(dir, 0755), 0);
	free(dir);
}

static bool
exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	struct diag d = DIAG_INIT;
	char *conf;

	snprintf(f->root, sizeof f->root, "/tmp/cw-test-retention-XXXXXX");
	if (mkdtemp(f->root) == NULL)
		return -1;
	conf = xasprintf("%s/cronwrap.conf", f->root);
	if (write_file_atomic(conf, GLOBAL_CONF, strlen(GLOBAL_CONF), 0644) < 0)
		return -1;
	if (config_load_global(conf, &f->g, &d) < 0 ||
	    state_open(f->g.state_dir, false, &f->st) < 0)
		return -1;
	free(conf);
	diag_free(&d);
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

/* A run of job that started at start, with its log file and its run
 * directory (holding a file); paths to log and dir (caller frees). */
static void
make_run(struct fixture *f, const char *job, double start,
    enum run_status status, char **log, char **dir)
{
	struct run_record r = {0};
	char *logdir = xasprintf("%s/%s", f->g.log_dir, job);
	char *inner;

	runid_new(start, r.run_id);
	r.job = xstrdup(job);
	r.status = status;
	r.exit_code = status == RS_SUCCEEDED ? 0 : 1;
	r.start = start;
	r.end = status == RS_RUNNING ? 0 : start + 1;
	assert_int_equal(mkdir_p(logdir, 0755), 0);
	r.log_path = xasprintf("%s/%s.log", logdir, r.run_id);
	touch(r.log_path);
	*dir = xasprintf("%s/runs/%s/%s", f->g.state_dir, job, r.run_id);
	assert_int_equal(mkdir_p(*dir, 0755), 0);
	inner = xasprintf("%s/partial.csv", *dir);
	touch(inner);
	free(inner);
	if (status == RS_RUNNING)
		assert_int_equal(state_run_begin(f->st, &r), 0);
	else
		assert_int_equal(state_run_insert(f->st, &r), 0);
	*log = xstrdup(r.log_path);
	run_record_free(&r);
	free(logdir);
}

static void
test_runid_time(void **state)
{
	char id[RUNID_LEN + 1];
	double t;

	(void)state;
	runid_new(1767225600.25, id);
	assert_int_equal(retention_runid_time(id, &t), 0);
	assert_true(t > 1767225600.24 && t < 1767225600.26);
	assert_int_equal(
	    retention_runid_time("01ARZ3NDEKTSV4RRFFQ69G5FAV", &t), 0);
	assert_int_equal(
	    retention_runid_time("01arz3ndektsv4rrffq69g5fav", &t), -1);
	assert_int_equal(
	    retention_runid_time("01ARZ3NDEKTSV4RRFFQ69G5FA", &t), -1);
	assert_int_equal(
	    retention_runid_time("01ARZ3NDEKTSV4RRFFQ69G5FAU", &t), -1);
	assert_int_equal(retention_runid_time("notes.txt", &t), -1);
}

static void
test_prune_by_count(void **state)
{
	struct fixture *f = *state;
	struct retention_result res;
	double now = now_real();
	char *log[5], *dir[5];

	/* Four finished runs (keep_runs = 2) and an older running one. */
	make_run(f, "j", now - 500, RS_RUNNING, &log[4], &dir[4]);
	for (int i = 0; i < 4; i++)
		make_run(f, "j", now - 400 + i * 10,
		    i % 2 ? RS_SUCCEEDED : RS_FAILED, &log[i], &dir[i]);
	assert_int_equal(retention_apply(&f->g, f->st, now, &res), 0);
	assert_int_equal(res.runs, 2);
	assert_int_equal(res.logs, 2);
	assert_int_equal(res.run_dirs, 2);
	assert_int_equal(res.errors.n, 0);
	for (int i = 0; i < 5; i++) {
		bool kept = i >= 2;

		assert_int_equal(exists(log[i]), kept);
		assert_int_equal(exists(dir[i]), kept);
		free(log[i]);
		free(dir[i]);
	}
	retention_result_free(&res);
}

static void
test_prune_by_age(void **state)
{
	struct fixture *f = *state;
	struct retention_result res;
	double now = now_real();
	char *log[2], *dir[2];

	make_run(f, "old", now - 40 * 86400.0, RS_FAILED, &log[0], &dir[0]);
	make_run(f, "old", now - 20 * 86400.0, RS_FAILED, &log[1], &dir[1]);
	assert_int_equal(retention_apply(&f->g, f->st, now, &res), 0);
	assert_int_equal(res.runs, 1);
	assert_false(exists(log[0]));
	assert_false(exists(dir[0]));
	assert_true(exists(log[1]));
	assert_true(exists(dir[1]));
	for (int i = 0; i < 2; i++) {
		free(log[i]);
		free(dir[i]);
	}
	retention_result_free(&res);
}

static void
test_leftovers(void **state)
{
	struct fixture *f = *state;
	struct retention_result res;
	double now = now_real();
	char old_id[RUNID_LEN + 1], young_id[RUNID_LEN + 1];
	char *old_log, *old_dir, *young_log, *young_dir, *notes, *keep_log,
	    *keep_dir, *link;

	runid_new(now - 2 * RETENTION_ORPHAN_AGE, old_id);
	runid_new(now - 60, young_id);
	old_log = xasprintf("%s/lost/%s.log", f->g.log_dir, old_id);
	old_dir = xasprintf("%s/runs/lost/%s", f->g.state_dir, old_id);
	young_log = xasprintf("%s/lost/%s.log", f->g.log_dir, young_id);
	young_dir = xasprintf("%s/runs/lost/%s", f->g.state_dir, young_id);
	notes = xasprintf("%s/lost/notes.txt", f->g.log_dir);
	link = xasprintf(
	    "%s/runs/lost/%s", f->g.state_dir, "01ARZ3NDEKTSV4RRFFQ69G5FAV");
	assert_int_equal(mkdir_p(old_dir, 0755), 0);
	assert_int_equal(mkdir_p(young_dir, 0755), 0);
	mkdir_parent(old_log);
	touch(old_log);
	touch(young_log);
	touch(notes);
	/* An old-named symbolic link is not a run directory. */
	assert_int_equal(symlink(f->root, link), 0);
	/* A run in the history keeps its files, however old its id. */
	make_run(f, "lost", now - 3 * RETENTION_ORPHAN_AGE, RS_FAILED,
	    &keep_log, &keep_dir);
	assert_int_equal(retention_apply(&f->g, f->st, now, &res), 0);
	assert_int_equal(res.runs, 0);
	assert_int_equal(res.logs, 1);
	assert_int_equal(res.run_dirs, 1);
	assert_false(exists(old_log));
	assert_false(exists(old_dir));
	assert_true(exists(young_log));
	assert_true(exists(young_dir));
	assert_true(exists(notes));
	assert_true(exists(link));
	assert_true(exists(f->root));
	assert_true(exists(keep_log));
	assert_true(exists(keep_dir));
	retention_result_free(&res);
	free(old_log);
	free(old_dir);
	free(young_log);
	free(young_dir);
	free(notes);
	free(link);
	free(keep_log);
	free(keep_dir);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_runid_time),
	    T(test_prune_by_count),
	    T(test_prune_by_age),
	    T(test_leftovers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
