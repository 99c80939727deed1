/*
 * mail.h - delivery of one message: SMTP through libesmtp, or a pipe to
 * sendmail.  alert.c decides when and composes what; this file only
 * formats and delivers, within a bounded total time, and says why it
 * could not.
 *
 * Delivery runs in a child process that is killed at the deadline
 * (conf->timeout, 60 s when 0): libesmtp resolves and connects with
 * blocking calls that no timeout of its own bounds.  The caller must not
 * reap children it does not know (waitpid(-1, ...)) while mail_send runs.
 */
#ifndef CW_MAIL_H
#define CW_MAIL_H

#include <stddef.h>

#include "job.h"
#include "util/kv.h"

struct mail_msg {
	const char *subject;      /* UTF-8; RFC 2047 encoded when not ASCII */
	const char *body;         /* UTF-8 text, LF line ends */
	const char *from;         /* already expanded (no %h left) */
	const struct strv *to;    /* "addr" or "Name <addr>" */
	const struct kv *headers; /* extra headers (X-Cronwrap-Job, ...) */
};

/* Formats the whole RFC 5322 message: Date, Message-ID (@host), From, To,
 * Subject, Auto-Submitted, MIME headers, the extra headers, then the body
 * with CRLF line ends (7bit when it can, else quoted-printable; control
 * characters in header values become spaces).  Dot-stuffing is left to the
 * transport.  Returns a string the caller frees. */
char *mail_format(const struct mail_msg *m, const char *host);

/* Expands %h (host) and %% in a "from" pattern.  Caller frees. */
char *mail_expand(const char *pattern, const char *host);

/* The bare address of "Name <addr>" or "addr" (for the SMTP envelope).
 * Caller frees. */
char *mail_address(const char *mailbox);

/* This host's name for From and Message-ID. */
void mail_hostname(char *buf, size_t len);

/* Delivers m through conf->transport, to m->to.  Returns 0 when the
 * message was accepted for at least one recipient: err is then empty, or
 * holds a warning worth logging (a recipient refused; AUTH refused and the
 * server took the message anyway).  Returns -1 when nothing was delivered,
 * with the reason (the server's reply where there is one) in err. */
int mail_send(const struct mail_conf *conf, const struct mail_msg *m, char *err,
    size_t errlen);

#endif
