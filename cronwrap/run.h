/*
 * run.h - one run of a job, through its phases: lock, state, requirements,
 * attempts (a command or a pipeline of steps, each supervised), state,
 * alert, unlock.  Nothing here prints: the result says what happened and
 * the command layer tells people.
 */
#ifndef CW_RUN_H
#define CW_RUN_H

#include <stdbool.h>
#include <time.h>

#include "job.h"
#include "state.h"
#include "util/kv.h"
#include "util/strv.h"

struct run_request {
	const struct global *g;
	const struct job *job;
	bool dry_run;
	bool force;              /* do not evaluate requires */
	const struct kv *params; /* --param KEY=VALUE */
	bool has_window;         /* --window START/END */
	time_t window_start, window_end;
	bool live;               /* stream output to our terminal */
	char *const *caller_env; /* for env.keep and env.clear = false */
};

struct run_result {
	enum run_status status;
	int exit_status; /* cronwrap's, per SPEC */
	int exit_code;   /* the job's, -1 = none */
	int signal;
	unsigned attempts;
	double duration;
	char run_id[RUNID_LEN + 1];
	char *log_path;       /* NULL = none */
	char *tail;           /* last lines of output, for the summary */
	char *reason;         /* one line for people, NULL = none */
	struct strv report;   /* a dry run's findings, one per line */
	struct strv warnings; /* things people must hear (lost log, mail) */
};

/* Runs (or, in a dry run, examines) the job.  Always fills res; returns
 * res->exit_status. */
int run_job(const struct run_request *req, struct run_result *res);
void run_result_free(struct run_result *res);

#endif
