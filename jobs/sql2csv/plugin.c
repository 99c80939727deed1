/*
 * plugin.c - the "sql2csv" step: its settings and their check.  run() is
 * in run.c.  Every setting is documented in cronwrap-sql2csv(7).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cronwrap/plugin.h>

#include "csv.h"
#include "db.h"
#include "sql2csv.h"

static const struct cw_setting settings[] = {
    {"driver", CW_TYPE_STRING, 0, "sqlite (the default), postgresql or mysql"},
    {"database", CW_TYPE_STRING, 0,
        "SQLite: the database file (relative to the job file); else the "
        "database name"},
    {"conninfo", CW_TYPE_STRING, 0,
        "PostgreSQL: a connection string or URI, e.g. service=NAME"},
    {"service_file", CW_TYPE_STRING, CW_SET_PATH,
        "PostgreSQL: the connection service file (PGSERVICEFILE)"},
    {"host", CW_TYPE_STRING, 0, "server host name or address"},
    {"port", CW_TYPE_INT, 0, "server TCP port"},
    {"socket", CW_TYPE_STRING, CW_SET_PATH, "MySQL: the server's socket"},
    {"user", CW_TYPE_STRING, 0, "login name"},
    {"password_file", CW_TYPE_STRING, CW_SET_PATH,
        "file whose first line is the password"},
    {"connect_timeout", CW_TYPE_DURATION, 0, "default 30s"},
    {"script", CW_TYPE_STRING, CW_SET_PATH, "file of SQL statements"},
    {"query", CW_TYPE_STRING, 0, "SQL statements, inline"},
    {"params", CW_TYPE_STRINGS, 0,
        "KEY=VALUE defaults of :KEY parameters (--param overrides)"},
    {"output", CW_TYPE_STRING, CW_SET_REQUIRED,
        "file name in the run directory, strftime on the window end"},
    {"header", CW_TYPE_BOOL, 0, "a first record of column names (true)"},
    {"delimiter", CW_TYPE_STRING, 0, "field separator (\",\")"},
    {"null", CW_TYPE_STRING, 0, "how NULL is written (\"\")"},
    {"line_ending", CW_TYPE_STRING, 0, "crlf (the default) or lf"},
    {"bom", CW_TYPE_BOOL, 0, "a UTF-8 byte order mark first (false)"},
    {"gzip", CW_TYPE_BOOL, 0, "compress with gzip (false)"},
    {"gzip_level", CW_TYPE_INT, 0, "1 (fast) to 9 (small), default 6"},
    {"binary", CW_TYPE_STRING, 0, "binary columns as hex (default) or base64"},
    {"sha256", CW_TYPE_BOOL, 0, "write NAME.sha256 beside it (false)"},
    {"min_rows", CW_TYPE_INT, 0,
        "fewer rows fail the step and write nothing (1)"},
    {NULL, 0, 0, NULL},
};

/* The keys each driver uses beyond the common ones. */
static const char *const sqlite_keys[] = {"database", NULL};
static const char *const pg_keys[] = {"database", "conninfo", "service_file",
    "host", "port", "user", "password_file", NULL};
static const char *const mysql_keys[] = {
    "database", "host", "port", "socket", "user", "password_file", NULL};
static const char *const conn_keys[] = {"database", "conninfo", "service_file",
    "host", "port", "socket", "user", "password_file", NULL};

/* cw_conf_error(), counted so that check() can say whether all is well. */
static int conf_errors;

static void conf_error(
    struct cw_ctx *ctx, const char *key, const char *fmt, ...) CW_PRINTF(3, 4);

static void
conf_error(struct cw_ctx *ctx, const char *key, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conf_errors++;
	cw_conf_error(ctx, key, "%s", msg);
}

static bool
in_list(const char *const *list, const char *key)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, key) == 0)
			return true;
	return false;
}

static void
check_driver(struct cw_ctx *ctx, const char *driver)
{
	const char *const *mine = strcmp(driver, "sqlite") == 0 ? sqlite_keys
	                          : strcmp(driver, "postgresql") == 0
	                              ? pg_keys
	                              : mysql_keys;
	const char *db = cw_conf_string(ctx, "database");
	const char *const *k;

	for (k = conn_keys; *k != NULL; k++)
		if (cw_conf_has(ctx, *k) && !in_list(mine, *k))
			conf_error(
			    ctx, *k, "not used by the %s driver", driver);
	if (cw_conf_has(ctx, "port") &&
	    (cw_conf_int(ctx, "port", 0) < 1 ||
	        cw_conf_int(ctx, "port", 0) > 65535))
		conf_error(ctx, "port", "not a TCP port");
	if (strcmp(driver, "sqlite") != 0)
		return;
	if (db == NULL)
		conf_error(ctx, NULL,
		    "database (the SQLite file) is "
		    "required");
}

/* The script must be readable now: a typo in its name is found by
 * "cronwrap check", not at 4 in the morning. */
static void
check_script(struct cw_ctx *ctx)
{
	bool script = cw_conf_has(ctx, "script"),
	     query = cw_conf_has(ctx, "query");
	const char *path;
	int fd;

	if (script == query) {
		conf_error(ctx, NULL,
		    script ? "give script or query, not both"
		           : "give the SQL: script (a file) or query");
		return;
	}
	if (!script)
		return;
	path = cw_conf_string(ctx, "script");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		conf_error(ctx, "script", "%s: %s", path, strerror(errno));
	else
		close(fd);
}

static bool
name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= 'A' && s[i] <= 'Z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

bool
sql2csv_param_name_ok(const char *s, size_t n)
{
	return name_ok(s, n);
}

static void
check_params(struct cw_ctx *ctx)
{
	const char *const *v;
	size_t i, n;

	v = cw_conf_strings(ctx, "params", &n);
	for (i = 0; i < n; i++) {
		const char *eq = strchr(v[i], '=');

		if (eq == NULL || !name_ok(v[i], (size_t)(eq - v[i])))
			conf_error(ctx, "params",
			    "\"%s\": expected NAME=VALUE, NAME made of "
			    "letters, digits and _",
			    v[i]);
		else if (sql2csv_window_name(v[i], (size_t)(eq - v[i])))
			conf_error(ctx, "params",
			    "\"%s\": the window is set by the run "
			    "(--window or the schedule)",
			    v[i]);
	}
}

static void
check_output(struct cw_ctx *ctx)
{
	const char *out = cw_conf_string(ctx, "output");

	if (out == NULL)
		return;
	if (out[0] == '\0' || strchr(out, '/') != NULL ||
	    strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
		conf_error(ctx, "output",
		    "a file name in the run directory, without '/'");
}

void
sql2csv_csv_opts(struct cw_ctx *ctx, struct csv_opts *o)
{
	const char *d = cw_conf_string(ctx, "delimiter");
	const char *le = cw_conf_string(ctx, "line_ending");
	const char *bin = cw_conf_string(ctx, "binary");
	long long level = cw_conf_int(ctx, "gzip_level", 6);

	memset(o, 0, sizeof(*o));
	o->delimiter = d != NULL ? d[0] : ',';
	o->null = cw_conf_string(ctx, "null");
	o->null = o->null != NULL ? o->null : "";
	o->crlf = le == NULL || strcmp(le, "crlf") == 0;
	o->bom = cw_conf_bool(ctx, "bom", false);
	o->gzip_level = cw_conf_bool(ctx, "gzip", false) ? (int)level : 0;
	o->binary = bin != NULL && strcmp(bin, "base64") == 0 ? CSV_BIN_BASE64
	                                                      : CSV_BIN_HEX;
	if (d != NULL && (strlen(d) != 1 || !csv_delimiter_ok(d[0])))
		conf_error(ctx, "delimiter",
		    "one ASCII character, not a letter, a digit, "
		    "a quote, CR, LF or one of +-./:=");
	if (strpbrk(o->null, "\"\r\n") != NULL ||
	    strchr(o->null, o->delimiter) != NULL)
		conf_error(ctx, "null",
		    "may not contain the delimiter, a quote, CR or LF");
	if (le != NULL && strcmp(le, "crlf") != 0 && strcmp(le, "lf") != 0)
		conf_error(ctx, "line_ending", "crlf or lf");
	if (bin != NULL && strcmp(bin, "hex") != 0 &&
	    strcmp(bin, "base64") != 0)
		conf_error(ctx, "binary", "hex or base64");
	if (level < 1 || level > 9)
		conf_error(ctx, "gzip_level", "1 to 9");
}

static int
sql2csv_check(struct cw_ctx *ctx)
{
	const char *driver = cw_conf_string(ctx, "driver");
	struct csv_opts o;

	conf_errors = 0;
	if (driver == NULL)
		driver = "sqlite";
	if (db_driver_find(driver) == NULL)
		conf_error(ctx, "driver",
		    "\"%s\": expected sqlite, postgresql or mysql", driver);
	else
		check_driver(ctx, driver);
	check_script(ctx);
	check_params(ctx);
	check_output(ctx);
	sql2csv_csv_opts(ctx, &o);
	if (cw_conf_int(ctx, "min_rows", 1) < 0)
		conf_error(ctx, "min_rows", "0 or more");
	if (cw_conf_has(ctx, "connect_timeout") &&
	    cw_conf_duration(ctx, "connect_timeout", 30) < 1)
		conf_error(ctx, "connect_timeout", "at least 1s");
	return conf_errors > 0 ? -1 : 0;
}

const struct cw_plugin cw_plugin = {
    CW_PLUGIN_V1,
    .name = "sql2csv",
    .version = SQL2CSV_VERSION,
    .settings = settings,
    .check = sql2csv_check,
    .run = sql2csv_run,
};
