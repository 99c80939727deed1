/*
 * crontab_line.c - schedules, time zones and quoting for cron.d lines
 * (crontab_line.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crontab_line.h"
#include "util/xalloc.h"

struct cron_field {
	int high;                 /* the value "N/STEP" runs up to */
	const char *const *names; /* names[i] is value i + base */
	int base, nnames;
};

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may",
    "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const day_names[] = {
    "sun", "mon", "tue", "wed", "thu", "fri", "sat"};

static const struct cron_field cron_fields[5] = {
    {59, NULL, 0, 0},
    {23, NULL, 0, 0},
    {31, NULL, 0, 0},
    {12, month_names, 1, 12},
    {7, day_names, 0, 7},
};

/* A number or a name at *pp, as a number; -1 when neither. */
static int
cron_value(const struct cron_field *f, const char **pp)
{
	const char *p = *pp;
	size_t n = 0;

	if (isdigit((unsigned char)*p)) {
		char *endp;
		long v = strtol(p, &endp, 10);

		*pp = endp;
		return v > 1000 ? -1 : (int)v;
	}
	while (isalpha((unsigned char)p[n]))
		n++;
	for (int i = 0; i < f->nnames && n > 0; i++)
		if (strlen(f->names[i]) == n &&
		    strncasecmp(p, f->names[i], n) == 0) {
			*pp = p + n;
			return i + f->base;
		}
	return -1;
}

/* One element of field fi ("*", "*\/S", "A", "A-B", "A/S", "A-B/S"). */
static int
cron_element(int fi, const char *e, size_t n, struct strbuf *b)
{
	const struct cron_field *f = &cron_fields[fi];
	const char *p = e, *end = e + n;
	int lo, hi = -1;
	long step = 0;

	if (*e == '*') {
		strbuf_add(b, e, n);
		return 0;
	}
	if ((lo = cron_value(f, &p)) < 0)
		return -1;
	if (p < end && *p == '-') {
		p++;
		if ((hi = cron_value(f, &p)) < 0)
			return -1;
		if (f->names == day_names && hi == 0 && lo > 0)
			hi = 7; /* "fri-sun": Sunday closes the week */
	}
	if (p < end && *p == '/') {
		char *endp;

		step = strtol(p + 1, &endp, 10);
		if (endp == p + 1)
			return -1;
		p = endp;
		if (hi < 0)
			hi = f->high; /* "5/10" = 5-max/10 */
	}
	if (p != end || step < 0)
		return -1;
	strbuf_printf(b, "%d", lo);
	if (hi >= 0)
		strbuf_printf(b, "-%d", hi);
	if (step > 0)
		strbuf_printf(b, "/%ld", step);
	return 0;
}

static int
cron_field_text(int fi, const char *text, size_t len, struct strbuf *b)
{
	const char *p = text, *end = text + len;

	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma != NULL ? comma : end;

		if (stop == p || cron_element(fi, p, (size_t)(stop - p), b) < 0)
			return -1;
		if (comma == NULL)
			return 0;
		strbuf_add(b, ",", 1);
		p = comma + 1;
	}
}

static int
cron_fields_text(const char *p, struct strbuf *b)
{
	int fi;

	for (fi = 0; fi < 5; fi++) {
		size_t n;

		p += strspn(p, " \t");
		if ((n = strcspn(p, " \t")) == 0)
			return -1;
		if (fi > 0)
			strbuf_add(b, " ", 1);
		if (cron_field_text(fi, p, n, b) < 0)
			return -1;
		p += n;
	}
	return p[strspn(p, " \t")] == '\0' ? 0 : -1;
}

int
crontab_expr(const char *expr, char *out, size_t len)
{
	struct strbuf b = STRBUF_INIT;
	const char *p = expr + strspn(expr, " \t");
	int ret;

	if (*p == '@') /* Debian's cron reads the same macros */
		strbuf_add(&b, p, strcspn(p, " \t"));
	ret = *p == '@' ? 0 : cron_fields_text(p, &b);
	if (ret == 0 && b.len + 1 > len)
		ret = -1;
	if (ret == 0)
		memcpy(out, strbuf_str(&b), b.len + 1);
	strbuf_free(&b);
	return ret;
}

/* The UTC offsets of zone tz every 15 minutes from from. */
static void
tz_offsets(const char *tz, time_t from, size_t n, long *off)
{
	setenv("TZ", tz, 1);
	tzset();
	for (size_t i = 0; i < n; i++) {
		time_t t = from + (time_t)i * 900;
		struct tm tm;

		localtime_r(&t, &tm);
		off[i] = tm.tm_gmtoff;
	}
}

bool
crontab_tz_same(const char *tz, const char *ref, time_t from, int days)
{
	const char *was = getenv("TZ");
	char *saved = was != NULL ? xstrdup(was) : NULL;
	size_t n = (size_t)(days > 0 ? days : 1) * 96;
	long *a = xcalloc(n, sizeof *a), *b = xcalloc(n, sizeof *b);
	bool same;

	tz_offsets(tz, from, n, a);
	tz_offsets(ref, from, n, b);
	if (saved != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	same = memcmp(a, b, n * sizeof *a) == 0;
	free(saved);
	free(a);
	free(b);
	return same;
}

int
crontab_quote(struct strbuf *b, const char *arg)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
	                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                           "0123456789_./:=@+,-";
	bool quote = *arg == '\0' || strspn(arg, safe) != strlen(arg);

	for (const char *p = arg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return -1;
	if (quote)
		strbuf_add(b, "'", 1);
	for (const char *p = arg; *p != '\0'; p++) {
		if (*p == '\'')
			strbuf_adds(b, "'\\''");
		else if (*p == '%')
			strbuf_adds(b, "\\%");
		else
			strbuf_add(b, p, 1);
	}
	if (quote)
		strbuf_add(b, "'", 1);
	return 0;
}
