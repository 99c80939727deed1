/*
 * mail_smtp.h - the SMTP transport: libesmtp in a child bounded in time.
 *
 * starttls "no" never starts TLS; "try" starts it when the server offers
 * it; "require" gives up when it does not.  The server's certificate is
 * verified (against ca_file, else the system's CAs; a server given as an
 * IP address is checked against the certificate's IP names) with
 * "require" or when ca_file is set; "try" without ca_file encrypts
 * without verifying, as Postfix's "may" level does, so that a local MTA
 * with a self-signed certificate keeps working.
 */
#ifndef CW_MAIL_SMTP_H
#define CW_MAIL_SMTP_H

#include <stddef.h>

#include "job.h"

/* Delivers text (a formatted message) from the envelope sender from to
 * the addresses of to.  Returns like mail_send(). */
int mail_smtp_send(const struct mail_conf *conf, const char *from,
    const struct strv *to, const char *text, char *err, size_t errlen);

/* Reads the first line of an SMTP password file into buf, refusing a
 * file others may read (or write).  Returns 0, or -1 with the reason in
 * err. */
int mail_smtp_password(
    const char *path, char *buf, size_t len, char *err, size_t errlen);

#endif
