/*
 * db_pg_copy.c - a query without parameters goes through COPY (...) TO
 * STDOUT, as psql's \copy does.
 *
 * Single-row mode costs the client a result object per row (allocations,
 * a copy of the column descriptions); COPY hands over each row as one
 * buffer of text, which the server has formatted.  With a server on the
 * same machine, that halves the client's CPU per row, and the export keeps
 * pace with psql.  COPY takes no bound parameters, so a query with
 * parameters stays in single-row mode.
 *
 * The statement is first prepared and described (names and types of its
 * columns, which COPY does not send; and whether it returns rows at all),
 * then copied in COPY's text format: fields separated by tabs, rows ended
 * by a newline, NULL written \N, and a backslash before a tab, a newline, a
 * carriage return, a backslash (and \b \f \v): the same text as a result's
 * values, once those escapes are undone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_pg.h"

bool
pg_copy_ok(const struct script_stmt *st)
{
	static const char *const queries[] = {
	    "SELECT", "WITH", "VALUES", "TABLE"};
	size_t i;

	if (st->nparams > 0)
		return false;
	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		if (strcmp(st->words[0], queries[i]) == 0)
			return true;
	return false;
}

/* Undoes COPY's escapes in place; returns the new length. */
static size_t
pg_copy_unescape(char *p, size_t n)
{
	char *start = p, *w = p, *end = p + n;

	for (; p < end; p++) {
		if (*p != '\\' || p + 1 == end) {
			*w++ = *p;
			continue;
		}
		switch (*++p) {
		case 'b':
			*w++ = '\b';
			break;
		case 'f':
			*w++ = '\f';
			break;
		case 'n':
			*w++ = '\n';
			break;
		case 'r':
			*w++ = '\r';
			break;
		case 't':
			*w++ = '\t';
			break;
		case 'v':
			*w++ = '\v';
			break;
		default:
			*w++ = *p; /* \\ and any other character */
			break;
		}
	}
	return (size_t)(w - start);
}

/* Cuts one row of COPY text (which it may change) into cells. */
static int
pg_copy_row(char *row, size_t len, const enum db_type *kinds, int n,
    struct db_cell *cells)
{
	char *p = row, *end = row + len;
	int i;

	if (p < end && end[-1] == '\n')
		end--;
	for (i = 0; i < n; i++) {
		/* The last field ends the row; the others end at a tab. */
		char *tab = memchr(p, '\t', (size_t)(end - p));
		size_t k;

		if ((tab == NULL) != (i == n - 1))
			return -1;
		if (tab == NULL)
			tab = end;
		k = (size_t)(tab - p);
		if (k == 2 && p[0] == '\\' && p[1] == 'N')
			cells[i].type = DB_NULL;
		else {
			if (memchr(p, '\\', k) != NULL)
				k = pg_copy_unescape(p, k);
			pg_cell(kinds[i], p, k, &cells[i]);
		}
		p = tab + (tab < end);
	}
	return 0;
}

/* Reads the rows of the COPY under way, then its final result. */
static int
pg_copy_rows(struct db *db, const struct script_stmt *st,
    const enum db_type *kinds, int n, const struct db_sink *sink,
    struct db_error *err)
{
	struct db_cell *cells = calloc((size_t)n + 1, sizeof(*cells));
	char *buf;
	int len, rc = 0;

	if (cells == NULL)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	while ((len = PQgetCopyData(db->c, &buf, 0)) > 0) {
		if (pg_copy_row(buf, (size_t)len, kinds, n, cells) < 0)
			rc = db_fail(err, CW_FAIL,
			    "line %u: a row of COPY output does not have %d "
			    "fields",
			    st->line, n);
		else
			rc = sink->row(sink->arg, cells, (size_t)n, err);
		PQfreemem(buf);
		if (rc < 0) {
			db->broken = true; /* rows are still coming */
			break;
		}
	}
	free(cells);
	if (len == -2)
		rc = db_fail(err, CW_TEMPFAIL, "line %u: %s", st->line,
		    PQerrorMessage(db->c));
	return rc;
}

/* COPY (query) TO STDOUT, the query's lines kept so that the positions of
 * errors map to the script, and a newline before the parenthesis that
 * closes it in case the query ends with a comment. */
static int
pg_copy_send(struct db *db, const struct script_stmt *st,
    const enum db_type *kinds, int n, const struct db_sink *sink,
    struct db_error *err)
{
	char *sql;
	PGresult *res;
	int rc = 0;

	if (asprintf(&sql, "COPY (%s\n) TO STDOUT", st->sql) < 0)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	if (!PQsendQuery(db->c, sql)) {
		rc = db_fail(err, CW_TEMPFAIL, "line %u: %s", st->line,
		    PQerrorMessage(db->c));
		free(sql);
		return rc;
	}
	while (!db->broken && (res = PQgetResult(db->c)) != NULL) {
		if (PQresultStatus(res) == PGRES_COPY_OUT && rc == 0)
			rc = pg_copy_rows(db, st, kinds, n, sink, err);
		else if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0)
			rc = pg_result_error(db, res, sql, st->line, err);
		PQclear(res);
	}
	free(sql);
	return rc;
}

/* Prepares st unnamed and describes it.  Returns the description, or NULL
 * with err filled. */
static PGresult *
pg_describe(struct db *db, const struct script_stmt *st, struct db_error *err)
{
	PGresult *res = PQprepare(db->c, "", st->sql, 0, NULL);

	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_result_error(db, res, st->sql, st->line, err);
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	res = PQdescribePrepared(db->c, "");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_result_error(db, res, st->sql, st->line, err);
		PQclear(res);
		return NULL;
	}
	return res;
}

int
pg_copy_statement(struct db *db, const struct script_stmt *st,
    const struct db_sink *sink, struct db_error *err)
{
	PGresult *desc = pg_describe(db, st, err);
	enum db_type *kinds = NULL;
	int n, rc = -1;

	if (desc == NULL)
		return -1;
	if ((n = PQnfields(desc)) == 0) {
		/* SELECT ... INTO: no rows; run what was prepared. */
		PQclear(desc);
		if (!PQsendQueryPrepared(db->c, "", 0, NULL, NULL, NULL, 0))
			return db_fail(err, CW_TEMPFAIL, "line %u: %s",
			    st->line, PQerrorMessage(db->c));
		return pg_results(db, st, sink, err);
	}
	if ((kinds = calloc((size_t)n, sizeof(*kinds))) == NULL)
		db_fail(err, CW_TEMPFAIL, "out of memory");
	else if (pg_columns(db, desc, kinds, sink, err) == 0)
		rc = pg_copy_send(db, st, kinds, n, sink, err);
	free(kinds);
	PQclear(desc);
	return rc;
}
