/*
 * csv.h - an RFC 4180 writer: fields quoted only when they must be, typed
 * values written exactly, output buffered and optionally gzip-compressed,
 * handed to a write callback (a file, a hash, a test buffer).
 */
#ifndef SQL2CSV_CSV_H
#define SQL2CSV_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum csv_binary { CSV_BIN_HEX, CSV_BIN_BASE64 };

struct csv_opts {
	char delimiter;   /* not '"', CR or LF */
	const char *null; /* how NULL is written; "" = an empty field */
	bool crlf;        /* CRLF after each record (RFC 4180), else LF */
	bool bom;         /* a UTF-8 byte order mark first */
	int gzip_level;   /* 0 = plain; 1..9 = gzip at that level */
	enum csv_binary binary;
};

struct csv;

/* A writer handing its output to write(arg, p, n), which returns 0, or -1
 * with errno set.  Returns NULL with errno set: EINVAL for a delimiter that
 * could occur in a number, a timestamp or base64 (see csv_delimiter_ok),
 * ENOMEM when zlib cannot start.  Free with csv_free(). */
struct csv *csv_new(const struct csv_opts *opts,
    int (*write)(void *arg, const void *p, size_t n), void *arg);
void csv_free(struct csv *c);

/* Fields of the current record, in order.  Each returns 0, or -1 when the
 * write callback failed (errno is its errno) or zlib did (EIO). */
int csv_text(struct csv *c, const char *p, size_t n);
int csv_null(struct csv *c);
int csv_int(struct csv *c, int64_t v);
/* A number already in decimal text ("-12", "3.50", "NaN"): written as it
 * is, since it cannot contain the delimiter. */
int csv_number(struct csv *c, const char *p, size_t n);
int csv_uint(struct csv *c, uint64_t v);
/* The shortest decimal that reads back (strtod, strtof) to the same value,
 * as numfmt.h lays it out. */
int csv_double(struct csv *c, double v);
int csv_float(struct csv *c, float v);
int csv_bool(struct csv *c, bool v);
/* Bytes, as hex or base64 (opts.binary). */
int csv_blob(struct csv *c, const void *p, size_t n);
/* Bytes already in hex (PostgreSQL's bytea output, without its "\x"). */
int csv_hex(struct csv *c, const char *hex, size_t n);
/* A timestamp in SQL form, "YYYY-MM-DD HH:MM:SS[.f][+HH[:MM]]", written as
 * ISO 8601: "YYYY-MM-DDTHH:MM:SS[.f]" and a zone of "Z" or "+HH:MM".
 * Anything else ("infinity", BC dates) is written as text. */
int csv_timestamp(struct csv *c, const char *p, size_t n);
/* Ends the current record. */
int csv_end_record(struct csv *c);

/* Sends what is buffered and ends the gzip stream. */
int csv_finish(struct csv *c);
/* Forgets everything written so far (the caller empties its output) and
 * starts a new document: BOM, fresh gzip stream. */
int csv_reset(struct csv *c);

/* Whether d may separate fields: any ASCII character but letters, digits,
 * the quote, CR, LF and "+-./:=" (which numbers, timestamps and base64
 * contain), so that typed values never need quoting. */
bool csv_delimiter_ok(char d);

/* Parses a double or float as written by a database's text output ("1.5",
 * "-Infinity", "NaN").  Returns false for anything else. */
bool csv_parse_double(const char *p, size_t n, double *v);
bool csv_parse_float(const char *p, size_t n, float *v);

#endif
