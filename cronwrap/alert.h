/*
 * alert.h - when to tell people about a run, decided from the state
 * database (consecutive failures, alert state), so that a failure now and
 * a crash found later take the same path and "no mail storm" holds across
 * restarts:
 *   - a failure (failed or killed), timeout, precondition or crash is told
 *     when its event is in mail.on and the job has failed at least
 *     mail.after_failures times in a row up to this run (alert_streak);
 *   - while the job keeps failing, it is told again at most once per
 *     mail.repeat_every (0: once per run of failures);
 *   - the first success after a told failure is told as a recovery (when
 *     "recovery" is in mail.on).
 * It is told by mail (when mail.to is not empty) and by notify.webhook
 * (when set): the same alert by two channels.  The alert state changes
 * only when a channel delivered, so an alert that could not be delivered
 * is tried again on the next run.
 */
#ifndef CW_ALERT_H
#define CW_ALERT_H

#include <stdbool.h>
#include <stddef.h>

#include "job.h"
#include "state.h"

/* Called after the run's row r is finished in st (status, exit_code,
 * signal, attempts, start/end, reason, failed_step, log_path), and for
 * each row crash detection marked RS_CRASHED.  job->mail and job->notify
 * are the resolved settings (the global mail group with the job's
 * overrides); g is not used yet.  tail is the last lines of output (NULL
 * for a crash: the end of r->log_path is used).  A row already seen
 * (alert_state.last_run_id) is not told twice.  Returns 0, or -1 with
 * what went wrong (a mail or webhook not delivered, the state not
 * written) in err, for the caller to log; the job's result never depends
 * on it. */
int alert_after_run(const struct global *g, const struct job *job,
    struct state *st, const struct run_record *r, const char *tail, char *err,
    size_t errlen);

/* The failures in a row that end with run r, r included (for a success
 * r: those just before it), counted in the job's history back to the
 * previous success; skipped runs neither count nor break the run.
 * *since gets the start of the first of them.  Returns the count, or -1
 * (state_error(st)). */
int alert_streak(struct state *st, const char *job, const struct run_record *r,
    double *since);

/* The decision alone (for tests): what to tell about run r, given the
 * alert state a, the failures in a row up to r (alert_streak) and now.
 * Returns the EV_* event to tell, or 0 with why it stays quiet in *why. */
unsigned alert_decide(const struct mail_conf *conf, const struct alert_state *a,
    const struct run_record *r, int consecutive, double now, const char **why);

#endif
