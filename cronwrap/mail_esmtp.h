/*
 * mail_esmtp.h - one SMTP session through libesmtp, run in the child that
 * mail_smtp.c bounds in time.  It reports on a descriptor, one line each:
 * "@what it is doing" as it goes (so that a kill at the deadline can say
 * where it hung), and last "!the result" (the reason, or a warning).
 */
#ifndef CW_MAIL_ESMTP_H
#define CW_MAIL_ESMTP_H

#include "job.h"

/* Exit codes of the session child. */
#define ESMTP_DELIVERED 0
#define ESMTP_FAILED 1
#define ESMTP_WARNING 2 /* delivered, with a problem worth logging */

struct esmtp_req {
	const struct mail_conf *conf;
	const char *from;      /* envelope sender (bare address) */
	const struct strv *to; /* "addr" or "Name <addr>" */
	const char *text;      /* the formatted message, CRLF */
	const char *password;  /* NULL: no AUTH */
	double phase_timeout;  /* seconds, for each protocol phase */
};

/* Runs the session, reporting on fd.  Returns ESMTP_*. */
int mail_esmtp_session(const struct esmtp_req *req, int fd);

#endif
