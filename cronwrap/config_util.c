#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_util.h"
#include "util/duration.h"
#include "util/path.h"
#include "util/xalloc.h"

const char *
cfg_file(const config_setting_t *s)
{
	const char *f = config_setting_source_file(s);

	return f != NULL ? f : "(command line)";
}

int
cfg_line(const config_setting_t *s)
{
	return (int)config_setting_source_line(s);
}

/* The file s was read from, as a path usable from here (NULL for a text).
 * libconfig before 1.7 names an @include'd file as its directive wrote it,
 * relative to the include directory (the top file's); 1.7 joins the two
 * itself.  Caller frees. */
static char *
cfg_source(const config_setting_t *s)
{
	const char *f = config_setting_source_file(s);

	if (f == NULL)
		return NULL;
#if LIBCONFIG_VER_MAJOR == 1 && LIBCONFIG_VER_MINOR < 7
	if (f != config_setting_source_file(config_root_setting(s->config)))
		return path_resolve(config_get_include_dir(s->config), f);
#endif
	return xstrdup(f);
}

char *
cfg_dir(const config_setting_t *s)
{
	char *f = cfg_source(s), *dir;

	if (f == NULL)
		return xstrdup(".");
	dir = path_dirname(f);
	free(f);
	return dir;
}

/* The dotted path of s: "retry.delay", "steps.[1].plugin". */
static void
cfg_path_name(const config_setting_t *s, char *buf, size_t len)
{
	const config_setting_t *p = config_setting_parent(s);
	const char *name = config_setting_name(s);
	char up[256] = "";

	if (p != NULL && !config_setting_is_root(p))
		cfg_path_name(p, up, sizeof up);
	if (name != NULL)
		snprintf(buf, len, "%s%s%s", up, up[0] ? "." : "", name);
	else
		snprintf(buf, len, "%s[%d]", up, config_setting_index(s) + 1);
}

void
cfg_err(struct diag *d, const config_setting_t *s, const char *fmt, ...)
{
	char name[256], *msg, *file;
	va_list ap;

	cfg_path_name(s, name, sizeof name);
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = xstrdup(fmt);
	va_end(ap);
	file = cfg_source(s);
	diag_add(d, file, cfg_line(s), "%s: %s", name, msg);
	free(file);
	free(msg);
}

static const char *
type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a float";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	default:
		return "something else";
	}
}

static int
cfg_want(const config_setting_t *s, struct diag *d, const char *what, int ok)
{
	if (ok)
		return 0;
	cfg_err(d, s, "expected %s, got %s", what,
	    type_name(config_setting_type(s)));
	return -1;
}

int
cfg_string(const config_setting_t *s, struct diag *d, char **out)
{
	if (cfg_want(s, d, "a string",
	        config_setting_type(s) == CONFIG_TYPE_STRING) < 0)
		return -1;
	free(*out);
	*out = xstrdup(config_setting_get_string(s));
	return 0;
}

int
cfg_path(const config_setting_t *s, struct diag *d, char **out)
{
	char *dir, *v = NULL;

	if (cfg_string(s, d, &v) < 0)
		return -1;
	if (v[0] == '\0') {
		cfg_err(d, s, "empty path");
		free(v);
		return -1;
	}
	dir = cfg_dir(s);
	free(*out);
	*out = path_resolve(dir, v);
	free(dir);
	free(v);
	return 0;
}

int
cfg_bool(const config_setting_t *s, struct diag *d, bool *out)
{
	if (cfg_want(s, d, "a boolean (true or false)",
	        config_setting_type(s) == CONFIG_TYPE_BOOL) < 0)
		return -1;
	*out = config_setting_get_bool(s) != 0;
	return 0;
}

int
cfg_int(const config_setting_t *s, struct diag *d, long long min, long long max,
    long long *out)
{
	long long v;
	int t = config_setting_type(s);

	if (cfg_want(s, d, "an integer",
	        t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) < 0)
		return -1;
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		cfg_err(d, s, "%lld is out of range %lld..%lld", v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
cfg_uint(const config_setting_t *s, struct diag *d, unsigned max, unsigned *out)
{
	long long v;

	if (cfg_int(s, d, 0, max, &v) < 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
cfg_float(const config_setting_t *s, struct diag *d, double *out)
{
	int t = config_setting_type(s);

	if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) {
		*out = (double)config_setting_get_int64(s);
		return 0;
	}
	if (cfg_want(s, d, "a number", t == CONFIG_TYPE_FLOAT) < 0)
		return -1;
	*out = config_setting_get_float(s);
	return 0;
}

int
cfg_duration(const config_setting_t *s, struct diag *d, double *out)
{
	int t = config_setting_type(s);

	if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 ||
	    t == CONFIG_TYPE_FLOAT) {
		if (cfg_float(s, d, out) < 0)
			return -1;
		if (*out >= 0)
			return 0;
		cfg_err(d, s, "a duration cannot be negative");
		return -1;
	}
	if (cfg_want(s, d, "a duration such as \"90s\", \"15m\", \"2h\"",
	        t == CONFIG_TYPE_STRING) < 0)
		return -1;
	if (duration_parse(config_setting_get_string(s), out) == 0)
		return 0;
	cfg_err(d, s, "bad duration \"%s\" (write 90, 90s, 15m, 2h or 1d)",
	    config_setting_get_string(s));
	return -1;
}

int
cfg_strlist(const config_setting_t *s, struct diag *d, struct strv *out)
{
	int t = config_setting_type(s), n, i;
	struct strv v = STRV_INIT;

	if (t == CONFIG_TYPE_STRING) {
		strv_free(out);
		strv_push(out, config_setting_get_string(s));
		return 0;
	}
	if (cfg_want(s, d, "a list of strings",
	        t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST) < 0)
		return -1;
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e =
		    config_setting_get_elem(s, (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			cfg_err(d, e, "expected a string, got %s",
			    type_name(config_setting_type(e)));
			strv_free(&v);
			return -1;
		}
		strv_push(&v, config_setting_get_string(e));
	}
	strv_free(out);
	*out = v;
	strv_terminate(out);
	return 0;
}

int
cfg_argv(const config_setting_t *s, struct diag *d, struct strv *out)
{
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		cfg_err(d, s,
		    "expected a list such as [ \"/bin/prog\", "
		    "\"arg\" ] (or use shell = \"...\")");
		return -1;
	}
	if (cfg_strlist(s, d, out) < 0)
		return -1;
	if (out->n == 0 || out->v[0][0] == '\0') {
		cfg_err(d, s, "the command is empty");
		return -1;
	}
	return 0;
}

int
cfg_enum(const config_setting_t *s, struct diag *d, const char *const *names,
    int *out)
{
	char *v = NULL, *known;
	struct strv list = STRV_INIT;
	int i;

	if (cfg_string(s, d, &v) < 0)
		return -1;
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], v) == 0) {
			*out = i;
			free(v);
			return 0;
		}
	/* The list of known values only for the message. */
	for (i = 0; names[i] != NULL; i++)
		strv_push(&list, names[i]);
	known = strv_join(&list, ", ");
	cfg_err(d, s, "unknown value \"%s\" (one of: %s)", v, known);
	free(known);
	strv_free(&list);
	free(v);
	return -1;
}

int
cfg_group(const config_setting_t *s, struct diag *d)
{
	return cfg_want(s, d, "a group { ... }",
	    config_setting_type(s) == CONFIG_TYPE_GROUP);
}

static void
cfg_unknown(
    const config_setting_t *m, const struct cfg_key *keys, struct diag *d)
{
	struct strv list = STRV_INIT;
	char *known;

	for (const struct cfg_key *k = keys; k->key != NULL; k++)
		strv_push(&list, k->key);
	known = strv_join(&list, ", ");
	cfg_err(d, m, "unknown setting (known here: %s)", known);
	free(known);
	strv_free(&list);
}

int
cfg_dispatch(const config_setting_t *group, const struct cfg_key *keys,
    void *obj, struct diag *d)
{
	int n, i, ret = 0;

	if (cfg_group(group, d) < 0)
		return -1;
	n = config_setting_length(group);
	for (i = 0; i < n; i++) {
		const config_setting_t *m =
		    config_setting_get_elem(group, (unsigned)i);
		const struct cfg_key *k;

		for (k = keys; k->key != NULL; k++)
			if (strcmp(k->key, config_setting_name(m)) == 0)
				break;
		if (k->key == NULL) {
			cfg_unknown(m, keys, d);
			ret = -1;
		} else if (k->fn(obj, m, d) < 0)
			ret = -1;
	}
	return ret;
}

char *
cfg_quote(const char *s)
{
	size_t len = strlen(s);
	char *out = xmalloc(len * 4 + 3), *p = out;

	*p++ = '"';
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			p += sprintf(p, "\\x%02x", c);
		} else
			*p++ = (char)c;
	}
	*p++ = '"';
	*p = '\0';
	return out;
}

/* libconfig's own parse error, as FILE:LINE: message. */
static void
parse_error(const config_t *cfg, const char *path, struct diag *d)
{
	const char *file = config_error_file(cfg);

	if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
		diag_add(d, path, 0, "cannot read: %s", strerror(errno));
	else
		diag_add(d, file != NULL ? file : path, config_error_line(cfg),
		    "%s", config_error_text(cfg));
}

int
cfg_read_file(config_t *cfg, const char *path, struct diag *d)
{
	char *dir = path_dirname(path);

	config_init(cfg);
	config_set_include_dir(cfg, dir);
	free(dir);
	if (config_read_file(cfg, path) == CONFIG_TRUE)
		return 0;
	parse_error(cfg, path, d);
	config_destroy(cfg);
	return -1;
}
