/*
 * state_prune.c - rows that leave the running state without their runner:
 * runs whose runner vanished become crashed, and old runs are pruned.
 * Both read first, ask the caller about each row outside any transaction
 * (checking a pid or deleting a log may be slow), then write briefly.
 */
#include <errno.h>
#include <stdlib.h>

#include "state.h"
#include "state_db.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static int
state_need_writable(struct state *st)
{
	if (st->readonly || st->db == NULL) {
		state_set_error(st, "opened read-only");
		errno = EROFS;
		return -1;
	}
	return 0;
}

/* Marks the dead rows of runs[0..n) crashed; returns how many changed.
 * A row that finished between the read and now is left as it is. */
static int
state_crash_rows(
    struct state *st, const struct run_record *runs, const bool *dead, size_t n)
{
	double now = now_real();
	sqlite3_stmt *stmt;
	int count = 0;

	if (state_tx_begin(st) < 0)
		return -1;
	stmt = state_stmt(st, SQ_RUN_CRASH,
	    "UPDATE runs SET status = 'crashed', end_time = ?2, reason = ?3"
	    " WHERE run_id = ?1 AND status = 'running'");
	if (stmt == NULL)
		goto out_rollback;
	for (size_t i = 0; i < n; i++) {
		char *reason;
		int rc;

		if (!dead[i])
			continue;
		reason =
		    xasprintf("runner (pid %ld) vanished", (long)runs[i].pid);
		state_bind_text(stmt, 1, runs[i].run_id);
		sqlite3_bind_double(stmt, 2, now);
		state_bind_text(stmt, 3, reason);
		rc = state_exec_stmt(st, stmt, "mark run crashed");
		free(reason);
		if (rc < 0)
			goto out_rollback;
		count += sqlite3_changes(st->db);
	}
	if (state_tx_commit(st) < 0)
		return -1;
	return count;

out_rollback:
	state_tx_rollback(st);
	return -1;
}

int
state_mark_crashed(struct state *st, const char *job,
    bool (*alive)(const struct run_record *r, void *arg), void *arg)
{
	struct run_record *runs;
	sqlite3_stmt *stmt;
	size_t n, ndead = 0;
	bool *dead;
	int count = 0;

	if (state_need_writable(st) < 0)
		return -1;
	if (job != NULL)
		stmt = state_stmt(st, SQ_RUNNING_JOB,
		    "SELECT " STATE_RUN_COLS " FROM runs"
		    " WHERE status = 'running' AND job = ?1");
	else
		stmt = state_stmt(st, SQ_RUNNING_ALL,
		    "SELECT " STATE_RUN_COLS " FROM runs"
		    " WHERE status = 'running'");
	if (stmt == NULL)
		return -1;
	state_bind_text(stmt, 1, job);
	if (state_runs_collect(st, stmt, &runs, &n) < 0)
		return -1;
	dead = xcalloc(n, sizeof *dead);
	for (size_t i = 0; i < n; i++) {
		dead[i] = !alive(&runs[i], arg);
		ndead += dead[i];
	}
	if (ndead > 0)
		count = state_crash_rows(st, runs, dead, n);
	free(dead);
	state_runs_free(runs, n);
	return count;
}

/* Deletes the rows of runs[0..n); returns how many went. */
static int
state_delete_rows(struct state *st, const struct run_record *runs, size_t n)
{
	sqlite3_stmt *stmt;
	int count = 0;

	if (state_tx_begin(st) < 0)
		return -1;
	stmt = state_stmt(st, SQ_PRUNE_DELETE,
	    "DELETE FROM runs WHERE run_id = ?1 AND status <> 'running'");
	if (stmt == NULL)
		goto out_rollback;
	for (size_t i = 0; i < n; i++) {
		state_bind_text(stmt, 1, runs[i].run_id);
		if (state_exec_stmt(st, stmt, "delete run") < 0)
			goto out_rollback;
		count += sqlite3_changes(st->db);
	}
	if (state_tx_commit(st) < 0)
		return -1;
	return count;

out_rollback:
	state_tx_rollback(st);
	return -1;
}

int
state_prune(struct state *st, const char *job, unsigned keep_days,
    unsigned keep_runs, void (*removed)(const struct run_record *r, void *arg),
    void *arg)
{
	struct run_record *runs;
	sqlite3_stmt *stmt;
	size_t n;
	int count;

	if (state_need_writable(st) < 0)
		return -1;
	if (keep_days == 0 && keep_runs == 0)
		return 0;
	/* keep_runs counts the finished runs of each job, newest first. */
	stmt = state_stmt(st, SQ_PRUNE_SELECT,
	    "SELECT " STATE_RUN_COLS " FROM (SELECT *, row_number() OVER"
	    " (PARTITION BY job ORDER BY start_time DESC, run_id DESC) AS nth"
	    " FROM runs WHERE status <> 'running'"
	    " AND (?1 IS NULL OR job = ?1))"
	    " WHERE (?2 > 0 AND nth > ?2) OR (?3 > 0 AND start_time < ?3)"
	    " ORDER BY start_time, run_id");
	if (stmt == NULL)
		return -1;
	state_bind_text(stmt, 1, job);
	sqlite3_bind_int64(stmt, 2, keep_runs);
	sqlite3_bind_double(
	    stmt, 3, keep_days ? now_real() - keep_days * 86400.0 : 0);
	if (state_runs_collect(st, stmt, &runs, &n) < 0)
		return -1;
	for (size_t i = 0; removed != NULL && i < n; i++)
		removed(&runs[i], arg);
	count = n > 0 ? state_delete_rows(st, runs, n) : 0;
	state_runs_free(runs, n);
	return count;
}
