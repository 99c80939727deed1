/*
 * test_sql2csv_csv.c - the sql2csv plugin's RFC 4180 writer, alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "../../jobs/sql2csv/csv.h"

struct out {
	char *p;
	size_t n;
	int fail_after; /* calls before the write fails, -1 = never */
};

static int
out_write(void *arg, const void *p, size_t n)
{
	struct out *o = arg;

	if (o->fail_after == 0) {
		errno = ENOSPC;
		return -1;
	}
	if (o->fail_after > 0)
		o->fail_after--;
	o->p = realloc(o->p, o->n + n + 1);
	assert_non_null(o->p);
	memcpy(o->p + o->n, p, n);
	o->n += n;
	o->p[o->n] = '\0';
	return 0;
}

static struct csv_opts
default_opts(void)
{
	struct csv_opts o = {.delimiter = ',', .null = "", .crlf = true};

	return o;
}

static struct csv *
open_csv(const struct csv_opts *o, struct out *out)
{
	struct csv *c;

	memset(out, 0, sizeof(*out));
	out->fail_after = -1;
	c = csv_new(o, out_write, out);
	assert_non_null(c);
	return c;
}

/* Finishes c and checks that the output is exactly want. */
static void
expect_output(struct csv *c, struct out *out, const char *want)
{
	assert_int_equal(csv_finish(c), 0);
	csv_free(c);
	assert_non_null(out->p == NULL ? "" : out->p);
	assert_string_equal(out->p == NULL ? "" : out->p, want);
	free(out->p);
}

static void
test_quoting(void **state)
{
	struct csv_opts o = default_opts();
	struct out out;
	struct csv *c = open_csv(&o, &out);

	(void)state;
	assert_int_equal(csv_text(c, "plain", 5), 0);
	assert_int_equal(csv_text(c, "a,b", 3), 0);
	assert_int_equal(csv_text(c, "say \"hi\"", 8), 0);
	assert_int_equal(csv_text(c, "cr\rlf\n", 6), 0);
	assert_int_equal(csv_end_record(c), 0);
	assert_int_equal(csv_text(c, "", 0), 0);
	assert_int_equal(csv_null(c), 0);
	assert_int_equal(csv_text(c, " sp ", 4), 0);
	assert_int_equal(csv_text(c, "\xc3\xa9t\xc3\xa9", 5), 0);
	assert_int_equal(csv_text(c, "\"", 1), 0);
	assert_int_equal(csv_end_record(c), 0);
	expect_output(c, &out,
	    "plain,\"a,b\",\"say \"\"hi\"\"\",\"cr\rlf\n\"\r\n"
	    "\"\",, sp ,\xc3\xa9t\xc3\xa9,\"\"\"\"\r\n");
}

static void
test_null_string(void **state)
{
	struct csv_opts o = default_opts();
	struct out out;
	struct csv *c;

	(void)state;
	o.null = "NULL";
	o.crlf = false;
	o.delimiter = ';';
	c = open_csv(&o, &out);
	assert_int_equal(csv_null(c), 0);
	assert_int_equal(csv_text(c, "NULL", 4), 0);
	assert_int_equal(csv_text(c, "", 0), 0);
	assert_int_equal(csv_text(c, "a,b;c", 5), 0);
	assert_int_equal(csv_end_record(c), 0);
	expect_output(c, &out, "NULL;\"NULL\";;\"a,b;c\"\n");

	/* A typed value equal to the NULL string is quoted too. */
	o.null = "0";
	c = open_csv(&o, &out);
	assert_int_equal(csv_int(c, 0), 0);
	assert_int_equal(csv_null(c), 0);
	assert_int_equal(csv_end_record(c), 0);
	expect_output(c, &out, "\"0\";0\n");
}

static void
test_bom_and_tab(void **state)
{
	struct csv_opts o = default_opts();
	struct out out;
	struct csv *c;

	(void)state;
	o.bom = true;
	o.delimiter = '\t';
	c = open_csv(&o, &out);
	assert_int_equal(csv_text(c, "a", 1), 0);
	assert_int_equal(csv_text(c, "b\tc", 3), 0);
	assert_int_equal(csv_end_record(c), 0);
	expect_output(c, &out,
	    "\xef\xbb\xbf"
	    "a\t\"b\tc\"\r\n");
}

static void
test_delimiters(void **state)
{
	struct csv_opts o = default_opts();
	const char *ok = ",;|\t #!";
	const char *bad = "\"\r\nAz09+-./:=";
	struct out out;

	(void)state;
	for (; *ok != '\0'; ok++)
		assert_true(csv_delimiter_ok(*ok));
	for (; *bad != '\0'; bad++)
		assert_false(csv_delimiter_ok(*bad));
	assert_false(csv_delimiter_ok('\0'));
	assert_false(csv_delimiter_ok((char)0xc3));
	o.delimiter = '.';
	memset(&out, 0, sizeof(out));
	assert_null(csv_new(&o, out_write, &out));
	assert_int_equal(errno, EINVAL);
}

static void
test_integers(void **state)
{
	struct csv_opts o = default_opts();
	struct out out;
	struct csv *c = open_csv(&o, &out);

	(void)state;
	assert_int_equal(csv_int(c, 0), 0);
	assert_int_equal(csv_int(c, -42), 0);
	assert_int_equal(csv_int(c, INT64_MIN), 0);
	assert_int_equal(csv_int(c, INT64_MAX), 0);
	assert_int_equal(csv_uint(c, UINT64_MAX), 0);
	assert_int_equal(csv_bool(c, true), 0);
	assert_int_equal(csv_bool(c, false), 0);
	assert_int_equal(csv_end_record(c), 0);
	expect_output(c, &out,
	    "0,-42,-9223372036854775808,9223372036854775807,"
	    "18446744073709551615,true,false\r\n");
}

struct dcase {
	double v;
	const char *want;
};

static void
test_doubles(void **state)
{
	/* As PostgreSQL 15 writes them (SELECT x::float8). */
	static const struct dcase cases[] = {
	    {0.1, "0.1"},
	    {0.1 + 0.2, "0.30000000000000004"},
	    {1.0 / 3, "0.3333333333333333"},
	    {2.0 / 3, "0.6666666666666666"},
	    {100, "100"},
	    {-2.5, "-2.5"},
	    {1.25, "1.25"},
	    {0.0001, "0.0001"},
	    {0.00012345, "0.00012345"},
	    {1e-5, "1e-05"},
	    {100000000000000.0, "100000000000000"},
	    {123456789012345.6, "123456789012345.6"},
	    {999999999999999.9, "999999999999999.9"},
	    {1e15, "1e+15"},
	    {1234567890123456.0, "1.234567890123456e+15"},
	    {123456789012345678.0, "1.2345678901234568e+17"},
	    {9007199254740993.0, "9.007199254740992e+15"},
	    /* 2.498977582934839e+16 and -9.6853e+20 fall on a bound of
	     * their interval: strtod() would round them to the value, to
	     * even; PostgreSQL refuses them, and so do we. */
	    {2.4989775829348392e+16, "2.4989775829348392e+16"},
	    {-9.6853e+20, "-9.685299999999999e+20"},
	    {4.684083288045667e+159, "4.684083288045667e+159"},
	    {1e300, "1e+300"},
	    {1.5e300, "1.5e+300"},
	    {5e-324, "5e-324"},
	    {2.2250738585072014e-308, "2.2250738585072014e-308"},
	    {1e-310, "1e-310"},
	    {1.7976931348623157e308, "1.7976931348623157e+308"},
	    {0.0, "0"},
	    {-0.0, "-0"},
	    {INFINITY, "Infinity"},
	    {-INFINITY, "-Infinity"},
	    {NAN, "NaN"},
	};
	struct csv_opts o = default_opts();
	struct out out;
	struct csv *c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[64];

		c = open_csv(&o, &out);
		assert_int_equal(csv_double(c, cases[i].v), 0);
		assert_int_equal(csv_end_record(c), 0);
		snprintf(want, sizeof(want), "%s\r\n", cases[i].want);
		expect_output(c, &out, want);
	}
}

/* The significant digits of a number's text (up to its end or ','). */
static int
sig_digits(const char *s)
{
	char d[64];
	int n = 0, first;

	for (; *s != '\0' && *s != ',' && *s != 'e' && n < 63; s++)
		if (*s >= '0' && *s <= '9')
			d[n++] = *s;
	while (n > 0 && d[n - 1] == '0')
		n--;
	for (first = 0; first < n && d[first] == '0'; first++)
		;
	return n - first;
}

/* Whether the decimal e is exactly the half-way point between v and a
 * neighbour (exact in a long double; a decimal near it but not on it reads
 * differently rounded down and up). */
static bool
on_bound(const char *e, double v, bool is_float)
{
	long double a = fabsl((long double)v), lo, hi, x, down, up;

	lo = (a + (is_float ? nextafterf((float)a, 0) : nextafter(a, 0))) / 2;
	hi = (a + (is_float ? nextafterf((float)a, INFINITY)
	                    : nextafter(a, INFINITY))) /
	     2;
	x = fabsl(strtold(e, NULL));
	if (x != lo && x != hi)
		return false;
	fesetround(FE_DOWNWARD);
	down = strtold(e, NULL);
	fesetround(FE_UPWARD);
	up = strtold(e, NULL);
	fesetround(FE_TONEAREST);
	return down == up;
}

/* got has as few digits as any text that reads back as v without falling
 * on a bound of its interval (as PostgreSQL, which refuses those), and has
 * an exponent when v's is outside [-4, fixed_max). */
static void
expect_shortest(const char *got, double v, bool is_float, int fixed_max)
{
	char e[40];
	const char *end = strchr(got, ',');
	int prec, exp;
	bool has_e;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec - 1, v);
		if ((is_float ? strtof(e, NULL) == (float)v
		              : strtod(e, NULL) == v) &&
		    !on_bound(e, v, is_float))
			break;
	}
	exp = atoi(strchr(e, 'e') + 1);
	has_e = memchr(got, 'e',
	            end != NULL ? (size_t)(end - got) : strlen(got)) != NULL;
	assert_int_equal(sig_digits(got), prec);
	assert_int_equal(has_e, exp < -4 || exp >= fixed_max);
}

/* Any double comes back from its text, in as few digits as possible. */
static void
test_doubles_round_trip(void **state)
{
	struct csv_opts o = default_opts();
	struct out out;
	struct csv *c;
	uint64_t bits = 0x9e3779b97f4a7c15ULL;
	int i;

	(void)state;
	o.crlf = false;
	for (i = 0; i < 40000; i++) {
		double v;
		float f;

		bits ^= bits << 13;
		bits ^= bits >> 7;
		bits ^= bits << 17;
		memcpy(&v, &bits, sizeof(v));
		memcpy(&f, &bits, sizeof(f));
		/* Half of them with few decimals, as data mostly has. */
		if (i % 2 == 1) {
			v = (double)(int64_t)(bits % 100000000) /
			    pow(10, (double)(bits >> 60));
			f = (float)(int32_t)(bits % 100000) /
			    powf(10, (float)(bits >> 61));
		}
		if (isnan(v) || isnan(f) || v == 0 || f == 0 || isinf(v) ||
		    isinf(f))
			continue;
		c = open_csv(&o, &out);
		assert_int_equal(csv_double(c, v), 0);
		assert_int_equal(csv_float(c, f), 0);
		assert_int_equal(csv_finish(c), 0);
		csv_free(c);
		assert_true(strtod(out.p, NULL) == v);
		assert_true(strtof(strchr(out.p, ',') + 1, NULL) == f);
		expect_shortest(out.p, v, false, 15);
		expect_shortest(strchr(out.p, ',') + 1, f, true, 6);
		free(out.p);
	}
}

static void
test_floats(void **state)
{
	struct csv_opts o = default_opts();
	struct out out;
	struct csv *c = open_csv(&o, &out);

	(void)state;
	assert_int_equal(csv_float(c, 0.1f), 0);
	assert_int_equal(csv_float(c, 16777216.0f), 0);
	assert_int_equal(csv_float(c, 3.14159274f), 0);
	assert_int_equal(csv_float(c, -INFINITY), 0);
	assert_int_equal(csv_float(c, 123456.0f), 0);
	assert_int_equal(csv_float(c, 1e6f), 0);
	assert_int_equal(csv_float(c, 1e-5f), 0);
	assert_int_equal(csv_float(c, 124613744.0f), 0);
	assert_int_equal(csv_end_record(c), 0);
	/* As PostgreSQL 15 writes them (SELECT x::real). */
	expect_output(c, &out,
	    "0.1,1.6777216e+07,3.1415927,-Infinity,123456,1e+06,1e-05,"
	    "1.24613744e+08\r\n");
}

static void
test_parse(void **state)
{
	double d;
	float f;

	(void)state;
	assert_true(csv_parse_double("1.5", 3, &d));
	assert_true(d == 1.5);
	assert_true(csv_parse_double("-Infinity", 9, &d));
	assert_true(isinf(d) && d < 0);
	assert_true(csv_parse_double("NaN", 3, &d));
	assert_true(isnan(d));
	assert_true(csv_parse_double("1.5xyz", 3, &d));
	assert_false(csv_parse_double("1.5x", 4, &d));
	assert_false(csv_parse_double("", 0, &d));
	assert_true(csv_parse_float("0.1", 3, &f));
	assert_true(f == 0.1f);
}

static void
test_binary(void **state)
{
	static const unsigned char bytes[] = {0x00, 0xff, 0x10, 0x22, 0x2c};
	struct csv_opts o = default_opts();
	struct out out;
	struct csv *c = open_csv(&o, &out);

	(void)state;
	assert_int_equal(csv_blob(c, bytes, 5), 0);
	assert_int_equal(csv_blob(c, bytes, 0), 0);
	assert_int_equal(csv_hex(c, "00ff10222c", 10), 0);
	assert_int_equal(csv_end_record(c), 0);
	expect_output(c, &out, "00ff10222c,\"\",00ff10222c\r\n");

	o.binary = CSV_BIN_BASE64;
	c = open_csv(&o, &out);
	assert_int_equal(csv_blob(c, "f", 1), 0);
	assert_int_equal(csv_blob(c, "fo", 2), 0);
	assert_int_equal(csv_blob(c, "foo", 3), 0);
	assert_int_equal(csv_blob(c, "foob", 4), 0);
	assert_int_equal(csv_hex(c, "00FF10222c", 10), 0);
	assert_int_equal(csv_end_record(c), 0);
	expect_output(c, &out, "Zg==,Zm8=,Zm9v,Zm9vYg==,AP8QIiw=\r\n");
}

/* Blobs larger than one encoding chunk come out as one encoding. */
static void
test_binary_large(void **state)
{
	size_t n = 100000, i;
	unsigned char *b = malloc(n);
	char *hex = malloc(2 * n + 1);
	struct csv_opts o = default_opts();
	struct out out, out2;
	struct csv *c, *c2;

	(void)state;
	for (i = 0; i < n; i++) {
		b[i] = (unsigned char)(i * 7 + i / 256);
		snprintf(hex + 2 * i, 3, "%02x", b[i]);
	}
	c = open_csv(&o, &out);
	assert_int_equal(csv_blob(c, b, n), 0);
	assert_int_equal(csv_finish(c), 0);
	csv_free(c);
	assert_int_equal(out.n, 2 * n);
	assert_memory_equal(out.p, hex, 2 * n);
	free(out.p);

	o.binary = CSV_BIN_BASE64;
	c = open_csv(&o, &out);
	c2 = open_csv(&o, &out2);
	assert_int_equal(csv_blob(c, b, n), 0);
	assert_int_equal(csv_hex(c2, hex, 2 * n), 0);
	assert_int_equal(csv_finish(c), 0);
	assert_int_equal(csv_finish(c2), 0);
	csv_free(c);
	csv_free(c2);
	assert_int_equal(out.n, (n + 2) / 3 * 4);
	assert_int_equal(out2.n, out.n);
	assert_memory_equal(out.p, out2.p, out.n);
	assert_null(strchr(out.p, '\n'));
	free(out.p);
	free(out2.p);
	free(b);
	free(hex);
}

struct tcase {
	const char *in, *want;
};

static void
test_timestamps(void **state)
{
	static const struct tcase cases[] = {
	    {"2026-11-23 04:30:00", "2026-11-23T04:30:00"},
	    {"2026-11-23 04:30:00.123456", "2026-11-23T04:30:00.123456"},
	    {"2026-11-23 04:30:00+00", "2026-11-23T04:30:00Z"},
	    {"2026-11-23 04:30:00.5+00:00", "2026-11-23T04:30:00.5Z"},
	    {"2026-11-23 04:30:00+05:30", "2026-11-23T04:30:00+05:30"},
	    {"2026-11-23 04:30:00-03", "2026-11-23T04:30:00-03:00"},
	    {"1890-01-01 00:00:00+00:09:21", "1890-01-01T00:00:00+00:09:21"},
	    {"infinity", "infinity"},
	    {"0044-03-15 12:00:00 BC", "0044-03-15 12:00:00 BC"},
	    {"2026-11-23", "2026-11-23"},
	};
	struct csv_opts o = default_opts();
	struct out out;
	struct csv *c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[64];

		c = open_csv(&o, &out);
		assert_int_equal(
		    csv_timestamp(c, cases[i].in, strlen(cases[i].in)), 0);
		assert_int_equal(csv_end_record(c), 0);
		snprintf(want, sizeof(want), "%s\r\n", cases[i].want);
		expect_output(c, &out, want);
	}
}

/* A field larger than the buffer, with quotes across its boundaries. */
static void
test_long_field(void **state)
{
	size_t n = 300000, i, j;
	char *f = malloc(n);
	struct csv_opts o = default_opts();
	struct out out;
	struct csv *c = open_csv(&o, &out);

	(void)state;
	for (i = 0; i < n; i++)
		f[i] = i % 1000 == 999 ? '"' : (char)('a' + i % 26);
	assert_int_equal(csv_text(c, "x", 1), 0);
	assert_int_equal(csv_text(c, f, n), 0);
	assert_int_equal(csv_end_record(c), 0);
	assert_int_equal(csv_finish(c), 0);
	csv_free(c);
	assert_int_equal(out.n, 2 + 2 + n + n / 1000 + 2);
	assert_memory_equal(out.p, "x,\"", 3);
	for (i = 0, j = 3; i < n; i++, j++) {
		assert_int_equal(out.p[j], f[i]);
		if (f[i] == '"')
			assert_int_equal(out.p[++j], '"');
	}
	assert_memory_equal(out.p + j, "\"\r\n", 3);
	free(out.p);
	free(f);
}

static char *
gunzip(const char *p, size_t n, size_t *outlen)
{
	z_stream z;
	size_t cap = 1 << 20;
	char *out = malloc(cap);

	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = (unsigned char *)out;
	z.avail_out = (uInt)cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = cap - z.avail_out;
	inflateEnd(&z);
	return out;
}

static void
test_gzip_and_reset(void **state)
{
	struct csv_opts o = default_opts();
	struct out out;
	struct csv *c;
	char *plain;
	size_t n, i;

	(void)state;
	o.gzip_level = 6;
	o.bom = true;
	c = open_csv(&o, &out);
	assert_int_equal(csv_text(c, "discarded", 9), 0);
	assert_int_equal(csv_end_record(c), 0);
	/* As the caller empties its file, the test empties its buffer. */
	assert_int_equal(csv_reset(c), 0);
	out.n = 0;
	for (i = 0; i < 20000; i++) {
		assert_int_equal(csv_int(c, (int64_t)i), 0);
		assert_int_equal(csv_text(c, "row", 3), 0);
		assert_int_equal(csv_end_record(c), 0);
	}
	assert_int_equal(csv_finish(c), 0);
	csv_free(c);
	assert_memory_equal(out.p, "\x1f\x8b", 2);
	plain = gunzip(out.p, out.n, &n);
	assert_memory_equal(plain,
	    "\xef\xbb\xbf"
	    "0,row\r\n1,row\r\n",
	    17);
	assert_memory_equal(plain + n - 11, "19999,row\r\n", 11);
	assert_null(memmem(plain, n, "discarded", 9));
	free(plain);
	free(out.p);
}

static void
test_write_error(void **state)
{
	struct csv_opts o = default_opts();
	struct out out;
	struct csv *c = open_csv(&o, &out);
	int rc = 0, i;

	(void)state;
	out.fail_after = 1;
	for (i = 0; i < 100000 && rc == 0; i++)
		rc = csv_text(c, "0123456789", 10);
	assert_int_equal(rc, -1);
	assert_int_equal(errno, ENOSPC);
	csv_free(c);
	free(out.p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quoting),
	    cmocka_unit_test(test_null_string),
	    cmocka_unit_test(test_bom_and_tab),
	    cmocka_unit_test(test_delimiters),
	    cmocka_unit_test(test_integers),
	    cmocka_unit_test(test_doubles),
	    cmocka_unit_test(test_doubles_round_trip),
	    cmocka_unit_test(test_floats),
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_binary),
	    cmocka_unit_test(test_binary_large),
	    cmocka_unit_test(test_timestamps),
	    cmocka_unit_test(test_long_field),
	    cmocka_unit_test(test_gzip_and_reset),
	    cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
