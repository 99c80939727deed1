/*
 * diag.h - a list of diagnostics for people ("FILE:LINE: message"),
 * collected by config validation so that "cronwrap check" reports every
 * problem at once instead of the first.
 */
#ifndef CW_DIAG_H
#define CW_DIAG_H

#include <stdarg.h>
#include <stddef.h>

#include "util/strv.h"

struct diag {
	struct strv msgs;
};

#define DIAG_INIT                                                              \
	{                                                                      \
		STRV_INIT                                                      \
	}

/* Adds "FILE:LINE: message"; without a file, "message" alone; without a
 * line (0), "FILE: message". */
void diag_add(struct diag *d, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_vadd(struct diag *d, const char *file, int line, const char *fmt,
    va_list ap) __attribute__((format(printf, 4, 0)));
static inline size_t
diag_count(const struct diag *d)
{
	return d->msgs.n;
}
void diag_free(struct diag *d);

#endif
