/*
 * schedprobe - the schedule engine on stdin, for the integration tests.
 *
 * Reads lines "EXPR<TAB>TZ<TAB>EPOCH" (TZ "-" for UTC) and prints, for
 * each, "PREV<TAB>NEXT" (epochs, -1 for none: schedule_prev() and
 * schedule_next() of EPOCH) or "ERR<TAB>message".  One process answers a
 * whole table, so the tests stay fast.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"

/* The schedule of the previous line, reused while EXPR and TZ repeat. */
struct probe_cache {
	char *key;
	struct schedule *s;
	char err[256];
};

static int
probe_line(struct probe_cache *c, char *line)
{
	char *expr = line, *tz, *num, *end;
	long long t;

	tz = strchr(expr, '\t');
	num = tz ? strchr(tz + 1, '\t') : NULL;
	if (num == NULL)
		return -1;
	*num++ = '\0';
	errno = 0;
	t = strtoll(num, &end, 10);
	if (errno != 0 || end == num || (*end != '\0' && *end != '\n'))
		return -1;
	/* expr is still "EXPR<TAB>TZ" here: the key covers both. */
	if (c->key == NULL || strcmp(c->key, expr) != 0) {
		free(c->key);
		schedule_free(c->s);
		c->key = strdup(expr);
		if (c->key == NULL)
			return -1;
		*tz++ = '\0';
		if (schedule_parse(expr, strcmp(tz, "-") == 0 ? "UTC" : tz,
		        &c->s, c->err, sizeof c->err) < 0)
			c->s = NULL;
	}
	if (c->s == NULL)
		printf("ERR\t%s\n", c->err);
	else
		printf("%lld\t%lld\n",
		    (long long)schedule_prev(c->s, (time_t)t),
		    (long long)schedule_next(c->s, (time_t)t));
	return 0;
}

int
main(void)
{
	struct probe_cache c = {NULL, NULL, ""};
	char *line = NULL;
	size_t cap = 0;
	unsigned long n = 0;
	int rc = 0;

	while (getline(&line, &cap, stdin) > 0) {
		n++;
		if (probe_line(&c, line) < 0) {
			(void)fprintf(stderr,
			    "schedprobe: line %lu: expected "
			    "EXPR<TAB>TZ<TAB>EPOCH\n",
			    n);
			rc = 2;
			break;
		}
	}
	free(line);
	free(c.key);
	schedule_free(c.s);
	return rc;
}
