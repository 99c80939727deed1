/*
 * state_db.h - what the state_*.c files share and nothing else includes:
 * the connection, its error message, a cache of prepared statements and
 * write transactions that wait out other writers.
 */
#ifndef CW_STATE_DB_H
#define CW_STATE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <sqlite3.h>

/* How long a writer waits for another one before giving up, in ms. */
#define STATE_BUSY_TIMEOUT_MS 10000

/* One slot per statement of the cache.  The SQL text stays beside the code
 * that runs it; the slot only names where its prepared form is kept. */
enum state_sql {
	SQ_BEGIN,
	SQ_COMMIT,
	SQ_ROLLBACK,
	SQ_RUN_INSERT,
	SQ_RUN_UPDATE,
	SQ_RUN_BY_ID,
	SQ_RUN_BY_ID_JOB,
	SQ_RUN_LATEST,
	SQ_RUN_LATEST_ANY,
	SQ_RUN_LATEST_MASK,
	SQ_RUN_LAST_ENDED,
	SQ_JOB_NAMES,
	SQ_RUN_COVERING,
	SQ_RUNS_JOB,
	SQ_RUNS_ALL,
	SQ_RUN_STATUSES,
	SQ_RUNNING_JOB,
	SQ_RUNNING_ALL,
	SQ_RUN_CRASH,
	SQ_PRUNE_SELECT,
	SQ_PRUNE_DELETE,
	SQ_ALERT_GET,
	SQ_ALERT_SET,
	SQ_CKPT_GET,
	SQ_CKPT_SET,
	SQ_CKPT_DELETE,
	SQ_COUNT
};

struct state {
	sqlite3 *db; /* NULL: a read-only open of a missing database */
	char *path;  /* state_dir/state.db */
	bool readonly;
	char *err; /* the last error, NULL = none */
	sqlite3_stmt *stmt[SQ_COUNT];
};

/* Sets the error to "PATH: message". */
void state_set_error(struct state *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sets the error to "PATH: what: sqlite3_errmsg()" and returns -1. */
int state_sql_error(struct state *st, const char *what);

/* The prepared statement of slot id (prepared from sql on first use),
 * reset and without bindings; NULL with the error set on failure.  The
 * statement belongs to st: finish with state_stmt_done(), never finalize. */
sqlite3_stmt *state_stmt(struct state *st, enum state_sql id, const char *sql);
/* Resets a statement after use so that it holds no read snapshot and no
 * pointer to the caller's strings (they are bound SQLITE_STATIC). */
void state_stmt_done(sqlite3_stmt *stmt);
void state_stmt_free_all(struct state *st);

/* The first sqlite3_step() of a statement, retried while another process
 * holds a lock that the busy handler does not wait for (WAL recovery, a
 * stale snapshot).  Later steps of the same statement use sqlite3_step(). */
int state_step_first(sqlite3_stmt *stmt);
/* Runs a statement that returns no rows (one step, then done). */
int state_exec_stmt(struct state *st, sqlite3_stmt *stmt, const char *what);

/* A write transaction: BEGIN IMMEDIATE (waiting for other writers), then
 * commit or roll back.  Fails at once on a read-only open. */
int state_tx_begin(struct state *st);
int state_tx_commit(struct state *st);
/* Rolls back, keeping the error already set (errno and message). */
void state_tx_rollback(struct state *st);

/* The columns of a run row, in the order state_run_read() expects and
 * the insert binds (?1 .. ?20). */
#define STATE_RUN_COLS                                                         \
	"run_id, job, host, pid, pgid, status, exit_code, signal,"             \
	" start_time, end_time, attempts, window_start, window_end,"           \
	" scheduled, forced, params, log_path, bytes, failed_step, reason"

struct run_record;

/* Fills *out (zeroed first) from the current row of a STATE_RUN_COLS
 * query.  Fails on a status this cronwrap does not know. */
int state_run_read(
    struct state *st, sqlite3_stmt *stmt, struct run_record *out);
/* Every row of a STATE_RUN_COLS query, in its order, into a new array to
 * free with state_runs_free(); the statement is done afterwards. */
int state_runs_collect(
    struct state *st, sqlite3_stmt *stmt, struct run_record **out, size_t *n);

/* Binds a string, or NULL when s is NULL (bound SQLITE_STATIC). */
int state_bind_text(sqlite3_stmt *stmt, int col, const char *s);
/* A copy of a text column, NULL when the column is NULL. */
char *state_column_dup(sqlite3_stmt *stmt, int col);

#endif
