/*
 * config.h - libconfig files to struct global and struct job.
 *
 * Every problem is collected in a struct diag as "FILE:LINE: message" so
 * that "cronwrap check" shows all of them; the caller prints them and exits
 * 78.  Unknown keys, wrong types, bad durations and contradictions (both
 * command and shell, neither command nor steps) are errors.
 */
#ifndef CW_CONFIG_H
#define CW_CONFIG_H

#include <stdbool.h>

#include "job.h"
#include "util/diag.h"

/* The global file: path, else $CRONWRAP_CONFIG, else the default.  A missing
 * default file is not an error (built-in settings); a missing named one is.
 * Returns 0, or -1 with diagnostics in d. */
int config_load_global(const char *path, struct global *g, struct diag *d);

/* The names of the jobs in jobs_dir (files NAME.conf), sorted. */
int config_job_names(
    const struct global *g, struct strv *names, struct diag *d);

/* Loads jobs_dir/NAME.conf over the built-in and global defaults.
 * Returns 0, or -1 with diagnostics in d (job is then freed). */
int config_load_job(
    const struct global *g, const char *name, struct job *job, struct diag *d);

/* A job for "cronwrap exec": name and argv from the command line, other keys
 * from options already turned into a libconfig text by the caller.  */
int config_job_from_text(const struct global *g, const char *name,
    const char *text, struct strv *argv, struct job *job, struct diag *d);

/* Job name rules: [A-Za-z0-9._-]+, not starting with '.'. */
bool config_valid_name(const char *name);

#endif
