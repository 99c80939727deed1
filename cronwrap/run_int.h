/*
 * run_int.h - the state of one run shared by the run*.c files (the phases).
 * Internal: nothing outside run*.c includes it.
 */
#ifndef CW_RUN_INT_H
#define CW_RUN_INT_H

#include "lock.h"
#include "run.h"
#include "runas.h"
#include "sink.h"
#include "state.h"
#include "supervise.h"

struct run {
	const struct run_request *req;
	const struct global *g;
	const struct job *job;
	struct run_result *res;
	struct runas ru;
	struct state *st;  /* NULL in a dry run */
	struct lock *lock; /* NULL when concurrency = allow or not taken */
	struct run_record rec;
	char *run_dir;
	int log_fd;
	struct sink sink;
	char err[1024];
};

/* run_lock.c: takes the lock per the job's concurrency.  Returns 0 (taken,
 * or not needed), 1 (busy: res->reason says who holds it) or -1 (error in
 * r->err). */
int run_lock_acquire(struct run *r);
/* Describes the holder of the lock, without taking it (dry run). */
void run_lock_describe(struct run *r, char *buf, size_t len);

/* run_attempt.c: runs every attempt (retries with backoff); fills the
 * record and the result. */
void run_attempts(struct run *r);
/* What to run once under supervision: an argv, or a function in the child
 * (a plugin step), in workdir with the environment of this attempt. */
struct run_cmd {
	char *const *argv;
	int (*fn)(void *arg);
	void *fn_arg;
	int keep_fd; /* -1 = none */
	const char *workdir;
	bool workdir_is_home;  /* not asked for: / when it is missing */
	double timeout;        /* 0 = none */
	const char *artifacts; /* CRONWRAP_ARTIFACTS, NULL = none */
};
/* Fills out; returns 0, or -1 when it could not start (exit code in *code,
 * the reason noted in the sink). */
int run_command(struct run *r, const struct run_cmd *cmd, unsigned attempt,
    struct outcome *out, int *code);

/* Records in the result that cronwrap was told to stop during o. */
void run_outcome_stop(struct run *r, const struct outcome *o);

/* run_steps.c: one attempt of a pipeline of steps. */
enum run_status run_steps(struct run *r, unsigned attempt, bool *retryable);

/* run_dry.c: the dry run. */
int run_dry(struct run *r);

/* run_requires.c: the requirements phase.  run_requires returns 0 when all
 * hold (go on), 1 when not (the result says what happened); the dry run
 * evaluates each once into report and returns the exit status a real run
 * would have (0, 69 or 75). */
int run_requires(struct run *r);
int run_requires_dry(struct run *r, struct strv *report);

/* The lock's name. */
const char *run_lock_name(const struct job *job);

#endif
