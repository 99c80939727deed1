/*
 * precond.h - a job's requirements ("requires" in SPEC): each one checked
 * once, with a verdict and one line for people.  Nothing here waits,
 * prints, logs or exits: the runner calls precond_evaluate() every
 * unmet_poll, logs what precond_changed() reports, and applies the job's
 * unmet policy (wait, skip, fail).
 *
 * What each kind means:
 *   job      succeeded = "window": a successful run of that job whose
 *            window covers this run's window end (window_start < end <=
 *            window_end, state_run_covering()).  A run without a window
 *            (no schedule, no --window) cannot be matched against windows:
 *            it checks the job's latest run instead, and says so.
 *            succeeded = "last": its latest run (skipped starts aside)
 *            succeeded; a run still in progress does not count as a
 *            success (its data may be half written), a running row whose
 *            runner is gone counts as crashed (crash_run_alive()).
 *            within = D: a success that ended less than D before now.
 *   file     the strftime pattern expanded on the window end in UTC (the
 *            run's start without a window) names a regular file that is
 *            not empty (at least min_size bytes when given); with
 *            newer_than = "window", modified at or after the window start
 *            (an error without a window).
 *   command  exits 0 within its timeout, started like the job (its
 *            environment, user, workdir, umask, nice) in a new session;
 *            at the timeout its whole process group (and anything that
 *            escaped it) gets SIGTERM, then SIGKILL PRECOND_KILL_AFTER
 *            seconds later.
 *   url      an HTTP(S) GET through libcurl (redirects followed, http and
 *            https only, the timeout bounding the whole exchange) answers
 *            2xx; with contains, the body holds that text (searched in
 *            bounded memory; the transfer stops once the answer is known).
 *
 * Verdicts: PRECOND_MET holds; PRECOND_UNMET was checked and does not hold
 * (yet): missing file, failed upstream, exit 1, HTTP 503, connection
 * refused, timeout; PRECOND_ERROR could not be checked (the state database
 * failed, stat said EACCES, the command cannot be executed, a bad URL).
 * Both of the last two mean "not met" for the policy.
 */
#ifndef CW_PRECOND_H
#define CW_PRECOND_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "job.h"
#include "runas.h"
#include "state.h"

#define PRECOND_KILL_AFTER 2.0 /* seconds from SIGTERM to SIGKILL */

enum precond_verdict { PRECOND_MET, PRECOND_UNMET, PRECOND_ERROR };

/* What one evaluation needs; everything stays owned by the caller. */
struct precond_ctx {
	const struct global *g; /* lock_dir, jobs_dir: crash_run_alive() */
	const struct job *job;
	struct state *st; /* open (read-only is enough); NULL: every job
	                     requirement is PRECOND_ERROR */
	bool has_window;
	time_t window_start, window_end;
	double run_start; /* epoch seconds: file patterns without a window */
	char **envp;      /* the job's environment, for commands */
	const struct runas *ru; /* the run-as user, for commands */
};

/* The verdict on one requirement. */
struct precond_result {
	enum precond_verdict verdict;
	/* One line, printable: "file /data/ready/2026-11-23.flag: missing".
	 * It starts with the kind and its object, as in the job file. */
	char *reason;
	/* The length of reason's prefix that names the situation, without
	 * details that may differ from one poll to the next (a command's last
	 * line of output); precond_changed() compares only that. */
	size_t stable_len;
};

/* The verdicts on all of a job's requirements, in the order of requires. */
struct precond_eval {
	struct precond_result *res;
	size_t n;
	size_t unmet; /* results that are not PRECOND_MET */
};

#define PRECOND_EVAL_INIT                                                      \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

/* Checks every requirement of ctx->job once, into out (which must be
 * empty: PRECOND_EVAL_INIT or after precond_eval_free()).  Takes as long
 * as the slowest command or URL (each bounded by its timeout).  A command
 * requirement reaps its child through supervise(), which waits for any
 * child: call it when the runner has no other child to wait for.  Returns
 * the number of requirements not met (out->unmet). */
size_t precond_evaluate(
    const struct precond_ctx *ctx, struct precond_eval *out);

/* Whether every requirement is met (true for a job without any). */
bool precond_met(const struct precond_eval *e);

/* Whether two verdicts on the same requirement tell different things. */
bool precond_result_changed(
    const struct precond_result *a, const struct precond_result *b);
/* Whether cur tells anything prev did not (prev NULL or empty: true when
 * cur has results), so that each poll is logged once per change. */
bool precond_changed(
    const struct precond_eval *prev, const struct precond_eval *cur);

/* The reasons of the requirements not met, joined by "; " (every reason
 * when all are met), for the run's reason, the alert and the summary.
 * The caller frees it. */
char *precond_summary(const struct precond_eval *e);

/* "met", "unmet", "error". */
const char *precond_verdict_name(enum precond_verdict v);

void precond_eval_free(struct precond_eval *e);

#endif
