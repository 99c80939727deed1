/*
 * run_steps.c - a pipeline of steps in the run directory.
 */
#include "run_int.h"

enum run_status
run_steps(struct run *r, unsigned attempt, bool *retryable)
{
	(void)attempt;
	*retryable = false;
	sink_note(&r->sink, "steps are not supported yet");
	return RS_FAILED;
}
