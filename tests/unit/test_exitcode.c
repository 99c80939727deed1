/*
 * test_exitcode.c - SPEC's exit status table, and a run's status from how
 * its process ended.  The wait statuses are real: each comes from a child
 * that exits or kills itself, reaped with waitpid(), never from bits put
 * together by hand.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "exitcode.h"

/* How a child ends: exit(code) when sig is 0, else killed by sig. */
struct end {
	int code;
	int sig;
};

static int
real_status(struct end e)
{
	pid_t pid;
	int status;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (e.sig != 0) {
			struct rlimit no_core = {0, 0};

			setrlimit(RLIMIT_CORE, &no_core);
			signal(e.sig, SIG_DFL);
			kill(getpid(), e.sig);
			_exit(99); /* not reached for a fatal signal */
		}
		_exit(e.code);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

struct outcome_case {
	struct end end;
	bool timed_out;
	int stop_signal;
	enum run_status status;
	int exit_code; /* exit_code_of */
	int signal;    /* exit_signal_of */
	int exit;      /* cronwrap's exit status */
};

static const struct outcome_case outcomes[] = {
    /* The job's own status. */
    {{0, 0}, false, 0, RS_SUCCEEDED, 0, 0, 0},
    {{1, 0}, false, 0, RS_FAILED, 1, 0, 1},
    {{2, 0}, false, 0, RS_FAILED, 2, 0, 2},
    {{42, 0}, false, 0, RS_FAILED, 42, 0, 42},
    {{125, 0}, false, 0, RS_FAILED, 125, 0, 125},
    /* What spawn reports for a program not found / not executable. */
    {{126, 0}, false, 0, RS_FAILED, 126, 0, 126},
    {{127, 0}, false, 0, RS_FAILED, 127, 0, 127},
    /* Died of a signal: 128 + N. */
    {{0, SIGHUP}, false, 0, RS_KILLED, -1, SIGHUP, 128 + SIGHUP},
    {{0, SIGINT}, false, 0, RS_KILLED, -1, SIGINT, 128 + SIGINT},
    {{0, SIGKILL}, false, 0, RS_KILLED, -1, SIGKILL, 128 + SIGKILL},
    {{0, SIGTERM}, false, 0, RS_KILLED, -1, SIGTERM, 128 + SIGTERM},
    {{0, SIGUSR1}, false, 0, RS_KILLED, -1, SIGUSR1, 128 + SIGUSR1},
    {{0, SIGPIPE}, false, 0, RS_KILLED, -1, SIGPIPE, 128 + SIGPIPE},
    {{0, SIGQUIT}, false, 0, RS_KILLED, -1, SIGQUIT, 128 + SIGQUIT},
    /* Hit the timeout: 124, however it then ended. */
    {{0, SIGTERM}, true, 0, RS_TIMEOUT, -1, SIGTERM, EXIT_TIMEOUT},
    {{0, SIGKILL}, true, 0, RS_TIMEOUT, -1, SIGKILL, EXIT_TIMEOUT},
    {{0, 0}, true, 0, RS_TIMEOUT, 0, 0, EXIT_TIMEOUT},
    {{3, 0}, true, 0, RS_TIMEOUT, 3, 0, EXIT_TIMEOUT},
    /* cronwrap was stopped and passed the signal on. */
    {{0, SIGTERM}, false, SIGTERM, RS_KILLED, -1, SIGTERM, 128 + SIGTERM},
    {{0, SIGHUP}, false, SIGHUP, RS_KILLED, -1, SIGHUP, 128 + SIGHUP},
};

static void
test_from_wait_status(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++) {
		const struct outcome_case *c = &outcomes[i];
		struct outcome o;
		enum run_status st;

		memset(&o, 0, sizeof o);
		o.wait_status = real_status(c->end);
		o.timed_out = c->timed_out;
		o.stop_signal = c->stop_signal;
		st = exit_run_status(&o);
		if (st != c->status)
			fail_msg(
			    "case %zu (exit %d, signal %d): status %s, want "
			    "%s",
			    i, c->end.code, c->end.sig, run_status_name(st),
			    run_status_name(c->status));
		assert_int_equal(exit_code_of(&o), c->exit_code);
		assert_int_equal(exit_signal_of(&o), c->signal);
		if (exit_status_for(st, exit_code_of(&o), exit_signal_of(&o)) !=
		    c->exit)
			fail_msg("case %zu: exit status %d, want %d", i,
			    exit_status_for(
			        st, exit_code_of(&o), exit_signal_of(&o)),
			    c->exit);
	}
}

/* Every code a job can exit with comes back as itself, and only success
 * is 0. */
static void
test_every_exit_code(void **state)
{
	(void)state;
	for (int code = 0; code <= 125; code++) {
		struct outcome o;
		struct end e = {code, 0};
		enum run_status st;

		memset(&o, 0, sizeof o);
		o.wait_status = real_status(e);
		st = exit_run_status(&o);
		assert_int_equal(st, code == 0 ? RS_SUCCEEDED : RS_FAILED);
		assert_int_equal(
		    exit_status_for(st, exit_code_of(&o), exit_signal_of(&o)),
		    code);
	}
}

struct status_case {
	enum run_status st;
	int exit_code;
	int signal;
	int want;
};

/* SPEC's table, from the status of a run and its facts. */
static const struct status_case statuses[] = {
    {RS_SUCCEEDED, 0, 0, 0},
    {RS_FAILED, 1, 0, 1},
    {RS_FAILED, 77, 0, 77},
    {RS_FAILED, 125, 0, 125},
    /* Failed without an exit code of its own (a step that could not
     * start, a plugin that said FAIL): never 0. */
    {RS_FAILED, -1, 0, 1},
    {RS_FAILED, 0, 0, 1},
    {RS_TIMEOUT, -1, SIGKILL, 124},
    {RS_TIMEOUT, 0, 0, 124},
    {RS_TIMEOUT, -1, 0, 124},
    {RS_KILLED, -1, SIGTERM, 143},
    {RS_KILLED, -1, SIGKILL, 137},
    {RS_KILLED, -1, SIGINT, 130},
    {RS_KILLED, -1, SIGHUP, 129},
    {RS_KILLED, -1, 64, 192},
    /* Killed, but the signal is not known: an internal error, not 128. */
    {RS_KILLED, -1, 0, 70},
    {RS_SKIPPED, -1, 0, 75},
    {RS_SKIPPED, 0, 0, 75},
    {RS_PRECONDITION, -1, 0, 69},
    {RS_CRASHED, -1, 0, 70},
    {RS_RUNNING, -1, 0, 70},
};

static void
test_exit_status_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		const struct status_case *c = &statuses[i];
		int got = exit_status_for(c->st, c->exit_code, c->signal);

		if (got != c->want)
			fail_msg("%s exit %d signal %d: %d, want %d",
			    run_status_name(c->st), c->exit_code, c->signal,
			    got, c->want);
	}
	/* The sysexits names SPEC's table uses. */
	assert_int_equal(EXIT_TIMEOUT, 124);
	assert_int_equal(EX_UNAVAILABLE, 69);
	assert_int_equal(EX_SOFTWARE, 70);
	assert_int_equal(EX_TEMPFAIL, 75);
	assert_int_equal(EX_CONFIG, 78);
	assert_int_equal(EX_USAGE, 64);
}

/* No status but success ever maps to 0, whatever the facts say. */
static void
test_only_success_is_zero(void **state)
{
	static const enum run_status all[] = {RS_RUNNING, RS_FAILED, RS_TIMEOUT,
	    RS_KILLED, RS_SKIPPED, RS_PRECONDITION, RS_CRASHED};
	static const int codes[] = {-1, 0, 1, 255};
	static const int sigs[] = {0, 9, 15};

	(void)state;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		for (size_t c = 0; c < sizeof codes / sizeof codes[0]; c++)
			for (size_t s = 0; s < sizeof sigs / sizeof sigs[0];
			     s++)
				if (exit_status_for(
				        all[i], codes[c], sigs[s]) == 0)
					fail_msg(
					    "%s exit %d signal %d maps to 0",
					    run_status_name(all[i]), codes[c],
					    sigs[s]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_from_wait_status),
	    cmocka_unit_test(test_every_exit_code),
	    cmocka_unit_test(test_exit_status_table),
	    cmocka_unit_test(test_only_success_is_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
