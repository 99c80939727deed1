/*
 * alert_text.c - a job's output made fit for mail and JSON.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert_text.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */
#define FILE_TAIL_BYTES 65536

/* Length of the valid UTF-8 sequence at p, 0 when it is not one
 * (overlong forms, surrogates and code points past U+10FFFF are not). */
static size_t
utf8_seq(const unsigned char *p, size_t left)
{
	unsigned cp, min;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1fu;
		min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0fu;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07u;
		min = 0x10000;
	} else
		return 0;
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static char *
take(struct strbuf *b)
{
	return b->s != NULL ? b->s : xstrdup("");
}

char *
alert_text_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct strbuf b = STRBUF_INIT;
	size_t left = strlen(s);

	while (left > 0) {
		size_t k = utf8_seq(p, left);

		if (k == 0) {
			strbuf_adds(&b, REPLACEMENT);
			k = 1;
		} else
			strbuf_add(&b, (const char *)p, k);
		p += k;
		left -= k;
	}
	return take(&b);
}

/* Skips a terminal escape sequence (CSI "ESC [ ... final", OSC "ESC ]
 * ... BEL", or ESC and one character), returning what follows it. */
static const unsigned char *
skip_escape(const unsigned char *p, const unsigned char *end)
{
	p++;
	if (p < end && *p == '[') {
		for (p++; p < end && (*p < 0x40 || *p > 0x7e); p++)
			;
		return p < end ? p + 1 : end;
	}
	if (p < end && *p == ']') {
		for (p++; p < end && *p != '\a' && *p != 0x1b; p++)
			;
		return p < end && *p == '\a' ? p + 1 : p;
	}
	return p < end ? p + 1 : end;
}

/* Copies one character (or escape) of text; returns what follows it. */
static const unsigned char *
clean_char(struct strbuf *b, size_t *line_start, const unsigned char *p,
    const unsigned char *end)
{
	size_t k;

	if (*p == 0x1b)
		return skip_escape(p, end);
	if (*p == '\r' && p + 1 < end && p[1] == '\n')
		return p + 1;
	if (*p == '\r') {
		/* What a terminal shows: the line after its last CR. */
		b->len = *line_start;
		if (b->s != NULL)
			b->s[b->len] = '\0';
		return p + 1;
	}
	if (*p == '\n' || *p == '\t') {
		strbuf_add(b, (const char *)p, 1);
		if (*p == '\n')
			*line_start = b->len;
		return p + 1;
	}
	if (*p < 0x20 || *p == 0x7f)
		return p + 1;
	k = utf8_seq(p, (size_t)(end - p));
	if (k == 0) {
		strbuf_adds(b, REPLACEMENT);
		return p + 1;
	}
	strbuf_add(b, (const char *)p, k);
	return p + k;
}

/* Where the last max_lines lines of text begin. */
static const char *
last_lines(const char *text, size_t n, unsigned max_lines)
{
	const char *p = text + n;
	unsigned seen = 0;

	if (p > text && p[-1] == '\n')
		p--;
	while (p > text) {
		if (p[-1] == '\n' && ++seen == max_lines)
			break;
		p--;
	}
	return p;
}

char *
alert_text_tail(const char *text, size_t n, unsigned max_lines, unsigned *lines)
{
	struct strbuf b = STRBUF_INIT;
	const unsigned char *p, *end;
	size_t line_start = 0;

	*lines = 0;
	if (text == NULL || n == 0 || max_lines == 0)
		return xstrdup("");
	p = (const unsigned char *)last_lines(text, n, max_lines);
	end = (const unsigned char *)text + n;
	while (p < end)
		p = clean_char(&b, &line_start, p, end);
	if (b.len > 0 && b.s[b.len - 1] != '\n')
		strbuf_add(&b, "\n", 1);
	for (size_t i = 0; i < b.len; i++)
		*lines += b.s[i] == '\n';
	return take(&b);
}

char *
alert_text_file_tail(const char *path, unsigned max_lines, unsigned *lines)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char *buf, *out;
	struct stat st;
	off_t from;
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return NULL;
	}
	from = st.st_size > FILE_TAIL_BYTES ? st.st_size - FILE_TAIL_BYTES : 0;
	buf = xmalloc(FILE_TAIL_BYTES);
	n = pread(fd, buf, FILE_TAIL_BYTES, from);
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	out = alert_text_tail(buf, (size_t)n, max_lines, lines);
	free(buf);
	return out;
}

void
alert_text_duration(double seconds, char *buf, size_t len)
{
	long long s = llround(seconds > 0 ? seconds : 0);

	if (s < 60)
		snprintf(buf, len, "%llds", s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm", s / 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
}
