/*
 * run_dry.c - a dry run: resolve everything, say what would happen, change
 * nothing anywhere.
 */
#include "run_int.h"

int
run_dry(struct run *r)
{
	(void)r;
	return 0;
}
