/*
 * timeutil.h - clocks and ISO 8601 UTC timestamps.
 */
#ifndef CW_TIMEUTIL_H
#define CW_TIMEUTIL_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>
#include <time.h>

/* Seconds since the epoch, with sub-second precision. */
double now_real(void);
/* Monotonic seconds, for timers. */
double now_mono(void);
/* "2026-11-23T04:30:00Z" */
void iso8601_utc(time_t t, char *buf, size_t len);
/* "2026-11-23T04:30:00.123Z" */
void iso8601_utc_ms(double t, char *buf, size_t len);
/* end - start in seconds, from the milliseconds iso8601_utc_ms() prints,
 * so that a reader subtracting the two printed times finds the same. */
double duration_ms_exact(double start, double end);
/* Local time for people: "2026-11-23 05:30:00". */
void localtime_str(time_t t, char *buf, size_t len);
/* Parses an ISO 8601 instant: "2026-11-23T04:30:00Z", with an offset
 * "+01:00", a date alone "2026-11-23" (midnight UTC) or without a zone (UTC);
 * a fraction of a second ("04:30:00.500Z") is dropped.
 * Returns 0 or -1. */
int iso8601_parse(const char *s, time_t *t);
/* Sleeps, resuming after signals, until the monotonic deadline or until
 * *stop becomes true. */
void sleep_until(double deadline_mono, const volatile sig_atomic_t *stop);

#endif
