/*
 * notify.h - hooks besides mail: pings in the style of healthchecks.io
 * (ping = { start; success; failure; }), a webhook (notify.webhook, a JSON
 * POST of the facts; alert.c calls it on the same decision as the mail),
 * and the on_failure command, run with the facts in its environment.
 *
 * HTTP goes through libcurl, http and https only, each call bounded by
 * notify.timeout (10 s when 0) in total, retried while time is left after
 * a network error, a 429 or a 5xx.  The command runs in its own process
 * group, killed at the same bound.  Nothing here changes a job's result:
 * a failure is returned for the caller to log.
 */
#ifndef CW_NOTIFY_H
#define CW_NOTIFY_H

#include <stddef.h>

#include "job.h"
#include "state.h"

/* Before the first attempt of a run: GET ping.start, when set.  Returns 0,
 * or -1 with the reason in err. */
int notify_start(
    const struct job *job, const char *run_id, char *err, size_t errlen);

/* After the run's row is finished (also for a row found crashed): POSTs
 * the subject line and the tail to ping.success or ping.failure, and for
 * a failure (failed, killed, timeout, precondition, crash) runs
 * on_failure.  A skipped run pings nothing.  st (may be NULL) gives the
 * count of failures in a row; tail is as for alert_after_run() (NULL: the
 * end of r->log_path).
 * Returns 0, or -1 with every problem in err. */
int notify_finish(const struct job *job, struct state *st,
    const struct run_record *r, const char *tail, char *err, size_t errlen);

/* POSTs json (application/json) to n->webhook.  Returns 0, or -1 with the
 * reason in err. */
int notify_webhook(
    const struct notify_conf *n, const char *json, char *err, size_t errlen);

#endif
