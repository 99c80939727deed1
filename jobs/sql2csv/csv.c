/*
 * csv.c - the RFC 4180 writer.
 *
 * Fields go into one fixed buffer; a full buffer goes to the write callback,
 * through deflate when gzip is on, so memory stays constant whatever the
 * size of the export or of one field.  A field is quoted when it contains
 * the delimiter, a quote, CR or LF, and also when it would otherwise read
 * as NULL: the empty string when NULL is written as an empty field (as
 * PostgreSQL's COPY does), or a text equal to the NULL string.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#define ZLIB_CONST
#include <zlib.h>

#include "csv.h"
#include "numfmt.h"

#define CSV_BUF (64 * 1024)

struct csv {
	struct csv_opts o;
	size_t null_len;
	int (*write)(void *arg, const void *p, size_t n);
	void *arg;
	unsigned col;               /* fields written in the current record */
	unsigned char special[256]; /* bytes that force quoting */
	size_t len;                 /* bytes in buf */
	bool zinit;
	z_stream z;
	unsigned char buf[CSV_BUF];
	unsigned char zbuf[CSV_BUF];
};

static const char hexdigits[] = "0123456789abcdef";

bool
csv_delimiter_ok(char d)
{
	unsigned char u = (unsigned char)d;

	if (u == 0 || u >= 0x80 || d == '"' || d == '\r' || d == '\n')
		return false;
	if ((d >= '0' && d <= '9') || (d >= 'a' && d <= 'z') ||
	    (d >= 'A' && d <= 'Z'))
		return false;
	return strchr("+-./:=", d) == NULL;
}

/* Hands n bytes to the callback, through deflate when gzip is on. */
static int
csv_emit(struct csv *c, const void *p, size_t n, int flush)
{
	int zr;

	if (!c->zinit)
		return n == 0 ? 0 : c->write(c->arg, p, n);
	c->z.next_in = p;
	c->z.avail_in = (uInt)n;
	do {
		c->z.next_out = c->zbuf;
		c->z.avail_out = sizeof(c->zbuf);
		zr = deflate(&c->z, flush);
		if (zr == Z_STREAM_ERROR) {
			errno = EIO;
			return -1;
		}
		if (c->z.avail_out < sizeof(c->zbuf) &&
		    c->write(
		        c->arg, c->zbuf, sizeof(c->zbuf) - c->z.avail_out) < 0)
			return -1;
	} while (
	    c->z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	return 0;
}

static int
csv_flush(struct csv *c)
{
	size_t n = c->len;

	c->len = 0;
	return csv_emit(c, c->buf, n, Z_NO_FLUSH);
}

/* Appends n bytes, flushing as often as needed: a field may be any size. */
static int
csv_put(struct csv *c, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n > CSV_BUF - c->len) {
		size_t k = CSV_BUF - c->len;

		memcpy(c->buf + c->len, s, k);
		c->len += k;
		s += k;
		n -= k;
		if (csv_flush(c) < 0)
			return -1;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	return 0;
}

static int
csv_putc(struct csv *c, char ch)
{
	if (c->len == CSV_BUF && csv_flush(c) < 0)
		return -1;
	c->buf[c->len++] = (unsigned char)ch;
	return 0;
}

static int
csv_sep(struct csv *c)
{
	return c->col++ == 0 ? 0 : csv_putc(c, c->o.delimiter);
}

static int
csv_start(struct csv *c)
{
	static const char bom[] = "\xef\xbb\xbf";

	c->len = 0;
	c->col = 0;
	return c->o.bom ? csv_put(c, bom, 3) : 0;
}

struct csv *
csv_new(const struct csv_opts *opts,
    int (*write)(void *arg, const void *p, size_t n), void *arg)
{
	struct csv *c;

	if (!csv_delimiter_ok(opts->delimiter) || opts->gzip_level < 0 ||
	    opts->gzip_level > 9) {
		errno = EINVAL;
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->o = *opts;
	if (c->o.null == NULL)
		c->o.null = "";
	c->null_len = strlen(c->o.null);
	c->write = write;
	c->arg = arg;
	c->special[(unsigned char)c->o.delimiter] = 1;
	c->special['"'] = c->special['\r'] = c->special['\n'] = 1;
	/* windowBits 15 + 16: a gzip header and trailer, as gzip(1) writes. */
	if (c->o.gzip_level > 0) {
		if (deflateInit2(&c->z, c->o.gzip_level, Z_DEFLATED, 15 + 16, 8,
		        Z_DEFAULT_STRATEGY) != Z_OK) {
			free(c);
			errno = ENOMEM;
			return NULL;
		}
		c->zinit = true;
	}
	(void)csv_start(c);
	return c;
}

void
csv_free(struct csv *c)
{
	if (c == NULL)
		return;
	if (c->zinit)
		deflateEnd(&c->z);
	free(c);
}

static bool
csv_is_null_text(const struct csv *c, const char *p, size_t n)
{
	return n == c->null_len && (n == 0 || memcmp(p, c->o.null, n) == 0);
}

static int
csv_put_quoted(struct csv *c, const char *p, size_t n)
{
	const char *q;

	if (csv_putc(c, '"') < 0)
		return -1;
	/* Each quote is written twice: copy up to and including it, then
	 * once more. */
	while ((q = memchr(p, '"', n)) != NULL) {
		size_t k = (size_t)(q - p) + 1;

		if (csv_put(c, p, k) < 0 || csv_putc(c, '"') < 0)
			return -1;
		p += k;
		n -= k;
	}
	if (csv_put(c, p, n) < 0)
		return -1;
	return csv_putc(c, '"');
}

int
csv_text(struct csv *c, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i;

	if (csv_sep(c) < 0)
		return -1;
	if (csv_is_null_text(c, p, n))
		return csv_put_quoted(c, p, n);
	for (i = 0; i < n; i++)
		if (c->special[s[i]])
			return csv_put_quoted(c, p, n);
	return csv_put(c, p, n);
}

/* A typed value: never contains the delimiter (csv_delimiter_ok), but may
 * still equal the NULL string ("0" or "NaN" chosen as null). */
static int
csv_value(struct csv *c, const char *p, size_t n)
{
	if (csv_sep(c) < 0)
		return -1;
	if (csv_is_null_text(c, p, n))
		return csv_put_quoted(c, p, n);
	return csv_put(c, p, n);
}

int
csv_number(struct csv *c, const char *p, size_t n)
{
	return csv_value(c, p, n);
}

int
csv_null(struct csv *c)
{
	if (csv_sep(c) < 0)
		return -1;
	return csv_put(c, c->o.null, c->null_len);
}

int
csv_uint(struct csv *c, uint64_t v)
{
	char tmp[24];
	char *e = tmp + sizeof(tmp), *p = e;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return csv_value(c, p, (size_t)(e - p));
}

int
csv_int(struct csv *c, int64_t v)
{
	char tmp[24];
	char *e = tmp + sizeof(tmp), *p = e;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	return csv_value(c, p, (size_t)(e - p));
}

int
csv_double(struct csv *c, double v)
{
	char tmp[NUMFMT_MAX];

	return csv_value(c, tmp, numfmt_double(v, tmp));
}

int
csv_float(struct csv *c, float v)
{
	char tmp[NUMFMT_MAX];

	return csv_value(c, tmp, numfmt_float(v, tmp));
}

int
csv_bool(struct csv *c, bool v)
{
	return v ? csv_value(c, "true", 4) : csv_value(c, "false", 5);
}

static size_t
csv_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

static int
csv_base64(struct csv *c, const unsigned char *p, size_t n)
{
	/* 3 bytes in, 4 characters out; whole groups per chunk so the
	 * padding comes only at the end. */
	unsigned char out[4 * 1024 + 1];

	while (n > 0) {
		size_t k = csv_min(n, 3 * 1024);
		int m = EVP_EncodeBlock(out, p, (int)k);

		if (csv_put(c, out, (size_t)m) < 0)
			return -1;
		p += k;
		n -= k;
	}
	return 0;
}

static int
csv_hexbytes(struct csv *c, const unsigned char *p, size_t n)
{
	char out[4096];

	while (n > 0) {
		size_t i, k = csv_min(n, sizeof(out) / 2);

		for (i = 0; i < k; i++) {
			out[2 * i] = hexdigits[p[i] >> 4];
			out[2 * i + 1] = hexdigits[p[i] & 15];
		}
		if (csv_put(c, out, 2 * k) < 0)
			return -1;
		p += k;
		n -= k;
	}
	return 0;
}

int
csv_blob(struct csv *c, const void *p, size_t n)
{
	if (n == 0)
		return csv_value(c, "", 0);
	if (csv_sep(c) < 0)
		return -1;
	if (c->o.binary == CSV_BIN_BASE64)
		return csv_base64(c, p, n);
	return csv_hexbytes(c, p, n);
}

static int
csv_unhex(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int
csv_hex(struct csv *c, const char *hex, size_t n)
{
	unsigned char bin[3 * 1024];

	/* PostgreSQL's hex output is well formed; a bad digit reads as 0. */
	if (c->o.binary == CSV_BIN_HEX || n == 0 || n % 2 != 0)
		return csv_value(c, hex, n);
	if (csv_sep(c) < 0)
		return -1;
	while (n > 0) {
		size_t i, k = csv_min(n / 2, sizeof(bin));

		for (i = 0; i < k; i++) {
			int hi = csv_unhex(hex[2 * i]);
			int lo = csv_unhex(hex[2 * i + 1]);

			bin[i] =
			    (unsigned char)((hi < 0 || lo < 0) ? 0
			                                       : hi << 4 | lo);
		}
		if (csv_base64(c, bin, k) < 0)
			return -1;
		hex += 2 * k;
		n -= 2 * k;
	}
	return 0;
}

static bool
csv_digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

/* Length of the "YYYY-MM-DD HH:MM:SS" head and fraction of p, or 0 when p
 * does not start that way. */
static size_t
csv_ts_head(const char *p, size_t n)
{
	size_t i = 19;

	if (n < 19 || !csv_digits(p, 4) || p[4] != '-' ||
	    !csv_digits(p + 5, 2) || p[7] != '-' || !csv_digits(p + 8, 2) ||
	    p[10] != ' ' || !csv_digits(p + 11, 2) || p[13] != ':' ||
	    !csv_digits(p + 14, 2) || p[16] != ':' || !csv_digits(p + 17, 2))
		return 0;
	if (i < n && p[i] == '.')
		for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			;
	return i;
}

/* The zone: none, "+HH", "+HH:MM" or "+HH:MM:SS". */
static bool
csv_ts_zone_ok(const char *z, size_t n)
{
	if (n == 0)
		return true;
	if ((z[0] != '+' && z[0] != '-') || n < 3 || !csv_digits(z + 1, 2))
		return false;
	if (n == 3)
		return true;
	if (n < 6 || z[3] != ':' || !csv_digits(z + 4, 2))
		return false;
	return n == 6 || (n == 9 && z[6] == ':' && csv_digits(z + 7, 2));
}

int
csv_timestamp(struct csv *c, const char *p, size_t n)
{
	char out[64];
	size_t h = csv_ts_head(p, n), z = n - h;
	const char *zone = p + h;

	if (h == 0 || n >= sizeof(out) - 4 || !csv_ts_zone_ok(zone, z))
		return csv_text(c, p, n);
	memcpy(out, p, h);
	out[10] = 'T';
	if (z == 0)
		return csv_value(c, out, h);
	if (strncmp(zone + 1, "00", 2) == 0 &&
	    (z == 3 || strncmp(zone + 3, ":00", 3) == 0) &&
	    (z <= 6 || strncmp(zone + 6, ":00", 3) == 0)) {
		out[h] = 'Z';
		return csv_value(c, out, h + 1);
	}
	memcpy(out + h, zone, z);
	if (z == 3) {
		memcpy(out + h + 3, ":00", 3);
		z = 6;
	}
	return csv_value(c, out, h + z);
}

int
csv_end_record(struct csv *c)
{
	c->col = 0;
	if (c->o.crlf && csv_putc(c, '\r') < 0)
		return -1;
	return csv_putc(c, '\n');
}

int
csv_finish(struct csv *c)
{
	size_t n = c->len;

	c->len = 0;
	return csv_emit(c, c->buf, n, c->zinit ? Z_FINISH : Z_NO_FLUSH);
}

int
csv_reset(struct csv *c)
{
	if (c->zinit && deflateReset(&c->z) != Z_OK) {
		errno = EIO;
		return -1;
	}
	return csv_start(c);
}

bool
csv_parse_double(const char *p, size_t n, double *v)
{
	char tmp[64], *end;

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	*v = strtod(tmp, &end);
	return *end == '\0';
}

bool
csv_parse_float(const char *p, size_t n, float *v)
{
	char tmp[64], *end;

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	*v = strtof(tmp, &end);
	return *end == '\0';
}
