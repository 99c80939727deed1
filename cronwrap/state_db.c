/*
 * state_db.c - the connection plumbing of the state database: errors that
 * name the file, the statement cache, retried steps and write transactions.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "state_db.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

void
state_set_error(struct state *st, const char *fmt, ...)
{
	int saved = errno;
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	free(st->err);
	st->err = xasprintf("%s: %s", st->path, msg ? msg : fmt);
	free(msg);
	errno = saved;
}

int
state_sql_error(struct state *st, const char *what)
{
	const char *why = st->db ? sqlite3_errmsg(st->db) : "no database";

	state_set_error(st, "%s: %s", what, why);
	return -1;
}

sqlite3_stmt *
state_stmt(struct state *st, enum state_sql id, const char *sql)
{
	sqlite3_stmt *stmt = st->stmt[id];

	if (stmt != NULL) {
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
		return stmt;
	}
	/* Persistent: these live as long as the connection, and a run uses
	 * each one once or twice, so preparing lazily keeps open cheap. */
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	        &stmt, NULL) != SQLITE_OK) {
		state_sql_error(st, "prepare statement");
		sqlite3_finalize(stmt);
		return NULL;
	}
	st->stmt[id] = stmt;
	return stmt;
}

void
state_stmt_done(sqlite3_stmt *stmt)
{
	if (stmt == NULL)
		return;
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

void
state_stmt_free_all(struct state *st)
{
	for (int i = 0; i < SQ_COUNT; i++) {
		sqlite3_finalize(st->stmt[i]);
		st->stmt[i] = NULL;
	}
}

/* Sleeps a little longer each time, with a pid-dependent offset so that
 * processes that collided once do not collide again in step. */
static void
state_backoff(unsigned *delay_us)
{
	unsigned us = *delay_us + (unsigned)getpid() % 500;
	struct timespec ts = {0, (long)us * 1000};

	nanosleep(&ts, NULL);
	if (*delay_us < 50000)
		*delay_us *= 2;
}

int
state_step_first(sqlite3_stmt *stmt)
{
	double deadline = now_mono() + STATE_BUSY_TIMEOUT_MS / 1000.0;
	unsigned delay_us = 1000;
	int rc;

	/* The busy handler already waited for ordinary lock holders; what is
	 * left are the cases SQLite reports at once.  Restarting is safe: this
	 * is the statement's first step, so nothing was returned yet. */
	while (
	    (rc = sqlite3_step(stmt)) == SQLITE_BUSY && now_mono() < deadline) {
		sqlite3_reset(stmt);
		state_backoff(&delay_us);
	}
	return rc;
}

int
state_exec_stmt(struct state *st, sqlite3_stmt *stmt, const char *what)
{
	int rc = state_step_first(stmt);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		state_sql_error(st, what);
		state_stmt_done(stmt);
		return -1;
	}
	state_stmt_done(stmt);
	return 0;
}

int
state_tx_begin(struct state *st)
{
	sqlite3_stmt *stmt;

	if (st->readonly || st->db == NULL) {
		state_set_error(st, "opened read-only");
		errno = EROFS;
		return -1;
	}
	stmt = state_stmt(st, SQ_BEGIN, "BEGIN IMMEDIATE");
	if (stmt == NULL)
		return -1;
	return state_exec_stmt(st, stmt, "begin transaction");
}

int
state_tx_commit(struct state *st)
{
	sqlite3_stmt *stmt = state_stmt(st, SQ_COMMIT, "COMMIT");

	if (stmt == NULL || state_exec_stmt(st, stmt, "commit") < 0) {
		state_tx_rollback(st);
		return -1;
	}
	return 0;
}

void
state_tx_rollback(struct state *st)
{
	int saved = errno;
	char *why = st->err;
	sqlite3_stmt *stmt;

	/* After some errors SQLite has rolled back by itself already. */
	if (sqlite3_get_autocommit(st->db))
		return;
	/* The caller's error is the one to report, not one of the rollback. */
	st->err = NULL;
	stmt = state_stmt(st, SQ_ROLLBACK, "ROLLBACK");
	if (stmt != NULL) {
		sqlite3_step(stmt);
		state_stmt_done(stmt);
	}
	free(st->err);
	st->err = why;
	errno = saved;
}

int
state_bind_text(sqlite3_stmt *stmt, int col, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(stmt, col);
	return sqlite3_bind_text(stmt, col, s, -1, SQLITE_STATIC);
}

char *
state_column_dup(sqlite3_stmt *stmt, int col)
{
	const unsigned char *s = sqlite3_column_text(stmt, col);

	return s ? xstrdup((const char *)s) : NULL;
}
