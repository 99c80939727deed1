/*
 * config_groups.c - retry, env, mail, notify and ping groups.  A group read
 * over an earlier one (the job's over the defaults') changes only the keys
 * it names: the merge is per key; env.set, env.files and env.keep add to
 * the earlier ones (a job adds its own files to the defaults' files);
 * other lists (mail.to, mail.on) replace.
 */
#include <stdlib.h>
#include <string.h>

#include "config_groups.h"
#include "util/path.h"
#include "util/xalloc.h"

/* --- retry --- */

static int
retry_attempts(void *o, const config_setting_t *s, struct diag *d)
{
	unsigned *a = &((struct retry *)o)->attempts;

	if (cfg_uint(s, d, 1000, a) < 0)
		return -1;
	if (*a >= 1)
		return 0;
	cfg_err(d, s, "must be at least 1");
	return -1;
}

static int
retry_delay(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_duration(s, d, &((struct retry *)o)->delay);
}

static int
retry_backoff(void *o, const config_setting_t *s, struct diag *d)
{
	double *b = &((struct retry *)o)->backoff;

	if (cfg_float(s, d, b) < 0)
		return -1;
	if (*b >= 1.0 && *b <= 100.0)
		return 0;
	cfg_err(d, s, "backoff must be between 1.0 and 100");
	return -1;
}

static int
retry_max_delay(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_duration(s, d, &((struct retry *)o)->max_delay);
}

static int
retry_jitter(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_bool(s, d, &((struct retry *)o)->jitter);
}

int
cfg_retry(struct retry *r, const config_setting_t *s, struct diag *d)
{
	static const struct cfg_key keys[] = {
	    {"attempts", retry_attempts},
	    {"delay", retry_delay},
	    {"backoff", retry_backoff},
	    {"max_delay", retry_max_delay},
	    {"jitter", retry_jitter},
	    {NULL, NULL},
	};

	return cfg_dispatch(s, keys, r, d);
}

/* --- env --- */

static int
env_clear(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_bool(s, d, &((struct job_env *)o)->clear);
}

static int
env_path(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_string(s, d, &((struct job_env *)o)->path);
}

static bool
env_name_ok(const char *name)
{
	if (name[0] == '\0' || (name[0] >= '0' && name[0] <= '9'))
		return false;
	for (const char *p = name; *p; p++)
		if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') ||
		        (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

static int
env_set(void *o, const config_setting_t *s, struct diag *d)
{
	struct job_env *e = o;
	int n, ret = 0;

	if (cfg_group(s, d) < 0)
		return -1;
	n = config_setting_length(s);
	for (int i = 0; i < n; i++) {
		const config_setting_t *m =
		    config_setting_get_elem(s, (unsigned)i);
		char *v = NULL;

		if (cfg_string(m, d, &v) < 0) {
			ret = -1;
			continue;
		}
		if (!env_name_ok(config_setting_name(m))) {
			cfg_err(d, m, "not a valid variable name");
			ret = -1;
		} else
			kv_set(&e->set, config_setting_name(m), v);
		free(v);
	}
	return ret;
}

static int
env_files(void *o, const config_setting_t *s, struct diag *d)
{
	struct job_env *e = o;
	struct strv v = STRV_INIT;
	char *dir;

	if (cfg_strlist(s, d, &v) < 0)
		return -1;
	dir = cfg_dir(s);
	for (size_t i = 0; i < v.n; i++)
		strv_push_take(&e->files, path_resolve(dir, v.v[i]));
	free(dir);
	strv_free(&v);
	return 0;
}

static int
env_keep(void *o, const config_setting_t *s, struct diag *d)
{
	struct job_env *e = o;
	struct strv v = STRV_INIT;

	if (cfg_strlist(s, d, &v) < 0)
		return -1;
	for (size_t i = 0; i < v.n; i++) {
		if (!env_name_ok(v.v[i])) {
			cfg_err(d, s, "\"%s\" is not a valid variable name",
			    v.v[i]);
			strv_free(&v);
			return -1;
		}
		if (!strv_contains(&e->keep, v.v[i]))
			strv_push(&e->keep, v.v[i]);
	}
	strv_free(&v);
	return 0;
}

int
cfg_env(struct job_env *e, const config_setting_t *s, struct diag *d)
{
	static const struct cfg_key keys[] = {
	    {"clear", env_clear},
	    {"path", env_path},
	    {"set", env_set},
	    {"files", env_files},
	    {"keep", env_keep},
	    {NULL, NULL},
	};

	return cfg_dispatch(s, keys, e, d);
}
