/*
 * db_mysql_rows.c - rows of the MySQL driver, as cells.
 *
 * Prepared statements return rows in the binary protocol: numbers as the
 * machine values the server holds.  The text protocol would do as well for
 * most types, but MariaDB writes a FLOAT in it with 6 digits (16777216
 * becomes "16777200"), and a DOUBLE with the digits its column declares.
 * Rows are fetched one at a time (no mysql_stmt_store_result()), into one
 * buffer per column that grows to the longest value seen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "db_mysql.h"

#define MY_BINARY_CHARSET 63 /* charsetnr of binary strings */
#define MY_BUF_START 256

struct my_col {
	enum db_type kind;
	enum enum_field_types type;
	char *buf; /* strings */
	unsigned long cap;
	unsigned long len;
	my_bool is_null;
	my_bool error;
	long long i;
	double d;
	float f;
	MYSQL_TIME t;
	char text[64]; /* a time, formatted */
};

static enum db_type
my_string_kind(const MYSQL_FIELD *f)
{
	return f->charsetnr == MY_BINARY_CHARSET ? DB_BLOB : DB_TEXT;
}

/* Binds column i to what the binary protocol gives for its type. */
static int
my_bind_col(const MYSQL_FIELD *f, struct my_col *c, MYSQL_BIND *b)
{
	memset(b, 0, sizeof(*b));
	b->is_null = &c->is_null;
	b->error = &c->error;
	b->length = &c->len;
	c->type = f->type;
	switch (f->type) {
	case MYSQL_TYPE_TINY:
	case MYSQL_TYPE_SHORT:
	case MYSQL_TYPE_LONG:
	case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_LONGLONG:
	case MYSQL_TYPE_YEAR:
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = &c->i;
		b->is_unsigned = (f->flags & UNSIGNED_FLAG) != 0;
		c->kind = b->is_unsigned ? DB_UINT : DB_INT;
		return 0;
	case MYSQL_TYPE_FLOAT:
		b->buffer_type = MYSQL_TYPE_FLOAT;
		b->buffer = &c->f;
		c->kind = DB_FLOAT;
		return 0;
	case MYSQL_TYPE_DOUBLE:
		b->buffer_type = MYSQL_TYPE_DOUBLE;
		b->buffer = &c->d;
		c->kind = DB_DOUBLE;
		return 0;
	case MYSQL_TYPE_DATE:
	case MYSQL_TYPE_TIME:
	case MYSQL_TYPE_DATETIME:
	case MYSQL_TYPE_TIMESTAMP:
		b->buffer_type = f->type;
		b->buffer = &c->t;
		c->kind = f->type == MYSQL_TYPE_DATETIME ||
		                  f->type == MYSQL_TYPE_TIMESTAMP
		              ? DB_TIMESTAMP
		              : DB_TEXT;
		return 0;
	default:
		break;
	}
	c->kind =
	    f->type == MYSQL_TYPE_DECIMAL || f->type == MYSQL_TYPE_NEWDECIMAL
	        ? DB_NUMBER
	    : f->type == MYSQL_TYPE_BIT ? DB_UINT
	                                : my_string_kind(f);
	c->cap = MY_BUF_START;
	if ((c->buf = malloc(c->cap)) == NULL)
		return -1;
	b->buffer_type = MYSQL_TYPE_BLOB;
	b->buffer = c->buf;
	b->buffer_length = c->cap;
	return 0;
}

/* The fraction of a time, without trailing zeros, as PostgreSQL writes
 * it: a DATETIME(6) holding whole seconds is written without fraction, so
 * the same instant is the same text from either server. */
static void
my_fraction(const struct my_col *c, char *out, size_t len)
{
	unsigned long part = c->t.second_part % 1000000;
	int digits = SEC_PART_DIGITS;

	if (part == 0) {
		out[0] = '\0';
		return;
	}
	while (part % 10 == 0) {
		part /= 10;
		digits--;
	}
	snprintf(out, len, ".%0*lu", digits, part);
}

static void
my_time_text(struct my_col *c)
{
	const MYSQL_TIME *t = &c->t;
	char frac[16];

	my_fraction(c, frac, sizeof(frac));
	if (c->type == MYSQL_TYPE_DATE)
		snprintf(c->text, sizeof(c->text), "%04u-%02u-%02u", t->year,
		    t->month, t->day);
	else if (c->type == MYSQL_TYPE_TIME)
		snprintf(c->text, sizeof(c->text), "%s%02u:%02u:%02u%s",
		    t->neg ? "-" : "", t->day * 24 + t->hour, t->minute,
		    t->second, frac);
	else
		snprintf(c->text, sizeof(c->text),
		    "%04u-%02u-%02u %02u:%02u:%02u%s", t->year, t->month,
		    t->day, t->hour, t->minute, t->second, frac);
}

static void
my_cell(struct my_col *c, struct db_cell *cell)
{
	cell->type = c->is_null ? DB_NULL : c->kind;
	if (c->is_null)
		return;
	if (c->buf != NULL) {
		cell->p = c->buf;
		cell->len = c->len;
		/* BIT(n) comes as big-endian bytes. */
		cell->v.u = 0;
		for (size_t i = 0; c->kind == DB_UINT && i < c->len && i < 8;
		     i++)
			cell->v.u = cell->v.u << 8 | (unsigned char)c->buf[i];
	} else if (c->type == MYSQL_TYPE_DATE || c->type == MYSQL_TYPE_TIME ||
	           c->type == MYSQL_TYPE_DATETIME ||
	           c->type == MYSQL_TYPE_TIMESTAMP) {
		my_time_text(c);
		cell->p = c->text;
		cell->len = strlen(c->text);
	} else if (c->kind == DB_INT)
		cell->v.i = c->i;
	else if (c->kind == DB_UINT)
		cell->v.u = (unsigned long long)c->i;
	else if (c->kind == DB_FLOAT)
		cell->v.f = c->f;
	else
		cell->v.d = c->d;
}

/* Fetches again the columns that did not fit, into larger buffers. */
static int
my_refetch(MYSQL_STMT *st, struct my_col *cols, MYSQL_BIND *b, unsigned n)
{
	unsigned i;
	char *p;

	for (i = 0; i < n; i++) {
		if (cols[i].buf == NULL || cols[i].len <= cols[i].cap)
			continue;
		if ((p = realloc(cols[i].buf, cols[i].len)) == NULL)
			return -1;
		cols[i].buf = p;
		cols[i].cap = cols[i].len;
		b[i].buffer = p;
		b[i].buffer_length = cols[i].cap;
		if (mysql_stmt_fetch_column(st, &b[i], i, 0) != 0)
			return -1;
	}
	return mysql_stmt_bind_result(st, b) != 0 ? -1 : 0;
}

static int
my_stmt_fail(MYSQL_STMT *st, unsigned line, struct db_error *err)
{
	unsigned e = mysql_stmt_errno(st);

	if (e == 0)
		return db_fail(
		    err, CW_TEMPFAIL, "line %u: out of memory", line);
	return db_fail(err, my_status(e), "line %u: %s (%u)", line,
	    mysql_stmt_error(st), e);
}

static const char *
my_type_name(const MYSQL_FIELD *f)
{
	static const struct {
		enum enum_field_types t;
		const char *name;
	} names[] = {
	    {MYSQL_TYPE_TINY, "tinyint"},
	    {MYSQL_TYPE_SHORT, "smallint"},
	    {MYSQL_TYPE_LONG, "int"},
	    {MYSQL_TYPE_LONGLONG, "bigint"},
	    {MYSQL_TYPE_INT24, "mediumint"},
	    {MYSQL_TYPE_YEAR, "year"},
	    {MYSQL_TYPE_DECIMAL, "decimal"},
	    {MYSQL_TYPE_NEWDECIMAL, "decimal"},
	    {MYSQL_TYPE_FLOAT, "float"},
	    {MYSQL_TYPE_DOUBLE, "double"},
	    {MYSQL_TYPE_DATE, "date"},
	    {MYSQL_TYPE_TIME, "time"},
	    {MYSQL_TYPE_DATETIME, "datetime"},
	    {MYSQL_TYPE_TIMESTAMP, "timestamp"},
	    {MYSQL_TYPE_BIT, "bit"},
	    {MYSQL_TYPE_NULL, "null"},
	    {MYSQL_TYPE_GEOMETRY, "geometry"},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].t == f->type)
			return names[i].name;
	return my_string_kind(f) == DB_BLOB ? "binary" : "text";
}

/* The column names and types, for the sink. */
static int
my_columns(MYSQL_FIELD *f, unsigned n, const struct db_sink *sink,
    struct db_error *err)
{
	struct db_column *cols = calloc((size_t)n + 1, sizeof(*cols));
	unsigned i;
	int rc;

	if (cols == NULL)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	for (i = 0; i < n; i++) {
		cols[i].name = f[i].name;
		cols[i].type = my_type_name(&f[i]);
	}
	rc = sink->columns(sink->arg, cols, n, err);
	free(cols);
	return rc;
}

static void
my_cols_free(struct my_col *cols, unsigned n)
{
	unsigned i;

	for (i = 0; cols != NULL && i < n; i++)
		free(cols[i].buf);
	free(cols);
}

/* Fetches the rows one by one; MYSQL_DATA_TRUNCATED means a value was
 * longer than its buffer: it is fetched again into a larger one. */
static int
my_fetch(MYSQL_STMT *st, struct my_col *cols, MYSQL_BIND *b,
    struct db_cell *cells, unsigned n, unsigned line,
    const struct db_sink *sink, struct db_error *err)
{
	unsigned i;
	int rc;

	while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
		if (rc == MYSQL_DATA_TRUNCATED &&
		    my_refetch(st, cols, b, n) < 0)
			return my_stmt_fail(st, line, err);
		for (i = 0; i < n; i++)
			my_cell(&cols[i], &cells[i]);
		if (sink->row(sink->arg, cells, n, err) < 0)
			return -1;
	}
	if (rc != MYSQL_NO_DATA)
		return my_stmt_fail(st, line, err);
	return 0;
}

int
my_stmt_rows(MYSQL_STMT *st, unsigned line, const struct db_sink *sink,
    struct db_error *err)
{
	MYSQL_RES *meta = mysql_stmt_result_metadata(st);
	unsigned i, n = meta != NULL ? mysql_num_fields(meta) : 0;
	MYSQL_FIELD *f = meta != NULL ? mysql_fetch_fields(meta) : NULL;
	struct my_col *cols = calloc((size_t)n + 1, sizeof(*cols));
	MYSQL_BIND *b = calloc((size_t)n + 1, sizeof(*b));
	struct db_cell *cells = calloc((size_t)n + 1, sizeof(*cells));
	int rc = -1;

	if (meta == NULL) {
		my_stmt_fail(st, line, err);
		goto out;
	}
	if (cols == NULL || b == NULL || cells == NULL) {
		db_fail(err, CW_TEMPFAIL, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		if (my_bind_col(&f[i], &cols[i], &b[i]) < 0) {
			db_fail(err, CW_TEMPFAIL, "out of memory");
			goto out;
		}
	if (mysql_stmt_bind_result(st, b) != 0) {
		my_stmt_fail(st, line, err);
		goto out;
	}
	if (my_columns(f, n, sink, err) < 0)
		goto out;
	rc = my_fetch(st, cols, b, cells, n, line, sink, err);
out:
	if (meta != NULL)
		mysql_free_result(meta);
	my_cols_free(cols, n);
	free(b);
	free(cells);
	return rc;
}

/* The kind of a value of the text protocol. */
static enum db_type
my_text_kind(const MYSQL_FIELD *f)
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
	case MYSQL_TYPE_DATE:
	case MYSQL_TYPE_TIME:
		return DB_TEXT;
	default:
		return my_string_kind(f);
	}
}

int
my_text_rows(MYSQL *m, MYSQL_RES *res, unsigned line,
    const struct db_sink *sink, struct db_error *err)
{
	unsigned i, n = mysql_num_fields(res);
	MYSQL_FIELD *f = mysql_fetch_fields(res);
	struct db_cell *cells = calloc((size_t)n + 1, sizeof(*cells));
	unsigned long *len;
	MYSQL_ROW row;
	int rc = -1;

	if (cells == NULL)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	if (my_columns(f, n, sink, err) < 0)
		goto out;
	while ((row = mysql_fetch_row(res)) != NULL) {
		len = mysql_fetch_lengths(res);
		for (i = 0; i < n; i++) {
			cells[i].type =
			    row[i] == NULL ? DB_NULL : my_text_kind(&f[i]);
			cells[i].p = row[i];
			cells[i].len = len[i];
		}
		if (sink->row(sink->arg, cells, n, err) < 0)
			goto out;
	}
	if (mysql_errno(m) != 0) {
		db_fail(err, my_status(mysql_errno(m)), "line %u: %s (%u)",
		    line, mysql_error(m), mysql_errno(m));
		goto out;
	}
	rc = 0;
out:
	free(cells);
	return rc;
}
