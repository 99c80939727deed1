/*
 * alert_json.h - the facts of a finished run for programs: the JSON
 * document a webhook receives and the environment of an on_failure
 * command.  The names follow "cronwrap history --json".
 */
#ifndef CW_ALERT_JSON_H
#define CW_ALERT_JSON_H

#include "alert_fmt.h"
#include "util/kv.h"

/* One JSON object: event, text (the subject, which Slack-style webhooks
 * show), job, host, run_id, status, exit_code, signal (null when none),
 * start, end (ISO 8601 UTC), duration_s, attempts, max_attempts, command,
 * reason, failed_step, window_start, window_end, log,
 * consecutive_failures, tail.  Caller frees. */
char *alert_json(const struct alert_facts *f);

/* Sets CRONWRAP_EVENT, CRONWRAP_JOB, CRONWRAP_RUN_ID, CRONWRAP_HOST,
 * CRONWRAP_STATUS, CRONWRAP_EXIT_CODE, CRONWRAP_SIGNAL, CRONWRAP_START,
 * CRONWRAP_END, CRONWRAP_DURATION, CRONWRAP_ATTEMPTS, CRONWRAP_REASON,
 * CRONWRAP_FAILED_STEP, CRONWRAP_LOG, CRONWRAP_WINDOW_START,
 * CRONWRAP_WINDOW_END, CRONWRAP_CONSECUTIVE_FAILURES, CRONWRAP_SUBJECT and
 * CRONWRAP_TAIL (empty values are left out) in env. */
void alert_env(const struct alert_facts *f, struct kv *env);

#endif
