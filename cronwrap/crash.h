/*
 * crash.h - crash detection: a run whose row still says "running" while
 * its runner is gone (killed with SIGKILL, out of memory, a power cut)
 * becomes "crashed", found by the next cronwrap that looks (run, status,
 * list, history, prune).  A crashed run counts as a failure for alerts
 * and for "status".
 *
 * The runner of a running row is alive when the row was written on this
 * host (another host's row is not ours to judge) and either
 *   - its pid is a live process that started no later than the run (a pid
 *     reused by a newer process is not the runner: the start time in
 *     /proc/PID/stat tells them apart), or
 *   - the run's lock is still held for that run id: the runner died but
 *     the job's process group lives on and keeps the lock (lock.h).
 * When in doubt (/proc or the lock cannot be read) the run is alive: a
 * crash is only declared when it is certain.
 */
#ifndef CW_CRASH_H
#define CW_CRASH_H

#include <stdbool.h>
#include <sys/types.h>

#include "job.h"
#include "state.h"
#include "util/strv.h"

/* Whether the runner of the running row r is still there (see above).
 * g gives lock_dir, and jobs_dir to find the job's lock name (the job's
 * name when its file cannot be read). */
bool crash_run_alive(const struct global *g, const struct run_record *r);

/* Whether pid is a live process that started at or before start (epoch
 * seconds), to the precision of /proc (the boot time is in whole
 * seconds). */
bool crash_pid_is_runner(pid_t pid, double start);

/* Marks crashed the running rows of job (all jobs when NULL) whose runner
 * is gone, then, for each, logs "event=crash" to syslog and tells the
 * alert policy (alert_after_run(), with the job's resolved settings, or
 * the global mail settings when its file is gone), so that a crash found
 * later takes the path of a failure now, whoever finds it.  st must be
 * open read-write.  What could not be told (a mail not delivered) is
 * added to warnings, one line each, when not NULL.  Returns the number of
 * rows marked, or -1 with the reason in state_error(st). */
int crash_detect(const struct global *g, struct state *st, const char *job,
    struct strv *warnings);

#endif
