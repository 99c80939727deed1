#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/duration.h"

/* Only plain decimal numbers: strtod alone would also take "0x10", "1e3",
 * "inf" and leading spaces. */
static bool
plain_decimal(const char *s, size_t len)
{
	size_t digits = 0, dots = 0;

	for (size_t i = 0; i < len; i++) {
		if (isdigit((unsigned char)s[i]))
			digits++;
		else if (s[i] == '.' && dots == 0)
			dots++;
		else
			return false;
	}
	return digits > 0;
}

int
duration_parse(const char *s, double *seconds)
{
	size_t len;
	double v, unit = 1;

	if (s == NULL || (len = strlen(s)) == 0)
		return -1;
	switch (s[len - 1]) {
	case 's':
		len--;
		break;
	case 'm':
		unit = 60;
		len--;
		break;
	case 'h':
		unit = 3600;
		len--;
		break;
	case 'd':
		unit = 86400;
		len--;
		break;
	}
	if (!plain_decimal(s, len))
		return -1;
	errno = 0;
	v = strtod(s, NULL) * unit;
	/* A unit can push a finite number to infinity: a timeout that would
	 * never fire. */
	if (errno == ERANGE || !isfinite(v))
		return -1;
	*seconds = v;
	return 0;
}

void
duration_format(double seconds, char *buf, size_t len)
{
	long long s;

	if (seconds < 60) {
		snprintf(buf, len, "%.1fs", seconds);
		return;
	}
	if (seconds >= 1e15) {
		/* Past what llround can hold (2^63 s): whole days. */
		snprintf(buf, len, "%.0fd", floor(seconds / 86400));
		return;
	}
	s = llround(seconds);
	if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
}
