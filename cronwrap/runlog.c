#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "runlog.h"

static bool muted;

void
runlog_open(const struct global *g)
{
	openlog(g->syslog_ident, LOG_PID, g->syslog_facility);
}

void
runlog_mute(bool mute)
{
	muted = mute;
}

bool
runlog_muted(void)
{
	return muted;
}

void
runlog_event(int prio, const char *job, const char *run_id, const char *event,
    const char *fmt, ...)
{
	char rest[1024] = "";

	if (muted)
		return;
	if (fmt != NULL) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(rest, sizeof rest, fmt, ap);
		va_end(ap);
	}
	syslog(prio, "job=%s run=%s event=%s%s%s", job,
	    run_id != NULL && run_id[0] ? run_id : "-", event,
	    rest[0] ? " " : "", rest);
}
