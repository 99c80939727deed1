/*
 * strv.h - a growable, NULL-terminated vector of owned strings (an argv).
 */
#ifndef CW_STRV_H
#define CW_STRV_H

#include <stdbool.h>
#include <stddef.h>

struct strv {
	char **v; /* NULL-terminated when n > 0 or after strv_terminate() */
	size_t n;
	size_t cap;
};

#define STRV_INIT                                                              \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

/* Appends a copy of s. */
void strv_push(struct strv *sv, const char *s);
/* Appends s itself; the vector takes ownership. */
void strv_push_take(struct strv *sv, char *s);
void strv_copy(struct strv *dst, const struct strv *src);
bool strv_contains(const struct strv *sv, const char *s);
/* Makes v non-NULL and NULL-terminated even when empty (for execve). */
char **strv_terminate(struct strv *sv);
/* Joins with sep; the result is to be freed by the caller. */
char *strv_join(const struct strv *sv, const char *sep);
void strv_free(struct strv *sv);

#endif
