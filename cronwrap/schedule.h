/*
 * schedule.h - cron expressions: parse, previous and next tick, windows.
 *
 * Five fields (minute hour day-of-month month day-of-week) with lists,
 * ranges, steps, month and day names, and @hourly, @daily (@midnight),
 * @weekly, @monthly, @yearly (@annually).  Day-of-month and day-of-week
 * follow Vixie cron / cronie: when both are restricted (neither starts
 * with '*'), a day matches when either matches.  Times are evaluated in
 * the schedule's time zone (NULL = the process's local zone); across a
 * daylight-saving change a wall-clock time that does not exist is skipped
 * and one that happens twice fires once (at its first occurrence), as
 * cronie does for fixed-time jobs.
 */
#ifndef CW_SCHEDULE_H
#define CW_SCHEDULE_H

#include <stddef.h>
#include <time.h>

struct schedule;

/* Parses expr in time zone tz ("Europe/Paris", NULL = local).  Returns 0,
 * or -1 with a message for people in err ("field 2 (hour): 25 is out of
 * range 0-23"). */
int schedule_parse(const char *expr, const char *tz, struct schedule **out,
    char *err, size_t errlen);
void schedule_free(struct schedule *s);
/* The first tick strictly after t, or (time_t)-1 when there is none within
 * the next 5 years (an impossible date such as 31 February). */
time_t schedule_next(const struct schedule *s, time_t t);
/* The latest tick at or before t, or (time_t)-1 as above. */
time_t schedule_prev(const struct schedule *s, time_t t);
/* The data window of a run started at t: this tick = schedule_prev(t), and
 * the window is [the tick before it, this tick).  Returns 0 or -1. */
int schedule_window(const struct schedule *s, time_t t, time_t *start,
    time_t *end);

#endif
