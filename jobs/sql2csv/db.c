/*
 * db.c - what the drivers share: the registry, errors, parameters.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "db.h"

static const struct db_driver *const drivers[] = {
    &db_sqlite_driver,
    &db_pg_driver,
    &db_mysql_driver,
};

const struct db_driver *
db_driver_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (strcmp(drivers[i]->name, name) == 0)
			return drivers[i];
	return NULL;
}

int
db_fail(struct db_error *err, enum cw_status status, const char *fmt, ...)
{
	va_list ap;
	char *r, *w;

	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* Servers end their messages with a newline and split them over
	 * lines ("...refused\n\tIs the server running..."); a log line is
	 * one line. */
	for (r = w = err->msg; *r != '\0'; r++) {
		if (*r != '\n') {
			*w++ = *r;
			continue;
		}
		while (r[1] == '\t' || r[1] == ' ')
			r++;
		if (r[1] != '\0' && w > err->msg) {
			*w++ = ';';
			*w++ = ' ';
		}
	}
	while (w > err->msg && w[-1] == ' ')
		w--;
	*w = '\0';
	return -1;
}

const struct db_param *
db_param_find(const struct db_conf *conf, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < conf->nparams; i++)
		if (strlen(conf->params[i].name) == len &&
		    memcmp(conf->params[i].name, name, len) == 0)
			return &conf->params[i];
	return NULL;
}

const char *
db_param_value(const struct db_param *p, bool space, char *buf, size_t len,
    struct db_error *err)
{
	struct tm tm;

	if (p->value != NULL)
		return p->value;
	if (!p->is_time) {
		db_fail(err, CW_FAIL,
		    "the script uses :%s but the run has no data window "
		    "(give --window, or a schedule)",
		    p->name);
		return NULL;
	}
	gmtime_r(&p->t, &tm);
	strftime(
	    buf, len, space ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

unsigned
db_line_at(const char *text, size_t off)
{
	unsigned line = 1;
	size_t i;

	for (i = 0; i < off && text[i] != '\0'; i++)
		line += text[i] == '\n';
	return line;
}
