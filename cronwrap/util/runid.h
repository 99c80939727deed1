/*
 * runid.h - run ids: ULIDs (26 characters of Crockford base32, 48 bits of
 * milliseconds then 80 random bits), so ids sort by start time.
 */
#ifndef CW_RUNID_H
#define CW_RUNID_H

#define RUNID_LEN 26

/* Writes a new id and its NUL into buf[RUNID_LEN + 1]. */
void runid_new(double now, char buf[RUNID_LEN + 1]);

#endif
