/*
 * ring.h - the last N lines of a job's output, in bounded memory (each line
 * is cut by the caller), for the failure summary and the alert.
 */
#ifndef CW_RING_H
#define CW_RING_H

#include <stddef.h>

struct ring {
	char **lines;
	size_t *caps; /* allocated size of each line: buffers are reused */
	size_t cap;   /* lines kept at most */
	size_t start; /* index of the oldest */
	size_t n;
};

void ring_init(struct ring *r, size_t cap);
void ring_push(struct ring *r, const char *line, size_t len);
/* The last n lines (all when n is 0 or more than held), each ended by a
 * newline, in one string the caller frees. */
char *ring_join(const struct ring *r, size_t n);
void ring_free(struct ring *r);

#endif
