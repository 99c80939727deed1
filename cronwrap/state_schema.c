/*
 * state_schema.c - the tables of the state database and the steps that
 * build them.  A later schema adds a step to the table below; it never
 * edits an earlier one, since databases in the field were made by it.
 */
#include <stdio.h>
#include <string.h>

#include "state_db.h"
#include "state_schema.h"

/* v1: run history, alert state, checkpoints.  The status is stored by
 * name, so that the file reads well in sqlite3(1) and does not depend on
 * the order of enum run_status.  Runs are keyed by their ULID, which sorts
 * by time, so rows are appended at the end of the table. */
static const char schema_v1[] =
    "CREATE TABLE runs ("
    " run_id TEXT NOT NULL PRIMARY KEY,"
    " job TEXT NOT NULL,"
    " host TEXT,"
    " pid INTEGER NOT NULL,"
    " pgid INTEGER NOT NULL DEFAULT 0,"
    " status TEXT NOT NULL,"
    " exit_code INTEGER NOT NULL DEFAULT -1,"
    " signal INTEGER NOT NULL DEFAULT 0,"
    " start_time REAL NOT NULL,"
    " end_time REAL NOT NULL DEFAULT 0,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " window_start INTEGER," /* NULL: the run has no window */
    " window_end INTEGER,"
    " scheduled INTEGER NOT NULL DEFAULT 0,"
    " forced INTEGER NOT NULL DEFAULT 0,"
    " params TEXT,"
    " log_path TEXT,"
    " bytes INTEGER NOT NULL DEFAULT 0,"
    " failed_step TEXT,"
    " reason TEXT"
    ") WITHOUT ROWID;"
    "CREATE INDEX runs_job_start ON runs (job, start_time);"
    /* Crash detection looks for running rows on every run: keep them in
     * a small index of their own. */
    "CREATE INDEX runs_running ON runs (job) WHERE status = 'running';"
    "CREATE TABLE alert_state ("
    " job TEXT NOT NULL PRIMARY KEY,"
    " failures_alerted INTEGER NOT NULL DEFAULT 0,"
    " last_mail REAL NOT NULL DEFAULT 0,"
    " in_alert INTEGER NOT NULL DEFAULT 0,"
    " last_run_id TEXT NOT NULL DEFAULT ''"
    ") WITHOUT ROWID;"
    "CREATE TABLE checkpoints ("
    " job TEXT NOT NULL,"
    " key TEXT NOT NULL,"
    " value TEXT NOT NULL,"
    " updated REAL NOT NULL,"
    " PRIMARY KEY (job, key)"
    ") WITHOUT ROWID;";

/* The last version here is STATE_SCHEMA_VERSION (a unit test checks). */
static const struct state_migration state_migrations[] = {
    {1, schema_v1},
};

#define NMIGRATIONS (sizeof state_migrations / sizeof state_migrations[0])

int
state_schema_version(struct state *st, int *version)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (sqlite3_prepare_v2(
	        st->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
		return state_sql_error(st, "read schema version");
	rc = state_step_first(stmt);
	if (rc != SQLITE_ROW) {
		state_sql_error(st, "read schema version");
		sqlite3_finalize(stmt);
		return -1;
	}
	*version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

/* Runs one step and records its version, inside the caller's
 * transaction. */
static int
state_schema_step(struct state *st, const struct state_migration *m)
{
	char sql[64], what[64];

	(void)snprintf(what, sizeof what, "migrate to schema v%d", m->version);
	if (sqlite3_exec(st->db, m->sql, NULL, NULL, NULL) != SQLITE_OK)
		return state_sql_error(st, what);
	/* A pragma takes no parameters; the number is ours, not input. */
	(void)snprintf(sql, sizeof sql, "PRAGMA user_version = %d", m->version);
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return state_sql_error(st, what);
	return 0;
}

static int
state_schema_newer(struct state *st, int version, int known)
{
	state_set_error(st,
	    "schema version %d is newer than this cronwrap knows (%d); "
	    "upgrade cronwrap to use this database",
	    version, known);
	return -1;
}

int
state_schema_upgrade(
    struct state *st, const struct state_migration *steps, size_t n)
{
	int version = 0, known = steps[n - 1].version;

	/* The version is read again under the write lock: another process
	 * may have migrated since this one looked. */
	if (state_tx_begin(st) < 0)
		return -1;
	if (state_schema_version(st, &version) < 0)
		goto out_rollback;
	if (version > known) {
		state_schema_newer(st, version, known);
		goto out_rollback;
	}
	for (size_t i = 0; i < n; i++) {
		if (steps[i].version > version &&
		    state_schema_step(st, &steps[i]) < 0)
			goto out_rollback;
	}
	return state_tx_commit(st);

out_rollback:
	state_tx_rollback(st);
	return -1;
}

/* WAL lets the readers (status, preconditions) run beside the one writer.
 * The mode is stored in the file, so only a database being created or
 * migrated needs this. */
static int
state_schema_wal(struct state *st)
{
	sqlite3_stmt *stmt = NULL;
	const char *mode;
	int rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &stmt,
	        NULL) != SQLITE_OK)
		return state_sql_error(st, "set WAL journal");
	rc = state_step_first(stmt);
	if (rc != SQLITE_ROW) {
		state_sql_error(st, "set WAL journal");
		sqlite3_finalize(stmt);
		return -1;
	}
	mode = (const char *)sqlite3_column_text(stmt, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		state_set_error(st, "set WAL journal: the journal stays \"%s\"",
		    mode ? mode : "?");
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

int
state_schema_open(struct state *st)
{
	int version = 0;

	if (state_schema_version(st, &version) < 0)
		return -1;
	if (version == STATE_SCHEMA_VERSION)
		return 0;
	if (version > STATE_SCHEMA_VERSION)
		return state_schema_newer(st, version, STATE_SCHEMA_VERSION);
	if (st->readonly) {
		/* Created by a writer that has not migrated it yet. */
		if (version == 0)
			return 1;
		state_set_error(st,
		    "schema version %d is older than this cronwrap's (%d); "
		    "the next run of a job upgrades it",
		    version, STATE_SCHEMA_VERSION);
		return -1;
	}
	if (state_schema_wal(st) < 0)
		return -1;
	return state_schema_upgrade(st, state_migrations, NMIGRATIONS);
}
