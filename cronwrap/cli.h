/*
 * cli.h - what the commands (cmd_*.c) share: the global options, loading
 * the configuration with its diagnostics printed, and usage errors.  Only
 * the command layer prints for people and picks exit statuses.
 */
#ifndef CW_CLI_H
#define CW_CLI_H

#include <stdbool.h>
#include <sysexits.h>
#include <time.h>

#include "job.h"
#include "util/diag.h"
#include "util/kv.h"

struct cli {
	const char *config; /* -c FILE */
	int verbosity;      /* -1 quiet, 0, 1 verbose */
};

struct command {
	const char *name;
	int (*fn)(const struct cli *cli, int argc, char **argv);
	const char *synopsis;
};

extern const struct command commands[];

/* Prints each diagnostic on stderr, one per line. */
void cli_print_diag(const struct diag *d);
/* Loads the global file; prints problems.  0 or EX_CONFIG. */
int cli_load_global(const struct cli *cli, struct global *g);
/* Loads a job; prints problems.  0 or EX_CONFIG. */
int cli_load_job(const struct global *g, const char *name, struct job *job);
/* Prints "cronwrap CMD: message" and a hint; returns EX_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints "cronwrap: message" on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the synopsis of cmd and returns 0 (for --help). */
int cli_help(const char *cmd, const char *options);

/* --param KEY=VALUE (split at the first '='). 0 or -1. */
int cli_param(const char *arg, struct kv *params);
/* --window START/END in ISO 8601. 0 or -1. */
int cli_window(const char *arg, time_t *start, time_t *end);

#endif
