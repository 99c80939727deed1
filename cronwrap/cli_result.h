/*
 * cli_result.h - the report of a run on stderr.
 */
#ifndef CW_CLI_RESULT_H
#define CW_CLI_RESULT_H

#include <stdbool.h>

#include "job.h"
#include "run.h"

/* Prints warnings always, and the summary per the job's cron_output.
 * live: the output was already streamed to the terminal; verbose: also
 * say why a run was skipped (it is said on a terminal anyway). */
void cli_report_run(const struct job *job, const struct run_result *res,
    bool live, bool verbose);

#endif
