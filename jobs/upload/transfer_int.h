/*
 * transfer_int.h - what transfer.c (the handle) and transfer_ops.c (the
 * operations) share; not for the rest of the plugin.
 */
#ifndef UPLOAD_TRANSFER_INT_H
#define UPLOAD_TRANSFER_INT_H

#include <stdbool.h>
#include <sys/types.h>

#include <curl/curl.h>

#include "hostkey.h"
#include "transfer.h"

struct xfer {
	struct target base; /* first: a struct target * is a struct xfer * */
	CURL *h;
	const struct remote *r;
	struct transfer_opts o;
	bool sftp;
	char errbuf[CURL_ERROR_SIZE];
	char reply[512];         /* the last line the server sent (FTP) */
	char key_note[512];      /* why libssh2 refused key_file */
	CURLcode last_rc;        /* of the last failed request */
	struct hostkey_seen key; /* what the host key check found */
	bool key_seen;
	char *entry_path; /* FTP login directory, once known */
	/* The upload in progress. */
	int fd;
	curl_off_t left;
	int read_errno; /* -1: none; 0: the file got shorter */
	bool uploading;
	/* The listing in progress. */
	void (*each)(void *arg, const char *name);
	void *each_arg;
	char line[1024];
	size_t linelen;
	/* The SFTP size check: bytes past the expected size arrived. */
	bool longer;
};

extern const struct target_ops xfer_ops;

/* Resets the per-request options and sets the URL of name (relative to the
 * target directory). */
int xfer_request(struct xfer *x, const char *name);
/* Runs the request; on failure fills x->base.err with "what: why". */
int xfer_perform(struct xfer *x, const char *what);
void xfer_free(struct target *t);

#endif
