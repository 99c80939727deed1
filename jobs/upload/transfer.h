/*
 * transfer.h - the ftp://, ftps:// and sftp:// target, on one libcurl easy
 * handle so that every file of a run goes over one connection and login.
 */
#ifndef UPLOAD_TRANSFER_H
#define UPLOAD_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>

#include "remote.h"
#include "target.h"

enum ftp_tls { FTP_TLS_NO, FTP_TLS_TRY, FTP_TLS_REQUIRE };

/* Strings are borrowed: they must outlive the target. */
struct transfer_opts {
	const char *user;        /* NULL: anonymous (FTP) */
	const char *password;    /* NULL: none */
	const char *key_file;    /* SFTP private key, NULL: none */
	const char *passphrase;  /* of key_file, NULL: none */
	const char *known_hosts; /* SFTP: NULL accepts any host key */
	const char *ca_file;     /* TLS: NULL trusts the system's CAs */
	bool tls_verify;         /* TLS: check the certificate and name */
	enum ftp_tls tls;        /* ftp:// only: AUTH TLS or not */
	long connect_timeout;    /* seconds */
	long low_speed_limit;    /* bytes per second ... */
	long low_speed_time;     /* ... below which for this long fails */
	bool debug;              /* pass the protocol dialogue to hooks */
};

/* A target for r (ftp, ftps or sftp; r is borrowed).  Connects lazily, on
 * the first operation.  Returns NULL with a message in err. */
struct target *transfer_target_new(const struct remote *r,
    const struct transfer_opts *o, const struct target_hooks *hooks, char *err,
    size_t errlen);

#endif
