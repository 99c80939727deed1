/*
 * mail_sendmail.h - the sendmail transport: the message on the standard
 * input of the local MTA's sendmail program (Postfix, Exim, msmtp, ...),
 * "sendmail -oi -f FROM -- RCPT...", with LF line ends as local
 * submission expects, killed at the deadline.
 */
#ifndef CW_MAIL_SENDMAIL_H
#define CW_MAIL_SENDMAIL_H

#include <stddef.h>

#include "job.h"

/* Returns like mail_send(): -1 with the program's exit status and the end
 * of its error output in err when it did not accept the message. */
int mail_sendmail_send(const struct mail_conf *conf, const char *from,
    const struct strv *to, const char *text, char *err, size_t errlen);

#endif
