/*
 * cronwrap/plugin.h - the public ABI between cronwrap and a job plugin.
 *
 * A plugin is a shared object that exports one symbol, "cw_plugin", of type
 * const struct cw_plugin.  The runner dlopen()s it, refuses it unless
 * abi_version equals CW_PLUGIN_ABI and struct_size is at least the size it
 * knows, and then calls check() (from "cronwrap check" and before every run)
 * and run() (in a child process supervised like any command: timeout, output
 * capture, kill of the process group).
 *
 * The host services below are functions exported by the cronwrap binary; a
 * plugin calls them and links against nothing of cronwrap.  Unless said
 * otherwise, a string returned by the host is owned by the host and stays
 * valid until run() or check() returns; a plugin must not free it.
 *
 * This is the only cronwrap header a plugin includes.  Build one out of tree
 * with: cc -shared -fPIC $(pkg-config --cflags cronwrap-plugin) -o x.so x.c
 */
#ifndef CRONWRAP_PLUGIN_H
#define CRONWRAP_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CW_PLUGIN_ABI 1

/* What a plugin's run() returns.  The runner, not the plugin, decides
 * whether to retry (CW_TEMPFAIL is retried when the job has retry.attempts
 * left) and whether to alert. */
enum cw_status {
	CW_OK = 0,   /* done; artifacts (if any) are complete */
	CW_SKIP,     /* nothing to do this time: the run ends with exit 75 */
	CW_TEMPFAIL, /* failed, worth retrying (server down, timeout) */
	CW_FAIL,     /* failed, retrying will not help (bad login, bad SQL) */
};

/* Log levels, the same numbers as syslog(3). */
enum cw_level {
	CW_LOG_ERR = 3,
	CW_LOG_WARNING = 4,
	CW_LOG_NOTICE = 5,
	CW_LOG_INFO = 6,
	CW_LOG_DEBUG = 7,
};

/* The type of a setting, as declared by the plugin and checked by the host
 * before check() is called. */
enum cw_type {
	CW_TYPE_STRING = 1,
	CW_TYPE_INT,   /* a libconfig integer */
	CW_TYPE_FLOAT, /* a float; an integer is accepted too */
	CW_TYPE_BOOL,
	CW_TYPE_STRINGS,  /* an array of strings; a single string is accepted */
	CW_TYPE_DURATION, /* "90", "90s", "15m", "2h", "1d" or a number */
};

/* Flags of a setting. */
#define CW_SET_REQUIRED 0x1 /* the step is refused without it */
#define CW_SET_PATH 0x2     /* relative to the job file's directory */
#define CW_SET_SECRET 0x4   /* masked by "cronwrap show" */

/* One setting a plugin accepts.  The host refuses any other key in the step
 * with FILE:LINE, so a typo never goes unnoticed.  The keys "plugin", "name"
 * and "timeout" are the host's and must not be declared. */
struct cw_setting {
	const char *key;
	enum cw_type type;
	unsigned flags;
	const char *help; /* one line, for documentation */
};

struct cw_ctx; /* opaque; owned by the runner */

struct cw_plugin {
	uint32_t abi_version; /* CW_PLUGIN_ABI */
	uint32_t struct_size; /* sizeof(struct cw_plugin) */
	const char *name;     /* matches the step's "plugin" key */
	const char *version;
	/* The accepted settings, ended by an entry whose key is NULL. */
	const struct cw_setting *settings;
	/* Validates the settings beyond their types (one of two keys given, a
	 * known driver name, ...).  Reports each problem with cw_conf_error()
	 * and returns 0 when all is well, -1 otherwise.  Must not connect to
	 * anything or touch files other than reading them.  May be NULL. */
	int (*check)(struct cw_ctx *ctx);
	/* Does the work.  In a dry run (cw_dry_run()), does everything that
	 * changes nothing: connect, log in, read, roll back. */
	enum cw_status (*run)(struct cw_ctx *ctx);
	void *spare[4]; /* keeps the size stable for later additions */
};

#define CW_PLUGIN_V1                                                           \
	.abi_version = CW_PLUGIN_ABI, .struct_size = sizeof(struct cw_plugin)

/* --- Host services ------------------------------------------------------ */

#if defined(__GNUC__)
#define CW_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CW_PRINTF(f, a)
#endif

/* Logs one line to the run's log and to syslog, prefixed with the plugin's
 * name.  Lines are cut at 4 KiB. */
void cw_log(struct cw_ctx *ctx, int level, const char *fmt, ...)
    CW_PRINTF(3, 4);

/* In check(): reports a problem with a setting as "FILE:LINE: step N
 * (plugin): KEY: message".  key may be NULL for the step as a whole. */
void cw_conf_error(struct cw_ctx *ctx, const char *key, const char *fmt, ...)
    CW_PRINTF(3, 4);

/* Settings.  Each returns the default (or NULL) when the key is absent.
 * A CW_SET_PATH string comes back resolved against the job file's
 * directory.  A duration comes back in seconds. */
bool cw_conf_has(struct cw_ctx *ctx, const char *key);
const char *cw_conf_string(struct cw_ctx *ctx, const char *key);
long long cw_conf_int(struct cw_ctx *ctx, const char *key, long long def);
double cw_conf_float(struct cw_ctx *ctx, const char *key, double def);
bool cw_conf_bool(struct cw_ctx *ctx, const char *key, bool def);
double cw_conf_duration(struct cw_ctx *ctx, const char *key, double def);
/* The string setting KEY resolved against the job file's directory, as
 * CW_SET_PATH does, whatever the setting's flags (for a key that is a path
 * for one driver and a name for another).  NULL when absent. */
const char *cw_conf_path(struct cw_ctx *ctx, const char *key);
/* The strings of a CW_TYPE_STRINGS setting; *n is set to their count. */
const char *const *cw_conf_strings(
    struct cw_ctx *ctx, const char *key, size_t *n);

/* Reads the secret named by the setting KEY_file (for key "password", the
 * setting "password_file"): the file's first line, without its newline.
 * Refuses a file that others may read.  Returns a string the plugin must
 * free with cw_secret_free() (which wipes it), or NULL with a message
 * logged when the setting is absent or the file cannot be used. */
char *cw_secret(struct cw_ctx *ctx, const char *key);
void cw_secret_free(char *secret);

/* The run. */
const char *cw_job_name(struct cw_ctx *ctx);
/* The directory of the job's file: the base of relative paths (for a
 * setting that is a path only sometimes, such as a SQLite database). */
const char *cw_job_dir(struct cw_ctx *ctx);
const char *cw_run_id(struct cw_ctx *ctx);
unsigned cw_attempt(struct cw_ctx *ctx);
bool cw_dry_run(struct cw_ctx *ctx);
/* The run directory: the step's working directory. */
const char *cw_run_dir(struct cw_ctx *ctx);
/* The data window; returns false when the run has none. */
bool cw_window(struct cw_ctx *ctx, time_t *start, time_t *end);
/* The value of --param KEY=VALUE, or NULL. */
const char *cw_param(struct cw_ctx *ctx, const char *key);
/* The i-th parameter (0-based); returns false past the last one. */
bool cw_param_at(
    struct cw_ctx *ctx, size_t i, const char **key, const char **value);
/* Expands strftime(3) conversions of pattern on the window end (or, without
 * a window, the run's start), in UTC.  Returns a string the plugin frees
 * with free(), or NULL on a bad pattern. */
char *cw_expand_time(struct cw_ctx *ctx, const char *pattern);

/* Artifacts: files in the run directory handed from step to step.  The
 * previous step's artifacts are this step's input (names relative to the run
 * directory). */
const char *const *cw_artifacts_in(struct cw_ctx *ctx, size_t *n);
/* Declares a file of the run directory as this step's output; call it only
 * once the file is complete under its final name. */
int cw_artifact_add(struct cw_ctx *ctx, const char *name);

/* Checkpoints survive a crash or a restart of the run: the value stored for
 * (job, key).  cw_checkpoint_get returns a string to free with free(), or
 * NULL when none is stored.  Both return/accept NULL/-1 on error, logged. */
char *cw_checkpoint_get(struct cw_ctx *ctx, const char *key);
int cw_checkpoint_set(struct cw_ctx *ctx, const char *key, const char *value);

/* Reports progress (done of total units, total 0 when unknown); logged at
 * most every few seconds. */
void cw_progress(
    struct cw_ctx *ctx, double done, double total, const char *unit);

#ifdef __cplusplus
}
#endif
#endif /* CRONWRAP_PLUGIN_H */
