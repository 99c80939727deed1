/*
 * run_lock.c - the concurrency policy: skip (try once), wait (up to
 * wait_timeout), replace (stop the holder, then take the lock), allow (no
 * lock at all).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_int.h"
#include "sig.h"
#include "supervise.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

void
run_lock_describe(struct run *r, char *buf, size_t len)
{
	struct lock_holder h;
	char err[256], since[32];
	int held = lock_inspect(
	    r->g->lock_dir, run_lock_name(r->job), &h, err, sizeof err);

	if (held < 0) {
		snprintf(buf, len, "cannot inspect: %s", err);
		return;
	}
	if (held == 0) {
		snprintf(buf, len, "free");
		return;
	}
	localtime_str((time_t)h.start, since, sizeof since);
	if (h.orphan)
		snprintf(buf, len,
		    "held by the orphaned process group %ld "
		    "of a vanished runner (run %s)",
		    (long)h.pgid, h.run_id[0] ? h.run_id : "?");
	else if (h.pid > 0)
		snprintf(buf, len, "held by pid %ld since %s (run %s)",
		    (long)h.pid, since, h.run_id[0] ? h.run_id : "?");
	else
		snprintf(buf, len, "held");
}

static void
busy_reason(struct run *r, const struct lock_holder *h)
{
	char since[32];

	localtime_str((time_t)h->start, since, sizeof since);
	free(r->res->reason);
	if (h->orphan)
		r->res->reason = xasprintf(
		    "lock \"%s\" held by process group %ld, left running by "
		    "a runner that vanished (run %s)",
		    run_lock_name(r->job), (long)h->pgid, h->run_id);
	else if (h->pid > 0)
		r->res->reason =
		    xasprintf("lock \"%s\" held by pid %ld since %s (run %s)",
		        run_lock_name(r->job), (long)h->pid, since, h->run_id);
	else
		r->res->reason =
		    xasprintf("lock \"%s\" is held", run_lock_name(r->job));
}

/* replace: ask the holder to stop.  A live runner gets SIGTERM and passes
 * it on to its job; an orphaned group is signalled directly. */
static void
stop_holder(const struct lock_holder *h, int sig)
{
	if (h->orphan || sig == SIGKILL) {
		if (h->pgid > 1)
			kill(-h->pgid, sig);
		if (sig == SIGKILL && h->pid > 1 && !h->orphan)
			kill(h->pid, sig);
		return;
	}
	if (h->pid > 1)
		kill(h->pid, sig);
}

static enum lock_result
replace_holder(struct run *r, struct lock_holder *h)
{
	enum lock_result lr;

	stop_holder(h, SIGTERM);
	lr = lock_acquire(r->g->lock_dir, run_lock_name(r->job),
	    r->job->kill_after + 5, &sig_stop, &r->lock, h, r->err,
	    sizeof r->err);
	if (lr != LOCK_BUSY)
		return lr;
	stop_holder(h, SIGKILL);
	return lock_acquire(r->g->lock_dir, run_lock_name(r->job), 5, &sig_stop,
	    &r->lock, h, r->err, sizeof r->err);
}

static int
record_holder(struct run *r)
{
	struct lock_holder me = {.pid = getpid(), .start = r->rec.start};

	memcpy(me.run_id, r->rec.run_id, sizeof me.run_id);
	return lock_record(r->lock, &me);
}

int
run_lock_acquire(struct run *r)
{
	const struct job *job = r->job;
	struct lock_holder h;
	double wait = 0;
	enum lock_result lr;

	if (job->concurrency == CONC_ALLOW)
		return 0;
	if (job->concurrency == CONC_WAIT)
		wait = job->wait_timeout > 0 ? job->wait_timeout : -1;
	lr = lock_acquire(r->g->lock_dir, run_lock_name(job), wait, &sig_stop,
	    &r->lock, &h, r->err, sizeof r->err);
	if (lr == LOCK_BUSY && job->concurrency == CONC_REPLACE) {
		char why[512];

		busy_reason(r, &h);
		snprintf(why, sizeof why, "%s", r->res->reason);
		lr = replace_holder(r, &h);
		if (lr == LOCK_ACQUIRED)
			r->rec.reason = xasprintf("replaced: %s", why);
	}
	if (lr == LOCK_ERROR)
		return -1;
	if (lr == LOCK_BUSY) {
		busy_reason(r, &h);
		return 1;
	}
	if (record_holder(r) < 0) {
		/* Without a record, an orphan could not be recognised; the
		 * kernel lock still excludes other runners. */
	}
	return 0;
}
