/*
 * schedule_parse.c - cron expression text to bit sets, with messages that
 * name the field and the token at fault.
 *
 * The grammar is cronie's (entry.c): a field is a comma-separated list of
 * elements, each "*", "N" or "N-M", optionally followed by "/STEP".  Two
 * additions follow croniter: "N/STEP" means N-max/STEP (cronie refuses it),
 * and names may start a stepped range ("mon-fri/2", which cronie also
 * accepts).  cronie's random "~" is not supported: a schedule must give the
 * same ticks every time it is read.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "schedule.h"
#include "schedule_impl.h"
#include "util/xalloc.h"

#define SCHED_NFIELDS 5
/* Longer tokens are never valid; cut them short in messages. */
#define SCHED_TOKEN_MAX 32

struct field_spec {
	const char *name;
	int low, high;
	const char *const *names; /* names[i] is value i + name_base */
	int name_base;
	int nnames;
};

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may",
    "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const day_names[] = {
    "sun", "mon", "tue", "wed", "thu", "fri", "sat"};

static const struct field_spec fields[SCHED_NFIELDS] = {
    {"minute", 0, 59, NULL, 0, 0},
    {"hour", 0, 23, NULL, 0, 0},
    {"day of month", 1, 31, NULL, 0, 0},
    {"month", 1, 12, month_names, 1, 12},
    {"day of week", 0, 7, day_names, 0, 7},
};

struct macro {
	const char *name;
	const char *expansion;
};

static const struct macro macros[] = {
    {"@hourly", "0 * * * *"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@weekly", "0 0 * * 0"},
    {"@monthly", "0 0 1 * *"},
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
};

/* What is being parsed, for messages: the field and the element. */
struct cursor {
	int index; /* 0-based field number */
	const struct field_spec *spec;
	const char *elem; /* the element, elem_len bytes */
	size_t elem_len;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3)))
field_fail(const struct cursor *c, const char *fmt, ...)
{
	int n = snprintf(
	    c->err, c->errlen, "field %d (%s): ", c->index + 1, c->spec->name);

	if (n >= 0 && (size_t)n < c->errlen) {
		va_list ap;

		va_start(ap, fmt);
		(void)vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int
token_len(size_t n)
{
	return (int)(n > SCHED_TOKEN_MAX ? SCHED_TOKEN_MAX : n);
}

/* The value of a name in this field, or -1. */
static int
name_value(const struct field_spec *spec, const char *tok, size_t n)
{
	int i;

	for (i = 0; i < spec->nnames; i++)
		if (n == strlen(spec->names[i]) &&
		    strncasecmp(tok, spec->names[i], n) == 0)
			return i + spec->name_base;
	return -1;
}

/* Reads a number or a name at *pp (a run of letters and digits) into *v,
 * checked against the field's range. */
static int
parse_value(const struct cursor *c, const char **pp, const char *end, int *v)
{
	const char *p = *pp, *tok = p;
	size_t n;
	long num = 0;
	bool digits = true;

	while (p < end && isalnum((unsigned char)*p)) {
		if (!isdigit((unsigned char)*p))
			digits = false;
		else if (num <= 1000000)
			num = num * 10 + (*p - '0');
		p++;
	}
	n = (size_t)(p - tok);
	if (n == 0)
		return field_fail(c, "expected a number in \"%.*s\"",
		    token_len(c->elem_len), c->elem);
	if (!digits) {
		if (c->spec->names == NULL)
			return field_fail(
			    c, "invalid value \"%.*s\"", token_len(n), tok);
		*v = name_value(c->spec, tok, n);
		if (*v < 0)
			return field_fail(
			    c, "unknown name \"%.*s\"", token_len(n), tok);
	} else if (num < c->spec->low || num > c->spec->high) {
		return field_fail(c, "%.*s out of range %d-%d", token_len(n),
		    tok, c->spec->low, c->spec->high);
	} else {
		*v = (int)num;
	}
	*pp = p;
	return 0;
}

/* Reads "/STEP" at *pp, if there. */
static int
parse_step(const struct cursor *c, const char **pp, const char *end, int *step)
{
	const char *p = *pp + 1, *tok = p;
	long num = 0;
	int width = c->spec->high - c->spec->low + 1;

	while (p < end && isdigit((unsigned char)*p)) {
		if (num <= 1000000)
			num = num * 10 + (*p - '0');
		p++;
	}
	if (p == tok)
		return field_fail(c, "expected a step after \"/\" in \"%.*s\"",
		    token_len(c->elem_len), c->elem);
	if (num < 1 || num > width)
		return field_fail(c, "step %.*s out of range 1-%d",
		    token_len((size_t)(p - tok)), tok, width);
	*step = (int)num;
	*pp = p;
	return 0;
}

/* Parses one element ("*", "N", "N-M", each with an optional "/STEP") and
 * sets its values in *bits. */
static int
parse_element(const struct cursor *c, uint64_t *bits)
{
	const char *p = c->elem, *end = c->elem + c->elem_len;
	int lo = 0, hi = 0, step = 1, v;

	if (*p == '*') {
		lo = c->spec->low;
		hi = c->spec->high;
		p++;
	} else {
		if (parse_value(c, &p, end, &lo) < 0)
			return -1;
		hi = lo;
		if (p < end && *p == '-') {
			p++;
			if (parse_value(c, &p, end, &hi) < 0)
				return -1;
			/* "fri-sun": Sunday as 7 closes the week (cronie). */
			if (c->spec->names == day_names && hi == 0 && lo > 0)
				hi = 7;
			if (hi < lo)
				return field_fail(c,
				    "range \"%.*s\" goes backwards",
				    token_len(c->elem_len), c->elem);
		} else if (p < end && *p == '/') {
			hi = c->spec->high; /* "5/10" = 5-max/10 */
		}
	}
	if (p < end && *p == '/' && parse_step(c, &p, end, &step) < 0)
		return -1;
	if (p < end)
		return field_fail(c, "unexpected \"%.*s\" in \"%.*s\"",
		    token_len((size_t)(end - p)), p, token_len(c->elem_len),
		    c->elem);
	for (v = lo; v <= hi; v += step)
		*bits |= (uint64_t)1 << v;
	return 0;
}

/* Parses field number index (0-based), a comma-separated list, into
 * *bits. */
static int
parse_field(int index, const char *text, size_t len, uint64_t *bits, char *err,
    size_t errlen)
{
	struct cursor c = {index, &fields[index], NULL, 0, err, errlen};
	const char *p = text, *end = text + len, *comma;

	*bits = 0;
	for (;;) {
		comma = memchr(p, ',', (size_t)(end - p));
		c.elem = p;
		c.elem_len = (size_t)((comma ? comma : end) - p);
		if (c.elem_len == 0)
			return field_fail(&c, "empty element in \"%.*s\"",
			    token_len(len), text);
		if (parse_element(&c, bits) < 0)
			return -1;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

/* Splits expr at white space into at most SCHED_NFIELDS fields; returns the
 * number of fields found (counting any beyond the limit). */
static int
split_fields(const char *expr, const char *start[], size_t len[])
{
	const char *p = expr;
	int n = 0;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return n;
		if (n < SCHED_NFIELDS)
			start[n] = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			p++;
		if (n < SCHED_NFIELDS)
			len[n] = (size_t)(p - start[n]);
		n++;
	}
}

/* Replaces an @macro by its five fields; *expr is left alone otherwise. */
static int
expand_macro(const char **expr, char *err, size_t errlen)
{
	const char *p = *expr, *word;
	size_t n, i;

	while (isspace((unsigned char)*p))
		p++;
	if (*p != '@')
		return 0;
	word = p;
	while (*p != '\0' && !isspace((unsigned char)*p))
		p++;
	n = (size_t)(p - word);
	while (isspace((unsigned char)*p))
		p++;
	if (n == 7 && strncmp(word, "@reboot", n) == 0)
		return fail(err, errlen,
		    "@reboot is not supported: cronwrap "
		    "runs from cron and is not a daemon (put the @reboot line "
		    "in a crontab instead)");
	for (i = 0; i < sizeof macros / sizeof macros[0]; i++)
		if (n == strlen(macros[i].name) &&
		    strncmp(word, macros[i].name, n) == 0)
			break;
	if (i == sizeof macros / sizeof macros[0])
		return fail(err, errlen,
		    "unknown macro \"%.*s\" (expected @hourly, @daily, "
		    "@midnight, @weekly, @monthly, @yearly or @annually)",
		    token_len(n), word);
	if (*p != '\0')
		return fail(err, errlen, "unexpected \"%.*s\" after %s",
		    token_len(strlen(p)), p, macros[i].name);
	*expr = macros[i].expansion;
	return 0;
}

/* True when tz names a compiled zone file of the tz database. */
static bool
tz_known(const char *tz)
{
	const char *dir = getenv("TZDIR");
	char path[4096], magic[4];
	int fd, n;
	ssize_t got;

	if (*tz == '\0' || *tz == '/' || strstr(tz, "..") != NULL)
		return false;
	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	n = snprintf(path, sizeof path, "%s/%s", dir, tz);
	if (n < 0 || (size_t)n >= sizeof path)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	got = read(fd, magic, sizeof magic);
	(void)close(fd);
	return got == (ssize_t)sizeof magic && memcmp(magic, "TZif", 4) == 0;
}

/* Fills s from the five fields of expr. */
static int
parse_fields(struct schedule *s, const char *expr, char *err, size_t errlen)
{
	const char *start[SCHED_NFIELDS];
	size_t len[SCHED_NFIELDS];
	uint64_t bits[SCHED_NFIELDS];
	int n, i;

	n = split_fields(expr, start, len);
	if (n != SCHED_NFIELDS)
		return fail(err, errlen, "expected %d fields, got %d",
		    SCHED_NFIELDS, n);
	for (i = 0; i < SCHED_NFIELDS; i++)
		if (parse_field(i, start[i], len[i], &bits[i], err, errlen) < 0)
			return -1;
	s->minute = bits[0];
	s->hour = (uint32_t)bits[1];
	s->dom = (uint32_t)bits[2];
	s->month = (uint32_t)bits[3];
	/* 0 and 7 are both Sunday. */
	s->dow = (uint32_t)((bits[4] | bits[4] >> 7) & 0x7f);
	/* cronie's MIN_STAR, HR_STAR, DOM_STAR and DOW_STAR: the first
	 * character of the field decides, whatever follows it. */
	s->fixed = *start[0] != '*' && *start[1] != '*';
	s->dom_star = *start[2] == '*';
	s->dow_star = *start[4] == '*';
	return 0;
}

int
schedule_parse(const char *expr, const char *tz, struct schedule **out,
    char *err, size_t errlen)
{
	struct schedule *s;

	*out = NULL;
	if (expr == NULL)
		return fail(err, errlen, "no schedule given");
	if (tz != NULL && !tz_known(tz))
		return fail(err, errlen, "unknown time zone \"%s\"", tz);
	if (expand_macro(&expr, err, errlen) < 0)
		return -1;
	s = xcalloc(1, sizeof *s);
	if (parse_fields(s, expr, err, errlen) < 0) {
		free(s);
		return -1;
	}
	s->tz = tz != NULL ? xstrdup(tz) : NULL;
	*out = s;
	return 0;
}

void
schedule_free(struct schedule *s)
{
	if (s == NULL)
		return;
	free(s->tz);
	free(s);
}

bool
schedule_is_fixed(const struct schedule *s)
{
	return s->fixed;
}
