#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

void
cli_print_diag(const struct diag *d)
{
	for (size_t i = 0; i < d->msgs.n; i++)
		fprintf(stderr, "%s\n", d->msgs.v[i]);
}

int
cli_load_global(const struct cli *cli, struct global *g)
{
	struct diag d = DIAG_INIT;
	int ret = 0;

	if (config_load_global(cli->config, g, &d) < 0) {
		cli_print_diag(&d);
		ret = EX_CONFIG;
	}
	diag_free(&d);
	return ret;
}

int
cli_load_job(const struct global *g, const char *name, struct job *job)
{
	struct diag d = DIAG_INIT;
	int ret = 0;

	if (config_load_job(g, name, job, &d) < 0) {
		cli_print_diag(&d);
		ret = EX_CONFIG;
	}
	diag_free(&d);
	return ret;
}

int
cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cronwrap %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'cronwrap %s --help'.\n", cmd);
	return EX_USAGE;
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cronwrap: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_help(const char *cmd, const char *options)
{
	for (const struct command *c = commands; c->name != NULL; c++)
		if (strcmp(c->name, cmd) == 0)
			printf("usage: cronwrap [-c FILE] [-v|-q] %s\n",
			    c->synopsis);
	if (options != NULL)
		fputs(options, stdout);
	return 0;
}

int
cli_param(const char *arg, struct kv *params)
{
	const char *eq = strchr(arg, '=');
	char *key;

	if (eq == NULL || eq == arg)
		return -1;
	key = xstrndup(arg, (size_t)(eq - arg));
	for (const char *p = key; *p; p++)
		if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') ||
		        (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) {
			free(key);
			return -1;
		}
	kv_set(params, key, eq + 1);
	free(key);
	return 0;
}

int
cli_window(const char *arg, time_t *start, time_t *end)
{
	const char *slash = strchr(arg, '/');
	char *first;
	int ret;

	if (slash == NULL)
		return -1;
	first = xstrndup(arg, (size_t)(slash - arg));
	ret = iso8601_parse(first, start) < 0 ||
	              iso8601_parse(slash + 1, end) < 0 || *end <= *start
	          ? -1
	          : 0;
	free(first);
	return ret;
}
