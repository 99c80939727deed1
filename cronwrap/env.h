/*
 * env.h - the exact environment a job gets, the same by hand and from cron:
 * HOME, USER, LOGNAME, SHELL of the run-as user, PATH, the names kept from
 * the caller, the env files, env.set, then the CRONWRAP_* variables (which
 * nothing overrides).
 */
#ifndef CW_ENV_H
#define CW_ENV_H

#include <stdbool.h>
#include <time.h>

#include "job.h"
#include "runas.h"
#include "util/diag.h"
#include "util/kv.h"

/* The facts of one run that a job sees as CRONWRAP_* variables. */
struct run_vars {
	const char *job;
	const char *run_id;
	unsigned attempt;
	bool has_window;
	time_t window_start, window_end;
	const struct kv *params; /* --param KEY=VALUE */
	const char *run_dir;     /* NULL = none */
	bool dry_run;
	const char *artifacts; /* space-separated, NULL = none */
};

/* PATH when the job sets none. */
const char *env_default_path(const struct runas *ru);

/* Builds the environment into out (in order).  caller is the caller's
 * environment (for env.keep, and all of it when env.clear is false).
 * Problems with env files are FILE:LINE diagnostics.  Returns 0 or -1. */
int env_build(const struct job *job, const struct runas *ru,
    const struct run_vars *rv, char *const *caller, struct kv *out,
    struct diag *d);
/* The job-level part only (no CRONWRAP_* variables): what "check" and
 * "env" validate. */
int env_build_base(const struct job *job, const struct runas *ru,
    char *const *caller, struct kv *out, struct diag *d);
/* KEY=VALUE strings for execve; caller frees with strv_free. */
void env_to_strv(const struct kv *env, struct strv *out);

#endif
