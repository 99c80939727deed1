/*
 * config_steps.c - the requires and steps lists.  A plugin step keeps its
 * own keys as generic settings; the plugin host checks them against the
 * plugin's declared settings (config must not dlopen anything).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_groups.h"
#include "util/path.h"
#include "util/xalloc.h"

#define REQ(o) ((struct requirement *)(o))

static int
req_job(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_string(s, d, &REQ(o)->job);
}

static int
req_succeeded(void *o, const config_setting_t *s, struct diag *d)
{
	static const char *const names[] = {"window", "last", NULL};
	int v;

	if (cfg_enum(s, d, names, &v) < 0)
		return -1;
	REQ(o)->succeeded = v == 0 ? SUCC_WINDOW : SUCC_LAST;
	return 0;
}

static int
req_within(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_duration(s, d, &REQ(o)->within);
}

static int
req_file(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_path(s, d, &REQ(o)->file);
}

static int
req_newer_than(void *o, const config_setting_t *s, struct diag *d)
{
	static const char *const names[] = {"window", NULL};
	int v;

	if (cfg_enum(s, d, names, &v) < 0)
		return -1;
	REQ(o)->newer_than_window = true;
	return 0;
}

static int
req_min_size(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_int(s, d, 0, INT64_MAX, &REQ(o)->min_size);
}

static int
req_command(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_argv(s, d, &REQ(o)->command);
}

static int
req_timeout(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_duration(s, d, &REQ(o)->timeout);
}

static int
req_url(void *o, const config_setting_t *s, struct diag *d)
{
	if (cfg_string(s, d, &REQ(o)->url) < 0)
		return -1;
	if (strncmp(REQ(o)->url, "http://", 7) == 0 ||
	    strncmp(REQ(o)->url, "https://", 8) == 0)
		return 0;
	cfg_err(d, s, "expected an http:// or https:// URL");
	return -1;
}

static int
req_contains(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_string(s, d, &REQ(o)->contains);
}

/* Exactly one kind, and only the keys of that kind. */
static int
req_kind(struct requirement *r, const config_setting_t *s, struct diag *d)
{
	int kinds = (r->job != NULL) + (r->file != NULL) + (r->command.n > 0) +
	            (r->url != NULL);

	if (kinds != 1) {
		cfg_err(d, s,
		    "a requirement needs exactly one of job, file, "
		    "command, url");
		return -1;
	}
	if (r->job != NULL) {
		r->kind = REQ_JOB;
		if (r->succeeded == SUCC_NONE && r->within == 0)
			r->succeeded = SUCC_WINDOW;
		if (r->succeeded != SUCC_NONE && r->within > 0) {
			cfg_err(d, s, "give either succeeded or within");
			return -1;
		}
	} else if (r->file != NULL)
		r->kind = REQ_FILE;
	else if (r->command.n > 0)
		r->kind = REQ_COMMAND;
	else
		r->kind = REQ_URL;
	if (r->kind != REQ_JOB && (r->succeeded != SUCC_NONE || r->within)) {
		cfg_err(
		    d, s, "succeeded and within apply to a job requirement");
		return -1;
	}
	if (r->kind != REQ_FILE && (r->newer_than_window || r->min_size)) {
		cfg_err(d, s, "newer_than and min_size apply to a file");
		return -1;
	}
	if (r->kind != REQ_URL && r->contains != NULL) {
		cfg_err(d, s, "contains applies to a url requirement");
		return -1;
	}
	return 0;
}

int
cfg_requires(struct job *job, const config_setting_t *s, struct diag *d)
{
	static const struct cfg_key keys[] = {
	    {"job", req_job},
	    {"succeeded", req_succeeded},
	    {"within", req_within},
	    {"file", req_file},
	    {"newer_than", req_newer_than},
	    {"min_size", req_min_size},
	    {"command", req_command},
	    {"timeout", req_timeout},
	    {"url", req_url},
	    {"contains", req_contains},
	    {NULL, NULL},
	};
	int t = config_setting_type(s), n, ret = 0;

	if (t != CONFIG_TYPE_LIST) {
		cfg_err(d, s, "expected a list ( { ... }, { ... } )");
		return -1;
	}
	n = config_setting_length(s);
	job_free_requires(job);
	job->requires = xcalloc((size_t)n, sizeof *job->requires);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e =
		    config_setting_get_elem(s, (unsigned)i);
		struct requirement *r = &job->requires[job->nrequires++];

		r->src_file = xstrdup(cfg_file(e));
		r->src_line = cfg_line(e);
		r->timeout = 60;
		if (cfg_dispatch(e, keys, r, d) < 0 || req_kind(r, e, d) < 0)
			ret = -1;
	}
	return ret;
}

/* --- steps --- */

#define STEP(o) ((struct step *)(o))

static int
step_setting(struct step *st, const config_setting_t *m, struct diag *d)
{
	struct setting *set;
	int t = config_setting_type(m);

	st->settings = xreallocarray(
	    st->settings, st->nsettings + 1, sizeof *st->settings);
	set = &st->settings[st->nsettings];
	memset(set, 0, sizeof *set);
	set->line = cfg_line(m);
	switch (t) {
	case CONFIG_TYPE_STRING:
		set->type = SET_STRING;
		set->s = xstrdup(config_setting_get_string(m));
		break;
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		set->type = SET_INT;
		set->i = config_setting_get_int64(m);
		break;
	case CONFIG_TYPE_FLOAT:
		set->type = SET_FLOAT;
		set->f = config_setting_get_float(m);
		break;
	case CONFIG_TYPE_BOOL:
		set->type = SET_BOOL;
		set->i = config_setting_get_bool(m);
		break;
	case CONFIG_TYPE_ARRAY:
	case CONFIG_TYPE_LIST:
		set->type = SET_LIST;
		if (cfg_strlist(m, d, &set->l) < 0)
			return -1;
		break;
	default:
		cfg_err(d, m,
		    "a plugin setting is a string, number, boolean "
		    "or list of strings");
		return -1;
	}
	set->key = xstrdup(config_setting_name(m));
	st->nsettings++;
	return 0;
}

static int
step_member(struct step *st, const config_setting_t *m, struct diag *d)
{
	const char *k = config_setting_name(m);

	if (strcmp(k, "plugin") == 0)
		return cfg_string(m, d, &st->plugin);
	if (strcmp(k, "command") == 0)
		return cfg_argv(m, d, &st->command);
	if (strcmp(k, "shell") == 0)
		return cfg_string(m, d, &st->shell);
	if (strcmp(k, "name") == 0)
		return cfg_string(m, d, &st->name);
	if (strcmp(k, "dry_run") == 0)
		return cfg_bool(m, d, &st->dry_run);
	if (strcmp(k, "timeout") == 0)
		return cfg_duration(m, d, &st->timeout);
	if (strcmp(k, "artifacts") == 0)
		return cfg_strlist(m, d, &st->artifacts);
	return step_setting(st, m, d);
}

static int
step_validate(struct step *st, const config_setting_t *e, struct diag *d)
{
	int kinds =
	    (st->plugin != NULL) + (st->command.n > 0) + (st->shell != NULL);

	if (kinds != 1) {
		cfg_err(d, e,
		    "a step needs exactly one of plugin, command, "
		    "shell");
		return -1;
	}
	if (st->plugin == NULL && st->nsettings > 0) {
		diag_add(d, cfg_file(e), st->settings[0].line,
		    "steps.[%u].%s: unknown setting for a command step (known "
		    "here: command, shell, name, dry_run, timeout, artifacts)",
		    st->index, st->settings[0].key);
		return -1;
	}
	if (st->plugin != NULL && st->artifacts.n > 0) {
		cfg_err(d, e, "artifacts: a plugin declares its own artifacts");
		return -1;
	}
	for (size_t i = 0; i < st->artifacts.n; i++)
		if (strchr(st->artifacts.v[i], '/') != NULL ||
		    strcmp(st->artifacts.v[i], "..") == 0) {
			cfg_err(d, e,
			    "artifacts: \"%s\" must be a file name in "
			    "the run directory",
			    st->artifacts.v[i]);
			return -1;
		}
	if (st->name == NULL)
		st->name = xstrdup(st->plugin != NULL ? st->plugin : "command");
	return 0;
}

int
cfg_steps(struct job *job, const config_setting_t *s, struct diag *d)
{
	int n, ret = 0;

	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		cfg_err(d, s, "expected a list ( { ... }, { ... } )");
		return -1;
	}
	n = config_setting_length(s);
	if (n == 0) {
		cfg_err(d, s, "the list of steps is empty");
		return -1;
	}
	job_free_steps(job);
	job->steps = xcalloc((size_t)n, sizeof *job->steps);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e =
		    config_setting_get_elem(s, (unsigned)i);
		struct step *st = &job->steps[job->nsteps++];
		int members;

		st->index = (unsigned)i + 1;
		st->src_file = xstrdup(cfg_file(e));
		st->src_line = cfg_line(e);
		if (cfg_group(e, d) < 0) {
			ret = -1;
			continue;
		}
		members = config_setting_length(e);
		for (int k = 0; k < members; k++)
			if (step_member(st,
			        config_setting_get_elem(e, (unsigned)k), d) < 0)
				ret = -1;
		if (step_validate(st, e, d) < 0)
			ret = -1;
	}
	return ret;
}
