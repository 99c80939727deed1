/*
 * strbuf.h - a growable string.
 */
#ifndef CW_STRBUF_H
#define CW_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s; /* NUL-terminated once anything was added */
	size_t len, cap;
};

#define STRBUF_INIT                                                            \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

void strbuf_add(struct strbuf *b, const char *data, size_t len);
void strbuf_adds(struct strbuf *b, const char *s);
void strbuf_printf(struct strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The string ("" when empty); stays owned by b. */
const char *strbuf_str(struct strbuf *b);
void strbuf_free(struct strbuf *b);

#endif
