/*
 * duration.h - durations as SPEC writes them: "90", "90s", "15m", "2h", "1d".
 */
#ifndef CW_DURATION_H
#define CW_DURATION_H

#include <stddef.h>

/* Parses s into seconds.  Returns 0, or -1 for anything else than a
 * non-negative number followed by at most one unit of s, m, h, d. */
int duration_parse(const char *s, double *seconds);
/* Formats seconds for people: "12.4s", "3m05s", "2h00m", "1d02h". */
void duration_format(double seconds, char *buf, size_t len);

#endif
