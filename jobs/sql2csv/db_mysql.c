/*
 * db_mysql.c - the MySQL/MariaDB driver (libmariadb).
 *
 * The script is cut by script.c as the mysql client cuts it (semicolons,
 * or a DELIMITER line), and each statement is a prepared statement: the
 * :name parameters are bound to its ? placeholders, and its rows come in
 * the binary protocol (see db_mysql_rows.c), fetched one at a time.  The
 * few statements a server cannot prepare go as text when they have no
 * parameters.
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

#include "db_mysql.h"
#include "script.h"

struct db {
	MYSQL *m;
};

/* Worth a retry: the server is down, unreachable, gone, overloaded or
 * shutting down, or the statement lost a deadlock or a lock wait. */
enum cw_status
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
	        0) == NULL ||
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

/* Binds the statement's parameters: each ? gets its value as a string,
 * which the server converts as the context wants. */
static int
my_bind_params(MYSQL_STMT *st, const struct script_stmt *ss,
    const struct db_conf *conf, struct db_error *err)
{
	MYSQL_BIND *b = calloc(ss->nparams + 1, sizeof(*b));
	unsigned long *len = calloc(ss->nparams + 1, sizeof(*len));
	char(*bufs)[32] = calloc(ss->nparams + 1, sizeof(*bufs));
	const char *value;
	size_t k;
	int rc = -1;

	if (b == NULL || len == NULL || bufs == NULL) {
		db_fail(err, CW_TEMPFAIL, "out of memory");
		goto out;
	}
	for (k = 0; k < ss->nparams; k++) {
		value = db_param_value(&conf->params[ss->params[k]], true,
		    bufs[k], sizeof(bufs[k]), err);
		if (value == NULL)
			goto out;
		len[k] = (unsigned long)strlen(value);
		b[k].buffer_type = MYSQL_TYPE_STRING;
		b[k].buffer = (void *)(uintptr_t)value;
		b[k].buffer_length = len[k];
		b[k].length = &len[k];
	}
	/* The bound values are sent by mysql_stmt_execute(), which the
	 * caller calls before these buffers go. */
	if (ss->nparams > 0 && mysql_stmt_bind_param(st, b) != 0)
		db_fail(err, CW_FAIL, "line %u: %s", ss->line,
		    mysql_stmt_error(st));
	else if (mysql_stmt_execute(st) != 0)
		db_fail(err, my_status(mysql_stmt_errno(st)),
		    "line %u: %s (%u)", ss->line, mysql_stmt_error(st),
		    mysql_stmt_errno(st));
	else
		rc = 0;
out:
	free(b);
	free(len);
	free(bufs);
	return rc;
}

/* A statement the server cannot prepare, sent as text. */
static int
my_text_statement(struct db *db, const struct script_stmt *ss,
    const struct db_sink *sink, struct db_error *err)
{
	MYSQL_RES *res;
	int rc = 0;

	if (ss->nparams > 0)
		return db_fail(err, CW_FAIL,
		    "line %u: the server cannot prepare this statement, so it "
		    "cannot take :parameters",
		    ss->line);
	if (mysql_real_query(db->m, ss->sql, (unsigned long)strlen(ss->sql)))
		return db_fail(err, my_status(mysql_errno(db->m)),
		    "line %u: %s (%u)", ss->line, mysql_error(db->m),
		    mysql_errno(db->m));
	if ((res = mysql_use_result(db->m)) != NULL) {
		rc = my_text_rows(db->m, res, ss->line, sink, err);
		mysql_free_result(res);
	} else if (mysql_field_count(db->m) != 0)
		rc = db_fail(err, my_status(mysql_errno(db->m)),
		    "line %u: %s (%u)", ss->line, mysql_error(db->m),
		    mysql_errno(db->m));
	return rc;
}

/* Prepares, binds, executes, and reads every result (a CALL has several). */
static int
my_statement(struct db *db, const struct script_stmt *ss,
    const struct db_conf *conf, const struct db_sink *sink,
    struct db_error *err)
{
	MYSQL_STMT *st = mysql_stmt_init(db->m);
	int rc = -1, more;

	if (st == NULL)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	if (mysql_stmt_prepare(st, ss->sql, (unsigned long)strlen(ss->sql))) {
		if (mysql_stmt_errno(st) == ER_UNSUPPORTED_PS)
			rc = my_text_statement(db, ss, sink, err);
		else
			db_fail(err, my_status(mysql_stmt_errno(st)),
			    "line %u: %s (%u)", ss->line, mysql_stmt_error(st),
			    mysql_stmt_errno(st));
		goto out;
	}
	if (my_bind_params(st, ss, conf, err) < 0)
		goto out;
	do {
		if (mysql_stmt_field_count(st) > 0 &&
		    my_stmt_rows(st, ss->line, sink, err) < 0)
			goto out;
		mysql_stmt_free_result(st);
	} while ((more = mysql_stmt_next_result(st)) == 0);
	if (more > 0) {
		db_fail(err, my_status(mysql_stmt_errno(st)),
		    "line %u: %s (%u)", ss->line, mysql_stmt_error(st),
		    mysql_stmt_errno(st));
		goto out;
	}
	rc = 0;
out:
	mysql_stmt_close(st);
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
	static const char *const plain[] = {"SELECT", "WITH", "VALUES", "TABLE",
	    "INSERT", "UPDATE", "DELETE", "REPLACE", "SHOW", "DESCRIBE", "DESC",
	    "EXPLAIN", "DO", "USE", "SAVEPOINT"};
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

static bool
my_in_transaction(struct db *db)
{
	unsigned status = 0;

	mariadb_get_infov(db->m, MARIADB_CONNECTION_SERVER_STATUS, &status);
	return (status & SERVER_STATUS_IN_TRANS) != 0;
}

static int
my_statements(struct db *db, const struct script *s, const struct db_conf *conf,
    const struct db_sink *sink, struct db_error *err)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct script_stmt *ss = &s->stmts[i];

		if (conf->dry_run && !my_dry_ok(ss))
			return db_fail(err, CW_FAIL,
			    "line %u: %s: MySQL cannot roll this statement "
			    "back, so a dry run does not run it",
			    ss->line,
			    ss->words[0][0] != '\0' ? ss->words[0]
			                            : "this statement");
		if (my_statement(db, ss, conf, sink, err) < 0)
			return -1;
		if (conf->dry_run && !my_in_transaction(db))
			return db_fail(err, CW_FAIL,
			    "line %u: the statement ended the dry run's "
			    "transaction",
			    ss->line);
	}
	return 0;
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
	if (conf->dry_run && my_query(db, "START TRANSACTION", err) < 0)
		goto out;
	rc = my_statements(db, &s, conf, sink, err);
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
