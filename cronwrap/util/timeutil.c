#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/timeutil.h"

double
now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
iso8601_utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
iso8601_utc_ms(double t, char *buf, size_t len)
{
	long long all_ms = llround(t * 1000.0);
	time_t sec = (time_t)(all_ms / 1000);
	int ms = (int)(all_ms % 1000);
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, ms);
}

double
duration_ms_exact(double start, double end)
{
	return (double)(llround(end * 1000.0) - llround(start * 1000.0)) /
	       1000.0;
}

void
localtime_str(time_t t, char *buf, size_t len)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Two digits at p, or -1. */
static int
two_digits(const char *p)
{
	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* The zone that ends an instant: nothing or "Z" (UTC), or an offset
 * "+HH:MM" or "+HHMM", with nothing after it. */
static int
parse_offset(const char *p, long *off)
{
	const char *q = p + 1;
	int hh, mm;

	if (strcmp(p, "Z") == 0 || *p == '\0') {
		*off = 0;
		return 0;
	}
	if ((*p != '+' && *p != '-') || (hh = two_digits(q)) < 0)
		return -1;
	q += 2;
	if (*q == ':')
		q++;
	if ((mm = two_digits(q)) < 0 || q[2] != '\0' || hh > 23 || mm > 59)
		return -1;
	*off = (hh * 3600L + mm * 60L) * (*p == '-' ? -1 : 1);
	return 0;
}

int
iso8601_parse(const char *s, time_t *t)
{
	struct tm tm, asked;
	const char *p;
	time_t t0;
	long off;

	memset(&tm, 0, sizeof tm);
	p = strptime(s, "%Y-%m-%d", &tm);
	if (p == NULL)
		return -1;
	if (*p == 'T' || *p == ' ') {
		const char *q = strptime(p + 1, "%H:%M", &tm);

		if (q == NULL)
			return -1;
		p = q;
		if (*p == ':') {
			q = strptime(p + 1, "%S", &tm);
			if (q == NULL)
				return -1;
			p = q;
			/* Windows are whole seconds: a fraction is dropped. */
			if ((*p == '.' || *p == ',') &&
			    isdigit((unsigned char)p[1]))
				for (p++; isdigit((unsigned char)*p); p++)
					;
		}
	}
	if (parse_offset(p, &off) < 0)
		return -1;
	asked = tm;
	t0 = timegm(&tm);
	/* strptime takes "2026-02-30" and second 60, which timegm moves to
	 * March 2 and the next minute: not what was written. */
	if (tm.tm_mday != asked.tm_mday || tm.tm_mon != asked.tm_mon ||
	    tm.tm_sec != asked.tm_sec)
		return -1;
	*t = t0 - off;
	return 0;
}

void
sleep_until(double deadline_mono, const volatile sig_atomic_t *stop)
{
	double left;

	while ((stop == NULL || !*stop) &&
	       (left = deadline_mono - now_mono()) > 0) {
		struct timespec ts;

		if (left > 0.2)
			left = 0.2;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
}
