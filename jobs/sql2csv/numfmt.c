/*
 * numfmt.c - the shortest text of a double or a float (see numfmt.h).
 *
 * The fast path works on the interval of reals that read back as v: the
 * half-way points to its neighbours, below and above.  Scaled by a power of
 * ten so that v has 17 digits before the point (9 for a float), in
 * x86-64's long double (a 64-bit significand): v and the bounds are exact
 * there, the power of ten too (up to 10^27), so each scaled value is off by
 * one rounding at most, under 2^-8 at that size.  Digits are then dropped
 * from the integers of the interval while one of them still fits, and of
 * those left the one nearest to v is taken: the shortest text, and the
 * nearest, as PostgreSQL's (Ryu) is.  When a bound or the choice between
 * two candidates falls too close to call at that precision, an exact
 * comparison in 128-bit integers decides: like PostgreSQL, a decimal that
 * falls exactly on a bound is refused (strtod() would round it to v, to
 * even, but not every reader does), and an exact tie goes to the even
 * candidate.
 *
 * Subnormals and exponents beyond the table take the slow path:
 * printf("%.*e") with DBL_DIG (15) digits, then 16, then 17, the first
 * that strtod() reads back and that is not on a bound.
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"

#define DIGITS_MAX 24

/* Exact in a 64-bit significand: 10^27 = 2^27 * 5^27, and 5^27 < 2^63. */
static const long double pow10l_tab[] = {1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L,
    1e6L, 1e7L, 1e8L, 1e9L, 1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L,
    1e17L, 1e18L, 1e19L, 1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L,
    1e27L};

static const uint64_t pow5_tab[] = {1ULL, 5ULL, 25ULL, 125ULL, 625ULL, 3125ULL,
    15625ULL, 78125ULL, 390625ULL, 1953125ULL, 9765625ULL, 48828125ULL,
    244140625ULL, 1220703125ULL, 6103515625ULL, 30517578125ULL, 152587890625ULL,
    762939453125ULL, 3814697265625ULL, 19073486328125ULL, 95367431640625ULL,
    476837158203125ULL, 2384185791015625ULL, 11920928955078125ULL,
    59604644775390625ULL, 298023223876953125ULL, 1490116119384765625ULL,
    7450580596923828125ULL};

/* What one format needs: digits of the scaled integers, the margin under
 * which a decision is left to the slow path, the exponents laid out in
 * fixed notation. */
struct numfmt_kind {
	int ndig;
	long double eps;
	int fixed_max;
};

static const struct numfmt_kind kind_double = {17, 0.005L, 15};
static const struct numfmt_kind kind_float = {9, 1e-6L, 6};

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

/* The digits of m * 10^-k, laid out. */
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

/* The sign of x * 10^j - n, exactly, for x * 10^j within a few units of
 * n < 2^60 and |j| <= 27 (the caller's ranges): x = m * 2^e, and
 * x * 10^j = m * 5^j * 2^(e + j), or m * 2^(e + j) / 5^-j. */
static int
numfmt_cmp(long double x, int j, uint64_t n)
{
	unsigned __int128 l, r;
	uint64_t m;
	int e, s;

	m = (uint64_t)ldexpl(frexpl(x, &e), 64);
	s = e - 64 + j;
	l = j >= 0 ? (unsigned __int128)m * pow5_tab[j] : m;
	r = j >= 0 ? n : (unsigned __int128)n * pow5_tab[-j];
	if (s >= 0)
		l <<= s;
	else
		r <<= -s;
	return l < r ? -1 : l > r;
}

/* The integer part of b = x * 10^j (computed), exactly. */
static uint64_t
numfmt_floor(long double b, long double x, int j, long double eps)
{
	uint64_t n = (uint64_t)(b + 0.5L);

	if (fabsl(b - (long double)n) >= eps)
		return (uint64_t)b;
	return numfmt_cmp(x, j, n) < 0 ? n - 1 : n;
}

/* Of the integers strictly between x_lo * 10^j and x_hi * 10^j (lo and
 * hi, computed), drops trailing digits while one is left, then takes the
 * one nearest to a * 10^j (w): *m, with *dropped digits dropped.  False
 * when an exact decision is out of reach. */
static bool
numfmt_pick(long double x_lo, long double a, long double x_hi, int j,
    long double eps, uint64_t *m, int *dropped)
{
	long double p = pow10l_tab[j < 0 ? -j : j];
	long double lo = j >= 0 ? x_lo * p : x_lo / p;
	long double w = j >= 0 ? a * p : a / p;
	long double hi = j >= 0 ? x_hi * p : x_hi / p;
	uint64_t vm, vp, c, ceil_hi;
	long double x, f;
	int r = 0, t;

	/* vm: the largest integer not above the interval's floor; vp: the
	 * largest below its top, which excludes hi itself. */
	vm = numfmt_floor(lo, x_lo, j, eps);
	ceil_hi = (uint64_t)(hi + 0.5L);
	if (fabsl(hi - (long double)ceil_hi) >= eps)
		vp = (uint64_t)hi;
	else
		vp = numfmt_cmp(x_hi, j, ceil_hi) <= 0 ? ceil_hi - 1 : ceil_hi;
	while (vp / 10 > vm / 10) {
		vp /= 10;
		vm /= 10;
		r++;
	}
	x = w / pow10l_tab[r];
	c = (uint64_t)x;
	f = x - (long double)c;
	if (fabsl(f - 0.5L) >= eps)
		c += f > 0.5L;
	else if (j - r < -27)
		return false;
	else if ((t = numfmt_cmp(2 * a, j - r, 2 * c + 1)) != 0)
		c += t > 0;
	else
		c += c & 1; /* an exact tie: to even */
	if (c <= vm)
		c = vm + 1;
	if (c > vp)
		c = vp;
	*m = c;
	*dropped = r;
	return true;
}

/* The fast path for a (positive, normal) between its neighbours' half-way
 * points below and above; writes out and returns its length, or 0. */
static size_t
numfmt_fast(char *out, bool neg, long double a, long double below,
    long double above, const struct numfmt_kind *k)
{
	long double lo_dig = pow10l_tab[k->ndig - 1];
	int e2, e10, j, tries, dropped;
	uint64_t m;

	frexpl(a, &e2);
	e10 = (int)floor((e2 - 1) * 0.30102999566398120);
	for (tries = 0; tries < 3; tries++) {
		j = k->ndig - 1 - e10;
		if (j > 27 || j < -27)
			return 0;
		long double w = j >= 0 ? a * pow10l_tab[j] : a / pow10l_tab[-j];

		if (w < lo_dig)
			e10--;
		else if (w >= lo_dig * 10)
			e10++;
		else
			break;
	}
	if (tries == 3 ||
	    !numfmt_pick(below, a, above, j, k->eps, &m, &dropped))
		return 0;
	return numfmt_scaled(out, neg, m, j - dropped, k->fixed_max);
}

/* Whether the text e of a decimal falls on a bound of v's interval.  A
 * bound is exact in a long double; a decimal that only rounds to it reads
 * differently rounded down and up. */
static bool
numfmt_on_bound(const char *e, long double below, long double above)
{
	long double x = fabsl(strtold(e, NULL)), down, up;
	int mode;

	if (x != below && x != above)
		return false;
	mode = fegetround();
	fesetround(FE_DOWNWARD);
	down = strtold(e, NULL);
	fesetround(FE_UPWARD);
	up = strtold(e, NULL);
	fesetround(mode);
	return down == up;
}

size_t
numfmt_double(double v, char out[NUMFMT_MAX])
{
	char e[NUMFMT_MAX];
	double a = fabs(v);
	long double below = ((long double)a + nextafter(a, 0)) / 2;
	long double above = ((long double)a + nextafter(a, INFINITY)) / 2;
	size_t n;
	int p;

	if ((n = numfmt_special(v, out)) > 0)
		return n;
	/* Neighbours are finite and normal in this range. */
	if (a >= 1e-11 && a < 1e43 &&
	    (n = numfmt_fast(out, v < 0, a, below, above, &kind_double)) > 0)
		return n;
	/* Subnormals have fewer significant bits: try every precision. */
	for (p = a < DBL_MIN ? 1 : DBL_DIG; p < 17; p++) {
		snprintf(e, sizeof(e), "%.*e", p - 1, v);
		if (strtod(e, NULL) == v && !numfmt_on_bound(e, below, above))
			break;
	}
	if (p == 17)
		snprintf(e, sizeof(e), "%.16e", v);
	return numfmt_from_e(e, out, kind_double.fixed_max);
}

size_t
numfmt_float(float v, char out[NUMFMT_MAX])
{
	char e[NUMFMT_MAX];
	float a = fabsf(v);
	long double below = ((long double)a + nextafterf(a, 0)) / 2;
	long double above = ((long double)a + nextafterf(a, INFINITY)) / 2;
	size_t n;
	int p;

	if ((n = numfmt_special(v, out)) > 0)
		return n;
	if (a >= 1e-19f && a < 1e35f &&
	    (n = numfmt_fast(out, v < 0, a, below, above, &kind_float)) > 0)
		return n;
	for (p = a < FLT_MIN ? 1 : FLT_DIG; p < 9; p++) {
		snprintf(e, sizeof(e), "%.*e", p - 1, (double)v);
		if (strtof(e, NULL) == v && !numfmt_on_bound(e, below, above))
			break;
	}
	if (p == 9)
		snprintf(e, sizeof(e), "%.8e", (double)v);
	return numfmt_from_e(e, out, kind_float.fixed_max);
}
