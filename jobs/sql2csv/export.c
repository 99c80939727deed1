/*
 * export.c - rows to CSV (see export.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

/* cw_progress() is cheap but not free; the host rate-limits the log. */
#define EXPORT_PROGRESS_ROWS 65536

int
export_write_error(struct export *e, struct db_error *err)
{
	int saved = errno;

	/* A full disk may have room on the next attempt. */
	return db_fail(err,
	    saved == ENOSPC || saved == EDQUOT || saved == EIO ? CW_TEMPFAIL
	                                                       : CW_FAIL,
	    "%s %s: %s",
	    e->out != NULL && e->out->op != NULL ? e->out->op : "write",
	    e->out != NULL ? e->out->name : "output", strerror(saved));
}

/* Keeps "name type, ..." for the log. */
static int
export_describe(struct export *e, const struct db_column *cols, size_t n)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < n; i++)
		len += strlen(cols[i].name) + strlen(cols[i].type) + 4;
	if ((s = malloc(len)) == NULL)
		return -1;
	s[0] = '\0';
	for (i = 0; i < n; i++) {
		strcat(s, cols[i].name);
		if (cols[i].type[0] != '\0') {
			strcat(s, " ");
			strcat(s, cols[i].type);
		}
		if (i + 1 < n)
			strcat(s, ", ");
	}
	free(e->columns);
	e->columns = s;
	return 0;
}

int
export_columns(
    void *arg, const struct db_column *cols, size_t n, struct db_error *err)
{
	struct export *e = arg;
	size_t i;

	if (export_describe(e, cols, n) < 0)
		return db_fail(err, CW_TEMPFAIL, "out of memory");
	if (e->results++ > 0)
		cw_log(e->ctx, CW_LOG_INFO,
		    "a later statement returns rows: the %llu rows before "
		    "are not exported",
		    (unsigned long long)e->rows);
	e->rows = 0;
	if (e->csv == NULL)
		return 0;
	if (e->results > 1 &&
	    (outfile_truncate(e->out) < 0 || csv_reset(e->csv) < 0))
		return export_write_error(e, err);
	if (!e->header)
		return 0;
	for (i = 0; i < n; i++)
		if (csv_text(e->csv, cols[i].name, strlen(cols[i].name)) < 0)
			return export_write_error(e, err);
	if (csv_end_record(e->csv) < 0)
		return export_write_error(e, err);
	return 0;
}

static int
export_text_number(struct csv *c, const struct db_cell *cell)
{
	double d;
	float f;

	if (cell->type == DB_DOUBLE_TEXT &&
	    csv_parse_double(cell->p, cell->len, &d))
		return csv_double(c, d);
	if (cell->type == DB_FLOAT_TEXT &&
	    csv_parse_float(cell->p, cell->len, &f))
		return csv_float(c, f);
	return csv_text(c, cell->p, cell->len);
}

static int
export_cell(struct csv *c, const struct db_cell *cell)
{
	switch (cell->type) {
	case DB_NULL:
		return csv_null(c);
	case DB_NUMBER:
		return csv_number(c, cell->p, cell->len);
	case DB_INT:
		return csv_int(c, cell->v.i);
	case DB_UINT:
		return csv_uint(c, cell->v.u);
	case DB_DOUBLE:
		return csv_double(c, cell->v.d);
	case DB_FLOAT:
		return csv_float(c, cell->v.f);
	case DB_DOUBLE_TEXT:
	case DB_FLOAT_TEXT:
		return export_text_number(c, cell);
	case DB_BOOL:
		return csv_bool(c, cell->v.b);
	case DB_BLOB:
		return csv_blob(c, cell->p, cell->len);
	case DB_HEX:
		return csv_hex(c, cell->p, cell->len);
	case DB_TIMESTAMP:
		return csv_timestamp(c, cell->p, cell->len);
	case DB_TEXT:
	default:
		return csv_text(c, cell->p, cell->len);
	}
}

int
export_row(
    void *arg, const struct db_cell *cells, size_t n, struct db_error *err)
{
	struct export *e = arg;
	size_t i;

	if (++e->rows % EXPORT_PROGRESS_ROWS == 0)
		cw_progress(e->ctx, (double)e->rows, 0, "rows");
	if (e->csv == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (export_cell(e->csv, &cells[i]) < 0)
			return export_write_error(e, err);
	if (csv_end_record(e->csv) < 0)
		return export_write_error(e, err);
	return 0;
}

void
export_free(struct export *e)
{
	free(e->columns);
	e->columns = NULL;
}
