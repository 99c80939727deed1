/*
 * runlog.h - the structured syslog lines of a run, one per event:
 *   job=NAME run=ID event=finish status=failed exit=2 duration=12.4s
 * so that a log search can filter on any key.
 */
#ifndef CW_RUNLOG_H
#define CW_RUNLOG_H

#include <stdbool.h>
#include <syslog.h>

#include "job.h"

/* openlog() with the global syslog settings; call once. */
void runlog_open(const struct global *g);
/* Turns syslog off for this process (a dry run changes nothing). */
void runlog_mute(bool mute);
bool runlog_muted(void);
/* Logs "job=JOB run=RUN event=EVENT " followed by the formatted rest. */
void runlog_event(int prio, const char *job, const char *run_id,
    const char *event, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
