#include <stdlib.h>
#include <string.h>

#include "util/ring.h"
#include "util/xalloc.h"

void
ring_init(struct ring *r, size_t cap)
{
	r->cap = cap ? cap : 1;
	r->lines = xcalloc(r->cap, sizeof *r->lines);
	r->caps = xcalloc(r->cap, sizeof *r->caps);
	r->start = r->n = 0;
}

void
ring_push(struct ring *r, const char *line, size_t len)
{
	size_t i;

	if (r->n < r->cap) {
		i = (r->start + r->n) % r->cap;
		r->n++;
	} else {
		i = r->start;
		r->start = (r->start + 1) % r->cap;
	}
	/* The evicted line's buffer takes the new one: a job printing
	 * millions of lines costs no malloc per line. */
	if (r->caps[i] < len + 1) {
		r->caps[i] = len + 1 > 128 ? len + 1 : 128;
		free(r->lines[i]);
		r->lines[i] = xmalloc(r->caps[i]);
	}
	memcpy(r->lines[i], line, len);
	r->lines[i][len] = '\0';
}

char *
ring_join(const struct ring *r, size_t n)
{
	size_t first, len = 1, i;
	char *out, *p;

	if (n == 0 || n > r->n)
		n = r->n;
	first = r->n - n;
	for (i = first; i < r->n; i++)
		len += strlen(r->lines[(r->start + i) % r->cap]) + 1;
	p = out = xmalloc(len);
	for (i = first; i < r->n; i++) {
		const char *l = r->lines[(r->start + i) % r->cap];
		size_t l_len = strlen(l);

		memcpy(p, l, l_len);
		p += l_len;
		*p++ = '\n';
	}
	*p = '\0';
	return out;
}

void
ring_free(struct ring *r)
{
	for (size_t i = 0; i < r->cap; i++)
		free(r->lines != NULL ? r->lines[i] : NULL);
	free(r->lines);
	free(r->caps);
	r->lines = NULL;
	r->caps = NULL;
	r->n = r->cap = r->start = 0;
}
