/*
 * target.c - what every target shares: filling in its error.
 */
#include <stdarg.h>
#include <stdio.h>

#include "target.h"

int
target_fail(struct target *t, bool transient, const char *fmt, ...)
{
	va_list ap;

	t->err.transient = transient;
	t->err.missing = false;
	va_start(ap, fmt);
	vsnprintf(t->err.msg, sizeof(t->err.msg), fmt, ap);
	va_end(ap);
	return -1;
}
