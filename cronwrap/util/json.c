#include <stddef.h>
#include <stdint.h>

#include "util/json.h"

/* The length of the valid UTF-8 sequence at s (1-4), or 0 when it is not
 * one (stray continuation, overlong form, surrogate, beyond U+10FFFF). */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	cp = s[0] & (0x7fu >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

void
json_quote(struct strbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	strbuf_add(b, "\"", 1);
	while (*p != '\0') {
		size_t n = utf8_len(p);

		if (*p == '"' || *p == '\\')
			strbuf_printf(b, "\\%c", *p);
		else if (*p == '\n')
			strbuf_adds(b, "\\n");
		else if (*p == '\t')
			strbuf_adds(b, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_printf(b, "\\u%04x", *p);
		else if (n == 0)
			strbuf_adds(b, "\\ufffd");
		else
			strbuf_add(b, (const char *)p, n);
		p += n > 0 ? n : 1;
	}
	strbuf_add(b, "\"", 1);
}
