#include <stdio.h>
#include <stdlib.h>

#include "util/diag.h"
#include "util/xalloc.h"

void
diag_vadd(
    struct diag *d, const char *file, int line, const char *fmt, va_list ap)
{
	char *msg, *full;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = xstrdup(fmt);
	if (file != NULL && line > 0)
		full = xasprintf("%s:%d: %s", file, line, msg);
	else if (file != NULL)
		full = xasprintf("%s: %s", file, msg);
	else
		full = xstrdup(msg);
	free(msg);
	strv_push_take(&d->msgs, full);
}

void
diag_add(struct diag *d, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, file, line, fmt, ap);
	va_end(ap);
}

void
diag_free(struct diag *d)
{
	strv_free(&d->msgs);
}
