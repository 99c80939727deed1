/*
 * state_runs.c - the rows of the runs table: the start and finish of a
 * run (one short write transaction each), and the queries on history.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "state_db.h"
#include "util/xalloc.h"

#define RUN_ORDER " ORDER BY start_time DESC, run_id DESC"

void
run_record_free(struct run_record *r)
{
	if (r == NULL)
		return;
	sfree(r->job);
	sfree(r->host);
	sfree(r->params);
	sfree(r->log_path);
	sfree(r->failed_step);
	sfree(r->reason);
}

void
state_runs_free(struct run_record *runs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		run_record_free(&runs[i]);
	free(runs);
}

/* Binds the columns of STATE_RUN_COLS to ?1 .. ?20. */
static void
state_run_bind(
    sqlite3_stmt *stmt, const struct run_record *r, enum run_status status)
{
	state_bind_text(stmt, 1, r->run_id);
	state_bind_text(stmt, 2, r->job);
	state_bind_text(stmt, 3, r->host);
	sqlite3_bind_int64(stmt, 4, r->pid);
	sqlite3_bind_int64(stmt, 5, r->pgid);
	state_bind_text(stmt, 6, run_status_name(status));
	sqlite3_bind_int(stmt, 7, r->exit_code);
	sqlite3_bind_int(stmt, 8, r->signal);
	sqlite3_bind_double(stmt, 9, r->start);
	sqlite3_bind_double(stmt, 10, r->end);
	sqlite3_bind_int64(stmt, 11, r->attempts);
	if (r->has_window) {
		sqlite3_bind_int64(stmt, 12, (sqlite3_int64)r->window_start);
		sqlite3_bind_int64(stmt, 13, (sqlite3_int64)r->window_end);
	}
	sqlite3_bind_int(stmt, 14, r->scheduled);
	sqlite3_bind_int(stmt, 15, r->forced);
	state_bind_text(stmt, 16, r->params);
	state_bind_text(stmt, 17, r->log_path);
	sqlite3_bind_int64(stmt, 18, (sqlite3_int64)r->bytes);
	state_bind_text(stmt, 19, r->failed_step);
	state_bind_text(stmt, 20, r->reason);
}

int
state_run_read(struct state *st, sqlite3_stmt *stmt, struct run_record *out)
{
	const char *id = (const char *)sqlite3_column_text(stmt, 0);
	const char *status = (const char *)sqlite3_column_text(stmt, 5);

	memset(out, 0, sizeof *out);
	if (status == NULL || run_status_parse(status, &out->status) < 0) {
		state_set_error(st, "run %s: unknown status \"%s\"",
		    id ? id : "?", status ? status : "");
		return -1;
	}
	if (id != NULL)
		strncpy(out->run_id, id, RUNID_LEN);
	out->job = state_column_dup(stmt, 1);
	out->host = state_column_dup(stmt, 2);
	out->pid = (pid_t)sqlite3_column_int64(stmt, 3);
	out->pgid = (pid_t)sqlite3_column_int64(stmt, 4);
	out->exit_code = sqlite3_column_int(stmt, 6);
	out->signal = sqlite3_column_int(stmt, 7);
	out->start = sqlite3_column_double(stmt, 8);
	out->end = sqlite3_column_double(stmt, 9);
	out->attempts = (unsigned)sqlite3_column_int64(stmt, 10);
	out->has_window = sqlite3_column_type(stmt, 11) != SQLITE_NULL;
	out->window_start = (time_t)sqlite3_column_int64(stmt, 11);
	out->window_end = (time_t)sqlite3_column_int64(stmt, 12);
	out->scheduled = sqlite3_column_int(stmt, 13) != 0;
	out->forced = sqlite3_column_int(stmt, 14) != 0;
	out->params = state_column_dup(stmt, 15);
	out->log_path = state_column_dup(stmt, 16);
	out->bytes = (uint64_t)sqlite3_column_int64(stmt, 17);
	out->failed_step = state_column_dup(stmt, 18);
	out->reason = state_column_dup(stmt, 19);
	return 0;
}

int
state_runs_collect(
    struct state *st, sqlite3_stmt *stmt, struct run_record **out, size_t *n)
{
	struct run_record *runs = NULL;
	size_t len = 0, cap = 0;
	int rc;

	for (rc = state_step_first(stmt); rc == SQLITE_ROW;
	     rc = sqlite3_step(stmt)) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			runs = xreallocarray(runs, cap, sizeof *runs);
		}
		if (state_run_read(st, stmt, &runs[len]) < 0)
			goto out_free;
		len++;
	}
	if (rc != SQLITE_DONE) {
		state_sql_error(st, "read runs");
		goto out_free;
	}
	state_stmt_done(stmt);
	*out = runs;
	*n = len;
	return 0;

out_free:
	state_stmt_done(stmt);
	state_runs_free(runs, len);
	return -1;
}

/* Writes every field of r in one transaction, through the insert or the
 * update statement. */
static int
state_run_write(struct state *st, const struct run_record *r,
    enum run_status status, bool update)
{
	sqlite3_stmt *stmt;

	if (r->job == NULL || r->run_id[0] == '\0') {
		state_set_error(st, "a run needs a job name and a run id");
		errno = EINVAL;
		return -1;
	}
	if (state_tx_begin(st) < 0)
		return -1;
	if (update)
		stmt = state_stmt(st, SQ_RUN_UPDATE,
		    "UPDATE runs SET job = ?2, host = ?3, pid = ?4, pgid = ?5,"
		    " status = ?6, exit_code = ?7, signal = ?8,"
		    " start_time = ?9, end_time = ?10, attempts = ?11,"
		    " window_start = ?12, window_end = ?13, scheduled = ?14,"
		    " forced = ?15, params = ?16, log_path = ?17, bytes = ?18,"
		    " failed_step = ?19, reason = ?20 WHERE run_id = ?1");
	else
		stmt = state_stmt(st, SQ_RUN_INSERT,
		    "INSERT INTO runs (" STATE_RUN_COLS ") VALUES (?1, ?2, ?3,"
		    " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
		    " ?16, ?17, ?18, ?19, ?20)");
	if (stmt == NULL)
		goto out_rollback;
	state_run_bind(stmt, r, status);
	if (state_exec_stmt(st, stmt, update ? "update run" : "insert run") < 0)
		goto out_rollback;
	if (update && sqlite3_changes(st->db) == 0) {
		state_set_error(st, "update run %s: no such run", r->run_id);
		errno = ENOENT;
		goto out_rollback;
	}
	return state_tx_commit(st);

out_rollback:
	state_tx_rollback(st);
	return -1;
}

int
state_run_begin(struct state *st, const struct run_record *r)
{
	return state_run_write(st, r, RS_RUNNING, false);
}

int
state_run_update(struct state *st, const struct run_record *r)
{
	return state_run_write(st, r, r->status, true);
}

int
state_run_insert(struct state *st, const struct run_record *r)
{
	return state_run_write(st, r, r->status, false);
}

/* The first row of a STATE_RUN_COLS query: 1, 0 when none, -1. */
static int
state_run_fetch(struct state *st, sqlite3_stmt *stmt, struct run_record *out)
{
	int rc = state_step_first(stmt), found = -1;

	if (rc == SQLITE_ROW)
		found = state_run_read(st, stmt, out) < 0 ? -1 : 1;
	else if (rc == SQLITE_DONE)
		found = 0;
	else
		state_sql_error(st, "read run");
	state_stmt_done(stmt);
	return found;
}

int
state_run_get(struct state *st, const char *job, const char *run_id,
    struct run_record *out)
{
	sqlite3_stmt *stmt;

	memset(out, 0, sizeof *out);
	if (st->db == NULL)
		return 0;
	/* One statement per shape, so that each uses its index. */
	if (run_id != NULL && job != NULL)
		stmt = state_stmt(st, SQ_RUN_BY_ID_JOB,
		    "SELECT " STATE_RUN_COLS " FROM runs"
		    " WHERE run_id = ?1 AND job = ?2");
	else if (run_id != NULL)
		stmt = state_stmt(st, SQ_RUN_BY_ID,
		    "SELECT " STATE_RUN_COLS " FROM runs WHERE run_id = ?1");
	else if (job != NULL)
		stmt = state_stmt(st, SQ_RUN_LATEST,
		    "SELECT " STATE_RUN_COLS
		    " FROM runs WHERE job = ?2" RUN_ORDER " LIMIT 1");
	else
		stmt = state_stmt(st, SQ_RUN_LATEST_ANY,
		    "SELECT " STATE_RUN_COLS " FROM runs" RUN_ORDER " LIMIT 1");
	if (stmt == NULL)
		return -1;
	if (run_id != NULL)
		state_bind_text(stmt, 1, run_id);
	if (job != NULL)
		state_bind_text(stmt, 2, job);
	return state_run_fetch(st, stmt, out);
}

/* The IN list below has one parameter per status. */
_Static_assert(RS_CRASHED == 7, "one parameter per run status");

int
state_run_latest(struct state *st, const char *job, unsigned status_mask,
    double since, struct run_record *out)
{
	sqlite3_stmt *stmt;

	memset(out, 0, sizeof *out);
	if (st->db == NULL)
		return 0;
	stmt = state_stmt(st, SQ_RUN_LATEST_MASK,
	    "SELECT " STATE_RUN_COLS " FROM runs"
	    " WHERE job = ?1 AND start_time >= ?2"
	    " AND status IN (?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)" RUN_ORDER
	    " LIMIT 1");
	if (stmt == NULL)
		return -1;
	state_bind_text(stmt, 1, job);
	sqlite3_bind_double(stmt, 2, since);
	/* A status outside the mask stays NULL, which IN never matches. */
	for (int s = RS_RUNNING; s <= RS_CRASHED; s++) {
		if (status_mask & (1u << s))
			state_bind_text(
			    stmt, 3 + s, run_status_name((enum run_status)s));
	}
	return state_run_fetch(st, stmt, out);
}

int
state_run_last_ended(struct state *st, const char *job, struct run_record *out)
{
	sqlite3_stmt *stmt;

	memset(out, 0, sizeof *out);
	if (st->db == NULL)
		return 0;
	stmt = state_stmt(st, SQ_RUN_LAST_ENDED,
	    "SELECT " STATE_RUN_COLS " FROM runs"
	    " WHERE job = ?1 AND status != 'running'"
	    " ORDER BY end_time DESC, start_time DESC, run_id DESC LIMIT 1");
	if (stmt == NULL)
		return -1;
	state_bind_text(stmt, 1, job);
	return state_run_fetch(st, stmt, out);
}

int
state_run_covering(
    struct state *st, const char *job, time_t t, struct run_record *out)
{
	sqlite3_stmt *stmt;

	memset(out, 0, sizeof *out);
	if (st->db == NULL)
		return 0;
	stmt = state_stmt(st, SQ_RUN_COVERING,
	    "SELECT " STATE_RUN_COLS " FROM runs"
	    " WHERE job = ?1 AND status = 'succeeded'"
	    " AND window_start < ?2 AND window_end >= ?2" RUN_ORDER " LIMIT 1");
	if (stmt == NULL)
		return -1;
	state_bind_text(stmt, 1, job);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)t);
	return state_run_fetch(st, stmt, out);
}

int
state_runs_list(struct state *st, const char *job, size_t limit,
    struct run_record **out, size_t *n)
{
	sqlite3_stmt *stmt;

	*out = NULL;
	*n = 0;
	if (st->db == NULL)
		return 0;
	if (job != NULL)
		stmt = state_stmt(st, SQ_RUNS_JOB,
		    "SELECT " STATE_RUN_COLS
		    " FROM runs WHERE job = ?2" RUN_ORDER " LIMIT ?1");
	else
		stmt = state_stmt(st, SQ_RUNS_ALL,
		    "SELECT " STATE_RUN_COLS " FROM runs" RUN_ORDER
		    " LIMIT ?1");
	if (stmt == NULL)
		return -1;
	/* LIMIT -1: no limit. */
	sqlite3_bind_int64(stmt, 1, limit ? (sqlite3_int64)limit : -1);
	if (job != NULL)
		state_bind_text(stmt, 2, job);
	return state_runs_collect(st, stmt, out, n);
}

int
state_consecutive_failures(struct state *st, const char *job)
{
	sqlite3_stmt *stmt;
	enum run_status s;
	int rc, count = 0;

	if (st->db == NULL)
		return 0;
	stmt = state_stmt(st, SQ_RUN_STATUSES,
	    "SELECT status FROM runs WHERE job = ?1"
	    " AND status NOT IN ('running', 'skipped')" RUN_ORDER);
	if (stmt == NULL)
		return -1;
	state_bind_text(stmt, 1, job);
	for (rc = state_step_first(stmt); rc == SQLITE_ROW;
	     rc = sqlite3_step(stmt)) {
		const char *name = (const char *)sqlite3_column_text(stmt, 0);

		if (name == NULL || run_status_parse(name, &s) < 0) {
			state_set_error(st, "job %s: unknown status \"%s\"",
			    job, name ? name : "");
			count = -1;
			break;
		}
		if (s == RS_SUCCEEDED)
			break;
		if (run_status_is_failure(s))
			count++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		count = state_sql_error(st, "count failures");
	state_stmt_done(stmt);
	return count;
}

int
state_job_names(struct state *st, struct strv *names)
{
	sqlite3_stmt *stmt;
	int rc;

	if (st->db == NULL)
		return 0;
	stmt = state_stmt(
	    st, SQ_JOB_NAMES, "SELECT DISTINCT job FROM runs ORDER BY job");
	if (stmt == NULL)
		return -1;
	for (rc = state_step_first(stmt); rc == SQLITE_ROW;
	     rc = sqlite3_step(stmt)) {
		const char *name = (const char *)sqlite3_column_text(stmt, 0);

		if (name != NULL)
			strv_push(names, name);
	}
	if (rc != SQLITE_DONE)
		rc = state_sql_error(st, "read job names");
	else
		rc = 0;
	state_stmt_done(stmt);
	return rc;
}
