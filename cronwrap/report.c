/*
 * report.c - aligned columns, times for people, and a small JSON writer.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "report.h"
#include "util/duration.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

void
table_init(struct table *t, size_t ncols, ...)
{
	va_list ap;

	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	va_start(ap, ncols);
	for (size_t i = 0; i < ncols; i++)
		strv_push(&t->cells, va_arg(ap, const char *));
	va_end(ap);
}

void
table_add(struct table *t, const char *cell)
{
	strv_push(&t->cells, cell != NULL && *cell != '\0' ? cell : "-");
}

void
table_addf(struct table *t, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	table_add(t, s);
	free(s);
}

/* Characters, not bytes: UTF-8 continuation bytes do not count. */
static size_t
text_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

int
table_print(const struct table *t, FILE *f)
{
	size_t *width = xcalloc(t->ncols, sizeof *width);

	for (size_t i = 0; i < t->cells.n; i++) {
		size_t w = text_width(t->cells.v[i]);

		if (w > width[i % t->ncols])
			width[i % t->ncols] = w;
	}
	for (size_t i = 0; i < t->cells.n; i++) {
		size_t col = i % t->ncols;
		const char *cell = t->cells.v[i];

		fputs(cell, f);
		if (col + 1 == t->ncols || i + 1 == t->cells.n) {
			fputc('\n', f);
			continue;
		}
		for (size_t w = text_width(cell); w < width[col] + 2; w++)
			fputc(' ', f);
	}
	free(width);
	return ferror(f) ? -1 : 0;
}

void
table_free(struct table *t)
{
	strv_free(&t->cells);
	t->ncols = 0;
}

void
report_time(double t, char *buf, size_t len)
{
	if (t <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	localtime_str((time_t)t, buf, len);
}

void
report_exit(const struct run_record *r, char *buf, size_t len)
{
	const char *abbrev = r->signal > 0 ? sigabbrev_np(r->signal) : NULL;

	if (abbrev != NULL)
		snprintf(buf, len, "SIG%s", abbrev);
	else if (r->signal > 0)
		snprintf(buf, len, "signal %d", r->signal);
	else if (r->exit_code >= 0)
		snprintf(buf, len, "%d", r->exit_code);
	else
		snprintf(buf, len, "-");
}

void
report_duration(const struct run_record *r, double now, char *buf, size_t len)
{
	if (r->status == RS_RUNNING && r->start > 0 && now >= r->start) {
		char d[32];

		duration_format(now - r->start, d, sizeof d);
		snprintf(buf, len, "(%s)", d);
	} else if (r->end > 0 && r->end >= r->start) {
		duration_format(r->end - r->start, buf, len);
	} else {
		snprintf(buf, len, "-");
	}
}

char *
report_oneline(const char *s)
{
	char *out = xstrdup(s != NULL ? s : "");

	for (char *p = out; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return out;
}

/* A comma unless the value opens its container, follows its key or a
 * comma already written (the caller's, with a line break after it). */
static void
json_sep(struct strbuf *b)
{
	size_t i = b->len;

	while (i > 0 && (b->s[i - 1] == '\n' || b->s[i - 1] == ' '))
		i--;
	if (i > 0 && strchr("{[:,", b->s[i - 1]) == NULL)
		strbuf_add(b, ",", 1);
}

void
json_open(struct strbuf *b, char bracket)
{
	json_sep(b);
	strbuf_add(b, &bracket, 1);
}

void
json_close(struct strbuf *b, char bracket)
{
	strbuf_add(b, &bracket, 1);
}

void
json_key(struct strbuf *b, const char *key)
{
	json_str(b, key);
	strbuf_add(b, ":", 1);
}

void
json_str(struct strbuf *b, const char *s)
{
	if (s == NULL) {
		json_null(b);
		return;
	}
	json_sep(b);
	json_quote(b, s);
}

void
json_int(struct strbuf *b, long long v)
{
	json_sep(b);
	strbuf_printf(b, "%lld", v);
}

void
json_num(struct strbuf *b, double v)
{
	json_sep(b);
	strbuf_printf(b, "%.3f", v);
}

void
json_bool(struct strbuf *b, bool v)
{
	json_sep(b);
	strbuf_adds(b, v ? "true" : "false");
}

void
json_null(struct strbuf *b)
{
	json_sep(b);
	strbuf_adds(b, "null");
}

void
json_time_ms(struct strbuf *b, double t)
{
	char buf[40];

	if (t <= 0) {
		json_null(b);
		return;
	}
	iso8601_utc_ms(t, buf, sizeof buf);
	json_str(b, buf);
}

void
json_time(struct strbuf *b, bool has, time_t t)
{
	char buf[40];

	if (!has) {
		json_null(b);
		return;
	}
	iso8601_utc(t, buf, sizeof buf);
	json_str(b, buf);
}
