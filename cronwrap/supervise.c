#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lock.h"
#include "runlog.h"
#include "sig.h"
#include "supervise.h"
#include "util/timeutil.h"

#define DRAIN_GRACE 2.0 /* seconds to wait for pipes held outside the job */

struct loop {
	const struct child *c;
	const struct supervise_opts *o;
	struct sink *sink;
	struct outcome *out;
	int fds[2];
	bool main_done;
	bool group_done;
	bool escaped;       /* descendants outside the group were told */
	double timeout_at;  /* monotonic, 0 = none */
	double kill_at;     /* SIGKILL due, 0 = none */
	double drain_until; /* stop waiting for EOF, 0 = not yet */
	double flush_at;
};

void
supervise_init(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

/* Children of this process other than through the job's group: the
 * descendants that called setsid() and were re-parented to us.  Sends sig
 * (0: none) to each and its group; returns how many there are. */
static int
kill_other_children(int sig)
{
	int count = 0;
	char path[300];
	DIR *tasks = opendir("/proc/self/task");
	struct dirent *t;

	if (tasks == NULL)
		return 0;
	while ((t = readdir(tasks)) != NULL) {
		FILE *f;
		long pid;

		if (t->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/children",
		    t->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		while (fscanf(f, "%ld", &pid) == 1) {
			pid_t pg = getpgid((pid_t)pid);

			count++;
			if (sig == 0)
				continue;
			if (pg > 0 && pg != getpgrp())
				kill(-pg, sig);
			kill((pid_t)pid, sig);
		}
		fclose(f);
	}
	closedir(tasks);
	return count;
}

void
supervise_kill_all(pid_t pgid, int sig)
{
	if (pgid > 1)
		kill(-pgid, sig);
	(void)kill_other_children(sig);
}

static void
reap(struct loop *l)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == l->c->pid) {
			l->out->wait_status = status;
			l->main_done = true;
		}
	}
}

static void
terminate(struct loop *l, int sig, double now)
{
	supervise_kill_all(l->c->pid, sig);
	if (l->kill_at == 0)
		l->kill_at = now + l->o->kill_after;
}

static void
on_stop_signal(struct loop *l, double now)
{
	if (sig_stop == 0 || l->out->stop_signal != 0)
		return;
	l->out->stop_signal = sig_stop;
	sink_note(l->sink,
	    "cronwrap received %s: passing it to the job's "
	    "process group",
	    strsignal(sig_stop));
	terminate(l, sig_stop, now);
}

static void
on_timers(struct loop *l, double now)
{
	if (l->timeout_at > 0 && now >= l->timeout_at && !l->main_done) {
		l->timeout_at = 0;
		l->out->timed_out = true;
		sink_note(l->sink,
		    "timeout after %gs: sending SIGTERM to the "
		    "job's process group",
		    l->o->timeout);
		runlog_event(LOG_WARNING, l->sink->job, l->sink->run_id,
		    "timeout", "after=%gs pgid=%ld", l->o->timeout,
		    (long)l->c->pid);
		terminate(l, SIGTERM, now);
	}
	if (l->kill_at > 0 && now >= l->kill_at) {
		sink_note(l->sink,
		    "still running %gs after SIGTERM: sending "
		    "SIGKILL",
		    l->o->kill_after);
		supervise_kill_all(l->c->pid, SIGKILL);
		l->kill_at = now + 1; /* again, for late forks */
	}
	if (now >= l->flush_at) {
		sink_flush_log(l->sink);
		l->flush_at = now + 1;
	}
}

/* After the main process: its group must empty, then the descendants that
 * escaped it (setsid) must go too: nothing of a finished run lingers. */
static void
after_main(struct loop *l, double now)
{
	int others;

	if (!l->main_done || l->group_done)
		return;
	if (lock_group_alive(l->c->pid)) {
		if (!l->out->leftovers) {
			l->out->leftovers = true;
			sink_note(l->sink, "the job's main process ended but "
			                   "processes remain in its group: "
			                   "sending SIGTERM");
			terminate(l, SIGTERM, now);
		}
		return;
	}
	if ((others = kill_other_children(0)) > 0) {
		if (!l->escaped) {
			l->escaped = true;
			l->out->leftovers = true;
			sink_note(l->sink,
			    "%d process%s left the job's process "
			    "group and outlived it: sending "
			    "SIGTERM",
			    others, others == 1 ? "" : "es");
			terminate(l, SIGTERM, now);
		}
		return;
	}
	l->group_done = true;
	if (l->fds[0] >= 0 || l->fds[1] >= 0)
		l->drain_until = now + DRAIN_GRACE;
}

static int
poll_timeout(const struct loop *l, double now)
{
	double next = l->flush_at;

	if (l->timeout_at > 0 && l->timeout_at < next)
		next = l->timeout_at;
	if (l->kill_at > 0 && l->kill_at < next)
		next = l->kill_at;
	if (l->drain_until > 0 && l->drain_until < next)
		next = l->drain_until;
	if (l->main_done && !l->group_done && now + 0.05 < next)
		next = now + 0.05; /* the group emptying sends no signal */
	return next <= now ? 0 : (int)((next - now) * 1000) + 1;
}

static void
read_stream(struct loop *l, int i)
{
	static char buf[256 * 1024];
	ssize_t n = read(l->fds[i], buf, sizeof buf);

	if (n > 0) {
		sink_feed(l->sink, i + 1, buf, (size_t)n, now_real());
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	close(l->fds[i]);
	l->fds[i] = -1;
}

static bool
loop_done(const struct loop *l, double now)
{
	if (!l->main_done || !l->group_done)
		return false;
	if (l->fds[0] < 0 && l->fds[1] < 0)
		return true;
	return l->drain_until > 0 && now >= l->drain_until;
}

static int
loop_once(struct loop *l)
{
	struct pollfd p[3];
	double now = now_mono();
	int n;

	for (int i = 0; i < 2; i++) {
		p[i].fd = l->fds[i];
		p[i].events = POLLIN;
	}
	p[2].fd = sig_fd();
	p[2].events = POLLIN;
	n = poll(p, 3, 0);
	if (n == 0) {
		/* Nothing more for now: what was read goes to the run log
		 * before the wait, so that "log JOB" shows a running job's
		 * output at once, while a job printing in bulk (always
		 * something ready) keeps the large writes. */
		sink_flush_log(l->sink);
		n = poll(p, 3, poll_timeout(l, now));
	}
	if (n < 0 && errno != EINTR)
		return -1;
	for (int i = 0; n > 0 && i < 2; i++)
		if (l->fds[i] >= 0 &&
		    (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
			read_stream(l, i);
	/* Children are reaped when a signal says so, not on every read. */
	if (n > 0 && (p[2].revents & POLLIN)) {
		sig_drain();
		reap(l);
	}
	now = now_mono();
	on_stop_signal(l, now);
	on_timers(l, now);
	after_main(l, now);
	return 0;
}

int
supervise(const struct child *c, const struct supervise_opts *o,
    struct sink *sink, struct outcome *out)
{
	struct loop l = {.c = c, .o = o, .sink = sink, .out = out};
	double now = now_mono();
	int ret = 0;

	memset(out, 0, sizeof *out);
	out->start = now_real();
	l.fds[0] = c->out_fd;
	l.fds[1] = c->err_fd;
	l.timeout_at = o->timeout > 0 ? now + o->timeout : 0;
	l.flush_at = now + 1;
	while (!loop_done(&l, now_mono()))
		if ((ret = loop_once(&l)) < 0)
			break;
	for (int i = 0; i < 2; i++)
		if (l.fds[i] >= 0)
			close(l.fds[i]);
	sink_flush(sink);
	out->end = now_real();
	return ret;
}
