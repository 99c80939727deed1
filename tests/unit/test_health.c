/*
 * test_health.c - the LATE rule: the latest tick before now - grace, not
 * older than the job file, and a run started at or after it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "health.h"

#define H(hh, mm, ss) (1767225600.0 + (hh)*3600.0 + (mm)*60.0 + (ss))

static const struct {
	const char *sched;
	double now, grace, since, latest;
	bool late;
	double missed;
} cases[] = {
    /* Hourly, at 10:30: the 10:00 tick is judged. */
    {"0 * * * *", H(10, 30, 0), 60, 0, 0, true, H(10, 0, 0)},
    {"0 * * * *", H(10, 30, 0), 60, H(10, 10, 0), 0, false, 0},
    {"0 * * * *", H(10, 30, 0), 60, H(9, 50, 0), 0, true, H(10, 0, 0)},
    {"0 * * * *", H(10, 30, 0), 60, 0, H(10, 0, 0.5), false, 0},
    {"0 * * * *", H(10, 30, 0), 60, 0, H(9, 59, 59.5), false, 0},
    {"0 * * * *", H(10, 30, 0), 60, 0, H(9, 59, 58), true, H(10, 0, 0)},
    {"0 * * * *", H(10, 30, 0), 60, 0, H(9, 0, 5), true, H(10, 0, 0)},
    /* Within the grace of 10:00, the 9:00 tick is the one judged. */
    {"0 * * * *", H(10, 0, 30), 60, 0, H(9, 0, 1), false, 0},
    {"0 * * * *", H(10, 0, 30), 60, 0, H(8, 0, 0), true, H(9, 0, 0)},
    {"0 * * * *", H(10, 1, 0), 60, 0, H(9, 0, 1), true, H(10, 0, 0)},
    /* A longer grace (concurrency = "wait"). */
    {"0 * * * *", H(10, 5, 0), 660, 0, H(9, 0, 1), false, 0},
    {"0 * * * *", H(10, 11, 1), 660, 0, H(9, 0, 1), true, H(10, 0, 0)},
    /* Every minute, cron stopped three minutes ago. */
    {"* * * * *", H(10, 30, 20), 60, 0, H(10, 27, 0.2), true, H(10, 29, 0)},
    {"* * * * *", H(10, 30, 20), 60, 0, H(10, 29, 0.2), false, 0},
    /* No tick within the search bound. */
    {"0 0 31 2 *", H(10, 30, 0), 60, 0, 0, false, 0},
};

static void
test_late_rule(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct schedule *s;
		char err[256];
		time_t missed = 0;
		bool late;

		assert_int_equal(
		    schedule_parse(cases[i].sched, "UTC", &s, err, sizeof err),
		    0);
		late = health_late(s, cases[i].now, cases[i].grace,
		    cases[i].since, cases[i].latest, &missed);
		if (late != cases[i].late)
			fail_msg("case %zu: late %d, expected %d", i, late,
			    cases[i].late);
		if (late)
			assert_int_equal(missed, (time_t)cases[i].missed);
		schedule_free(s);
	}
}

static void
test_grace(void **state)
{
	struct job job;

	(void)state;
	memset(&job, 0, sizeof job);
	job.concurrency = CONC_SKIP;
	job.wait_timeout = 600;
	assert_true(health_grace(&job) == HEALTH_GRACE);
	job.concurrency = CONC_WAIT;
	assert_true(health_grace(&job) == HEALTH_GRACE + 600);
	job.wait_timeout = 0; /* forever: the grace alone */
	assert_true(health_grace(&job) == HEALTH_GRACE);
}

static void
test_problems(void **state)
{
	struct job_health h;

	(void)state;
	memset(&h, 0, sizeof h);
	assert_false(health_crashed(&h));
	assert_false(health_failing(&h));
	h.has_last = true;
	h.last.status = RS_CRASHED;
	h.failures = 1;
	assert_true(health_crashed(&h));
	assert_true(health_failing(&h));
	h.last.status = RS_SUCCEEDED;
	h.failures = 0;
	assert_false(health_crashed(&h));
	assert_false(health_failing(&h));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_late_rule),
	    cmocka_unit_test(test_grace),
	    cmocka_unit_test(test_problems),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
