/*
 * mail.h - delivery of one message: SMTP through libesmtp, or a pipe to
 * sendmail.  alert.c decides when and composes what; this file only
 * delivers, within a bounded total time, and says why it could not.
 */
#ifndef CW_MAIL_H
#define CW_MAIL_H

#include <stddef.h>

#include "job.h"

struct mail_msg {
	const char *subject; /* UTF-8; encoded as RFC 2047 when not ASCII */
	const char *body;    /* UTF-8 text, LF line ends */
	const char *from;    /* already expanded (no %h left) */
	const struct strv *to;
};

/* Formats the whole RFC 5322 message (Date, Message-ID, From, To, Subject,
 * MIME headers, CRLF line ends, dot-stuffing left to the transport).
 * Returns a string the caller frees. */
char *mail_format(const struct mail_msg *m, const char *host);

/* Delivers m through conf->transport.  Returns 0, or -1 with the reason
 * (the server's reply where there is one) in err. */
int mail_send(const struct mail_conf *conf, const struct mail_msg *m,
    char *err, size_t errlen);

#endif
