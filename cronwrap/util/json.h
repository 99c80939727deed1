/*
 * json.h - a JSON string (RFC 8259) of any bytes: escaped, and made valid
 * UTF-8 (an invalid sequence becomes U+FFFD), for --json and webhooks.
 */
#ifndef CW_JSON_H
#define CW_JSON_H

#include "util/strbuf.h"

/* Appends s as a quoted JSON string. */
void json_quote(struct strbuf *b, const char *s);

#endif
