/*
 * alert_fmt.h - the facts of a finished run, told to people: the subject
 * a person can triage from the inbox, and the mail's body.  alert_json.h
 * tells the same facts to programs (webhook JSON, hook environment).
 */
#ifndef CW_ALERT_FMT_H
#define CW_ALERT_FMT_H

#include <stddef.h>

#include "job.h"
#include "state.h"
#include "alert_text.h"

struct alert_facts {
	unsigned event; /* EV_*; 0: a success that is no recovery */
	const struct job *job;
	const struct run_record *r; /* the finished row */
	const char *host;           /* where it ran */
	const char *tail;     /* last lines of output (valid UTF-8), or NULL */
	unsigned tail_lines;  /* lines in tail */
	int consecutive;      /* failures in a row, this one included; for a
	                         recovery, the failures before it */
	double failing_since; /* start of the streak's first failure, 0 */
};

/* The event a finished status raises: EV_FAILURE (failed, killed),
 * EV_TIMEOUT, EV_PRECONDITION, EV_CRASH; 0 for a success, a skip or a
 * run still going. */
unsigned alert_event_of(enum run_status s);
/* "failure", "timeout", "precondition", "crash", "recovery", "success". */
const char *alert_event_name(unsigned event);

/* "[cronwrap] FAILED nightly-export on db3: exit 2 after 12m".  Caller
 * frees. */
char *alert_fmt_subject(const struct alert_facts *f);
/* The mail's body: a summary line, the facts one per line, the output's
 * tail and where the full log is.  Caller frees. */
char *alert_fmt_body(const struct alert_facts *f);
/* What the job runs, for people: its argv (quoted where needed), "sh -c
 * '...'", or its steps.  Caller frees. */
char *alert_fmt_command(const struct job *job);

#endif
