/*
 * transfer.c - one libcurl easy handle for a run's uploads, its options and
 * callbacks, and the turning of a libcurl failure into a message with the
 * server's words and a transient/permanent verdict.  The operations
 * themselves (upload, size check, rename, ...) are in transfer_ops.c.
 *
 * FTP paths: the handle uses CURLFTPMETHOD_NOCWD, so the connection never
 * leaves the login directory and every path, in a transfer or in a quote
 * command (RNFR, MKD), is relative to it or absolute.  Without that, a
 * quote command on a reused connection would run in whatever directory the
 * previous transfer left, since libcurl sends QUOTE before its CWDs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errclass.h"
#include "sshkey.h"
#include "transfer_int.h"

/* Bigger than libcurl's 64 KiB default: fewer, larger writes. */
#define UPLOAD_BUFFER (1024 * 1024L)

/* libcurl's note when libssh2 cannot use key_file: wrong passphrase,
 * unreadable file, key refused by the server. */
#define KEY_FAILED "SSH public key authentication failed: "

/* Keeps the last line of a server reply ("530 Login incorrect.") for
 * messages, and passes every line to the debug hook when asked. */
static void
on_lines(struct xfer *x, const char *tag, const char *data, size_t size,
    bool is_reply)
{
	while (size > 0) {
		size_t len = 0;
		char line[512];

		while (len < size && data[len] != '\n')
			len++;
		snprintf(line, sizeof(line), "%.*s", (int)len, data);
		line[strcspn(line, "\r")] = '\0';
		if (is_reply && line[0] != '\0')
			snprintf(x->reply, sizeof(x->reply), "%s", line);
		else if (strncmp(line, KEY_FAILED, strlen(KEY_FAILED)) == 0)
			snprintf(x->key_note, sizeof(x->key_note), "%s",
			    line + strlen(KEY_FAILED));
		if (x->o.debug && x->base.hooks.debug && line[0] != '\0') {
			char out[600];

			if (strncmp(line, "PASS ", 5) == 0)
				strcpy(line + 5, "****");
			snprintf(out, sizeof(out), "%s %s", tag, line);
			x->base.hooks.debug(x->base.hooks.arg, out);
		}
		len += len < size; /* the newline */
		data += len;
		size -= len;
	}
}

static int
on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	(void)h;
	switch (type) {
	case CURLINFO_HEADER_IN:
		on_lines(arg, "<", data, size, true);
		break;
	case CURLINFO_HEADER_OUT:
		on_lines(arg, ">", data, size, false);
		break;
	case CURLINFO_TEXT:
		on_lines(arg, "*", data, size, false);
		break;
	default:
		break;
	}
	return 0;
}

static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	struct xfer *x = arg;

	(void)dltotal, (void)dlnow;
	if (x->uploading && ultotal > 0 && x->base.hooks.progress)
		x->base.hooks.progress(
		    x->base.hooks.arg, (double)ulnow, (double)ultotal);
	return 0;
}

/* Records what the SSH host key check found, and accepts only a key that
 * known_hosts has for this host. */
static int
on_hostkey(CURL *h, const struct curl_khkey *known,
    const struct curl_khkey *found, enum curl_khmatch match, void *arg)
{
	struct xfer *x = arg;

	(void)h, (void)known;
	hostkey_record(&x->key, match, found);
	x->key_seen = true;
	return match == CURLKHMATCH_OK ? CURLKHSTAT_FINE : CURLKHSTAT_REJECT;
}

static CURLcode
setup_ftp(struct xfer *x)
{
	const struct transfer_opts *o = &x->o;
	long ssl = CURLUSESSL_NONE;
	CURLcode rc = CURLE_OK;

	if (x->r->scheme == REMOTE_FTPS || o->tls == FTP_TLS_REQUIRE)
		ssl = CURLUSESSL_ALL;
	else if (o->tls == FTP_TLS_TRY)
		ssl = CURLUSESSL_TRY;
	rc |= curl_easy_setopt(
	    x->h, CURLOPT_FTP_FILEMETHOD, (long)CURLFTPMETHOD_NOCWD);
	rc |= curl_easy_setopt(x->h, CURLOPT_USE_SSL, ssl);
	rc |= curl_easy_setopt(x->h, CURLOPT_FTP_CREATE_MISSING_DIRS, 0L);
	if (o->ca_file)
		rc |= curl_easy_setopt(x->h, CURLOPT_CAINFO, o->ca_file);
	rc |= curl_easy_setopt(
	    x->h, CURLOPT_SSL_VERIFYPEER, o->tls_verify ? 1L : 0L);
	rc |= curl_easy_setopt(
	    x->h, CURLOPT_SSL_VERIFYHOST, o->tls_verify ? 2L : 0L);
	return rc;
}

static CURLcode
setup_sftp(struct xfer *x)
{
	const struct transfer_opts *o = &x->o;
	long auth = 0;
	CURLcode rc = CURLE_OK;

	if (o->key_file) {
		auth |= CURLSSH_AUTH_PUBLICKEY;
		rc |= curl_easy_setopt(
		    x->h, CURLOPT_SSH_PRIVATE_KEYFILE, o->key_file);
		if (o->passphrase)
			rc |= curl_easy_setopt(
			    x->h, CURLOPT_KEYPASSWD, o->passphrase);
	}
	if (o->password)
		auth |= CURLSSH_AUTH_PASSWORD | CURLSSH_AUTH_KEYBOARD;
	rc |= curl_easy_setopt(x->h, CURLOPT_SSH_AUTH_TYPES, auth);
	if (o->known_hosts) {
		rc |= curl_easy_setopt(
		    x->h, CURLOPT_SSH_KNOWNHOSTS, o->known_hosts);
		rc |=
		    curl_easy_setopt(x->h, CURLOPT_SSH_KEYFUNCTION, on_hostkey);
		rc |= curl_easy_setopt(x->h, CURLOPT_SSH_KEYDATA, x);
	}
	return rc;
}

/* The options that hold for every request of the handle. */
static CURLcode
setup(struct xfer *x)
{
	const struct transfer_opts *o = &x->o;
	CURLcode rc = CURLE_OK;

	rc |= curl_easy_setopt(x->h, CURLOPT_PROTOCOLS_STR, "ftp,ftps,sftp");
	rc |= curl_easy_setopt(x->h, CURLOPT_ERRORBUFFER, x->errbuf);
	rc |= curl_easy_setopt(x->h, CURLOPT_VERBOSE, 1L);
	rc |= curl_easy_setopt(x->h, CURLOPT_DEBUGFUNCTION, on_debug);
	rc |= curl_easy_setopt(x->h, CURLOPT_DEBUGDATA, x);
	rc |= curl_easy_setopt(x->h, CURLOPT_NOPROGRESS, 0L);
	rc |= curl_easy_setopt(x->h, CURLOPT_XFERINFOFUNCTION, on_progress);
	rc |= curl_easy_setopt(x->h, CURLOPT_XFERINFODATA, x);
	if (o->user)
		rc |= curl_easy_setopt(x->h, CURLOPT_USERNAME, o->user);
	if (o->password)
		rc |= curl_easy_setopt(x->h, CURLOPT_PASSWORD, o->password);
	rc |=
	    curl_easy_setopt(x->h, CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	rc |=
	    curl_easy_setopt(x->h, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_limit);
	rc |= curl_easy_setopt(x->h, CURLOPT_LOW_SPEED_TIME, o->low_speed_time);
	/* A server that stops answering commands is stalled too. */
	rc |= curl_easy_setopt(
	    x->h, CURLOPT_SERVER_RESPONSE_TIMEOUT, o->low_speed_time);
	rc |= curl_easy_setopt(x->h, CURLOPT_TCP_KEEPALIVE, 1L);
	rc |= curl_easy_setopt(x->h, CURLOPT_UPLOAD_BUFFERSIZE, UPLOAD_BUFFER);
	if (x->sftp)
		rc |= setup_sftp(x);
	else
		rc |= setup_ftp(x);
	return rc;
}

static size_t
discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data, (void)arg;
	return size * n;
}

int
xfer_request(struct xfer *x, const char *name)
{
	char *url = remote_url(x->r, name);
	CURLcode rc = CURLE_OK;

	if (url == NULL)
		return target_fail(
		    &x->base, false, "cannot make a URL of %s", name);
	rc |= curl_easy_setopt(x->h, CURLOPT_URL, url);
	free(url);
	rc |= curl_easy_setopt(x->h, CURLOPT_NOBODY, 0L);
	rc |= curl_easy_setopt(x->h, CURLOPT_UPLOAD, 0L);
	rc |= curl_easy_setopt(x->h, CURLOPT_DIRLISTONLY, 0L);
	rc |= curl_easy_setopt(x->h, CURLOPT_QUOTE, (struct curl_slist *)NULL);
	rc |= curl_easy_setopt(x->h, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)0);
	rc |= curl_easy_setopt(x->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)-1);
	rc |= curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, discard);
	if (rc != CURLE_OK)
		return target_fail(
		    &x->base, false, "libcurl refused an option");
	return 0;
}

/* What went wrong, in words that say what to do where libcurl's own are
 * terse. */
static void
describe(struct xfer *x, CURLcode rc, char *buf, size_t len)
{
	const char *words = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);

	if (rc == CURLE_PEER_FAILED_VERIFICATION && x->sftp && x->key_seen)
		hostkey_message(buf, len, &x->key, x->r->host, x->r->port,
		    x->o.known_hosts);
	else if (rc == CURLE_PEER_FAILED_VERIFICATION && x->sftp)
		snprintf(buf, len,
		    "the SSH host key could not be checked "
		    "against %s (%s): is it an OpenSSH "
		    "known_hosts file with a key for this host?",
		    x->o.known_hosts, words);
	else if (rc == CURLE_PEER_FAILED_VERIFICATION)
		snprintf(buf, len,
		    "the server's TLS certificate does not "
		    "verify (%s); for a private CA, set ca_file",
		    words);
	else if (rc == CURLE_LOGIN_DENIED && x->sftp && x->o.key_file &&
	         sshkey_kind_of_file(x->o.key_file) == SSHKEY_RSA)
		snprintf(buf, len,
		    "login refused (%s). %s is an RSA key: "
		    "this system's libcurl (libssh2 1.10) signs "
		    "with RSA only using SHA-1 (\"ssh-rsa\"), "
		    "which OpenSSH 8.8 and later refuse. Use an "
		    "ed25519 key (ssh-keygen -t ed25519)",
		    words, x->o.key_file);
	else if (rc == CURLE_LOGIN_DENIED && x->key_note[0])
		snprintf(buf, len, "login refused (%s; with key_file: %.200s)",
		    words, x->key_note);
	else if (rc == CURLE_LOGIN_DENIED)
		snprintf(buf, len, "login refused (%s)", words);
	else if (rc == CURLE_USE_SSL_FAILED)
		snprintf(buf, len,
		    "the server does not offer TLS (AUTH TLS) "
		    "and tls = \"require\" (%s)",
		    words);
	else
		snprintf(buf, len, "%s", words);
}

int
xfer_perform(struct xfer *x, const char *what)
{
	char desc[768];
	long reply = 0;
	CURLcode rc;

	x->errbuf[0] = '\0';
	x->reply[0] = '\0';
	x->key_note[0] = '\0';
	x->key_seen = false;
	rc = curl_easy_perform(x->h);
	if (rc == CURLE_OK)
		return 0;
	if (!x->sftp)
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &reply);
	x->last_rc = rc;
	describe(x, rc, desc, sizeof(desc));
	if (reply >= 400 && x->reply[0] && strstr(desc, x->reply) == NULL)
		return target_fail(&x->base,
		    errclass_transient(rc, reply, x->errbuf),
		    "%s: %s; the server said: %s", what, desc, x->reply);
	return target_fail(&x->base, errclass_transient(rc, reply, x->errbuf),
	    "%s: %s", what, desc);
}

void
xfer_free(struct target *t)
{
	struct xfer *x = (struct xfer *)t;

	if (x == NULL)
		return;
	curl_easy_cleanup(x->h);
	free(x);
}

struct target *
transfer_target_new(const struct remote *r, const struct transfer_opts *o,
    const struct target_hooks *hooks, char *err, size_t errlen)
{
	struct xfer *x = calloc(1, sizeof(*x));

	if (x == NULL || (x->h = curl_easy_init()) == NULL) {
		snprintf(
		    err, errlen, "cannot start libcurl: %s", strerror(ENOMEM));
		free(x);
		return NULL;
	}
	x->base.ops = &xfer_ops;
	x->base.hooks = *hooks;
	x->r = r;
	x->o = *o;
	x->sftp = r->scheme == REMOTE_SFTP;
	if (setup(x) != CURLE_OK) {
		snprintf(err, errlen,
		    "this libcurl lacks an option the upload "
		    "needs (%s)",
		    curl_version());
		xfer_free(&x->base);
		return NULL;
	}
	return &x->base;
}
