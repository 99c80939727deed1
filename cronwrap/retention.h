/*
 * retention.h - "cronwrap prune": history.keep_days and history.keep_runs
 * applied to the run history, with what each run leaves on disk.
 *
 * A finished run goes when it started more than keep_days ago or is beyond
 * the newest keep_runs finished runs of its job (0 turns either limit
 * off); a running run never goes.  With its row go its log file
 * (log_dir/JOB/RUN_ID.log) and its run directory (state_dir/runs/JOB/
 * RUN_ID, which a failed run leaves behind for inspection: it lives as
 * long as the run is in the history).  Then leftovers go: a log file or
 * a run directory named after a run id that has no row (a run whose row
 * was lost, a database that was replaced) once that id is more than
 * RETENTION_ORPHAN_AGE old, since a runner creates its log and directory
 * moments before its row.  Files and directories whose names are not run
 * ids are never touched.
 */
#ifndef CW_RETENTION_H
#define CW_RETENTION_H

#include <stddef.h>

#include "job.h"
#include "state.h"
#include "util/strv.h"

#define RETENTION_ORPHAN_AGE 3600.0

struct retention_result {
	unsigned runs;      /* rows removed */
	unsigned logs;      /* log files removed */
	unsigned run_dirs;  /* run directories removed */
	struct strv errors; /* "PATH: reason" for what could not go */
};

/* Applies the retention of g at time now.  Returns 0 (errors on single
 * files are collected in res), or -1 when the database failed: the reason
 * is in state_error(st).  Free res with retention_result_free() in both
 * cases. */
int retention_apply(const struct global *g, struct state *st, double now,
    struct retention_result *res);
void retention_result_free(struct retention_result *res);

/* The start time encoded in a run id (ULID: milliseconds in its first ten
 * characters).  Returns 0, or -1 when name is not a run id. */
int retention_runid_time(const char *name, double *t);

#endif
