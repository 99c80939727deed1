/*
 * db_mysql.c - the MySQL/MariaDB driver (libmariadb).
 *
 * The server cuts the script itself: it goes as one multi-statement query
 * (CLIENT_MULTI_STATEMENTS), whose results are read in turn with
 * mysql_next_result(), each streamed row by row with mysql_use_result().
 * The :name parameters become user variables (@name), set beforehand by a
 * prepared "SET @name = ?" with the value bound, never in the text.
 *
 * The session runs in UTC (time_zone '+00:00'), in utf8mb4.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "db.h"
#include "script.h"

#define MY_BINARY_CHARSET 63 /* charsetnr of binary strings */

struct db {
	MYSQL *m;
};

/* Worth a retry: the server is down, unreachable, gone, overloaded or
 * shutting down, or the statement lost a deadlock or a lock wait. */
static enum cw_status
my_status(unsigned e)
{
	switch (e) {
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_UNKNOWN_HOST:
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_SERVER_LOST_EXTENDED:
	case ER_CON_COUNT_ERROR:
	case ER_TOO_MANY_USER_CONNECTIONS:
	case ER_OUT_OF_RESOURCES:
	case ER_SERVER_SHUTDOWN:
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		return CW_TEMPFAIL;
	default:
		return CW_FAIL;
	}
}

static int
my_error(struct db *db, struct db_error *err, const char *what)
{
	unsigned e = mysql_errno(db->m);

	return db_fail(err, my_status(e), "%s%s%s (%u)", what,
	    *what != '\0' ? ": " : "", mysql_error(db->m), e);
}

static int
my_query(struct db *db, const char *sql, struct db_error *err)
{
	if (mysql_query(db->m, sql) != 0)
		return my_error(db, err, sql);
	return 0;
}

static struct db *
my_open(const struct db_conf *conf, struct db_error *err)
{
	unsigned timeout = (unsigned)conf->connect_timeout;
	struct db *db;

	if ((db = calloc(1, sizeof(*db))) == NULL ||
	    (db->m = mysql_init(NULL)) == NULL) {
		free(db);
		db_fail(err, CW_TEMPFAIL, "out of memory");
		return NULL;
	}
	mysql_options(db->m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(db->m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db->m, MYSQL_OPT_LOCAL_INFILE, &(unsigned){0});
	if (mysql_real_connect(db->m, conf->host, conf->user, conf->password,
		conf->database, (unsigned)conf->port, conf->socket,
		CLIENT_MULTI_STATEMENTS) == NULL ||
	    my_query(db, "SET time_zone = '+00:00'", err) < 0) {
		if (mysql_errno(db->m) != 0)
			my_error(db, err, "");
		mysql_close(db->m);
		free(db);
		return NULL;
	}
	return db;
}

static void
my_close(struct db *db)
{
	if (db == NULL)
		return;
	mysql_close(db->m);
	free(db);
}

static enum db_type
my_kind(const MYSQL_FIELD *f)
{
	switch (f->type) {
	case MYSQL_TYPE_TINY:
	case MYSQL_TYPE_SHORT:
	case MYSQL_TYPE_LONG:
	case MYSQL_TYPE_LONGLONG:
	case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_YEAR:
	case MYSQL_TYPE_DECIMAL:
	case MYSQL_TYPE_NEWDECIMAL:
		return DB_NUMBER;
	case MYSQL_TYPE_FLOAT:
		return DB_FLOAT_TEXT;
	case MYSQL_TYPE_DOUBLE:
		return DB_DOUBLE_TEXT;
	case MYSQL_TYPE_DATETIME:
	case MYSQL_TYPE_TIMESTAMP:
		return DB_TIMESTAMP;
	case MYSQL_TYPE_BIT:
		return DB_UINT;
	case MYSQL_TYPE_TINY_BLOB:
	case MYSQL_TYPE_MEDIUM_BLOB:
	case MYSQL_TYPE_LONG_BLOB:
	case MYSQL_TYPE_BLOB:
	case MYSQL_TYPE_VAR_STRING:
	case MYSQL_TYPE_STRING:
	case MYSQL_TYPE_VARCHAR:
	case MYSQL_TYPE_GEOMETRY:
		return f->charsetnr == MY_BINARY_CHARSET ? DB_BLOB : DB_TEXT;
	default:
		return DB_TEXT;
	}
}

static const char *
my_type_name(const MYSQL_FIELD *f)
{
	static const struct {
		enum enum_field_types t;
		const char *name;
	} names[] = {
	    {MYSQL_TYPE_TINY, "tinyint"}, {MYSQL_TYPE_SHORT, "smallint"},
	    {MYSQL_TYPE_LONG, "int"}, {MYSQL_TYPE_LONGLONG, "bigint"},
	    {MYSQL_TYPE_INT24, "mediumint"}, {MYSQL_TYPE_YEAR, "year"},
	    {MYSQL_TYPE_NEWDECIMAL, "decimal"}, {MYSQL_TYPE_FLOAT, "float"},
	    {MYSQL_TYPE_DOUBLE, "double"}, {MYSQL_TYPE_DATETIME, "datetime"},
	    {MYSQL_TYPE_TIMESTAMP, "timestamp"}, {MYSQL_TYPE_DATE, "date"},
	    {MYSQL_TYPE_TIME, "time"}, {MYSQL_TYPE_BIT, "bit"},
	    {MYSQL_TYPE_NULL, "null"}, {MYSQL_TYPE_GEOMETRY, "geometry"},
	};
	size_t i;

	if (my_kind(f) == DB_BLOB)
		return "binary";
	if (my_kind(f) == DB_TEXT && f->type != MYSQL_TYPE_DATE &&
	    f->type != MYSQL_TYPE_TIME && f->type != MYSQL_TYPE_NULL)
		return "text";
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].t == f->type)
			return names[i].name;
	return "other";
}

static int
my_columns(MYSQL_RES *res, enum db_type *kinds, const struct db_sink *sink,
    struct db_error *err)
{
	unsigned i, n = mysql_num_fields(res);
	const MYSQL_FIELD *f = mysql_fetch_fields(res);
	struct db_column *cols = calloc((size_t)n + 1, sizeof(*cols));
	int rc;

	if (cols == NULL)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	for (i = 0; i < n; i++) {
		cols[i].name = f[i].name;
		cols[i].type = my_type_name(&f[i]);
		kinds[i] = my_kind(&f[i]);
	}
	rc = sink->columns(sink->arg, cols, n, err);
	free(cols);
	return rc;
}

static void
my_cell(struct db_cell *c, enum db_type kind, const char *p, size_t len)
{
	size_t i;

	if (p == NULL) {
		c->type = DB_NULL;
		return;
	}
	c->type = kind;
	c->p = p;
	c->len = len;
	/* BIT(n) comes as big-endian bytes. */
	if (kind == DB_UINT)
		for (c->v.u = 0, i = 0; i < len && i < 8; i++)
			c->v.u = c->v.u << 8 | (unsigned char)p[i];
}

/* Streams the rows of the current result to the sink. */
static int
my_rows(struct db *db, MYSQL_RES *res, const struct db_sink *sink,
    struct db_error *err)
{
	unsigned i, n = mysql_num_fields(res);
	enum db_type *kinds = calloc((size_t)n + 1, sizeof(*kinds));
	struct db_cell *cells = calloc((size_t)n + 1, sizeof(*cells));
	unsigned long *len;
	MYSQL_ROW row;
	int rc = -1;

	if (kinds == NULL || cells == NULL) {
		db_fail(err, CW_TEMPFAIL, "out of memory");
		goto out;
	}
	if (my_columns(res, kinds, sink, err) < 0)
		goto out;
	while ((row = mysql_fetch_row(res)) != NULL) {
		len = mysql_fetch_lengths(res);
		for (i = 0; i < n; i++)
			my_cell(&cells[i], kinds[i], row[i], len[i]);
		if (sink->row(sink->arg, cells, n, err) < 0)
			goto out;
	}
	if (mysql_errno(db->m) != 0) {
		my_error(db, err, "");
		goto out;
	}
	rc = 0;
out:
	free(kinds);
	free(cells);
	return rc;
}

/* Sets @name to the value of each parameter the script uses, through a
 * prepared statement: the value is bound, not written into SQL. */
static int
my_set_var(struct db *db, const struct db_param *p, struct db_error *err)
{
	MYSQL_STMT *st;
	MYSQL_BIND b;
	unsigned long len;
	char sql[160], buf[32];
	const char *value = db_param_value(p, true, buf, sizeof(buf), err);
	int rc = -1;

	if (value == NULL)
		return -1;
	if ((st = mysql_stmt_init(db->m)) == NULL)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	snprintf(sql, sizeof(sql), "SET @%s = ?", p->name);
	memset(&b, 0, sizeof(b));
	len = (unsigned long)strlen(value);
	b.buffer_type = MYSQL_TYPE_STRING;
	b.buffer = (void *)(uintptr_t)value;
	b.buffer_length = len;
	b.length = &len;
	if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) != 0 ||
	    mysql_stmt_bind_param(st, &b) != 0 || mysql_stmt_execute(st) != 0)
		db_fail(err, my_status(mysql_stmt_errno(st)), "%s: %s", sql,
		    mysql_stmt_error(st));
	else
		rc = 0;
	mysql_stmt_close(st);
	return rc;
}

static int
my_set_vars(struct db *db, const struct script *s, const struct db_conf *conf,
    struct db_error *err)
{
	bool *done = calloc(conf->nparams + 1, sizeof(*done));
	size_t i, k, idx;
	int rc = 0;

	if (done == NULL)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	for (i = 0; i < s->n && rc == 0; i++)
		for (k = 0; k < s->stmts[i].nparams && rc == 0; k++) {
			idx = s->stmts[i].params[k];
			if (!done[idx])
				rc = my_set_var(db, &conf->params[idx], err);
			done[idx] = true;
		}
	free(done);
	return rc;
}

static bool
my_word(const struct script_stmt *st, int i, const char *w)
{
	return strcmp(st->words[i], w) == 0;
}

/* Whether MySQL can roll the statement back.  Most DDL commits on its own
 * (an "implicit commit"), and some statements change files or end the
 * transaction, so a dry run runs only what is known to stay inside it. */
static bool
my_dry_ok(const struct script_stmt *st)
{
	static const char *const plain[] = {"SELECT", "WITH", "VALUES",
	    "TABLE", "INSERT", "UPDATE", "DELETE", "REPLACE", "SHOW",
	    "DESCRIBE", "DESC", "EXPLAIN", "DO", "USE", "SAVEPOINT"};
	size_t i;

	if (strcasestr(st->sql, "outfile") != NULL ||
	    strcasestr(st->sql, "dumpfile") != NULL)
		return false;
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (my_word(st, 0, plain[i]))
			return true;
	if (my_word(st, 0, "SET"))
		return strcasestr(st->sql, "autocommit") == NULL &&
		    !my_word(st, 1, "PASSWORD");
	if (my_word(st, 0, "CREATE"))
		return my_word(st, 1, "TEMPORARY") ||
		    (my_word(st, 1, "OR") && my_word(st, 3, "TEMPORARY"));
	if (my_word(st, 0, "DROP"))
		return my_word(st, 1, "TEMPORARY");
	if (my_word(st, 0, "ROLLBACK") || my_word(st, 0, "RELEASE"))
		return my_word(st, 1, "TO") || my_word(st, 1, "SAVEPOINT");
	return st->sql[0] == '('; /* (SELECT ...) */
}

static int
my_dry_check(const struct script *s, struct db_error *err)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!my_dry_ok(&s->stmts[i]))
			return db_fail(err, CW_FAIL,
			    "line %u: %s: MySQL cannot roll this statement "
			    "back, so a dry run does not run it",
			    s->stmts[i].line,
			    s->stmts[i].words[0][0] != '\0'
				? s->stmts[i].words[0]
				: "this statement");
	return 0;
}

static bool
my_in_transaction(struct db *db)
{
	unsigned status = 0;

	mariadb_get_infov(db->m, MARIADB_CONNECTION_SERVER_STATUS, &status);
	return (status & SERVER_STATUS_IN_TRANS) != 0;
}

/* The line of the k-th statement (1-based) for messages. */
static unsigned
my_line(const struct script *s, unsigned k)
{
	return k >= 1 && k <= s->n ? s->stmts[k - 1].line : 0;
}

/* Reads the results of the multi-statement query, one per statement. */
static int
my_results(struct db *db, const struct script *s, const struct db_conf *conf,
    const struct db_sink *sink, struct db_error *err)
{
	char what[48];
	MYSQL_RES *res;
	unsigned k = 1;
	int more, rc;

	do {
		snprintf(what, sizeof(what), "line %u", my_line(s, k));
		rc = 0;
		if ((res = mysql_use_result(db->m)) != NULL) {
			rc = my_rows(db, res, sink, err);
			mysql_free_result(res);
		} else if (mysql_field_count(db->m) != 0)
			rc = my_error(db, err, what);
		if (rc == 0 && conf->dry_run && !my_in_transaction(db))
			rc = db_fail(err, CW_FAIL,
			    "%s: the statement committed the dry run's "
			    "transaction",
			    what);
		if (rc < 0)
			return -1;
		if ((more = mysql_next_result(db->m)) > 0) {
			snprintf(what, sizeof(what), "line %u", my_line(s, ++k));
			return my_error(db, err, what);
		}
		k++;
	} while (more == 0);
	return 0;
}

static int
my_script(struct db *db, const struct script *s, const struct db_conf *conf,
    const struct db_sink *sink, struct db_error *err)
{
	char *sql;
	char what[48];
	int rc;

	if (s->n == 0)
		return 0;
	if ((sql = script_join(s)) == NULL)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	if (mysql_real_query(db->m, sql, (unsigned long)strlen(sql)) != 0) {
		snprintf(what, sizeof(what), "line %u", my_line(s, 1));
		rc = my_error(db, err, what);
	} else
		rc = my_results(db, s, conf, sink, err);
	free(sql);
	return rc;
}

static int
my_rollback(struct db *db, int rc, struct db_error *err)
{
	struct db_error e2;

	if (my_query(db, "ROLLBACK", &e2) < 0) {
		if (rc == 0)
			*err = e2;
		return -1;
	}
	if (rc == 0 && mysql_warning_count(db->m) > 0)
		return db_fail(err, CW_FAIL,
		    "ROLLBACK could not undo changes to non-transactional "
		    "tables (MyISAM, Aria): the dry run changed them");
	return rc;
}

static int
my_run(struct db *db, const char *text, const struct db_conf *conf,
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
	if (script_parse(&s, text, SCRIPT_MYSQL, names, conf->nparams) < 0) {
		db_fail(err, CW_TEMPFAIL, "out of memory");
		goto out;
	}
	if (conf->dry_run && my_dry_check(&s, err) < 0)
		goto out;
	if (my_set_vars(db, &s, conf, err) < 0)
		goto out;
	if (conf->dry_run && my_query(db, "START TRANSACTION", err) < 0)
		goto out;
	rc = my_script(db, &s, conf, sink, err);
	if (conf->dry_run)
		rc = my_rollback(db, rc, err);
out:
	script_free(&s);
	free(names);
	return rc;
}

const struct db_driver db_mysql_driver = {
    .name = "mysql",
    .open = my_open,
    .run = my_run,
    .close = my_close,
};
