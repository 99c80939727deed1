/*
 * sql2csv.h - what plugin.c (settings, check) and run.c (run) share.
 */
#ifndef SQL2CSV_H
#define SQL2CSV_H

#include <stdbool.h>
#include <stddef.h>

#include <cronwrap/plugin.h>

#include "csv.h"

#define SQL2CSV_VERSION "1.0"

/* The CSV settings of the step; each bad one is reported with
 * cw_conf_error() (check() has, before run() reads them). */
void sql2csv_csv_opts(struct cw_ctx *ctx, struct csv_opts *o);

/* Whether s (n bytes) is window_start or window_end, set by the run. */
bool sql2csv_window_name(const char *s, size_t n);
/* Whether s (n bytes) can be a :name parameter: letters, digits, _. */
bool sql2csv_param_name_ok(const char *s, size_t n);

enum cw_status sql2csv_run(struct cw_ctx *ctx);

#endif
