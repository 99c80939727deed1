/*
 * state.h - the state database (SQLite in state_dir/state.db): run history,
 * alert state and checkpoints.  Many cronwrap processes use it at once (WAL,
 * a busy timeout, short transactions); a schema version with migrations
 * lets an upgrade keep the history.
 *
 * Every function returns 0 (or a count) on success and -1 on error with a
 * message in state_error() that names the database and the SQLite reason.
 * Nothing here prints.
 *
 * Each write is one short transaction that waits up to 10 s (and retries)
 * for other writers.  A struct state belongs to one process and thread:
 * open it after fork(), never use a parent's in a child.
 */
#ifndef CW_STATE_H
#define CW_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "util/strv.h"
#include "util/runid.h"

enum run_status {
	RS_RUNNING,
	RS_SUCCEEDED,
	RS_FAILED,
	RS_TIMEOUT,
	RS_KILLED, /* died of a signal (its own, or passed on by cronwrap) */
	RS_SKIPPED,
	RS_PRECONDITION,
	RS_CRASHED,
};

const char *run_status_name(enum run_status s);
int run_status_parse(const char *name, enum run_status *s);
/* A status that counts as a failure for alerts and "status". */
bool run_status_is_failure(enum run_status s);

struct run_record {
	char run_id[RUNID_LEN + 1];
	char *job;
	char *host;
	pid_t pid;  /* the runner's pid */
	pid_t pgid; /* the job's process group, 0 = none yet */
	enum run_status status;
	int exit_code; /* -1 = none */
	int signal;    /* 0 = none */
	double start;  /* epoch seconds */
	double end;    /* 0 while running */
	unsigned attempts;
	bool has_window;
	time_t window_start, window_end;
	bool scheduled; /* started for a schedule tick (not by hand) */
	bool forced;    /* --force: requirements not evaluated */
	char *params;   /* "K=V\nK=V", NULL = none */
	char *log_path;
	uint64_t bytes;    /* bytes of output captured */
	char *failed_step; /* "2 (upload)", NULL = none */
	char *reason;      /* one line: why it failed/was skipped, or NULL */
};

void run_record_free(struct run_record *r);

struct state;

/* Opens (creating state_dir, mode 0755, and the file when needed, unless
 * readonly) state_dir/state.db and migrates its schema; a database newer
 * than this cronwrap is refused.  A readonly open of a missing database
 * succeeds and behaves as empty; writes on a readonly open fail (EROFS).
 * *out is set even on failure, so that state_error() can say why: always
 * state_close() it. */
int state_open(const char *state_dir, bool readonly, struct state **out);
/* Closes and frees st (NULL is fine). */
void state_close(struct state *st);
/* The message of the last error, owned by st: "PATH: what: reason". */
const char *state_error(const struct state *st);

/* Inserts the row of a run that starts (status RS_RUNNING whatever
 * r->status says).  r->job and r->run_id are required; the run id is
 * unique. */
int state_run_begin(struct state *st, const struct run_record *r);
/* Updates the row of r->run_id with every field of r; fails (ENOENT) when
 * there is no such row. */
int state_run_update(struct state *st, const struct run_record *r);
/* Inserts a finished row at once (a skip, an exec without begin). */
int state_run_insert(struct state *st, const struct run_record *r);

/* One run by id (or the latest of job when run_id is NULL; of any job when
 * both are NULL).  With both, the run must belong to job.  "Latest" means
 * the newest start.  Returns 1 when found (free *out with
 * run_record_free()), 0 when not, -1 on error. */
int state_run_get(struct state *st, const char *job, const char *run_id,
    struct run_record *out);
/* Runs of job (all jobs when NULL), newest first, at most limit (0 = all).
 * *out is an array of *n records to free with state_runs_free(). */
int state_runs_list(struct state *st, const char *job, size_t limit,
    struct run_record **out, size_t *n);
void state_runs_free(struct run_record *runs, size_t n);
/* The latest run of job whose status is one of the given statuses (a bit
 * mask of 1 << RS_*), ignoring runs that started before since (0 = any).
 * Returns 1, 0 or -1 like state_run_get(). */
int state_run_latest(struct state *st, const char *job, unsigned status_mask,
    double since, struct run_record *out);
/* The run of job that ended last, running ones aside: the "last result"
 * of status and list (a skip that ended while an earlier start was still
 * running is not newer than the end of that run).  Returns 1, 0 or -1. */
int state_run_last_ended(
    struct state *st, const char *job, struct run_record *out);
/* The latest (newest start) successful run of job whose window covers the
 * instant t: window_start < t <= window_end, so that it loaded the data up
 * to t (a "requires" of succeeded = "window").  Runs without a window never
 * cover anything.  Returns 1, 0 or -1 like state_run_get(). */
int state_run_covering(
    struct state *st, const char *job, time_t t, struct run_record *out);
/* Consecutive failures of job, counted from its newest finished run back to
 * the latest success (skips are not counted and do not break the chain;
 * running rows are ignored). */
int state_consecutive_failures(struct state *st, const char *job);
/* The names of the jobs that have runs, in name order, appended to names.
 * Returns 0 or -1. */
int state_job_names(struct state *st, struct strv *names);

/* Crash detection: for each row of job (all when NULL) still RS_RUNNING,
 * calls alive(record, arg); when it returns false the row becomes
 * RS_CRASHED with end = now and reason "runner (pid N) vanished" (unless it
 * finished meanwhile).  The callbacks run outside any transaction.
 * Returns the number of rows marked. */
int state_mark_crashed(struct state *st, const char *job,
    bool (*alive)(const struct run_record *r, void *arg), void *arg);

/* Alert state of a job: survives restarts so "no mail storm" holds across
 * runs.  A job never seen reads as all zero (and get returns 0). */
struct alert_state {
	unsigned failures_alerted; /* consecutive failures already told */
	double last_mail;          /* epoch seconds of the last alert mail */
	bool in_alert;             /* a failure was told; a recovery is due */
	char last_run_id[RUNID_LEN + 1]; /* the last run the policy saw */
};
int state_alert_get(struct state *st, const char *job, struct alert_state *a);
int state_alert_set(
    struct state *st, const char *job, const struct alert_state *a);

/* Checkpoints: a value per (job, key).  get returns 1 and a malloc'd value
 * in *value, 0 when none is stored, -1 on error.  set with a NULL value
 * removes the checkpoint. */
int state_checkpoint_get(
    struct state *st, const char *job, const char *key, char **value);
int state_checkpoint_set(
    struct state *st, const char *job, const char *key, const char *value);

/* Retention: removes finished runs of job (all when NULL) that started
 * more than keep_days ago (0 = no age limit) or are beyond the newest
 * keep_runs finished runs of their job (0 = no count limit).  Calls
 * removed(record, arg), when not NULL, for each removed row before it goes
 * (to delete its log file), outside any transaction.  Running rows are
 * never removed.  Returns the number removed. */
int state_prune(struct state *st, const char *job, unsigned keep_days,
    unsigned keep_runs, void (*removed)(const struct run_record *r, void *arg),
    void *arg);

#endif
