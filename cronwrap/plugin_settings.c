/*
 * plugin_settings.c - a plugin step's settings: checked against the
 * plugin's declaration, and read by the plugin through cw_conf_*().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_ctx.h"
#include "util/duration.h"
#include "util/path.h"
#include "util/xalloc.h"

const struct setting *
plugin_setting(const struct step *st, const char *key)
{
	for (size_t i = 0; i < st->nsettings; i++)
		if (strcmp(st->settings[i].key, key) == 0)
			return &st->settings[i];
	return NULL;
}

const struct cw_setting *
plugin_spec(const struct cw_plugin *desc, const char *key)
{
	for (const struct cw_setting *s = desc->settings; s->key != NULL; s++)
		if (strcmp(s->key, key) == 0)
			return s;
	return NULL;
}

static bool
type_ok(const struct cw_setting *spec, const struct setting *set)
{
	double dur;

	switch (spec->type) {
	case CW_TYPE_STRING:
		return set->type == SET_STRING;
	case CW_TYPE_INT:
		return set->type == SET_INT;
	case CW_TYPE_FLOAT:
		return set->type == SET_INT || set->type == SET_FLOAT;
	case CW_TYPE_BOOL:
		return set->type == SET_BOOL;
	case CW_TYPE_STRINGS:
		return set->type == SET_LIST || set->type == SET_STRING;
	case CW_TYPE_DURATION:
		return set->type == SET_INT || set->type == SET_FLOAT ||
		       (set->type == SET_STRING &&
		           duration_parse(set->s, &dur) == 0);
	}
	return false;
}

static const char *
type_word(enum cw_type t)
{
	static const char *const words[] = {"?", "a string", "an integer",
	    "a number", "a boolean", "a list of strings",
	    "a duration such as \"90s\" or \"15m\""};

	return t >= 1 && t <= CW_TYPE_DURATION ? words[t] : "?";
}

static void
known_keys(const struct cw_plugin *desc, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const struct cw_setting *s = desc->settings; s->key != NULL; s++) {
		int n = snprintf(
		    buf + used, len - used, "%s%s", used ? ", " : "", s->key);

		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
}

int
plugin_check_settings(struct cw_ctx *ctx)
{
	const struct step *st = ctx->step;
	char known[1024];

	for (size_t i = 0; i < st->nsettings; i++) {
		const struct setting *set = &st->settings[i];
		const struct cw_setting *spec =
		    plugin_spec(ctx->desc, set->key);

		if (spec == NULL) {
			known_keys(ctx->desc, known, sizeof known);
			cw_conf_error(ctx, set->key,
			    "unknown setting (known here: %s)", known);
		} else if (!type_ok(spec, set))
			cw_conf_error(ctx, set->key, "expected %s",
			    type_word(spec->type));
	}
	for (const struct cw_setting *s = ctx->desc->settings; s->key; s++)
		if ((s->flags & CW_SET_REQUIRED) &&
		    plugin_setting(st, s->key) == NULL)
			cw_conf_error(ctx, NULL, "%s is required", s->key);
	return ctx->errors > 0 ? -1 : 0;
}

void
cw_conf_error(struct cw_ctx *ctx, const char *key, const char *fmt, ...)
{
	const struct setting *set = key ? plugin_setting(ctx->step, key) : NULL;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ctx->errors++;
	diag_add(ctx->diag, ctx->step->src_file,
	    set != NULL ? set->line : ctx->step->src_line,
	    "steps.[%u] (%s)%s%s: %s", ctx->step->index, ctx->step->plugin,
	    key ? ": " : "", key ? key : "", msg);
}

bool
cw_conf_has(struct cw_ctx *ctx, const char *key)
{
	return plugin_setting(ctx->step, key) != NULL;
}

const char *
cw_conf_string(struct cw_ctx *ctx, const char *key)
{
	const struct setting *set = plugin_setting(ctx->step, key);
	const struct cw_setting *spec = plugin_spec(ctx->desc, key);
	const char *done;
	char *path;

	if (set == NULL || set->type != SET_STRING)
		return NULL;
	if (spec == NULL || !(spec->flags & CW_SET_PATH))
		return set->s;
	if ((done = kv_get(&ctx->resolved, key)) != NULL)
		return done;
	path = path_resolve(ctx->job->dir, set->s);
	kv_set(&ctx->resolved, key, path);
	free(path);
	return kv_get(&ctx->resolved, key);
}

const char *
cw_conf_path(struct cw_ctx *ctx, const char *key)
{
	const struct setting *set = plugin_setting(ctx->step, key);
	char *cache_key;
	const char *done;

	if (set == NULL || set->type != SET_STRING)
		return NULL;
	cache_key = xasprintf("path:%s", key);
	if ((done = kv_get(&ctx->resolved, cache_key)) == NULL) {
		char *path = path_resolve(ctx->job->dir, set->s);

		kv_set(&ctx->resolved, cache_key, path);
		free(path);
		done = kv_get(&ctx->resolved, cache_key);
	}
	free(cache_key);
	return done;
}

long long
cw_conf_int(struct cw_ctx *ctx, const char *key, long long def)
{
	const struct setting *set = plugin_setting(ctx->step, key);

	return set != NULL && set->type == SET_INT ? set->i : def;
}

double
cw_conf_float(struct cw_ctx *ctx, const char *key, double def)
{
	const struct setting *set = plugin_setting(ctx->step, key);

	if (set == NULL)
		return def;
	if (set->type == SET_INT)
		return (double)set->i;
	return set->type == SET_FLOAT ? set->f : def;
}

bool
cw_conf_bool(struct cw_ctx *ctx, const char *key, bool def)
{
	const struct setting *set = plugin_setting(ctx->step, key);

	return set != NULL && set->type == SET_BOOL ? set->i != 0 : def;
}

double
cw_conf_duration(struct cw_ctx *ctx, const char *key, double def)
{
	const struct setting *set = plugin_setting(ctx->step, key);
	double v;

	if (set == NULL)
		return def;
	if (set->type == SET_STRING)
		return duration_parse(set->s, &v) == 0 ? v : def;
	return cw_conf_float(ctx, key, def);
}

const char *const *
cw_conf_strings(struct cw_ctx *ctx, const char *key, size_t *n)
{
	const struct setting *set = plugin_setting(ctx->step, key);
	static const char *const none[] = {NULL};

	if (set != NULL && set->type == SET_LIST) {
		*n = set->l.n;
		return set->l.n ? (const char *const *)set->l.v : none;
	}
	if (set != NULL && set->type == SET_STRING) {
		/* A single string is a list of one: a view of the pointer. */
		*n = 1;
		return (const char *const *)&set->s;
	}
	*n = 0;
	return none;
}

void
plugin_ctx_free(struct cw_ctx *ctx)
{
	kv_free(&ctx->resolved);
}
