/*
 * schedule.c - the ticks of a parsed schedule: next, previous, window.
 *
 * The search runs on wall-clock time, counted in minutes since 1970-01-01
 * 00:00 of the schedule's zone as if there were no offset changes ("wall
 * minutes"), where a calendar step is plain arithmetic: whole months and
 * days that cannot match are skipped at once.  Each matching wall minute is
 * then turned into the instants cron would start the job at (none, one or
 * two across a daylight-saving change; see schedule.h), and the instants
 * are compared with the starting point.
 *
 * Offsets come from localtime_r() with TZ pointed at the schedule's zone
 * for the duration of one call (glibc has no per-call zone).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schedule.h"
#include "schedule_impl.h"
#include "util/xalloc.h"

/* The search bound: five years, leap days included. */
#define SCHED_LIMIT_DAYS 1827
#define MIN_PER_DAY 1440
/* A clock change larger than this is not daylight saving: cronie does not
 * catch up fixed-time jobs across it, and overlaps are searched this far. */
#define SCHED_DST_MAX 10800
#define NO_TICK ((time_t)-1)
#define NO_WALL INT64_MIN

/* Saved TZ while a schedule's own zone is in effect. */
struct tz_guard {
	bool active;
	char *saved; /* previous TZ value, NULL when unset */
};

static void
tz_enter(const char *tz, struct tz_guard *g)
{
	const char *old;

	g->active = false;
	g->saved = NULL;
	if (tz != NULL) {
		old = getenv("TZ");
		if (old == NULL || strcmp(old, tz) != 0) {
			g->saved = old != NULL ? xstrdup(old) : NULL;
			g->active = true;
			(void)setenv("TZ", tz, 1);
		}
	}
	tzset();
}

static void
tz_leave(struct tz_guard *g)
{
	if (!g->active)
		return;
	if (g->saved != NULL)
		(void)setenv("TZ", g->saved, 1);
	else
		(void)unsetenv("TZ");
	sfree(g->saved);
	tzset();
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (after Howard
 * Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* The lowest set bit at or above from, or -1. */
static int
bit_next(uint64_t bits, int from)
{
	bits &= ~(uint64_t)0 << from;
	return bits == 0 ? -1 : __builtin_ctzll(bits);
}

/* The highest set bit at or below from (from < 63), or -1. */
static int
bit_prev(uint64_t bits, int from)
{
	bits &= ((uint64_t)2 << from) - 1;
	return bits == 0 ? -1 : 63 - __builtin_clzll(bits);
}

static bool
day_matches(const struct schedule *s, int64_t days, int mday)
{
	/* 1970-01-01 was a Thursday. */
	int wday = (int)(days + 4 - floor_div(days + 4, 7) * 7);
	bool dom = s->dom >> mday & 1, dow = s->dow >> wday & 1;

	/* Vixie cron: a starred field does not widen the other one. */
	if (s->dom_star || s->dow_star)
		return dom && dow;
	return dom || dow;
}

/* The first wall minute at or after w that matches the fields, or NO_WALL
 * past limit.  Each turn of the loop moves to the next month, day, hour or
 * minute that can match. */
static int64_t
wall_next(const struct schedule *s, int64_t w, int64_t limit)
{
	while (w <= limit) {
		int64_t days = floor_div(w, MIN_PER_DAY), y;
		int mod = (int)(w - days * MIN_PER_DAY), m, d, h, mi;

		civil_from_days(days, &y, &m, &d);
		if (!(s->month >> m & 1)) {
			w = days_from_civil(y + (m == 12), m % 12 + 1, 1) *
			    MIN_PER_DAY;
			continue;
		}
		h = day_matches(s, days, d) ? bit_next(s->hour, mod / 60) : -1;
		if (h < 0) {
			w = (days + 1) * MIN_PER_DAY;
			continue;
		}
		mi = bit_next(s->minute, h == mod / 60 ? mod % 60 : 0);
		if (mi < 0) {
			w = days * MIN_PER_DAY + (h + 1) * 60;
			continue;
		}
		return days * MIN_PER_DAY + h * 60 + mi;
	}
	return NO_WALL;
}

/* The last wall minute at or before w that matches, or NO_WALL before
 * limit. */
static int64_t
wall_prev(const struct schedule *s, int64_t w, int64_t limit)
{
	while (w >= limit) {
		int64_t days = floor_div(w, MIN_PER_DAY), y;
		int mod = (int)(w - days * MIN_PER_DAY), m, d, h, mi;

		civil_from_days(days, &y, &m, &d);
		if (!(s->month >> m & 1)) {
			w = days_from_civil(y, m, 1) * MIN_PER_DAY - 1;
			continue;
		}
		h = day_matches(s, days, d) ? bit_prev(s->hour, mod / 60) : -1;
		if (h < 0) {
			w = days * MIN_PER_DAY - 1;
			continue;
		}
		mi = bit_prev(s->minute, h == mod / 60 ? mod % 60 : 59);
		if (mi < 0) {
			w = days * MIN_PER_DAY + h * 60 - 1;
			continue;
		}
		return days * MIN_PER_DAY + h * 60 + mi;
	}
	return NO_WALL;
}

/* The UTC offset in seconds at instant t in the current zone. */
static long
offset_at(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return tm.tm_gmtoff;
}

static int64_t
wall_minute_of(time_t t, long extra)
{
	return floor_div((int64_t)t + offset_at(t) + extra, 60);
}

/* The instant the clock jumped from offset before to after, searched in
 * (lo, hi] where offset_at(hi) == after. */
static time_t
transition_in(time_t lo, time_t hi, long after)
{
	while (hi - lo > 1) {
		time_t mid = lo + (hi - lo) / 2;

		if (offset_at(mid) == after)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* The ticks of wall minute w into out[2], earliest first; returns their
 * number.  The offsets a day either side are the candidates: a clock
 * change in between gives two instants (an overlap) or none (a gap). */
static int
wall_ticks(const struct schedule *s, int64_t w, time_t out[2])
{
	time_t ws = (time_t)(w * 60);
	long before = offset_at(ws - 86400), after = offset_at(ws + 86400);
	int n = 0;

	if (offset_at(ws - before) == before)
		out[n++] = ws - before;
	if (after != before && offset_at(ws - after) == after)
		out[n++] = ws - after;
	if (n == 2 && out[0] > out[1]) {
		time_t t = out[0];

		out[0] = out[1];
		out[1] = t;
	}
	/* Fall back: a fixed-time job runs at the first occurrence only. */
	if (n == 2 && s->fixed)
		n = 1;
	/* Spring forward: a fixed-time job runs right after the jump. */
	if (n == 0 && s->fixed && after > before &&
	    after - before <= SCHED_DST_MAX)
		out[n++] = transition_in(ws - after, ws - before, after);
	return n;
}

/* Searches forward from the wall minute of t, less any fall-back overlap
 * just after t, for the earliest tick after t.  Once a tick is found, a
 * later wall minute can still give an earlier instant only within an
 * overlap that ends at that tick, so the search goes on that far. */
static time_t
next_tick(const struct schedule *s, time_t t)
{
	long back = offset_at(t) - offset_at(t + SCHED_DST_MAX);
	int64_t w = wall_minute_of(t, back > 0 ? -back : 0);
	int64_t limit = w + (int64_t)SCHED_LIMIT_DAYS * MIN_PER_DAY;
	int64_t stop = NO_WALL;
	time_t best = NO_TICK, ticks[2];
	int i;

	while ((w = wall_next(s, w, limit)) != NO_WALL) {
		if (stop != NO_WALL && w > stop)
			break;
		int n = wall_ticks(s, w, ticks);

		for (i = 0; i < n; i++)
			if (ticks[i] > t &&
			    (best == NO_TICK || ticks[i] < best))
				best = ticks[i];
		if (best != NO_TICK && stop == NO_WALL) {
			back =
			    offset_at(best - SCHED_DST_MAX) - offset_at(best);
			stop = w + (back > 0 ? back / 60 : 0);
		}
		w++;
	}
	return best;
}

/* The mirror image of next_tick(). */
static time_t
prev_tick(const struct schedule *s, time_t t)
{
	long back = offset_at(t - SCHED_DST_MAX) - offset_at(t);
	int64_t w = wall_minute_of(t, back > 0 ? back : 0);
	int64_t limit = w - (int64_t)SCHED_LIMIT_DAYS * MIN_PER_DAY;
	int64_t stop = NO_WALL;
	time_t best = NO_TICK, ticks[2];
	int i;

	while ((w = wall_prev(s, w, limit)) != NO_WALL) {
		if (stop != NO_WALL && w < stop)
			break;
		int n = wall_ticks(s, w, ticks);

		for (i = 0; i < n; i++)
			if (ticks[i] <= t &&
			    (best == NO_TICK || ticks[i] > best))
				best = ticks[i];
		if (best != NO_TICK && stop == NO_WALL) {
			back =
			    offset_at(best) - offset_at(best + SCHED_DST_MAX);
			stop = w - (back > 0 ? back / 60 : 0);
		}
		w--;
	}
	return best;
}

time_t
schedule_next(const struct schedule *s, time_t t)
{
	struct tz_guard g;
	time_t r;

	tz_enter(s->tz, &g);
	r = next_tick(s, t);
	tz_leave(&g);
	return r;
}

time_t
schedule_prev(const struct schedule *s, time_t t)
{
	struct tz_guard g;
	time_t r;

	tz_enter(s->tz, &g);
	r = prev_tick(s, t);
	tz_leave(&g);
	return r;
}

int
schedule_window(const struct schedule *s, time_t t, time_t *start, time_t *end)
{
	struct tz_guard g;
	time_t e, b = NO_TICK;

	tz_enter(s->tz, &g);
	e = prev_tick(s, t);
	if (e != NO_TICK)
		b = prev_tick(s, e - 1);
	tz_leave(&g);
	if (b == NO_TICK) {
		errno = ERANGE;
		return -1;
	}
	*start = b;
	*end = e;
	return 0;
}
