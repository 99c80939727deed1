/*
 * config_util.h - typed reads of libconfig settings, each reporting a
 * problem once as "FILE:LINE: KEY: message".  Internal to config*.c: no
 * libconfig type leaves the config files.
 */
#ifndef CW_CONFIG_UTIL_H
#define CW_CONFIG_UTIL_H

#include <libconfig.h>
#include <stdbool.h>

#include "util/diag.h"
#include "util/strv.h"

/* Reports a problem with setting s (its file, line and dotted path). */
void cfg_err(struct diag *d, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *cfg_file(const config_setting_t *s);
int cfg_line(const config_setting_t *s);
/* The directory of the file s was read from: the base of relative paths. */
char *cfg_dir(const config_setting_t *s);

int cfg_string(const config_setting_t *s, struct diag *d, char **out);
/* A string that is resolved against the directory of its file. */
int cfg_path(const config_setting_t *s, struct diag *d, char **out);
int cfg_bool(const config_setting_t *s, struct diag *d, bool *out);
int cfg_int(const config_setting_t *s, struct diag *d, long long min,
    long long max, long long *out);
int cfg_uint(
    const config_setting_t *s, struct diag *d, unsigned max, unsigned *out);
int cfg_float(const config_setting_t *s, struct diag *d, double *out);
/* "90", "90s", "15m", "2h", "1d" or a number of seconds. */
int cfg_duration(const config_setting_t *s, struct diag *d, double *out);
/* An array or list of strings (a single string is accepted); replaces out. */
int cfg_strlist(const config_setting_t *s, struct diag *d, struct strv *out);
/* Like cfg_strlist, and the list must not be empty (an argv). */
int cfg_argv(const config_setting_t *s, struct diag *d, struct strv *out);
/* One of names (NULL-terminated); *out is its index. */
int cfg_enum(const config_setting_t *s, struct diag *d,
    const char *const *names, int *out);
/* Requires s to be a group; reports otherwise. */
int cfg_group(const config_setting_t *s, struct diag *d);

/* A dispatch table for the keys of a group. */
struct cfg_key {
	const char *key;
	int (*fn)(void *obj, const config_setting_t *s, struct diag *d);
};
/* Calls the handler of each member of group; an unknown member is an error
 * naming the known keys of this group.  Returns 0 or -1. */
int cfg_dispatch(const config_setting_t *group, const struct cfg_key *keys,
    void *obj, struct diag *d);

/* Reads path into cfg (config_init'ed here; destroyed on error), with
 * includes relative to its directory.  Parse errors go to d as FILE:LINE. */
int cfg_read_file(config_t *cfg, const char *path, struct diag *d);

/* Quotes s as a libconfig string literal (for texts built by "exec"). */
char *cfg_quote(const char *s);

#endif
