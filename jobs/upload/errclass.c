/*
 * errclass.c - transient or permanent, from libcurl's result.  A table,
 * so the policy reads in one place; curl(1)'s own --retry makes the same
 * calls for timeouts and FTP 4xx replies.
 */
#include <stdio.h>
#include <string.h>

#include "errclass.h"

/* Results that say the connection, not the request, went wrong. */
static const CURLcode transient_codes[] = {
    CURLE_COULDNT_RESOLVE_HOST, /* a resolver hiccup is common */
    CURLE_COULDNT_CONNECT,      /* refused: a server restarting */
    CURLE_OPERATION_TIMEDOUT,   /* connect_timeout, low-speed limit */
    CURLE_SEND_ERROR,           /* reset while sending */
    CURLE_RECV_ERROR,           /* reset while receiving */
    CURLE_GOT_NOTHING,
    CURLE_PARTIAL_FILE,
    CURLE_FTP_ACCEPT_FAILED,
    CURLE_FTP_ACCEPT_TIMEOUT,
    CURLE_FTP_CANT_GET_HOST,
    CURLE_FTP_WEIRD_PASV_REPLY,
    CURLE_FTP_WEIRD_227_FORMAT,
    CURLE_REMOTE_DISK_FULL, /* FTP 452 is a 4xx too: space may come back */
    CURLE_AGAIN,
};

/* libcurl ends an SFTP failure with "(STATUS/RC)" where STATUS is the SFTP
 * status code; 0 means it was no SFTP answer but the SSH session failing,
 * and 6, 7 are "no connection", "connection lost". */
static bool
sftp_status_transient(const char *errbuf)
{
	const char *open = strrchr(errbuf, '(');
	unsigned long status;
	int rc;

	if (open == NULL || sscanf(open, "(%lu/%d)", &status, &rc) != 2)
		return true; /* no SFTP status: the session itself failed */
	return status == 0 || status == 6 || status == 7;
}

bool
errclass_transient(CURLcode code, long ftp_reply, const char *errbuf)
{
	if (code == CURLE_OK)
		return false;
	if (ftp_reply >= 400 && ftp_reply < 500)
		return true;
	if (ftp_reply >= 500 && ftp_reply < 600)
		return false;
	for (size_t i = 0;
	     i < sizeof(transient_codes) / sizeof(*transient_codes); i++) {
		if (code == transient_codes[i])
			return true;
	}
	if (code == CURLE_SSH)
		return sftp_status_transient(errbuf ? errbuf : "");
	return false;
}
