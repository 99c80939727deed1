/*
 * db_pg.h - what the PostgreSQL driver's two files share (internal).
 */
#ifndef SQL2CSV_DB_PG_H
#define SQL2CSV_DB_PG_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "db.h"
#include "script.h"

struct db {
	PGconn *c;
	bool broken;          /* a statement was left half read: no more
	                       * queries */
	bool shortest_floats; /* the server writes floats as numfmt.h does */
};

/* Fills err from an error result of the text sent, whose first line is
 * line of the script.  Returns -1. */
int pg_result_error(struct db *db, const PGresult *res, const char *sent,
    unsigned line, struct db_error *err);
/* Hands the columns of res (a result, or a statement's description) to
 * the sink, and sets kinds[i], how to read column i. */
int pg_columns(const struct db *db, const PGresult *res, enum db_type *kinds,
    const struct db_sink *sink, struct db_error *err);
/* Makes a cell of the text value p (len bytes) of a column of kind. */
void pg_cell(
    enum db_type kind, const char *p, size_t len, struct db_cell *cell);
/* Reads the results of what was sent until the end: rows to the sink,
 * the first error kept. */
int pg_results(struct db *db, const struct script_stmt *st,
    const struct db_sink *sink, struct db_error *err);

/* Whether st can run as COPY (...) TO STDOUT: a query without parameters
 * (COPY takes none). */
bool pg_copy_ok(const struct script_stmt *st);
/* Runs st through COPY: see db_pg_copy.c. */
int pg_copy_statement(struct db *db, const struct script_stmt *st,
    const struct db_sink *sink, struct db_error *err);

#endif
