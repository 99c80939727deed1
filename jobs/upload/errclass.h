/*
 * errclass.h - whether a failed libcurl operation is worth retrying.
 *
 * Transient: the network or the server's state (connection refused or
 * reset, timeout, an FTP 4xx reply such as 421 or 452, an SSH connection
 * that broke).  Permanent: what the same request will meet again (login
 * refused, 5xx replies such as 550, an unknown host key, a certificate
 * that does not verify, a missing directory).
 */
#ifndef UPLOAD_ERRCLASS_H
#define UPLOAD_ERRCLASS_H

#include <stdbool.h>

#include <curl/curl.h>

/* code: what curl_easy_perform() returned; ftp_reply: the last FTP reply
 * code (CURLINFO_RESPONSE_CODE; 0 for SFTP or none); errbuf: libcurl's
 * message (CURLOPT_ERRORBUFFER), which for SFTP carries the SFTP status. */
bool errclass_transient(CURLcode code, long ftp_reply, const char *errbuf);

#endif
