/*
 * db_pg.c - the PostgreSQL driver (libpq).
 *
 * The script is cut into statements by script.c, as psql would cut it, and
 * each is sent with the extended protocol (PQsendQueryParams), which carries
 * the :name parameters as bound values ($1, $2, ...) whose types the server
 * infers.  Single-row mode hands the rows over one at a time as they arrive,
 * so memory does not grow with the row count.
 *
 * The session is set to what the CSV expects: ISO dates, UTC (a script may
 * set another zone; timestamps then carry its offset), bytea in hex.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_pg.h"

/* Type OIDs of the built-in types (catalog/pg_type_d.h, which only the
 * server's headers install); they are fixed. */
#define PG_BOOL 16
#define PG_BYTEA 17
#define PG_INT8 20
#define PG_INT2 21
#define PG_INT4 23
#define PG_TEXT 25
#define PG_OID 26
#define PG_JSON 114
#define PG_FLOAT4 700
#define PG_FLOAT8 701
#define PG_BPCHAR 1042
#define PG_VARCHAR 1043
#define PG_DATE 1082
#define PG_TIME 1083
#define PG_TIMESTAMP 1114
#define PG_TIMESTAMPTZ 1184
#define PG_INTERVAL 1186
#define PG_NUMERIC 1700
#define PG_UUID 2950
#define PG_JSONB 3802

struct pg_type {
	Oid oid;
	const char *name;
	enum db_type kind;
};

static const struct pg_type pg_types[] = {
    {PG_BOOL, "boolean", DB_BOOL},
    {PG_BYTEA, "bytea", DB_HEX},
    {PG_INT8, "bigint", DB_NUMBER},
    {PG_INT2, "smallint", DB_NUMBER},
    {PG_INT4, "integer", DB_NUMBER},
    {PG_TEXT, "text", DB_TEXT},
    {PG_OID, "oid", DB_NUMBER},
    {PG_JSON, "json", DB_TEXT},
    {PG_FLOAT4, "real", DB_FLOAT_TEXT},
    {PG_FLOAT8, "double precision", DB_DOUBLE_TEXT},
    {PG_BPCHAR, "character", DB_TEXT},
    {PG_VARCHAR, "character varying", DB_TEXT},
    {PG_DATE, "date", DB_TEXT},
    {PG_TIME, "time", DB_TEXT},
    {PG_TIMESTAMP, "timestamp", DB_TIMESTAMP},
    {PG_TIMESTAMPTZ, "timestamptz", DB_TIMESTAMP},
    {PG_INTERVAL, "interval", DB_TEXT},
    {PG_NUMERIC, "numeric", DB_NUMBER},
    {PG_UUID, "uuid", DB_TEXT},
    {PG_JSONB, "jsonb", DB_TEXT},
};

static const struct pg_type *
pg_type_find(Oid oid)
{
	size_t i;

	for (i = 0; i < sizeof(pg_types) / sizeof(pg_types[0]); i++)
		if (pg_types[i].oid == oid)
			return &pg_types[i];
	return NULL;
}

/* Why the connection failed decides whether to retry: a server that does
 * not answer may come back; one that answers and refuses (password,
 * database name) will refuse again. */
static enum cw_status
pg_connect_status(const char *const *kw, const char *const *val)
{
	switch (PQpingParams(kw, val, 1)) {
	case PQPING_OK:
	case PQPING_NO_ATTEMPT:
		return CW_FAIL;
	default:
		return CW_TEMPFAIL;
	}
}

static int
pg_exec(struct db *db, const char *sql, struct db_error *err)
{
	PGresult *res = PQexec(db->c, sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = db_fail(err,
		    PQstatus(db->c) == CONNECTION_BAD ? CW_TEMPFAIL : CW_FAIL,
		    "%s: %s", sql, PQerrorMessage(db->c));
	PQclear(res);
	return rc;
}

/* Appends keyword k with value v, unless v is NULL. */
static void
pg_kw(
    const char **kw, const char **val, size_t *n, const char *k, const char *v)
{
	if (v == NULL)
		return;
	kw[*n] = k;
	val[(*n)++] = v;
}

static struct db *
pg_open(const struct db_conf *conf, struct db_error *err)
{
	const char *kw[12], *val[12];
	char port[24], timeout[24];
	struct db *db;
	size_t n = 0;

	snprintf(port, sizeof(port), "%ld", conf->port);
	snprintf(timeout, sizeof(timeout), "%d", conf->connect_timeout);
	/* The first dbname may be a whole connection string; the keywords
	 * after it override what it says. */
	pg_kw(kw, val, &n, "dbname", conf->conninfo);
	pg_kw(kw, val, &n, "host", conf->host);
	pg_kw(kw, val, &n, "port", conf->port > 0 ? port : NULL);
	pg_kw(kw, val, &n, "user", conf->user);
	pg_kw(kw, val, &n, "dbname", conf->database);
	pg_kw(kw, val, &n, "password", conf->password);
	pg_kw(kw, val, &n, "connect_timeout", timeout);
	pg_kw(kw, val, &n, "application_name", "cronwrap-sql2csv");
	pg_kw(kw, val, &n, "client_encoding", "UTF8");
	kw[n] = val[n] = NULL;
	if (conf->service_file != NULL)
		setenv("PGSERVICEFILE", conf->service_file, 1);
	if ((db = calloc(1, sizeof(*db))) == NULL) {
		db_fail(err, CW_TEMPFAIL, "out of memory");
		return NULL;
	}
	db->c = PQconnectdbParams(kw, val, 1);
	if (PQstatus(db->c) != CONNECTION_OK) {
		db_fail(err, pg_connect_status(kw, val), "%s",
		    PQerrorMessage(db->c));
		PQfinish(db->c);
		free(db);
		return NULL;
	}
	/* Since PostgreSQL 12, extra_float_digits = 1 writes the shortest
	 * exact text of a float, laid out as numfmt.c does: it is copied as
	 * it is, which saves parsing and formatting each one again. */
	db->shortest_floats = PQserverVersion(db->c) >= 120000;
	if (pg_exec(db,
	        "SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; "
	        "SET bytea_output = 'hex'; SET extra_float_digits = 1",
	        err) < 0) {
		PQfinish(db->c);
		free(db);
		return NULL;
	}
	return db;
}

static void
pg_close(struct db *db)
{
	if (db == NULL)
		return;
	PQfinish(db->c);
	free(db);
}

/* Worth a retry: connection trouble (08), serialization failure and
 * deadlock (40001, 40P01), insufficient resources (53), operator
 * intervention (57: shutdown, cancel), lock not available (55P03). */
static enum cw_status
pg_sqlstate_status(const char *state)
{
	if (state == NULL)
		return CW_FAIL;
	if (strncmp(state, "08", 2) == 0 || strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0 || strncmp(state, "53", 2) == 0 ||
	    strncmp(state, "57", 2) == 0 || strcmp(state, "55P03") == 0)
		return CW_TEMPFAIL;
	return CW_FAIL;
}

/* The script line of the error's position (1-based, in characters) in
 * the text sent, whose first line is line. */
static unsigned
pg_error_line(const PGresult *res, const char *sent, unsigned line)
{
	const char *pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
	const unsigned char *p = (const unsigned char *)sent;
	long chars;

	if (pos == NULL || (chars = strtol(pos, NULL, 10)) <= 0)
		return line;
	for (; *p != '\0'; p++) {
		/* UTF-8 continuation bytes do not start a character. */
		if ((*p & 0xc0) != 0x80 && --chars == 0)
			break;
		line += *p == '\n';
	}
	return line;
}

int
pg_result_error(struct db *db, const PGresult *res, const char *sent,
    unsigned line, struct db_error *err)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
	enum cw_status status = pg_sqlstate_status(state);

	if (PQstatus(db->c) == CONNECTION_BAD)
		status = CW_TEMPFAIL;
	if (msg == NULL)
		return db_fail(
		    err, status, "line %u: %s", line, PQerrorMessage(db->c));
	return db_fail(err, status, "line %u: %s (SQLSTATE %s)%s%s%s%s",
	    pg_error_line(res, sent, line), msg, state != NULL ? state : "?",
	    detail != NULL ? "; DETAIL: " : "", detail != NULL ? detail : "",
	    hint != NULL ? "; HINT: " : "", hint != NULL ? hint : "");
}

int
pg_columns(const struct db *db, const PGresult *res, enum db_type *kinds,
    const struct db_sink *sink, struct db_error *err)
{
	int i, n = PQnfields(res), rc;
	struct db_column *cols = calloc((size_t)n + 1, sizeof(*cols));
	const struct pg_type *t;

	if (cols == NULL)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	for (i = 0; i < n; i++) {
		t = pg_type_find(PQftype(res, i));
		cols[i].name = PQfname(res, i);
		cols[i].type = t != NULL ? t->name : "other";
		kinds[i] = t != NULL ? t->kind : DB_TEXT;
		if (db->shortest_floats &&
		    (kinds[i] == DB_DOUBLE_TEXT || kinds[i] == DB_FLOAT_TEXT))
			kinds[i] = DB_NUMBER;
	}
	rc = sink->columns(sink->arg, cols, (size_t)n, err);
	free(cols);
	return rc;
}

void
pg_cell(enum db_type kind, const char *p, size_t len, struct db_cell *cell)
{
	cell->type = kind;
	cell->p = p;
	cell->len = len;
	if (kind == DB_BOOL)
		cell->v.b = p[0] == 't';
	else if (kind == DB_HEX && len >= 2 && p[0] == '\\' && p[1] == 'x') {
		cell->p += 2;
		cell->len -= 2;
	}
}

static int
pg_row(const PGresult *res, const enum db_type *kinds, struct db_cell *cells,
    const struct db_sink *sink, struct db_error *err)
{
	int i, n = PQnfields(res);

	for (i = 0; i < n; i++) {
		if (PQgetisnull(res, 0, i))
			cells[i].type = DB_NULL;
		else
			pg_cell(kinds[i], PQgetvalue(res, 0, i),
			    (size_t)PQgetlength(res, 0, i), &cells[i]);
	}
	return sink->row(sink->arg, cells, (size_t)n, err);
}

/* The values of the statement's parameters, in $1, $2, ... order. */
static const char **
pg_values(const struct script_stmt *st, const struct db_conf *conf,
    char (*bufs)[32], struct db_error *err)
{
	const char **values = calloc(st->nparams + 1, sizeof(*values));
	size_t k;

	if (values == NULL) {
		db_fail(err, CW_TEMPFAIL, "out of memory");
		return NULL;
	}
	for (k = 0; k < st->nparams; k++) {
		values[k] = db_param_value(&conf->params[st->params[k]], false,
		    bufs[k], sizeof(bufs[k]), err);
		if (values[k] == NULL) {
			free(values);
			return NULL;
		}
	}
	return values;
}

/* The first result of a statement returning rows: its columns. */
static int
pg_start(const struct db *db, const PGresult *res, enum db_type **kinds,
    struct db_cell **cells, const struct db_sink *sink, struct db_error *err)
{
	size_t n = (size_t)PQnfields(res);

	if ((*kinds = calloc(n + 1, sizeof(**kinds))) == NULL ||
	    (*cells = calloc(n + 1, sizeof(**cells))) == NULL)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	return pg_columns(db, res, *kinds, sink, err);
}

/* Reads the results of the statement sent: rows to the sink, the first
 * error kept.  Stops early, leaving the connection unusable, when the sink
 * fails or the server wants COPY data. */
int
pg_results(struct db *db, const struct script_stmt *st,
    const struct db_sink *sink, struct db_error *err)
{
	enum db_type *kinds = NULL;
	struct db_cell *cells = NULL;
	PGresult *res;
	int rc = 0;

	while (!db->broken && (res = PQgetResult(db->c)) != NULL) {
		switch (PQresultStatus(res)) {
		case PGRES_SINGLE_TUPLE:
		case PGRES_TUPLES_OK:
			if (rc == 0 && kinds == NULL)
				rc = pg_start(
				    db, res, &kinds, &cells, sink, err);
			if (rc == 0 &&
			    PQresultStatus(res) == PGRES_SINGLE_TUPLE)
				rc = pg_row(res, kinds, cells, sink, err);
			if (rc < 0)
				db->broken = true;
			break;
		case PGRES_COMMAND_OK:
		case PGRES_EMPTY_QUERY:
			break;
		case PGRES_COPY_OUT:
		case PGRES_COPY_IN:
		case PGRES_COPY_BOTH:
			rc = db_fail(err, CW_FAIL,
			    "line %u: COPY to or from the client is not "
			    "supported; a plain SELECT streams as fast",
			    st->line);
			db->broken = true;
			break;
		default:
			if (rc == 0)
				rc = pg_result_error(
				    db, res, st->sql, st->line, err);
			break;
		}
		PQclear(res);
	}
	free(kinds);
	free(cells);
	return rc;
}

static int
pg_statement(struct db *db, const struct script_stmt *st,
    const struct db_conf *conf, const struct db_sink *sink,
    struct db_error *err)
{
	char(*bufs)[32] = calloc(st->nparams + 1, sizeof(*bufs));
	const char **values = NULL;
	int rc = -1;

	if (bufs == NULL)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	if (pg_copy_ok(st)) {
		rc = pg_copy_statement(db, st, sink, err);
		goto out;
	}
	if ((values = pg_values(st, conf, bufs, err)) == NULL)
		goto out;
	if (!PQsendQueryParams(db->c, st->sql, (int)st->nparams, NULL, values,
	        NULL, NULL, 0)) {
		db_fail(err,
		    PQstatus(db->c) == CONNECTION_BAD ? CW_TEMPFAIL : CW_FAIL,
		    "line %u: %s", st->line, PQerrorMessage(db->c));
		goto out;
	}
	PQsetSingleRowMode(db->c);
	rc = pg_results(db, st, sink, err);
out:
	free(values);
	free(bufs);
	return rc;
}

static bool
pg_word(const struct script_stmt *st, int i, const char *w)
{
	return strcmp(st->words[i], w) == 0;
}

/* In a dry run, statements that would end the transaction to be rolled
 * back are refused before they run.  (CALL and DO cannot commit inside a
 * transaction block: the server refuses.) */
static int
pg_dry_check(const struct script_stmt *st, struct db_error *err)
{
	if (pg_word(st, 0, "BEGIN") || pg_word(st, 0, "START") ||
	    pg_word(st, 0, "COMMIT") || pg_word(st, 0, "END") ||
	    pg_word(st, 0, "ABORT") ||
	    (pg_word(st, 0, "ROLLBACK") && !pg_word(st, 1, "TO")) ||
	    (pg_word(st, 0, "PREPARE") && pg_word(st, 1, "TRANSACTION")))
		return db_fail(err, CW_FAIL,
		    "line %u: %s: a dry run runs the script in a transaction "
		    "it rolls back; the script may not end it",
		    st->line, st->words[0]);
	return 0;
}

static int
pg_statements(struct db *db, const struct script *s, const struct db_conf *conf,
    const struct db_sink *sink, struct db_error *err)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (conf->dry_run && pg_dry_check(&s->stmts[i], err) < 0)
			return -1;
		if (pg_statement(db, &s->stmts[i], conf, sink, err) < 0)
			return -1;
		if (conf->dry_run &&
		    PQtransactionStatus(db->c) != PQTRANS_INTRANS)
			return db_fail(err, CW_FAIL,
			    "line %u: the statement ended the dry run's "
			    "transaction",
			    s->stmts[i].line);
	}
	return 0;
}

static int
pg_run(struct db *db, const char *text, const struct db_conf *conf,
    const struct db_sink *sink, struct db_error *err)
{
	const char **names = calloc(conf->nparams + 1, sizeof(*names));
	struct script s;
	size_t i;
	int rc = -1;

	if (names == NULL)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	for (i = 0; i < conf->nparams; i++)
		names[i] = conf->params[i].name;
	if (script_parse(&s, text, SCRIPT_PG, names, conf->nparams) < 0) {
		db_fail(err, CW_TEMPFAIL, "out of memory");
		goto out;
	}
	if (conf->dry_run && pg_exec(db, "BEGIN", err) < 0)
		goto out;
	rc = pg_statements(db, &s, conf, sink, err);
	if (conf->dry_run && !db->broken &&
	    PQtransactionStatus(db->c) != PQTRANS_IDLE) {
		struct db_error e2;

		if (pg_exec(db, "ROLLBACK", &e2) < 0 && rc == 0) {
			*err = e2;
			rc = -1;
		}
	}
out:
	script_free(&s);
	free(names);
	return rc;
}

const struct db_driver db_pg_driver = {
    .name = "postgresql",
    .open = pg_open,
    .run = pg_run,
    .close = pg_close,
};
