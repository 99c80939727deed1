/*
 * numfmt.c - the shortest text of a double or a float (see numfmt.h).
 *
 * The digits come from a fast path or from printf.  Fast path: most data
 * has few decimals (prices, measures), and v is m / 10^k for a small k
 * exactly when the division of the integers m and 10^k, correctly rounded,
 * gives v back; with m below 2^50, rounding v * 10^k to an integer finds
 * that m whenever it exists, and the smallest such k gives the fewest
 * digits.  Otherwise printf("%.*e") with DBL_DIG (15) digits, then 16, then
 * 17: the first that strtod() reads back is the shortest, 17 always is.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"

#define DIGITS_MAX 24

static const double pow10d[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
    1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16};

static size_t
numfmt_special(double v, char *out)
{
	const char *s;

	if (isnan(v))
		s = "NaN";
	else if (isinf(v))
		s = v < 0 ? "-Infinity" : "Infinity";
	else if (v == 0)
		s = signbit(v) ? "-0" : "0";
	else
		return 0;
	strcpy(out, s);
	return strlen(s);
}

/* Lays out the significant digits dig (nd of them, the last not 0) whose
 * first has the decimal exponent exp. */
static size_t
numfmt_layout(
    char *out, bool neg, const char *dig, int nd, int exp, int fixed_max)
{
	char *p = out;
	int i;

	if (neg)
		*p++ = '-';
	if (exp < -4 || exp >= fixed_max) {
		*p++ = dig[0];
		if (nd > 1) {
			*p++ = '.';
			memcpy(p, dig + 1, (size_t)nd - 1);
			p += nd - 1;
		}
		p += sprintf(p, "e%c%02d", exp < 0 ? '-' : '+', abs(exp));
	} else if (exp < 0) {
		*p++ = '0';
		*p++ = '.';
		for (i = 0; i < -exp - 1; i++)
			*p++ = '0';
		memcpy(p, dig, (size_t)nd);
		p += nd;
	} else {
		for (i = 0; i <= exp; i++)
			*p++ = i < nd ? dig[i] : '0';
		if (nd > exp + 1) {
			*p++ = '.';
			memcpy(p, dig + exp + 1, (size_t)(nd - exp - 1));
			p += nd - exp - 1;
		}
	}
	*p = '\0';
	return (size_t)(p - out);
}

/* The digits of m / 10^k, laid out. */
static size_t
numfmt_scaled(char *out, bool neg, uint64_t m, int k, int fixed_max)
{
	char tmp[DIGITS_MAX], *e = tmp + sizeof(tmp), *d = e;
	int nd;

	do {
		*--d = (char)('0' + m % 10);
		m /= 10;
	} while (m != 0);
	nd = (int)(e - d);
	while (nd > 1 && d[nd - 1] == '0')
		nd--;
	return numfmt_layout(out, neg, d, nd, (int)(e - d) - 1 - k, fixed_max);
}

/* The digits of printf's "%.*e" output, laid out. */
static size_t
numfmt_from_e(const char *e, char *out, int fixed_max)
{
	char dig[DIGITS_MAX] = "0";
	bool neg = *e == '-';
	int nd = 0;

	if (neg)
		e++;
	for (; *e != 'e' && *e != '\0' && nd < DIGITS_MAX; e++)
		if (*e >= '0' && *e <= '9')
			dig[nd++] = *e;
	while (nd > 1 && dig[nd - 1] == '0')
		nd--;
	return numfmt_layout(out, neg, dig, nd > 0 ? nd : 1,
	    *e == 'e' ? atoi(e + 1) : 0, fixed_max);
}

size_t
numfmt_double(double v, char out[NUMFMT_MAX])
{
	char e[NUMFMT_MAX];
	double a = fabs(v);
	size_t n;
	int p;

	if ((n = numfmt_special(v, out)) > 0)
		return n;
	for (int k = 0; a >= 1e-4 && a < 1e15 && k <= 16; k++) {
		double s = a * pow10d[k], m;

		if (s >= 0x1p50)
			break;
		m = nearbyint(s);
		if (m / pow10d[k] == a)
			return numfmt_scaled(out, v < 0, (uint64_t)m, k, 15);
	}
	/* Subnormals have fewer significant bits: try every precision. */
	for (p = a < DBL_MIN ? 1 : DBL_DIG; p <= 17; p++) {
		snprintf(e, sizeof(e), "%.*e", p - 1, v);
		if (strtod(e, NULL) == v)
			break;
	}
	return numfmt_from_e(e, out, 15);
}

size_t
numfmt_float(float v, char out[NUMFMT_MAX])
{
	char e[NUMFMT_MAX];
	float a = fabsf(v);
	size_t n;
	int p;

	if ((n = numfmt_special(v, out)) > 0)
		return n;
	/* As for doubles, with 24 bits: m below 2^21. */
	for (int k = 0; a >= 1e-4f && a < 1e6f && k <= 10; k++) {
		float s = a * (float)pow10d[k], m;

		if (s >= 0x1p21f)
			break;
		m = nearbyintf(s);
		if (m / (float)pow10d[k] == a)
			return numfmt_scaled(out, v < 0, (uint64_t)m, k, 6);
	}
	for (p = a < FLT_MIN ? 1 : FLT_DIG; p <= 9; p++) {
		snprintf(e, sizeof(e), "%.*e", p - 1, (double)v);
		if (strtof(e, NULL) == v)
			break;
	}
	return numfmt_from_e(e, out, 6);
}
