#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "envfile.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

const char *
env_default_path(const struct runas *ru)
{
	/* Debian's login PATHs: root gets the sbin directories. */
	return ru->uid == 0 ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/"
	                      "bin:/sbin:/bin"
	                    : "/usr/local/bin:/usr/bin:/bin";
}

static const char *
caller_get(char *const *caller, const char *name)
{
	size_t len = strlen(name);

	for (; caller != NULL && *caller != NULL; caller++)
		if (strncmp(*caller, name, len) == 0 && (*caller)[len] == '=')
			return *caller + len + 1;
	return NULL;
}

static void
caller_copy_all(char *const *caller, struct kv *out)
{
	for (; caller != NULL && *caller != NULL; caller++) {
		const char *eq = strchr(*caller, '=');
		char *name;

		if (eq == NULL || eq == *caller)
			continue;
		name = xstrndup(*caller, (size_t)(eq - *caller));
		kv_set(out, name, eq + 1);
		free(name);
	}
}

int
env_build_base(const struct job *job, const struct runas *ru,
    char *const *caller, struct kv *out, struct diag *d)
{
	const struct job_env *e = &job->env;
	int ret = 0;

	if (!e->clear)
		caller_copy_all(caller, out);
	kv_set(out, "HOME", ru->home);
	kv_set(out, "USER", ru->name);
	kv_set(out, "LOGNAME", ru->name);
	kv_set(out, "SHELL", ru->shell);
	if (e->path != NULL)
		kv_set(out, "PATH", e->path);
	else if (e->clear || kv_get(out, "PATH") == NULL)
		kv_set(out, "PATH", env_default_path(ru));
	for (size_t i = 0; i < e->keep.n; i++) {
		const char *v = caller_get(caller, e->keep.v[i]);

		if (v != NULL)
			kv_set(out, e->keep.v[i], v);
	}
	for (size_t i = 0; i < e->files.n; i++)
		if (envfile_load(e->files.v[i], out, d) < 0)
			ret = -1;
	kv_copy(out, &e->set);
	return ret;
}

static void
set_window(struct kv *out, const struct run_vars *rv)
{
	char buf[32];

	iso8601_utc(rv->window_start, buf, sizeof buf);
	kv_set(out, "CRONWRAP_WINDOW_START", buf);
	iso8601_utc(rv->window_end, buf, sizeof buf);
	kv_set(out, "CRONWRAP_WINDOW_END", buf);
}

static void
set_params(struct kv *out, const struct kv *params)
{
	for (size_t i = 0; params != NULL && i < params->n; i++) {
		char *name = xasprintf("CRONWRAP_PARAM_%s", params->keys[i]);

		kv_set(out, name, params->values[i]);
		free(name);
	}
}

int
env_build(const struct job *job, const struct runas *ru,
    const struct run_vars *rv, char *const *caller, struct kv *out,
    struct diag *d)
{
	char num[16];

	if (env_build_base(job, ru, caller, out, d) < 0)
		return -1;
	/* Nothing the configuration says may fake these. */
	for (size_t i = 0; i < out->n;) {
		if (strncmp(out->keys[i], "CRONWRAP_", 9) == 0)
			kv_unset(out, out->keys[i]);
		else
			i++;
	}
	kv_set(out, "CRONWRAP_JOB", rv->job);
	kv_set(out, "CRONWRAP_RUN_ID", rv->run_id);
	snprintf(num, sizeof num, "%u", rv->attempt);
	kv_set(out, "CRONWRAP_ATTEMPT", num);
	if (rv->has_window)
		set_window(out, rv);
	set_params(out, rv->params);
	if (rv->run_dir != NULL)
		kv_set(out, "CRONWRAP_RUN_DIR", rv->run_dir);
	if (rv->artifacts != NULL)
		kv_set(out, "CRONWRAP_ARTIFACTS", rv->artifacts);
	if (rv->dry_run)
		kv_set(out, "CRONWRAP_DRY_RUN", "1");
	return 0;
}

void
env_to_strv(const struct kv *env, struct strv *out)
{
	for (size_t i = 0; i < env->n; i++)
		strv_push_take(
		    out, xasprintf("%s=%s", env->keys[i], env->values[i]));
	strv_terminate(out);
}
