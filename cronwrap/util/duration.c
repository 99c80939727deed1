#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/duration.h"

int
duration_parse(const char *s, double *seconds)
{
	char *end;
	double v, unit = 1;

	if (s == NULL || !(isdigit((unsigned char)*s) || *s == '.'))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno == ERANGE || end == s || !isfinite(v) || v < 0)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 's':
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	*seconds = v * unit;
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
	s = llround(seconds);
	if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
}
