/*
 * xalloc.h - allocation that cannot fail.  cronwrap's allocations are small
 * and bounded; running out of memory is not a condition a job runner can
 * recover from, so these abort with a message instead of returning NULL
 * (as OpenSSH's xmalloc does).
 */
#ifndef CW_XALLOC_H
#define CW_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Frees and NULLs, as curl's curlx_safefree. */
#define sfree(p)                                                               \
	do {                                                                   \
		free(p);                                                       \
		(p) = NULL;                                                    \
	} while (0)

#endif
