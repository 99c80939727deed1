/*
 * lock.h - mutual exclusion of runs: acquire, inspect the holder, release.
 *
 * One backend today (flock(2) on lock_dir/NAME.lock); a cluster-wide one
 * (etcd leases) plugs in behind the same calls.  A lock is held by the
 * runner for the whole run; the job never inherits it.  The holder's job
 * process group is recorded with the lock, so that a runner killed with
 * SIGKILL while its job lives on still keeps others out: the lock counts as
 * held while that group is alive.
 */
#ifndef CW_LOCK_H
#define CW_LOCK_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/runid.h"

struct lock_holder {
	pid_t pid;  /* the runner */
	pid_t pgid; /* the job's process group, 0 = none yet */
	char run_id[RUNID_LEN + 1];
	double start;
	bool orphan; /* the runner is gone, its job's group is not */
};

enum lock_result { LOCK_ACQUIRED, LOCK_BUSY, LOCK_ERROR };

struct lock;

/* Takes the lock NAME in dir.  wait: 0 = try once, > 0 = seconds to keep
 * trying, < 0 = forever; stops early when *stop turns true.  On LOCK_BUSY,
 * *holder says who holds it.  On LOCK_ERROR, err says why. */
enum lock_result lock_acquire(const char *dir, const char *name, double wait,
    volatile sig_atomic_t *stop, struct lock **out, struct lock_holder *holder,
    char *err, size_t errlen);
/* Who holds NAME, without taking it (for a dry run and "status").  Returns 1
 * held (holder filled), 0 free, -1 error. */
int lock_inspect(const char *dir, const char *name, struct lock_holder *holder,
    char *err, size_t errlen);
/* Records the holder's facts (called again once the job's group exists). */
int lock_record(struct lock *lk, const struct lock_holder *holder);
/* Releases the lock and forgets the holder. */
void lock_release(struct lock *lk);
/* Whether a process group still has members, zombies aside. */
bool lock_group_alive(pid_t pgid);

#endif
