/*
 * report.h - formatting shared by the commands that show jobs and runs
 * (list, status, history): aligned columns for people, with times in local
 * time, and JSON for programs, with times in ISO 8601 UTC.
 */
#ifndef CW_REPORT_H
#define CW_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "state.h"
#include "util/strbuf.h"
#include "util/strv.h"

/* A table of text cells, filled row by row, printed with each column as
 * wide as its widest cell (counted in characters of UTF-8) and two spaces
 * between columns; the last column is not padded. */
struct table {
	size_t ncols;
	struct strv cells; /* row-major; the first row is the header */
};

/* Starts a table whose header is the ncols strings that follow. */
void table_init(struct table *t, size_t ncols, ...);
/* Adds one cell to the current row (NULL prints as "-"). */
void table_add(struct table *t, const char *cell);
/* Adds a cell from a format. */
void table_addf(struct table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints the header and rows; returns 0, or -1 when the stream failed. */
int table_print(const struct table *t, FILE *f);
void table_free(struct table *t);

/* A time for people, in local time: "2026-11-23 05:30:00"; "-" for t <= 0. */
void report_time(double t, char *buf, size_t len);
/* A run's exit for people: "3", "SIGKILL", "-" when neither. */
void report_exit(const struct run_record *r, char *buf, size_t len);
/* A run's duration for people: "12.4s"; the time so far in parentheses
 * while it runs; "-" when unknown. */
void report_duration(
    const struct run_record *r, double now, char *buf, size_t len);
/* Control characters of one-line text (a reason, a description) as
 * spaces, so that a cell or a comment stays on its line.  Caller frees. */
char *report_oneline(const char *s);

/* JSON, built into a strbuf.  Members are added to the object or array
 * opened last; a comma is put in when needed. */
void json_open(struct strbuf *b, char bracket);  /* '{' or '[' */
void json_close(struct strbuf *b, char bracket); /* '}' or ']' */
/* A member's key; the value follows with one of the json_* below. */
void json_key(struct strbuf *b, const char *key);
/* A string, escaped (invalid UTF-8 becomes U+FFFD); NULL is null. */
void json_str(struct strbuf *b, const char *s);
void json_int(struct strbuf *b, long long v);
void json_num(struct strbuf *b, double v); /* three decimals */
void json_bool(struct strbuf *b, bool v);
void json_null(struct strbuf *b);
/* An instant with milliseconds: "2026-11-23T04:30:00.123Z"; null for t <= 0. */
void json_time_ms(struct strbuf *b, double t);
/* An instant in seconds: "2026-11-23T04:30:00Z"; null when !has. */
void json_time(struct strbuf *b, bool has, time_t t);

#endif
