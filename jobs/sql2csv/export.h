/*
 * export.h - the sink the driver streams rows into: each row goes to the
 * CSV writer (or is only counted, in a dry run).  When a later statement
 * returns rows too, the export starts over: the rows of the last statement
 * that returns rows are the CSV.
 */
#ifndef SQL2CSV_EXPORT_H
#define SQL2CSV_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "csv.h"
#include "db.h"
#include "outfile.h"

struct export
{
	struct cw_ctx *ctx;
	struct csv *csv;     /* NULL in a dry run: rows are only counted */
	struct outfile *out; /* the file the CSV goes to, or NULL */
	bool header;         /* a header record of the column names */
	uint64_t rows;       /* rows of the current statement */
	unsigned results;    /* statements that returned rows so far */
	char *columns;       /* "name type, ..." of the current one */
};

/* The callbacks of struct db_sink; arg is a struct export. */
int export_columns(
    void *arg, const struct db_column *cols, size_t n, struct db_error *err);
int export_row(
    void *arg, const struct db_cell *cells, size_t n, struct db_error *err);
/* Fills err from errno after a write of the export failed. */
int export_write_error(struct export *e, struct db_error *err);
void export_free(struct export *e);

#endif
