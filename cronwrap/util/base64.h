/*
 * base64.h - RFC 4648 base64, for MIME encoded words.  (OpenSSL has one,
 * but the runner does not load OpenSSL: see net.h.)
 */
#ifndef CW_BASE64_H
#define CW_BASE64_H

#include <stddef.h>

/* Writes the encoding of in[0..n) and a NUL into out, which holds at
 * least 4 * ((n + 2) / 3) + 1 bytes.  Returns the length written. */
size_t base64_encode(const unsigned char *in, size_t n, char *out);

#endif
