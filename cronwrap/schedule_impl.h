/*
 * schedule_impl.h - the parsed form of a cron expression, shared by the
 * parser (schedule_parse.c) and the search (schedule.c).  Nothing else
 * includes it.
 */
#ifndef CW_SCHEDULE_IMPL_H
#define CW_SCHEDULE_IMPL_H

#include <stdbool.h>
#include <stdint.h>

/* Each field is a bit set: bit n set when value n matches. */
struct schedule {
	uint64_t minute; /* bits 0..59 */
	uint32_t hour;   /* bits 0..23 */
	uint32_t dom;    /* bits 1..31 */
	uint32_t month;  /* bits 1..12 */
	uint32_t dow;    /* bits 0..6, Sunday = 0 (a 7 is folded into 0) */
	bool dom_star;   /* the day-of-month field started with '*' */
	bool dow_star;   /* the day-of-week field started with '*' */
	bool fixed;      /* neither minute nor hour started with '*' */
	char *tz;        /* time zone name, NULL = local; owned */
};

#endif
