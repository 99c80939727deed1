#include <sys/wait.h>

#include "exitcode.h"

int
exit_code_of(const struct outcome *o)
{
	return WIFEXITED(o->wait_status) ? WEXITSTATUS(o->wait_status) : -1;
}

int
exit_signal_of(const struct outcome *o)
{
	return WIFSIGNALED(o->wait_status) ? WTERMSIG(o->wait_status) : 0;
}

enum run_status
exit_run_status(const struct outcome *o)
{
	if (o->timed_out)
		return RS_TIMEOUT;
	if (WIFSIGNALED(o->wait_status))
		return RS_KILLED;
	if (WIFEXITED(o->wait_status) && WEXITSTATUS(o->wait_status) == 0)
		return RS_SUCCEEDED;
	return RS_FAILED;
}

int
exit_status_for(enum run_status st, int exit_code, int signal)
{
	switch (st) {
	case RS_SUCCEEDED:
		return 0;
	case RS_TIMEOUT:
		return EXIT_TIMEOUT;
	case RS_KILLED:
		return signal > 0 ? 128 + signal : EX_SOFTWARE;
	case RS_SKIPPED:
		return EX_TEMPFAIL;
	case RS_PRECONDITION:
		return EX_UNAVAILABLE;
	case RS_FAILED:
		/* The job's own status; a failure without one (a step that
		 * could not start) is still a failure, never 0. */
		return exit_code > 0 ? exit_code : 1;
	case RS_CRASHED:
	case RS_RUNNING:
	default:
		return EX_SOFTWARE;
	}
}
