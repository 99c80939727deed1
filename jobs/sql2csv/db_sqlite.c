/*
 * db_sqlite.c - the SQLite driver.
 *
 * sqlite3_prepare_v2() compiles the first statement of the text and points
 * at the rest, so the script is cut by SQLite itself, and each statement is
 * prepared only once the ones before it have run (a temporary table exists
 * by the time a later statement names it).  Rows come one sqlite3_step()
 * at a time: memory does not grow with the row count.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"

struct db {
	sqlite3 *h;
};

static enum cw_status
sq_status(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_NOMEM:
		return CW_TEMPFAIL;
	default:
		return CW_FAIL;
	}
}

static struct db *
sq_open(const struct db_conf *conf, struct db_error *err)
{
	struct db *db;
	int rc;

	if ((db = calloc(1, sizeof(*db))) == NULL) {
		db_fail(err, CW_TEMPFAIL, "out of memory");
		return NULL;
	}
	/* Never create a missing database: that is a mistake to report.
	 * A file the user may not write is opened read-only by SQLite. */
	rc = sqlite3_open_v2(
	    conf->database, &db->h, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		db_fail(err, sq_status(rc), "%s: %s", conf->database,
		    db->h != NULL ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		sqlite3_close(db->h);
		free(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db->h, 1);
	/* A writer holding the database: wait for it as long as one would
	 * wait for a server to answer. */
	sqlite3_busy_timeout(db->h, conf->connect_timeout * 1000);
	return db;
}

static void
sq_close(struct db *db)
{
	if (db == NULL)
		return;
	sqlite3_close(db->h);
	free(db);
}

/* Binds the statement's :name parameters to their values. */
static int
sq_bind(sqlite3_stmt *st, const struct db_conf *conf, unsigned line,
    struct db_error *err)
{
	int i, n = sqlite3_bind_parameter_count(st);
	char buf[32];

	for (i = 1; i <= n; i++) {
		const char *name = sqlite3_bind_parameter_name(st, i), *value;
		const struct db_param *p;

		if (name == NULL || name[0] == '?')
			return db_fail(err, CW_FAIL,
			    "line %u: positional parameters (?) are not "
			    "supported; use :name",
			    line);
		p = db_param_find(conf, name + 1, strlen(name + 1));
		if (p == NULL)
			return db_fail(err, CW_FAIL,
			    "line %u: unknown parameter %s (give it with "
			    "--param %s=VALUE or the params setting)",
			    line, name, name + 1);
		value = db_param_value(p, true, buf, sizeof(buf), err);
		if (value == NULL)
			return -1;
		if (sqlite3_bind_text(st, i, value, -1, SQLITE_TRANSIENT) !=
		    SQLITE_OK)
			return db_fail(err, CW_TEMPFAIL, "out of memory");
	}
	return 0;
}

static int
sq_columns(
    sqlite3_stmt *st, int n, const struct db_sink *sink, struct db_error *err)
{
	struct db_column *cols = calloc((size_t)n, sizeof(*cols));
	const char *t;
	int i, rc;

	if (cols == NULL)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	for (i = 0; i < n; i++) {
		cols[i].name = sqlite3_column_name(st, i);
		t = sqlite3_column_decltype(st, i);
		cols[i].type = t != NULL ? t : "";
	}
	rc = sink->columns(sink->arg, cols, (size_t)n, err);
	free(cols);
	return rc;
}

static void
sq_cell(sqlite3_stmt *st, int i, struct db_cell *c)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		c->type = DB_INT;
		c->v.i = sqlite3_column_int64(st, i);
		break;
	case SQLITE_FLOAT:
		c->type = DB_DOUBLE;
		c->v.d = sqlite3_column_double(st, i);
		break;
	case SQLITE_TEXT:
		c->type = DB_TEXT;
		c->p = (const char *)sqlite3_column_text(st, i);
		c->len = (size_t)sqlite3_column_bytes(st, i);
		break;
	case SQLITE_BLOB:
		c->type = DB_BLOB;
		c->p = sqlite3_column_blob(st, i);
		c->len = (size_t)sqlite3_column_bytes(st, i);
		break;
	default:
		c->type = DB_NULL;
		break;
	}
}

/* Steps through the rows of a prepared statement. */
static int
sq_rows(struct db *db, sqlite3_stmt *st, unsigned line,
    const struct db_sink *sink, struct db_error *err)
{
	int i, n = sqlite3_column_count(st), rc;
	struct db_cell *cells;

	if (n > 0 && sq_columns(st, n, sink, err) < 0)
		return -1;
	if ((cells = calloc(n > 0 ? (size_t)n : 1, sizeof(*cells))) == NULL)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < n; i++)
			sq_cell(st, i, &cells[i]);
		if (sink->row(sink->arg, cells, (size_t)n, err) < 0)
			break;
	}
	free(cells);
	if (rc == SQLITE_ROW)
		return -1;
	if (rc != SQLITE_DONE)
		return db_fail(err, sq_status(rc), "line %u: %s", line,
		    sqlite3_errmsg(db->h));
	return 0;
}

/* The line of the first thing that is not a blank at or after p. */
static unsigned
sq_stmt_line(const char *script, const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return db_line_at(script, (size_t)(p - script));
}

static int
sq_statement(struct db *db, const char *script, const char **tail,
    const struct db_conf *conf, const struct db_sink *sink,
    struct db_error *err)
{
	sqlite3_stmt *st = NULL;
	const char *next;
	unsigned line = sq_stmt_line(script, *tail);
	int rc;

	rc = sqlite3_prepare_v2(db->h, *tail, -1, &st, &next);
	if (rc != SQLITE_OK) {
		int off = sqlite3_error_offset(db->h);

		if (off >= 0)
			line = db_line_at(
			    script, (size_t)(*tail - script) + (size_t)off);
		return db_fail(err, sq_status(rc), "line %u: %s", line,
		    sqlite3_errmsg(db->h));
	}
	*tail = next;
	if (st == NULL) /* only blanks or comments */
		return 0;
	rc = sq_bind(st, conf, line, err);
	if (rc == 0)
		rc = sq_rows(db, st, line, sink, err);
	sqlite3_finalize(st);
	return rc;
}

static int
sq_exec(struct db *db, const char *sql, struct db_error *err)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return db_fail(
		    err, sq_status(rc), "%s: %s", sql, sqlite3_errmsg(db->h));
	return 0;
}

/* In a dry run, the script may not end the transaction that will be
 * rolled back: BEGIN, COMMIT, END and ROLLBACK are refused when prepared
 * (savepoints, which nest inside it, are fine). */
static int
sq_authorize(void *arg, int action, const char *a, const char *b, const char *c,
    const char *d)
{
	(void)arg;
	(void)a;
	(void)b;
	(void)c;
	(void)d;
	return action == SQLITE_TRANSACTION ? SQLITE_DENY : SQLITE_OK;
}

static int
sq_run(struct db *db, const char *script, const struct db_conf *conf,
    const struct db_sink *sink, struct db_error *err)
{
	const char *tail = script;
	int rc = 0;

	if (conf->dry_run) {
		if (sq_exec(db, "BEGIN", err) < 0)
			return -1;
		sqlite3_set_authorizer(db->h, sq_authorize, NULL);
	}
	while (rc == 0 && *tail != '\0')
		rc = sq_statement(db, script, &tail, conf, sink, err);
	/* Rolls back what the script did, and anything it left open. */
	sqlite3_set_authorizer(db->h, NULL, NULL);
	if (conf->dry_run && sqlite3_get_autocommit(db->h) == 0) {
		struct db_error e2;

		if (sq_exec(db, "ROLLBACK", &e2) < 0 && rc == 0) {
			*err = e2;
			rc = -1;
		}
	}
	return rc;
}

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    .open = sq_open,
    .run = sq_run,
    .close = sq_close,
};
