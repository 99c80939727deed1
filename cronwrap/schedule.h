/*
 * schedule.h - cron expressions: parse, previous and next tick, windows.
 *
 * Five fields (minute hour day-of-month month day-of-week) with lists,
 * ranges, steps (on the star, on a range "1-30/5", and "5/10" for 5-59/10
 * as croniter reads it), month names jan-dec and day names sun-sat in any
 * case, 0 and 7 both Sunday ("fri-sun" is Friday to Sunday, as cronie),
 * and the macros @hourly, @daily (@midnight), @weekly, @monthly, @yearly
 * (@annually), in lower case as cron reads them, which stand for
 * "0 * * * *", "0 0 * * *", "0 0 * * 0", "0 0 1 * *" and "0 0 1 1 *".
 * @reboot is refused: cronwrap is started by cron, it is not a daemon that
 * could notice a boot.
 *
 * Day of month and day of week follow Vixie cron / cronie: a field whose
 * text starts with '*' is unrestricted, even with a step; when both are
 * restricted a day matches when either matches, otherwise both must match.
 * So "0 0 1 * mon" runs on the 1st and on Mondays, and "0 0 1-7 * *" on
 * the first seven days, but a day of month of "*" stepped by 2 with "mon"
 * runs on Mondays with an odd date only.
 *
 * A tick is an instant at which cron starts the job.  Times are evaluated
 * in the schedule's time zone (NULL = the process's local zone), and
 * daylight-saving changes are handled as cronie's daemon handles them, so
 * that a run started by cron finds its own tick with schedule_prev():
 *   - A job is "fixed-time" when neither its minute nor its hour field
 *     starts with '*' (@daily is, @hourly is not).
 *   - Spring forward (a wall time that does not exist): a fixed-time job
 *     whose time falls in the gap fires once at the first instant after
 *     the jump ("30 2 * * *" in Europe/Paris on the last Sunday of March
 *     fires at 03:00 CEST); any other job simply has no tick there (every
 *     15 minutes goes from 01:45 CET to 03:00 CEST).  A jump of more
 *     than 3 hours (a zone changing sides of the date line) is not caught
 *     up, as in cronie.
 *   - Fall back (a wall time that happens twice): a fixed-time job fires
 *     once, at the first occurrence; any other job fires at both, so every
 *     15 minutes keeps firing every 15 minutes of real time.
 *
 * Searches are bounded: a tick more than 1827 days (five years) away from
 * the starting instant is not found, so an impossible date such as
 * "0 0 31 2 *" gives (time_t)-1, and so does "0 0 29 2 *" across the
 * eight-year gap around 2100.
 *
 * Not thread-safe: with a time zone set, each call switches the TZ
 * environment variable and calls tzset(), then restores both.
 */
#ifndef CW_SCHEDULE_H
#define CW_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct schedule;

/* Parses expr in time zone tz (a tz database name such as "Europe/Paris",
 * NULL = local).  Returns 0 and a schedule to be freed with
 * schedule_free(), or -1 with a message for people in err, naming the
 * field and the token: "expected 5 fields, got 4", "field 2 (hour): 25 out
 * of range 0-23", "field 5 (day of week): unknown name \"fri2\"", "unknown
 * time zone \"Europe/Pari\"".  The caller adds where it comes from. */
int schedule_parse(const char *expr, const char *tz, struct schedule **out,
    char *err, size_t errlen);
void schedule_free(struct schedule *s);
/* True for a fixed-time job (see above): its DST behaviour differs. */
bool schedule_is_fixed(const struct schedule *s);
/* The first tick strictly after t, or (time_t)-1 when there is none within
 * the search bound (an impossible date such as 31 February). */
time_t schedule_next(const struct schedule *s, time_t t);
/* The latest tick at or before t, or (time_t)-1 as above. */
time_t schedule_prev(const struct schedule *s, time_t t);
/* The data window of a run started at t: this tick = schedule_prev(t), and
 * the window is [the tick before it, this tick).  Returns 0, or -1 with
 * errno = ERANGE when either tick is beyond the search bound. */
int schedule_window(
    const struct schedule *s, time_t t, time_t *start, time_t *end);

#endif
