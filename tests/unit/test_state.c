/*
 * test_state.c - the state database: schema and migrations, run rows,
 * history queries, crash marking, alert state, checkpoints, retention,
 * read-only opens and many writers at once.
 */
#include <errno.h>
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
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "state.h"
#include "state_db.h"
#include "state_schema.h"
#include "util/runid.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct fixture {
	char root[64];    /* a fresh temporary directory */
	char dir[96];     /* root/var/state: does not exist yet */
	char db[128];     /* dir/state.db */
	struct state *st; /* opened read-write by setup_open */
};

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);

	(void)snprintf(f->root, sizeof f->root, "/tmp/cw-test-state-XXXXXX");
	if (mkdtemp(f->root) == NULL)
		return -1;
	(void)snprintf(f->dir, sizeof f->dir, "%s/var/state", f->root);
	(void)snprintf(f->db, sizeof f->db, "%s/state.db", f->dir);
	*state = f;
	return 0;
}

static int
setup_open(void **state)
{
	struct fixture *f;

	if (setup(state) < 0)
		return -1;
	f = *state;
	if (state_open(f->dir, false, &f->st) < 0) {
		(void)fprintf(stderr, "state_open: %s\n", state_error(f->st));
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	state_close(f->st);
	nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* A run record with every field set from a few arguments; free with
 * run_record_free(). */
static void
mkrun(struct run_record *r, const char *job, double start,
    enum run_status status, pid_t pid)
{
	memset(r, 0, sizeof *r);
	runid_new(start, r->run_id);
	r->job = xstrdup(job);
	r->host = xstrdup("host1");
	r->pid = pid;
	r->status = status;
	r->exit_code = -1;
	r->start = start;
	r->end = status == RS_RUNNING ? 0 : start + 1.5;
	r->attempts = 1;
}

static void
insert_run(struct state *st, const char *job, double start,
    enum run_status status, pid_t pid, char *id_out)
{
	struct run_record r;

	mkrun(&r, job, start, status, pid);
	if (state_run_insert(st, &r) < 0)
		fail_msg("insert: %s", state_error(st));
	if (id_out != NULL)
		memcpy(id_out, r.run_id, sizeof r.run_id);
	run_record_free(&r);
}

static int
sql_int(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *stmt;
	int v = -1;

	assert_int_equal(
	    sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(h, sql, -1, &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(h);
	return v;
}

static void
sql_exec(const char *db, const char *sql)
{
	sqlite3 *h;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static void
assert_str_or_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void
assert_run_equal(const struct run_record *a, const struct run_record *b)
{
	assert_string_equal(a->run_id, b->run_id);
	assert_string_equal(a->job, b->job);
	assert_str_or_null(a->host, b->host);
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->pgid, b->pgid);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->exit_code, b->exit_code);
	assert_int_equal(a->signal, b->signal);
	assert_true(a->start == b->start);
	assert_true(a->end == b->end);
	assert_int_equal(a->attempts, b->attempts);
	assert_int_equal(a->has_window, b->has_window);
	if (a->has_window) {
		assert_int_equal(a->window_start, b->window_start);
		assert_int_equal(a->window_end, b->window_end);
	}
	assert_int_equal(a->scheduled, b->scheduled);
	assert_int_equal(a->forced, b->forced);
	assert_str_or_null(a->params, b->params);
	assert_str_or_null(a->log_path, b->log_path);
	assert_true(a->bytes == b->bytes);
	assert_str_or_null(a->failed_step, b->failed_step);
	assert_str_or_null(a->reason, b->reason);
}

static void
test_status_names(void **state)
{
	static const struct {
		const char *name;
		enum run_status s;
		bool failure;
	} cases[] = {
	    {"running", RS_RUNNING, false},
	    {"succeeded", RS_SUCCEEDED, false},
	    {"failed", RS_FAILED, true},
	    {"timeout", RS_TIMEOUT, true},
	    {"killed", RS_KILLED, true},
	    {"skipped", RS_SKIPPED, false},
	    {"precondition", RS_PRECONDITION, true},
	    {"crashed", RS_CRASHED, true},
	};
	enum run_status s;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_string_equal(run_status_name(cases[i].s), cases[i].name);
		assert_int_equal(run_status_parse(cases[i].name, &s), 0);
		assert_int_equal(s, cases[i].s);
		assert_int_equal(
		    run_status_is_failure(cases[i].s), cases[i].failure);
	}
	assert_int_equal(run_status_parse("success", &s), -1);
	assert_int_equal(run_status_parse("", &s), -1);
}

/* Byte 18 of the SQLite header is 2 for a WAL database. */
static bool
file_is_wal(const char *db)
{
	unsigned char hdr[20];
	FILE *fp = fopen(db, "rbe");
	bool wal;

	assert_non_null(fp);
	assert_int_equal(fread(hdr, 1, sizeof hdr, fp), sizeof hdr);
	wal = hdr[18] == 2 && hdr[19] == 2;
	(void)fclose(fp);
	return wal;
}

static void
make_state_dir(const struct fixture *f)
{
	char var[80];

	(void)snprintf(var, sizeof var, "%s/var", f->root);
	assert_int_equal(mkdir(var, 0755), 0);
	assert_int_equal(mkdir(f->dir, 0755), 0);
}

static void
test_open_creates(void **state)
{
	struct fixture *f = *state;
	struct stat sb;
	mode_t old = umask(022);

	assert_int_equal(stat(f->dir, &sb), -1);
	assert_int_equal(state_open(f->dir, false, &f->st), 0);
	umask(old);
	assert_int_equal(stat(f->dir, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0755);
	state_close(f->st);
	f->st = NULL;
	assert_true(file_is_wal(f->db));
	assert_int_equal(
	    sql_int(f->db, "PRAGMA user_version"), STATE_SCHEMA_VERSION);
	assert_int_equal(
	    sql_int(f->db, "SELECT count(*) FROM sqlite_schema WHERE name IN"
	                   " ('runs', 'alert_state', 'checkpoints',"
	                   " 'runs_job_start', 'runs_running')"),
	    5);
	/* Opening a current database again works and keeps the version. */
	assert_int_equal(state_open(f->dir, false, &f->st), 0);
	assert_int_equal(
	    sql_int(f->db, "PRAGMA user_version"), STATE_SCHEMA_VERSION);
}

/* A database from before the first schema (user_version 0, a rollback
 * journal, other tables in it) is migrated in place and keeps its data. */
static void
test_open_migrates_v0(void **state)
{
	struct fixture *f = *state;
	struct run_record r;

	make_state_dir(f);
	sql_exec(f->db, "CREATE TABLE notes (n INTEGER);"
	                "INSERT INTO notes VALUES (41), (1);");
	assert_false(file_is_wal(f->db));
	assert_int_equal(sql_int(f->db, "PRAGMA user_version"), 0);

	assert_int_equal(state_open(f->dir, false, &f->st), 0);
	insert_run(f->st, "a", 100, RS_SUCCEEDED, 1, NULL);
	assert_int_equal(state_run_get(f->st, "a", NULL, &r), 1);
	run_record_free(&r);
	state_close(f->st);
	f->st = NULL;

	assert_true(file_is_wal(f->db));
	assert_int_equal(
	    sql_int(f->db, "PRAGMA user_version"), STATE_SCHEMA_VERSION);
	assert_int_equal(sql_int(f->db, "SELECT sum(n) FROM notes"), 42);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM runs"), 1);
}

/* The migration machinery with a schema of two steps: a database at v1
 * is brought to v2 in place; a failing step changes nothing; a database
 * newer than the steps is refused. */
static void
test_upgrade_steps(void **state)
{
	struct fixture *f = *state;
	static const struct state_migration steps[] = {
	    {1, "CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (5);"},
	    {2, "ALTER TABLE t ADD COLUMN b INTEGER NOT NULL DEFAULT 7;"},
	    {3, "CREATE TABLE u (x); CREATE TABLE t (dup);"},
	};
	struct state st = {0};

	make_state_dir(f);
	st.path = f->db;
	assert_int_equal(sqlite3_open(f->db, &st.db), SQLITE_OK);

	assert_int_equal(state_schema_upgrade(&st, steps, 1), 0);
	assert_int_equal(sql_int(f->db, "PRAGMA user_version"), 1);
	assert_int_equal(state_schema_upgrade(&st, steps, 2), 0);
	assert_int_equal(sql_int(f->db, "PRAGMA user_version"), 2);
	assert_int_equal(sql_int(f->db, "SELECT a * 10 + b FROM t"), 57);
	/* Applying the same steps again is a no-op. */
	assert_int_equal(state_schema_upgrade(&st, steps, 2), 0);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM t"), 1);

	/* Step 3 fails half-way: its first table must not stay. */
	assert_int_equal(state_schema_upgrade(&st, steps, 3), -1);
	assert_non_null(strstr(state_error(&st), f->db));
	assert_non_null(strstr(state_error(&st), "migrate to schema v3"));
	assert_non_null(strstr(state_error(&st), "already exists"));
	assert_int_equal(sql_int(f->db, "PRAGMA user_version"), 2);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM sqlite_schema"
	                                " WHERE name = 'u'"),
	    0);

	/* Code that knows only v1 refuses the v2 database. */
	assert_int_equal(state_schema_upgrade(&st, steps, 1), -1);
	assert_non_null(strstr(state_error(&st), "newer"));

	state_stmt_free_all(&st);
	sqlite3_close(st.db);
	free(st.err);
}

static void
test_open_refuses_newer(void **state)
{
	struct fixture *f = *state;

	make_state_dir(f);
	sql_exec(f->db, "PRAGMA user_version = 99;");
	assert_int_equal(state_open(f->dir, false, &f->st), -1);
	assert_non_null(strstr(state_error(f->st), f->db));
	assert_non_null(strstr(state_error(f->st), "schema version 99"));
	assert_non_null(strstr(state_error(f->st), "newer"));
	state_close(f->st);
	assert_int_equal(state_open(f->dir, true, &f->st), -1);
	assert_non_null(strstr(state_error(f->st), "newer"));
	/* Nothing was written: still the foreign version. */
	assert_int_equal(sql_int(f->db, "PRAGMA user_version"), 99);
}

static void
test_open_error_names_path(void **state)
{
	struct fixture *f = *state;
	char file[96];

	/* state_dir exists as a file: the database cannot be made. */
	(void)snprintf(file, sizeof file, "%s/var", f->root);
	sql_exec(file, "CREATE TABLE x (y);");
	assert_int_equal(state_open(f->dir, false, &f->st), -1);
	assert_non_null(strstr(state_error(f->st), f->db));
	assert_non_null(strstr(state_error(f->st), "create directory"));
	state_close(f->st);
	assert_int_equal(state_open("", false, &f->st), -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_readonly_missing(void **state)
{
	struct fixture *f = *state;
	struct run_record r, *runs = (struct run_record *)&runs;
	struct alert_state a;
	size_t n = 99;
	char *v = (char *)&v;
	struct stat sb;

	assert_int_equal(state_open(f->dir, true, &f->st), 0);
	assert_int_equal(state_runs_list(f->st, NULL, 0, &runs, &n), 0);
	assert_int_equal(n, 0);
	assert_null(runs);
	assert_int_equal(state_run_get(f->st, "a", NULL, &r), 0);
	assert_int_equal(state_run_latest(f->st, "a", ~0u, 0, &r), 0);
	assert_int_equal(state_consecutive_failures(f->st, "a"), 0);
	assert_int_equal(state_alert_get(f->st, "a", &a), 0);
	assert_int_equal(a.failures_alerted, 0);
	assert_int_equal(state_checkpoint_get(f->st, "a", "k", &v), 0);
	assert_null(v);
	/* Nothing was created, and writes are refused. */
	assert_int_equal(stat(f->dir, &sb), -1);
	mkrun(&r, "a", 100, RS_RUNNING, 1);
	assert_int_equal(state_run_begin(f->st, &r), -1);
	assert_non_null(strstr(state_error(f->st), "read-only"));
	assert_int_equal(state_checkpoint_set(f->st, "a", "k", "v"), -1);
	assert_int_equal(state_prune(f->st, NULL, 1, 1, NULL, NULL), -1);
	run_record_free(&r);
	assert_int_equal(stat(f->dir, &sb), -1);
}

static void
test_readonly_existing(void **state)
{
	struct fixture *f = *state;
	struct run_record r, *runs;
	size_t n;
	char id[RUNID_LEN + 1];

	assert_int_equal(state_open(f->dir, false, &f->st), 0);
	insert_run(f->st, "a", 100, RS_FAILED, 1, id);
	state_close(f->st);
	assert_int_equal(state_open(f->dir, true, &f->st), 0);
	assert_int_equal(state_runs_list(f->st, NULL, 0, &runs, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(runs[0].run_id, id);
	state_runs_free(runs, n);
	assert_int_equal(state_consecutive_failures(f->st, "a"), 1);
	mkrun(&r, "a", 200, RS_RUNNING, 1);
	assert_int_equal(state_run_begin(f->st, &r), -1);
	assert_int_equal(errno, EROFS);
	run_record_free(&r);
}

static void
test_begin_update_get(void **state)
{
	struct fixture *f = *state;
	struct run_record r, got;

	mkrun(&r, "export", 1700000000.25, RS_SUCCEEDED, 4242);
	r.end = 0;
	r.log_path = xstrdup("/var/log/cronwrap/export/x.log");
	r.scheduled = true;
	assert_int_equal(state_run_begin(f->st, &r), 0);
	assert_int_equal(state_run_get(f->st, NULL, r.run_id, &got), 1);
	r.status = RS_RUNNING; /* begin stores running, whatever r says */
	assert_run_equal(&got, &r);
	run_record_free(&got);

	r.pgid = 4243;
	r.status = RS_FAILED;
	r.exit_code = 2;
	r.signal = 0;
	r.end = 1700000012.75;
	r.attempts = 3;
	r.has_window = true;
	r.window_start = 1699920000;
	r.window_end = 1700006400;
	r.forced = true;
	r.params = xstrdup("A=1\nB=x y");
	r.bytes = UINT64_C(5000000000);
	r.failed_step = xstrdup("2 (upload)");
	r.reason = xstrdup("exit status 2; quote ' and \" kept");
	assert_int_equal(state_run_update(f->st, &r), 0);
	assert_int_equal(state_run_get(f->st, "export", r.run_id, &got), 1);
	assert_run_equal(&got, &r);
	run_record_free(&got);
	/* The latest of the job, and of any job. */
	assert_int_equal(state_run_get(f->st, "export", NULL, &got), 1);
	assert_run_equal(&got, &r);
	run_record_free(&got);
	assert_int_equal(state_run_get(f->st, NULL, NULL, &got), 1);
	assert_string_equal(got.run_id, r.run_id);
	run_record_free(&got);
	/* The id of another job's run is not this job's. */
	assert_int_equal(state_run_get(f->st, "other", r.run_id, &got), 0);
	assert_int_equal(state_run_get(f->st, NULL, "nosuchid", &got), 0);

	/* A duplicate id, and an update of a run that is not there. */
	assert_int_equal(state_run_insert(f->st, &r), -1);
	assert_non_null(strstr(state_error(f->st), f->db));
	assert_non_null(strstr(state_error(f->st), "UNIQUE"));
	runid_new(1, r.run_id);
	assert_int_equal(state_run_update(f->st, &r), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(state_error(f->st), "no such run"));
	run_record_free(&r);
}

static void
test_list_order(void **state)
{
	struct fixture *f = *state;
	static const double starts[] = {300, 100, 500, 200, 400};
	struct run_record *runs;
	size_t n;

	for (size_t i = 0; i < 5; i++)
		insert_run(f->st, "a", starts[i], RS_SUCCEEDED, 1, NULL);
	insert_run(f->st, "b", 250, RS_FAILED, 1, NULL);
	insert_run(f->st, "b", 600, RS_FAILED, 1, NULL);

	assert_int_equal(state_runs_list(f->st, "a", 0, &runs, &n), 0);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(runs[i].job, "a");
		assert_true(runs[i].start == 500 - 100.0 * (double)i);
	}
	state_runs_free(runs, n);

	assert_int_equal(state_runs_list(f->st, "a", 2, &runs, &n), 0);
	assert_int_equal(n, 2);
	assert_true(runs[0].start == 500 && runs[1].start == 400);
	state_runs_free(runs, n);

	assert_int_equal(state_runs_list(f->st, NULL, 0, &runs, &n), 0);
	assert_int_equal(n, 7);
	assert_string_equal(runs[0].job, "b");
	for (size_t i = 1; i < n; i++)
		assert_true(runs[i - 1].start > runs[i].start);
	state_runs_free(runs, n);

	assert_int_equal(state_runs_list(f->st, "c", 0, &runs, &n), 0);
	assert_int_equal(n, 0);
	state_runs_free(runs, n);
}

static void
test_latest_mask(void **state)
{
	struct fixture *f = *state;
	struct run_record r;
	static const struct {
		double since;
		double start;
		unsigned mask;
		int found;
	} cases[] = {
	    /* since, start of the run found, statuses asked, found */
	    {0, 100, 1u << RS_SUCCEEDED, 1},
	    {0, 200, 1u << RS_SUCCEEDED | 1u << RS_FAILED, 1},
	    {150, 0, 1u << RS_SUCCEEDED, 0},
	    {200, 200, 1u << RS_FAILED, 1},
	    {0, 400, ~0u, 1},
	    {0, 0, 1u << RS_CRASHED, 0},
	    {0, 0, 0, 0},
	};

	insert_run(f->st, "a", 100, RS_SUCCEEDED, 1, NULL);
	insert_run(f->st, "a", 200, RS_FAILED, 1, NULL);
	insert_run(f->st, "a", 300, RS_SKIPPED, 1, NULL);
	insert_run(f->st, "a", 400, RS_RUNNING, 1, NULL);
	insert_run(f->st, "b", 500, RS_SUCCEEDED, 1, NULL);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int found = state_run_latest(
		    f->st, "a", cases[i].mask, cases[i].since, &r);

		assert_int_equal(found, cases[i].found);
		if (found == 1) {
			assert_string_equal(r.job, "a");
			assert_true(r.start == cases[i].start);
		}
		run_record_free(&r);
	}
}

/* A run of job with a window, inserted with its status. */
static void
insert_window_run(struct state *st, const char *job, double start,
    enum run_status status, time_t wstart, time_t wend)
{
	struct run_record r;

	mkrun(&r, job, start, status, 1);
	r.has_window = true;
	r.window_start = wstart;
	r.window_end = wend;
	if (state_run_insert(st, &r) < 0)
		fail_msg("insert: %s", state_error(st));
	run_record_free(&r);
}

static void
test_covering(void **state)
{
	struct fixture *f = *state;
	struct run_record r;
	static const struct {
		time_t t;
		double start; /* of the run found, 0 = none */
	} cases[] = {
	    /* (1000, 2000] succeeded twice: the newer start wins. */
	    {1500, 2600},
	    {2000, 2600},
	    /* The start of a window is not in it. */
	    {1000, 0},
	    /* (2000, 3000] only failed; (3000, 4000] is running. */
	    {2500, 0},
	    {3500, 0},
	    /* (0, 5000] succeeded as another job. */
	    {4500, 0},
	    {999, 0},
	};

	insert_window_run(f->st, "a", 2100, RS_SUCCEEDED, 1000, 2000);
	insert_window_run(f->st, "a", 2600, RS_SUCCEEDED, 1000, 2000);
	insert_window_run(f->st, "a", 3100, RS_FAILED, 2000, 3000);
	insert_window_run(f->st, "a", 4100, RS_RUNNING, 3000, 4000);
	insert_window_run(f->st, "b", 5100, RS_SUCCEEDED, 0, 5000);
	/* A success without a window covers nothing. */
	insert_run(f->st, "a", 6000, RS_SUCCEEDED, 1, NULL);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int found = state_run_covering(f->st, "a", cases[i].t, &r);

		assert_int_equal(found, cases[i].start > 0);
		if (found == 1) {
			assert_string_equal(r.job, "a");
			assert_true(r.start == cases[i].start);
			assert_true(r.has_window);
			assert_true(r.window_start < cases[i].t);
			assert_true(r.window_end >= cases[i].t);
		}
		run_record_free(&r);
	}
}

static void
test_consecutive_failures(void **state)
{
	struct fixture *f = *state;
	/* Oldest first; one job per case. */
	static const struct {
		const char *job;
		enum run_status seq[8];
		size_t n;
		int expect;
	} cases[] = {
	    {"none", {RS_SUCCEEDED}, 0, 0},
	    {"ok", {RS_FAILED, RS_SUCCEEDED}, 2, 0},
	    {"mixed",
	        {RS_FAILED, RS_SUCCEEDED, RS_FAILED, RS_SKIPPED, RS_TIMEOUT,
	            RS_RUNNING, RS_CRASHED, RS_SKIPPED},
	        8, 3},
	    {"never-ok", {RS_KILLED, RS_PRECONDITION, RS_FAILED}, 3, 3},
	    {"skips", {RS_SKIPPED, RS_SKIPPED}, 2, 0},
	};
	char other[RUNID_LEN + 1];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (size_t k = 0; k < cases[i].n; k++)
			insert_run(f->st, cases[i].job, 100.0 + (double)k,
			    cases[i].seq[k], 1, NULL);
	}
	/* Another job's success does not break the chain. */
	insert_run(f->st, "other", 1000, RS_SUCCEEDED, 1, other);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(
		    state_consecutive_failures(f->st, cases[i].job),
		    cases[i].expect);
}

struct alive_log {
	pid_t live; /* the one pid that is alive */
	pid_t seen[8];
	size_t n;
};

static bool
alive_cb(const struct run_record *r, void *arg)
{
	struct alive_log *log = arg;

	assert_int_equal(r->status, RS_RUNNING);
	assert_true(log->n < 8);
	log->seen[log->n++] = r->pid;
	return r->pid == log->live;
}

static bool
seen(const struct alive_log *log, pid_t pid)
{
	for (size_t i = 0; i < log->n; i++)
		if (log->seen[i] == pid)
			return true;
	return false;
}

static void
test_mark_crashed(void **state)
{
	struct fixture *f = *state;
	struct alive_log log = {.live = 100};
	char dead[RUNID_LEN + 1], live[RUNID_LEN + 1], b[RUNID_LEN + 1];
	struct run_record r;
	double before = now_real();

	insert_run(f->st, "a", 100, RS_RUNNING, 100, live);
	insert_run(f->st, "a", 200, RS_RUNNING, 200, dead);
	insert_run(f->st, "a", 300, RS_SUCCEEDED, 300, NULL);
	insert_run(f->st, "b", 400, RS_RUNNING, 400, b);

	assert_int_equal(state_mark_crashed(f->st, "a", alive_cb, &log), 1);
	assert_int_equal(log.n, 2);
	assert_true(seen(&log, 100) && seen(&log, 200));

	assert_int_equal(state_run_get(f->st, NULL, dead, &r), 1);
	assert_int_equal(r.status, RS_CRASHED);
	assert_string_equal(r.reason, "runner (pid 200) vanished");
	assert_true(r.end >= before);
	run_record_free(&r);
	assert_int_equal(state_run_get(f->st, NULL, live, &r), 1);
	assert_int_equal(r.status, RS_RUNNING);
	assert_null(r.reason);
	run_record_free(&r);
	assert_int_equal(state_run_get(f->st, NULL, b, &r), 1);
	assert_int_equal(r.status, RS_RUNNING);
	run_record_free(&r);
	assert_int_equal(state_consecutive_failures(f->st, "a"), 0);

	/* All jobs: b's runner is gone too; a's live one is asked again. */
	log.n = 0;
	assert_int_equal(state_mark_crashed(f->st, NULL, alive_cb, &log), 1);
	assert_int_equal(log.n, 2);
	assert_true(seen(&log, 100) && seen(&log, 400));
	assert_int_equal(state_run_get(f->st, "b", NULL, &r), 1);
	assert_int_equal(r.status, RS_CRASHED);
	run_record_free(&r);
	assert_int_equal(state_consecutive_failures(f->st, "b"), 1);
}

static void
test_alert_roundtrip(void **state)
{
	struct fixture *f = *state;
	struct alert_state a, got;

	memset(&got, 0x5a, sizeof got);
	assert_int_equal(state_alert_get(f->st, "a", &got), 0);
	assert_int_equal(got.failures_alerted, 0);
	assert_true(got.last_mail == 0);
	assert_false(got.in_alert);
	assert_string_equal(got.last_run_id, "");

	memset(&a, 0, sizeof a);
	a.failures_alerted = 3;
	a.last_mail = 1700000000.5;
	a.in_alert = true;
	runid_new(1700000000, a.last_run_id);
	assert_int_equal(state_alert_set(f->st, "a", &a), 0);
	assert_int_equal(state_alert_get(f->st, "a", &got), 0);
	assert_int_equal(got.failures_alerted, 3);
	assert_true(got.last_mail == a.last_mail);
	assert_true(got.in_alert);
	assert_string_equal(got.last_run_id, a.last_run_id);

	/* An update replaces every field; other jobs stay unknown. */
	a.failures_alerted = 0;
	a.in_alert = false;
	assert_int_equal(state_alert_set(f->st, "a", &a), 0);
	assert_int_equal(state_alert_get(f->st, "a", &got), 0);
	assert_int_equal(got.failures_alerted, 0);
	assert_false(got.in_alert);
	assert_true(got.last_mail == a.last_mail);
	assert_int_equal(state_alert_get(f->st, "b", &got), 0);
	assert_false(got.in_alert);
	assert_string_equal(got.last_run_id, "");
}

static void
test_checkpoints(void **state)
{
	struct fixture *f = *state;
	char *v;

	assert_int_equal(state_checkpoint_get(f->st, "a", "offset", &v), 0);
	assert_null(v);
	assert_int_equal(state_checkpoint_set(f->st, "a", "offset", "10"), 0);
	assert_int_equal(state_checkpoint_set(f->st, "b", "offset", "x"), 0);
	assert_int_equal(state_checkpoint_get(f->st, "a", "offset", &v), 1);
	assert_string_equal(v, "10");
	free(v);
	assert_int_equal(state_checkpoint_set(f->st, "a", "offset", "20"), 0);
	assert_int_equal(state_checkpoint_get(f->st, "a", "offset", &v), 1);
	assert_string_equal(v, "20");
	free(v);
	assert_int_equal(state_checkpoint_set(f->st, "a", "offset", ""), 0);
	assert_int_equal(state_checkpoint_get(f->st, "a", "offset", &v), 1);
	assert_string_equal(v, "");
	free(v);
	assert_int_equal(state_checkpoint_set(f->st, "a", "offset", NULL), 0);
	assert_int_equal(state_checkpoint_get(f->st, "a", "offset", &v), 0);
	assert_int_equal(state_checkpoint_get(f->st, "b", "offset", &v), 1);
	assert_string_equal(v, "x");
	free(v);
	assert_int_equal(state_checkpoint_get(f->st, "b", "other", &v), 0);
}

struct removed_log {
	char ids[16][RUNID_LEN + 1];
	size_t n;
};

static void
removed_cb(const struct run_record *r, void *arg)
{
	struct removed_log *log = arg;

	assert_true(log->n < 16);
	assert_int_not_equal(r->status, RS_RUNNING);
	memcpy(log->ids[log->n++], r->run_id, sizeof r->run_id);
}

static bool
removed(const struct removed_log *log, const char *id)
{
	for (size_t i = 0; i < log->n; i++)
		if (strcmp(log->ids[i], id) == 0)
			return true;
	return false;
}

static size_t
count_runs(struct state *st, const char *job)
{
	struct run_record *runs;
	size_t n;

	assert_int_equal(state_runs_list(st, job, 0, &runs, &n), 0);
	state_runs_free(runs, n);
	return n;
}

static void
test_prune_days(void **state)
{
	struct fixture *f = *state;
	struct removed_log log = {.n = 0};
	double now = now_real(), day = 86400;
	char old1[RUNID_LEN + 1], old2[RUNID_LEN + 1], run[RUNID_LEN + 1];

	insert_run(f->st, "a", now - 10 * day, RS_SUCCEEDED, 1, old1);
	insert_run(f->st, "b", now - 6 * day, RS_FAILED, 1, old2);
	insert_run(f->st, "a", now - 9 * day, RS_RUNNING, 1, run);
	insert_run(f->st, "a", now - 4 * day, RS_SUCCEEDED, 1, NULL);
	insert_run(f->st, "b", now - 60, RS_SUCCEEDED, 1, NULL);

	assert_int_equal(state_prune(f->st, NULL, 0, 0, removed_cb, &log), 0);
	assert_int_equal(log.n, 0);
	assert_int_equal(state_prune(f->st, NULL, 5, 0, removed_cb, &log), 2);
	assert_int_equal(log.n, 2);
	assert_true(removed(&log, old1) && removed(&log, old2));
	assert_int_equal(count_runs(f->st, NULL), 3);
	/* Only the job asked for. */
	log.n = 0;
	assert_int_equal(state_prune(f->st, "b", 1, 0, removed_cb, &log), 0);
	assert_int_equal(state_prune(f->st, "a", 1, 0, NULL, NULL), 1);
	assert_int_equal(count_runs(f->st, "a"), 1);
	assert_int_equal(count_runs(f->st, "b"), 1);
}

static void
test_prune_count(void **state)
{
	struct fixture *f = *state;
	struct removed_log log = {.n = 0};
	char a[5][RUNID_LEN + 1], b[3][RUNID_LEN + 1];
	struct run_record *runs;
	size_t n;

	for (int i = 0; i < 5; i++)
		insert_run(f->st, "a", 100 + i, RS_FAILED, 1, a[i]);
	insert_run(f->st, "a", 200, RS_RUNNING, 1, NULL);
	for (int i = 0; i < 3; i++)
		insert_run(f->st, "b", 100 + i, RS_SUCCEEDED, 1, b[i]);

	assert_int_equal(state_prune(f->st, NULL, 0, 2, removed_cb, &log), 4);
	assert_int_equal(log.n, 4);
	assert_true(removed(&log, a[0]) && removed(&log, a[1]) &&
	            removed(&log, a[2]) && removed(&log, b[0]));
	assert_int_equal(state_runs_list(f->st, "a", 0, &runs, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(runs[0].status, RS_RUNNING);
	assert_string_equal(runs[1].run_id, a[4]);
	assert_string_equal(runs[2].run_id, a[3]);
	state_runs_free(runs, n);
	assert_int_equal(count_runs(f->st, "b"), 2);

	log.n = 0;
	assert_int_equal(state_prune(f->st, "a", 0, 1, removed_cb, &log), 1);
	assert_string_equal(log.ids[0], a[3]);
	assert_int_equal(count_runs(f->st, "b"), 2);
}

#define NPROC 30

/* One runner: open, begin, finish, close.  Exit status 0 or the step that
 * failed; the reason goes to stderr for the test log. */
static int
child_run(const char *dir, int i)
{
	struct state *st;
	struct run_record r;
	char job[16];
	int rc = 0;

	(void)snprintf(job, sizeof job, "job%d", i % 3);
	if (state_open(dir, false, &st) < 0) {
		(void)fprintf(
		    stderr, "child %d: open: %s\n", i, state_error(st));
		state_close(st);
		return 1;
	}
	mkrun(&r, job, now_real(), RS_RUNNING, getpid());
	if (state_run_begin(st, &r) < 0) {
		rc = 2;
	} else {
		r.status = RS_SUCCEEDED;
		r.exit_code = 0;
		r.end = now_real();
		if (state_run_update(st, &r) < 0)
			rc = 3;
	}
	if (rc != 0)
		(void)fprintf(stderr, "child %d: %s\n", i, state_error(st));
	run_record_free(&r);
	state_close(st);
	return rc;
}

/* Thirty runners start at once on a database that does not exist yet:
 * they race to create it, migrate it and write their rows. */
static void
test_concurrent_runners(void **state)
{
	struct fixture *f = *state;
	pid_t pids[NPROC];
	struct run_record *runs;
	size_t n;

	for (int i = 0; i < NPROC; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(child_run(f->dir, i));
	}
	for (int i = 0; i < NPROC; i++) {
		int status;

		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(state_open(f->dir, true, &f->st), 0);
	assert_int_equal(state_runs_list(f->st, NULL, 0, &runs, &n), 0);
	assert_int_equal(n, NPROC);
	for (size_t i = 0; i < n; i++) {
		bool ours = false;

		assert_int_equal(runs[i].status, RS_SUCCEEDED);
		assert_int_equal(runs[i].exit_code, 0);
		for (int k = 0; k < NPROC; k++)
			ours = ours || runs[i].pid == pids[k];
		assert_true(ours);
		for (size_t k = 0; k < i; k++)
			assert_int_not_equal(runs[k].pid, runs[i].pid);
	}
	state_runs_free(runs, n);
	assert_int_equal(
	    sql_int(f->db, "PRAGMA user_version"), STATE_SCHEMA_VERSION);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define TO(fn) cmocka_unit_test_setup_teardown(fn, setup_open, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status_names),
	    T(test_open_creates),
	    T(test_open_migrates_v0),
	    T(test_upgrade_steps),
	    T(test_open_refuses_newer),
	    T(test_open_error_names_path),
	    T(test_readonly_missing),
	    T(test_readonly_existing),
	    TO(test_begin_update_get),
	    TO(test_list_order),
	    TO(test_latest_mask),
	    TO(test_covering),
	    TO(test_consecutive_failures),
	    TO(test_mark_crashed),
	    TO(test_alert_roundtrip),
	    TO(test_checkpoints),
	    TO(test_prune_days),
	    TO(test_prune_count),
	    T(test_concurrent_runners),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
