/*
 * test_precond.c - requirements, each kind against the real thing: job
 * requirements against a state database with crafted runs, files in a
 * scratch directory, commands run and supervised like a job's, URLs
 * against real local HTTP servers (python's http.server and the
 * integration tests' http_server.py).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"

#include "precond.h"
#include "precond_int.h"
#include "sig.h"
#include "state.h"
#include "supervise.h"
#include "util/runid.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define W_END 1795408200 /* 2026-11-23T04:30:00Z */
#define W_START (W_END - 86400)
#define DAY 86400

struct fx {
	char *dir;
	struct global g;
	struct job job;
	struct state *st;
	struct runas ru;
	struct strv env;
	struct precond_ctx ctx;
	struct precond_eval ev;
};

/* --- fixture --- */

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	char err[256];

	f->dir = unit_tmpdir("precond");
	f->g.state_dir = xasprintf("%s/state", f->dir);
	f->g.lock_dir = xasprintf("%s/lock", f->dir);
	f->g.jobs_dir = xasprintf("%s/jobs.d", f->dir);
	f->job.name = xstrdup("export");
	f->job.umask = 022;
	if (state_open(f->g.state_dir, false, &f->st) < 0)
		fail_msg("state_open: %s", state_error(f->st));
	if (runas_resolve(NULL, &f->ru, err, sizeof err) < 0)
		fail_msg("runas: %s", err);
	f->job.workdir = xstrdup(f->dir);
	strv_push(&f->env, "PATH=/usr/bin:/bin");
	strv_push(&f->env, "FOO=bar");
	f->ctx = (struct precond_ctx){
	    .g = &f->g,
	    .job = &f->job,
	    .st = f->st,
	    .has_window = true,
	    .window_start = W_START,
	    .window_end = W_END,
	    .run_start = W_END + 60,
	    .envp = f->env.v,
	    .ru = &f->ru,
	};
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	precond_eval_free(&f->ev);
	state_close(f->st);
	runas_free(&f->ru);
	strv_free(&f->env);
	job_free(&f->job);
	free(f->g.state_dir);
	free(f->g.lock_dir);
	free(f->g.jobs_dir);
	unit_rmdir(f->dir);
	free(f);
	return 0;
}

/* A new requirement of kind, its other fields zero as config leaves them. */
static struct requirement *
add_req(struct fx *f, enum req_kind kind)
{
	struct requirement *r;

	f->job.requires = xreallocarray(
	    f->job.requires, f->job.nrequires + 1, sizeof *f->job.requires);
	r = &f->job.requires[f->job.nrequires++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->src_file = xstrdup("export.conf");
	r->src_line = (int)f->job.nrequires;
	r->timeout = 10;
	return r;
}

static struct requirement *
req_job(struct fx *f, const char *job, enum req_succeeded s, double within)
{
	struct requirement *r = add_req(f, REQ_JOB);

	r->job = xstrdup(job);
	r->succeeded = s;
	r->within = within;
	return r;
}

static struct requirement *
req_file(struct fx *f, const char *name)
{
	struct requirement *r = add_req(f, REQ_FILE);

	r->file = xasprintf("%s/%s", f->dir, name);
	return r;
}

static struct requirement *
req_command(struct fx *f, double timeout, const char *shell)
{
	struct requirement *r = add_req(f, REQ_COMMAND);

	strv_push(&r->command, "/bin/sh");
	strv_push(&r->command, "-c");
	strv_push(&r->command, shell);
	r->timeout = timeout;
	return r;
}

/* Evaluates the job's requirements (again) and returns the only one. */
static const struct precond_result *
eval1(struct fx *f)
{
	precond_eval_free(&f->ev);
	precond_evaluate(&f->ctx, &f->ev);
	assert_int_equal(f->ev.n, 1);
	assert_non_null(f->ev.res[0].reason);
	return &f->ev.res[0];
}

static void
expect(struct fx *f, enum precond_verdict v, const char *reason)
{
	const struct precond_result *r = eval1(f);

	if (r->verdict != v || strcmp(r->reason, reason) != 0)
		fail_msg("got %s: %s\nwant %s: %s",
		    precond_verdict_name(r->verdict), r->reason,
		    precond_verdict_name(v), reason);
	assert_int_equal(f->ev.unmet, v == PRECOND_MET ? 0 : 1);
	assert_true(precond_met(&f->ev) == (v == PRECOND_MET));
}

/* Like expect(), for a reason that starts with prefix. */
static void
expect_prefix(struct fx *f, enum precond_verdict v, const char *prefix)
{
	const struct precond_result *r = eval1(f);

	if (r->verdict != v || strncmp(r->reason, prefix, strlen(prefix)) != 0)
		fail_msg("got %s: %s\nwant %s: %s...",
		    precond_verdict_name(r->verdict), r->reason,
		    precond_verdict_name(v), prefix);
}

/* --- job requirements --- */

/* A finished run of job; end = start + 10. */
static void
add_run(struct fx *f, const char *job, double start, enum run_status status,
    int exit_code, bool has_window, time_t ws, time_t we)
{
	struct run_record r;
	char host[256] = "";

	memset(&r, 0, sizeof r);
	runid_new(start, r.run_id);
	gethostname(host, sizeof host - 1);
	r.job = xstrdup(job);
	r.host = xstrdup(host);
	r.pid = 1;
	r.status = status;
	r.exit_code = exit_code;
	r.start = start;
	r.end = status == RS_RUNNING ? 0 : start + 10;
	r.attempts = 1;
	r.has_window = has_window;
	r.window_start = ws;
	r.window_end = we;
	if (state_run_insert(f->st, &r) < 0)
		fail_msg("insert: %s", state_error(f->st));
	run_record_free(&r);
}

static void
test_job_window_covered(void **state)
{
	struct fx *f = *state;
	struct run_record r;
	char want[256];

	req_job(f, "load", SUCC_WINDOW, 0);
	add_run(f, "load", W_END - 3600, RS_SUCCEEDED, 0, true, W_START, W_END);
	/* A later failure of another window does not undo it. */
	add_run(f, "load", W_END + 60, RS_FAILED, 3, true, W_END, W_END + DAY);
	assert_int_equal(state_run_covering(f->st, "load", W_END, &r), 1);
	snprintf(want, sizeof want,
	    "job load: run %s succeeded for window "
	    "2026-11-22T04:30:00Z/2026-11-23T04:30:00Z, ended "
	    "2026-11-23T03:30:10Z",
	    r.run_id);
	run_record_free(&r);
	expect(f, PRECOND_MET, want);
}

static void
test_job_window_not_covered(void **state)
{
	struct fx *f = *state;

	req_job(f, "load", SUCC_WINDOW, 0);
	expect(f, PRECOND_UNMET,
	    "job load: no successful run covers 2026-11-23T04:30:00Z");
	/* Yesterday's window succeeded: not this one. */
	add_run(f, "load", W_START - 3600, RS_SUCCEEDED, 0, true, W_START - DAY,
	    W_START);
	expect(f, PRECOND_UNMET,
	    "job load: last success ended 2026-11-22T03:30:10Z, its window "
	    "2026-11-21T04:30:00Z/2026-11-22T04:30:00Z does not cover "
	    "2026-11-23T04:30:00Z");
	/* Today's failed: said too.  A skipped start says nothing. */
	add_run(f, "load", W_END - 3600, RS_FAILED, 3, true, W_START, W_END);
	add_run(f, "load", W_END - 1800, RS_SKIPPED, -1, true, W_START, W_END);
	expect(f, PRECOND_UNMET,
	    "job load: last success ended 2026-11-22T03:30:10Z, its window "
	    "2026-11-21T04:30:00Z/2026-11-22T04:30:00Z does not cover "
	    "2026-11-23T04:30:00Z; latest run failed (exit 3), ended "
	    "2026-11-23T03:30:10Z");
	/* Another job's success is not load's. */
	add_run(f, "other", W_END - 60, RS_SUCCEEDED, 0, true, W_START, W_END);
	assert_int_equal(eval1(f)->verdict, PRECOND_UNMET);
	/* The retry succeeds: met. */
	add_run(f, "load", W_END - 600, RS_SUCCEEDED, 0, true, W_START, W_END);
	assert_int_equal(eval1(f)->verdict, PRECOND_MET);
}

static void
test_job_window_upstream_without_window(void **state)
{
	struct fx *f = *state;

	req_job(f, "load", SUCC_WINDOW, 0);
	add_run(f, "load", W_END - 3600, RS_SUCCEEDED, 0, false, 0, 0);
	expect(f, PRECOND_UNMET,
	    "job load: last success ended 2026-11-23T03:30:10Z without a "
	    "window, so it covers no window (for such a job, use succeeded = "
	    "\"last\" or within)");
}

/* A run without a window: "window" falls back to the latest run. */
static void
test_job_window_run_without_window(void **state)
{
	struct fx *f = *state;

	f->ctx.has_window = false;
	req_job(f, "load", SUCC_WINDOW, 0);
	add_run(f, "load", W_END - 3600, RS_SUCCEEDED, 0, false, 0, 0);
	expect(f, PRECOND_MET,
	    "job load: latest run succeeded, ended 2026-11-23T03:30:10Z (this "
	    "run has no window: its latest run counts)");
	add_run(f, "load", W_END - 60, RS_TIMEOUT, -1, false, 0, 0);
	expect(f, PRECOND_UNMET,
	    "job load: latest run timed out, ended 2026-11-23T04:29:10Z (this "
	    "run has no window: its latest run counts)");
}

static void
test_job_last(void **state)
{
	struct fx *f = *state;
	pid_t dead;

	req_job(f, "load", SUCC_LAST, 0);
	expect(f, PRECOND_UNMET, "job load: no run recorded");
	add_run(f, "load", 1000, RS_FAILED, 2, false, 0, 0);
	expect(f, PRECOND_UNMET,
	    "job load: latest run failed (exit 2), ended 1970-01-01T00:16:50Z");
	add_run(f, "load", 2000, RS_SUCCEEDED, 0, false, 0, 0);
	expect(f, PRECOND_MET,
	    "job load: latest run succeeded, ended 1970-01-01T00:33:30Z");
	/* A skipped start after it changes nothing. */
	add_run(f, "load", 3000, RS_SKIPPED, -1, false, 0, 0);
	assert_int_equal(eval1(f)->verdict, PRECOND_MET);
	/* A run that did not run for its own requirements is no success. */
	add_run(f, "load", 4000, RS_PRECONDITION, -1, false, 0, 0);
	expect(f, PRECOND_UNMET,
	    "job load: latest run did not run (requirements unmet), ended "
	    "1970-01-01T01:06:50Z");
	add_run(f, "load", 5000, RS_KILLED, -1, false, 0, 0);
	expect_prefix(f, PRECOND_UNMET, "job load: latest run was killed");

	/* A running row whose runner is gone (a reaped child's pid). */
	if ((dead = fork()) == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	{
		struct run_record r;
		char host[256] = "";

		memset(&r, 0, sizeof r);
		runid_new(6000, r.run_id);
		gethostname(host, sizeof host - 1);
		r.job = xstrdup("load");
		r.host = xstrdup(host);
		r.pid = dead;
		r.start = 6000;
		r.exit_code = -1;
		assert_int_equal(state_run_begin(f->st, &r), 0);
		run_record_free(&r);
	}
	expect(f, PRECOND_UNMET,
	    "job load: latest run started 1970-01-01T01:40:00Z, crashed (its "
	    "runner is gone)");
}

/* A running upstream is not a success, even after one. */
static void
test_job_last_running(void **state)
{
	struct fx *f = *state;
	struct run_record r;
	char host[256] = "";
	double now = now_real();

	req_job(f, "load", SUCC_LAST, 0);
	add_run(f, "load", now - 100, RS_SUCCEEDED, 0, false, 0, 0);
	memset(&r, 0, sizeof r);
	runid_new(now - 1, r.run_id);
	gethostname(host, sizeof host - 1);
	r.job = xstrdup("load");
	r.host = xstrdup(host);
	r.pid = getppid(); /* alive, and started well before the run */
	r.start = now - 1;
	r.exit_code = -1;
	assert_int_equal(state_run_begin(f->st, &r), 0);
	expect_prefix(f, PRECOND_UNMET, "job load: latest run started ");
	assert_non_null(strstr(f->ev.res[0].reason, ", still running"));
	r.status = RS_SUCCEEDED;
	r.end = now;
	assert_int_equal(state_run_update(f->st, &r), 0);
	assert_int_equal(eval1(f)->verdict, PRECOND_MET);
	run_record_free(&r);
}

static void
test_job_within(void **state)
{
	struct fx *f = *state;
	double now = now_real();

	req_job(f, "dim", SUCC_NONE, DAY);
	expect(f, PRECOND_UNMET, "job dim: no successful run recorded");
	add_run(f, "dim", now - 2 * DAY, RS_SUCCEEDED, 0, false, 0, 0);
	expect_prefix(f, PRECOND_UNMET, "job dim: last success ended ");
	assert_non_null(strstr(f->ev.res[0].reason, ", more than 1d00h ago"));
	add_run(f, "dim", now - DAY / 2, RS_FAILED, 1, false, 0, 0);
	assert_non_null(
	    strstr(eval1(f)->reason, "; latest run failed (exit 1)"));
	add_run(f, "dim", now - 3600, RS_SUCCEEDED, 0, false, 0, 0);
	expect_prefix(f, PRECOND_MET, "job dim: succeeded, ended ");
	assert_non_null(strstr(f->ev.res[0].reason, " (within 1d00h)"));
}

static void
test_job_without_state(void **state)
{
	struct fx *f = *state;

	f->ctx.st = NULL;
	req_job(f, "load", SUCC_WINDOW, 0);
	expect(f, PRECOND_ERROR,
	    "job load: no state database to read its runs from");
}

/* --- file requirements --- */

static void
set_mtime(const char *path, time_t t)
{
	struct timespec ts[2] = {{t, 0}, {t, 0}};

	if (utimensat(AT_FDCWD, path, ts, 0) < 0)
		fail_msg("utimes %s: %s", path, strerror(errno));
}

static void
test_file(void **state)
{
	struct fx *f = *state;
	struct requirement *r = req_file(f, "ready/%Y-%m-%d.flag");
	char *path = xasprintf("%s/ready/2026-11-23.flag", f->dir), *want;

	/* The pattern expands on the window end, in UTC. */
	want = xasprintf("file %s: missing", path);
	expect(f, PRECOND_UNMET, want);
	free(want);
	free(unit_write(f->dir, "ready/2026-11-23.flag", ""));
	want = xasprintf("file %s: empty", path);
	expect(f, PRECOND_UNMET, want);
	free(want);
	free(unit_write(f->dir, "ready/2026-11-23.flag", "ok\n"));
	set_mtime(path, W_END - 60);
	want =
	    xasprintf("file %s: 3 bytes, modified 2026-11-23T04:29:00Z", path);
	expect(f, PRECOND_MET, want);
	free(want);
	r->min_size = 4;
	want = xasprintf("file %s: 3 bytes, less than min_size 4", path);
	expect(f, PRECOND_UNMET, want);
	free(want);
	r->min_size = 3;
	assert_int_equal(eval1(f)->verdict, PRECOND_MET);
	free(path);
}

static void
test_file_newer_than_window(void **state)
{
	struct fx *f = *state;
	struct requirement *r = req_file(f, "data.csv");
	char *path = unit_write(f->dir, "data.csv", "a,b\n"), *want;

	r->newer_than_window = true;
	set_mtime(path, W_START - 1);
	want = xasprintf("file %s: modified 2026-11-22T04:29:59Z, before the "
	                 "window start 2026-11-22T04:30:00Z",
	    path);
	expect(f, PRECOND_UNMET, want);
	free(want);
	/* At the window start exactly: newer, as SPEC says "at or after". */
	set_mtime(path, W_START);
	assert_int_equal(eval1(f)->verdict, PRECOND_MET);
	f->ctx.has_window = false;
	want = xasprintf("file %s: newer_than = \"window\" needs a window, and "
	                 "this run has none",
	    path);
	expect(f, PRECOND_ERROR, want);
	free(want);
	free(path);
}

/* Without a window, the pattern expands on the run's start. */
static void
test_file_pattern_without_window(void **state)
{
	struct fx *f = *state;
	char *want;

	f->ctx.has_window = false;
	f->ctx.run_start = W_END + 2 * DAY; /* 2026-11-25T04:30:00Z */
	req_file(f, "%Y%m%dT%H%M.flag");
	want = xasprintf("file %s/20261125T0430.flag: missing", f->dir);
	expect(f, PRECOND_UNMET, want);
	free(want);
}

static void
test_file_not_regular(void **state)
{
	struct fx *f = *state;
	char *want, *sub = xasprintf("%s/sub", f->dir);

	assert_int_equal(mkdir(sub, 0755), 0);
	req_file(f, "sub");
	want = xasprintf("file %s: is a directory", sub);
	expect(f, PRECOND_UNMET, want);
	free(want);
	free(sub);
	/* A path through a regular file is missing too (ENOTDIR). */
	free(unit_write(f->dir, "plain", "x"));
	job_free_requires(&f->job);
	req_file(f, "plain/x");
	expect_prefix(f, PRECOND_UNMET, "file ");
	assert_non_null(strstr(f->ev.res[0].reason, "plain/x: missing"));
}

static void
test_file_pattern_too_long(void **state)
{
	struct fx *f = *state;
	struct requirement *r = add_req(f, REQ_FILE);
	struct strbuf b = STRBUF_INIT;

	/* 200 times "Mon Nov 23 04:30:00 2026" and a slash. */
	for (int i = 0; i < 200; i++)
		strbuf_adds(&b, "/%c");
	r->file = xstrdup(strbuf_str(&b));
	strbuf_free(&b);
	expect_prefix(f, PRECOND_ERROR, "file /%c/%c");
	assert_non_null(strstr(f->ev.res[0].reason,
	    ": the pattern does not expand to a path of at most 4095 bytes"));
	/* The reason stays one bounded line. */
	assert_true(strlen(f->ev.res[0].reason) <= 1024);
}

/* --- command requirements --- */

static void
test_command_exit(void **state)
{
	struct fx *f = *state;
	struct requirement *r = add_req(f, REQ_COMMAND);

	strv_push(&r->command, "/bin/true");
	expect(f, PRECOND_MET, "command true: exit 0");
	job_free_requires(&f->job);
	req_command(f, 10, "echo first; echo 'not ready yet'; echo; exit 1");
	expect(f, PRECOND_UNMET, "command sh: exit 1: not ready yet");
	/* The output is a detail: not part of what identifies the state. */
	assert_int_equal(f->ev.res[0].stable_len, strlen("command sh: exit 1"));
	job_free_requires(&f->job);
	req_command(f, 10, "echo 'table sales not loaded' >&2; exit 2");
	expect(f, PRECOND_UNMET, "command sh: exit 2: table sales not loaded");
}

/* The command gets the job's environment, and its workdir. */
static void
test_command_environment(void **state)
{
	struct fx *f = *state;
	char *cmd =
	    xasprintf("test \"$FOO\" = bar && test \"$(pwd)\" = '%s'", f->dir);

	req_command(f, 10, cmd);
	expect(f, PRECOND_MET, "command sh: exit 0");
	free(f->env.v[1]);
	f->env.v[1] = xstrdup("FOO=baz");
	expect(f, PRECOND_UNMET, "command sh: exit 1");
	free(cmd);
}

static void
test_command_cannot_execute(void **state)
{
	struct fx *f = *state;
	struct requirement *r = add_req(f, REQ_COMMAND);

	strv_push(&r->command, "/nonexistent/upstream-ok");
	expect(f, PRECOND_ERROR,
	    "command upstream-ok: cannot execute /nonexistent/upstream-ok: No "
	    "such file or directory");
}

static void
test_command_signal(void **state)
{
	struct fx *f = *state;

	req_command(f, 10, "kill -9 $$");
	expect(f, PRECOND_UNMET, "command sh: killed by signal 9 (Killed)");
}

/* Whether pid is gone (a zombie of ours counts as gone once reaped). */
static bool
gone(pid_t pid)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return kill(pid, 0) < 0 && errno == ESRCH;
}

static pid_t
read_pid(const char *path)
{
	char *text = unit_slurp(path, NULL);
	pid_t pid = (pid_t)atol(text);

	free(text);
	assert_true(pid > 1);
	return pid;
}

/* At its timeout the command's whole group is killed, a process that
 * left the group too, and one that ignores SIGTERM gets SIGKILL. */
static void
test_command_timeout_kills_group(void **state)
{
	struct fx *f = *state;
	char *pidfile = xasprintf("%s/bg.pid", f->dir);
	char *esc = xasprintf("%s/escaped.pid", f->dir);
	char *cmd = xasprintf("sleep 30 & echo $! > %s; "
	                      "setsid sleep 31 & echo $! > %s; "
	                      "trap '' TERM; sleep 32",
	    pidfile, esc);

	req_command(f, 1, cmd);
	expect(f, PRECOND_UNMET,
	    "command sh: no answer within 1.0s (its processes were killed)");
	assert_true(gone(read_pid(pidfile)));
	assert_true(gone(read_pid(esc)));
	free(cmd);
	free(pidfile);
	free(esc);
}

/* --- verdicts compared and summed up --- */

static void
test_changed_and_summary(void **state)
{
	struct fx *f = *state;
	struct precond_eval prev = PRECOND_EVAL_INIT;
	char *s, *flag = xasprintf("%s/flag", f->dir), *want;

	req_command(f, 10, "echo $$; exit 1");
	req_file(f, "flag");
	precond_evaluate(&f->ctx, &prev);
	assert_true(precond_changed(NULL, &prev));
	/* Another pid in the output: no change worth a log line. */
	precond_evaluate(&f->ctx, &f->ev);
	assert_string_not_equal(prev.res[0].reason, f->ev.res[0].reason);
	assert_false(precond_changed(&prev, &f->ev));
	assert_int_equal(f->ev.unmet, 2);
	s = precond_summary(&f->ev);
	want = xasprintf("%s; file %s: missing", f->ev.res[0].reason, flag);
	assert_string_equal(s, want);
	free(s);
	free(want);
	/* The file appears: a change, and only the command is unmet. */
	free(unit_write(f->dir, "flag", "1"));
	precond_eval_free(&f->ev);
	precond_evaluate(&f->ctx, &f->ev);
	assert_true(precond_changed(&prev, &f->ev));
	assert_false(precond_result_changed(&prev.res[0], &f->ev.res[0]));
	assert_true(precond_result_changed(&prev.res[1], &f->ev.res[1]));
	assert_int_equal(f->ev.unmet, 1);
	s = precond_summary(&f->ev);
	assert_string_equal(s, f->ev.res[0].reason);
	free(s);
	precond_eval_free(&prev);
	free(flag);
}

static void
test_summary_all_met(void **state)
{
	struct fx *f = *state;
	struct requirement *r = add_req(f, REQ_COMMAND);
	char *s;

	strv_push(&r->command, "/bin/true");
	free(unit_write(f->dir, "flag", "1"));
	req_file(f, "flag");
	assert_int_equal(precond_evaluate(&f->ctx, &f->ev), 0);
	assert_true(precond_met(&f->ev));
	s = precond_summary(&f->ev);
	assert_non_null(strstr(s, "command true: exit 0; file "));
	free(s);
	assert_string_equal(precond_verdict_name(PRECOND_MET), "met");
	assert_string_equal(precond_verdict_name(PRECOND_UNMET), "unmet");
	assert_string_equal(precond_verdict_name(PRECOND_ERROR), "error");
}

static void
test_no_requirements(void **state)
{
	struct fx *f = *state;

	assert_int_equal(precond_evaluate(&f->ctx, &f->ev), 0);
	assert_true(precond_met(&f->ev));
	assert_int_equal(f->ev.n, 0);
}

/* --- the body search of url requirements --- */

static bool
match_in_pieces(const char *text, const char *needle, size_t piece)
{
	struct precond_match m;
	size_t len = strlen(text);
	bool found = false;

	precond_match_init(&m, needle);
	for (size_t i = 0; i < len && !found; i += piece)
		found = precond_match_feed(
		    &m, text + i, len - i < piece ? len - i : piece);
	found = found || m.found;
	precond_match_free(&m);
	return found;
}

static void
test_match(void **state)
{
	static const struct {
		const char *text, *needle;
		bool found;
	} cases[] = {
	    {"status: READY\n", "READY", true},
	    {"status: READ", "READY", false},
	    {"RERREADY", "READY", true},
	    {"aaaaaaaaab", "aaab", true},
	    {"abababac", "ababac", true},
	    {"x", "x", true},
	    {"", "x", false},
	    {"abc", "", true},
	    {"READ\nY", "READY", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (size_t piece = 1; piece <= 8; piece++)
			if (match_in_pieces(cases[i].text, cases[i].needle,
			        piece) != cases[i].found)
				fail_msg("\"%s\" in \"%s\" by %zu",
				    cases[i].needle, cases[i].text, piece);
}

/* --- url requirements, against real servers --- */

struct servers {
	char *dir;
	pid_t files_pid, busy_pid;
	int files_port, busy_port;
	int refused_port, silent_port;
	int refused_fd, silent_fd; /* held: bound (not listening), listening */
};

static struct servers srv;

/* A socket bound to a free port of 127.0.0.1; listening when asked. */
static int
bound_socket(int *port, bool listening)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0 ||
	    (listening && listen(fd, 16) < 0))
		fail_msg("socket: %s", strerror(errno));
	*port = ntohs(a.sin_port);
	return fd;
}

static int
free_port(void)
{
	int port, fd = bound_socket(&port, false);

	close(fd);
	return port;
}

/* Runs args (NULL-terminated) in the background, until port answers. */
static pid_t
start_server(const char *const *args, int port)
{
	struct strv argv = STRV_INIT;
	pid_t pid;

	for (size_t i = 0; args[i] != NULL; i++)
		strv_push(&argv, args[i]);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 1);
		dup2(null, 2);
		execv(argv.v[0], argv.v);
		_exit(127);
	}
	strv_free(&argv);
	for (int i = 0; i < 200; i++) {
		struct sockaddr_in a = {
		    .sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int ok;

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
		close(fd);
		if (ok)
			return pid;
		nanosleep(&(struct timespec){0, 50000000}, NULL);
	}
	fail_msg("server %s on port %d did not start", args[1], port);
	return -1;
}

static int
setup_servers(void **state)
{
	char port[16], busy[16];
	char *big = xmalloc(1 << 20);

	(void)state;
	srv.dir = unit_tmpdir("precond-http");
	free(unit_write(srv.dir, "ready.txt", "status: READY\n"));
	free(unit_write(srv.dir, "sub/index.html", "<p>inside</p>\n"));
	memset(big, 'x', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	memcpy(big + (1 << 20) - 8, "NEEDLE\n", 7);
	free(unit_write(srv.dir, "big.txt", big));
	free(big);
	srv.files_port = free_port();
	snprintf(port, sizeof port, "%d", srv.files_port);
	srv.files_pid = start_server(
	    (const char *const[]){"/usr/bin/python3", "-m", "http.server",
	        "--bind", "127.0.0.1", "--directory", srv.dir, port, NULL},
	    srv.files_port);
	srv.busy_port = free_port();
	snprintf(busy, sizeof busy, "%d", srv.busy_port);
	srv.busy_pid =
	    start_server((const char *const[]){"/usr/bin/python3",
	                     "tests/integration/servers/http_server.py", busy,
	                     srv.dir, "503", NULL},
	        srv.busy_port);
	srv.refused_fd = bound_socket(&srv.refused_port, false);
	srv.silent_fd = bound_socket(&srv.silent_port, true);
	return 0;
}

static int
teardown_servers(void **state)
{
	(void)state;
	kill(srv.files_pid, SIGTERM);
	kill(srv.busy_pid, SIGTERM);
	waitpid(srv.files_pid, NULL, 0);
	waitpid(srv.busy_pid, NULL, 0);
	close(srv.refused_fd);
	close(srv.silent_fd);
	unit_rmdir(srv.dir);
	return 0;
}

static void
req_url(struct fx *f, int port, const char *path, const char *contains)
{
	struct requirement *r = add_req(f, REQ_URL);

	r->url = xasprintf("http://127.0.0.1:%d%s", port, path);
	r->contains = contains ? xstrdup(contains) : NULL;
	r->timeout = 5;
}

/* Evaluates one url requirement; the reason must be "url URL: tail". */
static void
expect_url(struct fx *f, int port, const char *path, const char *contains,
    enum precond_verdict v, const char *tail)
{
	char *want =
	    xasprintf("url http://127.0.0.1:%d%s: %s", port, path, tail);

	job_free_requires(&f->job);
	req_url(f, port, path, contains);
	expect(f, v, want);
	free(want);
}

static void
test_url_status(void **state)
{
	struct fx *f = *state;
	int p = srv.files_port;

	expect_url(f, p, "/ready.txt", NULL, PRECOND_MET, "HTTP 200");
	expect_url(f, p, "/missing.txt", NULL, PRECOND_UNMET, "HTTP 404");
	expect_url(
	    f, srv.busy_port, "/health", NULL, PRECOND_UNMET, "HTTP 503");
	/* A redirect (a directory without its slash) is followed. */
	expect_url(f, p, "/sub", "inside", PRECOND_MET,
	    "HTTP 200, contains \"inside\"");
}

static void
test_url_contains(void **state)
{
	struct fx *f = *state;
	int p = srv.files_port;

	expect_url(f, p, "/ready.txt", "READY", PRECOND_MET,
	    "HTTP 200, contains \"READY\"");
	expect_url(f, p, "/ready.txt", "FAILED", PRECOND_UNMET,
	    "HTTP 200, but the body does not contain \"FAILED\"");
	/* At the end of a megabyte, across many pieces. */
	expect_url(f, p, "/big.txt", "NEEDLE", PRECOND_MET,
	    "HTTP 200, contains \"NEEDLE\"");
	expect_url(f, p, "/big.txt", "NEEDLES", PRECOND_UNMET,
	    "HTTP 200, but the body does not contain \"NEEDLES\"");
	/* An error page's body does not count. */
	expect_url(f, srv.busy_port, "/", "ok", PRECOND_UNMET, "HTTP 503");
}

static void
test_url_transport(void **state)
{
	struct fx *f = *state;
	struct requirement *r;

	req_url(f, srv.refused_port, "/", NULL);
	expect_prefix(f, PRECOND_UNMET, "url http://127.0.0.1:");
	assert_non_null(
	    strstr(f->ev.res[0].reason, "/: Couldn't connect to server"));
	job_free_requires(&f->job);
	req_url(f, srv.silent_port, "/", NULL);
	f->job.requires[0].timeout = 0.5;
	expect_prefix(f, PRECOND_UNMET, "url http://127.0.0.1:");
	assert_non_null(
	    strstr(f->ev.res[0].reason, "/: no answer within 0.5s"));
	/* A URL that cannot be requested is an error of ours. */
	job_free_requires(&f->job);
	r = add_req(f, REQ_URL);
	r->url = xstrdup("http://");
	expect_prefix(f, PRECOND_ERROR, "url http://: ");
}

static void
test_url_password_masked(void **state)
{
	struct fx *f = *state;
	struct requirement *r = add_req(f, REQ_URL);
	char *want = xasprintf("url http://user:***@127.0.0.1:%d/ready.txt: "
	                       "HTTP 200",
	    srv.files_port);

	r->url = xasprintf(
	    "http://user:s3cret@127.0.0.1:%d/ready.txt", srv.files_port);
	r->timeout = 5;
	expect(f, PRECOND_MET, want);
	free(want);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest local[] = {
	    T(test_job_window_covered),
	    T(test_job_window_not_covered),
	    T(test_job_window_upstream_without_window),
	    T(test_job_window_run_without_window),
	    T(test_job_last),
	    T(test_job_last_running),
	    T(test_job_within),
	    T(test_job_without_state),
	    T(test_file),
	    T(test_file_newer_than_window),
	    T(test_file_pattern_without_window),
	    T(test_file_not_regular),
	    T(test_file_pattern_too_long),
	    T(test_command_exit),
	    T(test_command_environment),
	    T(test_command_cannot_execute),
	    T(test_command_signal),
	    T(test_command_timeout_kills_group),
	    T(test_changed_and_summary),
	    T(test_summary_all_met),
	    T(test_no_requirements),
	    cmocka_unit_test(test_match),
	};
	/* The servers are children of this process: no command test may run
	 * beside them, since supervision stops every child it finds. */
	const struct CMUnitTest url[] = {
	    T(test_url_status),
	    T(test_url_contains),
	    T(test_url_transport),
	    T(test_url_password_masked),
	};
	int failed;

	/* As the runner does: the self-pipe, and orphans come back to us. */
	if (sig_setup() < 0)
		return 1;
	supervise_init();
	failed = cmocka_run_group_tests_name("local", local, NULL, NULL);
	failed += cmocka_run_group_tests_name(
	    "url", url, setup_servers, teardown_servers);
	return failed != 0;
}
