/*
 * exitcode.h - SPEC's exit status table, and a run's status from how its
 * process ended.
 */
#ifndef CW_EXITCODE_H
#define CW_EXITCODE_H

#include <sysexits.h>

#include "state.h"
#include "supervise.h"

#define EXIT_TIMEOUT 124 /* the job hit its timeout and was killed */
/* EX_USAGE 64, EX_UNAVAILABLE 69 (precondition unmet at its deadline),
 * EX_SOFTWARE 70 (internal error), EX_TEMPFAIL 75 (not run this time),
 * EX_CONFIG 78 (configuration error): from sysexits.h. */

/* The status of a run from the outcome of its (last) attempt. */
enum run_status exit_run_status(const struct outcome *o);
/* The exit code of the job's process: -1 when it died of a signal. */
int exit_code_of(const struct outcome *o);
/* The signal that ended it, 0 when it exited. */
int exit_signal_of(const struct outcome *o);
/* cronwrap's exit status for a finished run. */
int exit_status_for(enum run_status st, int exit_code, int signal);

#endif
