/*
 * hostkey.h - messages for an SSH host key that known_hosts does not vouch
 * for, which say how to fix it with OpenSSH's own tools.
 */
#ifndef UPLOAD_HOSTKEY_H
#define UPLOAD_HOSTKEY_H

#include <stddef.h>

#include <curl/curl.h>

/* What the key callback saw, kept for the message. */
struct hostkey_seen {
	enum curl_khmatch match;
	enum curl_khtype type;
	char fingerprint[64]; /* "SHA256:..." as ssh-keygen -l prints it */
};

/* Fills seen from the key libcurl found on the server (raw when len > 0,
 * else base64 text). */
void hostkey_record(struct hostkey_seen *seen, enum curl_khmatch match,
    const struct curl_khkey *found);

/* The ssh-keyscan(1) command that appends host's key of type ("ed25519",
 * "rsa", ...) to known_hosts. */
void hostkey_scan_command(char *buf, size_t len, const char *type,
    const char *host, long port, const char *known_hosts);

/* The message for a refused key: unknown or changed, with the command
 * that adds or replaces it in known_hosts.  host as in the URL. */
void hostkey_message(char *buf, size_t len, const struct hostkey_seen *seen,
    const char *host, long port, const char *known_hosts);

#endif
