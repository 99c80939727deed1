/*
 * crontab_line.h - the pieces of a cron.d line for Debian's cron
 * (3.0pl1, a Vixie cron): the schedule in the syntax it reads, the
 * question of time zones, and quoting for its command field.
 *
 * Debian's cron reads numbers, ranges and steps after a range or '*', the
 * @hourly .. @yearly macros, and names only as single values.  cronwrap
 * also reads "N/STEP" (N-max/STEP, as croniter), names in ranges and
 * "fri-sun" (Sunday closing the week, as cronie): those are rewritten
 * with numbers.  A field that starts with '*' is kept as it is, since
 * cron's day-of-month/day-of-week rule depends on that first character.
 *
 * Debian's cron has no CRON_TZ: it reads every schedule in the system's
 * time zone (/etc/localtime), and a CRON_TZ= line would only become a
 * variable of the command's environment.
 */
#ifndef CW_CRONTAB_LINE_H
#define CW_CRONTAB_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/strbuf.h"

/* Rewrites expr (a schedule that schedule_parse() accepted) for Debian's
 * cron into out.  Returns 0, or -1 when it does not fit or is not a
 * schedule. */
int crontab_expr(const char *expr, char *out, size_t len);

/* Whether the zones tz and ref (TZ values: "Europe/Paris",
 * ":/etc/localtime") have the same UTC offset at every quarter of an hour
 * of the days days from from: then a schedule means the same instants in
 * both. */
bool crontab_tz_same(const char *tz, const char *ref, time_t from, int days);

/* Appends arg for the command field of a cron line: quoted for /bin/sh
 * when needed, with '%' (which cron turns into a newline) escaped.
 * Returns 0, or -1 when arg holds what a cron line cannot carry (a
 * newline, a backslash, whose handling differs between crons). */
int crontab_quote(struct strbuf *b, const char *arg);

#endif
