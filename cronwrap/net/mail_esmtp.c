/*
 * mail_esmtp.c - one SMTP session through libesmtp (in a child process).
 *
 * libesmtp's smtp_start_session() succeeds whenever it talked to a server,
 * delivered or not, and a refused AUTH or a failed certificate check only
 * ends the session quietly.  So this file watches the protocol (the
 * monitor callback) and the events, and judges the result from the status
 * of MAIL, of each RCPT and of DATA.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <auth-client.h>
#include <libesmtp.h>

#include "mail.h"
#include "mail_esmtp.h"
#include "util/xalloc.h"

struct esmtp_ctx {
	const struct esmtp_req *req;
	int fd;
	bool verify;       /* check the server's certificate */
	bool ip_host;      /* smtp_server is an IP address */
	bool auth_pending; /* AUTH sent, its final reply not read yet */
	bool auth_ok;
	bool tls;
	char problem[512];  /* the first TLS/STARTTLS problem */
	char auth_err[256]; /* the server's reply to a refused AUTH */
	char last[256];     /* what happened last, for "no reply" */
};

static void
report(struct esmtp_ctx *c, char kind, const char *text)
{
	if (kind == '@' && text != c->last)
		snprintf(c->last, sizeof c->last, "%s", text);
	dprintf(c->fd, "%c%s\n", kind, text);
}

static void problem(struct esmtp_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
problem(struct esmtp_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->problem[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(c->problem, sizeof c->problem, fmt, ap);
	va_end(ap);
}

/* One reply line of the server: remembered for error messages, and the
 * outcome of AUTH, which libesmtp does not report. */
static void
server_line(struct esmtp_ctx *c, const char *line, size_t n)
{
	int code;

	if (n >= sizeof c->last)
		n = sizeof c->last - 1;
	memcpy(c->last, line, n);
	c->last[n] = '\0';
	report(c, '@', c->last);
	if (!c->auth_pending || n < 4 || c->last[3] == '-')
		return;
	code = atoi(c->last);
	if (code == 334)
		return;
	c->auth_pending = false;
	if (code / 100 == 2)
		c->auth_ok = true;
	else
		snprintf(c->auth_err, sizeof c->auth_err, "%s", c->last);
}

static void
monitor_cb(const char *buf, int buflen, int writing, void *arg)
{
	struct esmtp_ctx *c = arg;
	const char *p = buf, *end = buf + buflen;

	if (writing == SMTP_CB_WRITING) {
		/* Never log what is written: AUTH carries the password. */
		if (buflen >= 5 && strncmp(buf, "AUTH ", 5) == 0)
			c->auth_pending = true;
		return;
	}
	if (writing != SMTP_CB_READING)
		return;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl != NULL ? nl + 1 : end;
		size_t n = (size_t)((nl != NULL ? nl : end) - p);

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > 0)
			server_line(c, p, n);
		p = next;
	}
}

/* libesmtp checks only DNS names; a server given by IP address is
 * checked here against the certificate's IP names. */
static bool
cert_matches_ip(struct esmtp_ctx *c, SSL *ssl)
{
	X509 *cert;
	bool ok;

	if (!c->ip_host || ssl == NULL)
		return false;
	cert = SSL_get1_peer_certificate(ssl);
	if (cert == NULL)
		return false;
	ok = X509_check_ip_asc(cert, c->req->conf->smtp_server, 0) == 1;
	X509_free(cert);
	return ok;
}

static void
tls_event(struct esmtp_ctx *c, int event, va_list ap)
{
	const char *host = c->req->conf->smtp_server;

	if (event == SMTP_EV_INVALID_PEER_CERTIFICATE) {
		long res = va_arg(ap, long);
		int *ok = va_arg(ap, int *);

		*ok = !c->verify;
		if (c->verify)
			problem(c, "TLS certificate of %s not trusted: %s",
			    host, X509_verify_cert_error_string(res));
	} else if (event == SMTP_EV_WRONG_PEER_CERTIFICATE) {
		int *ok = va_arg(ap, int *);
		const char *name = va_arg(ap, const char *);
		SSL *ssl = va_arg(ap, SSL *);

		*ok = !c->verify || cert_matches_ip(c, ssl);
		if (!*ok)
			problem(c, "TLS certificate is for \"%s\", not %s",
			    name != NULL ? name : "", host);
	} else if (event == SMTP_EV_NO_PEER_CERTIFICATE) {
		int *ok = va_arg(ap, int *);

		*ok = !c->verify;
		if (c->verify)
			problem(c, "%s sent no TLS certificate", host);
	} else if (event == SMTP_EV_WEAK_CIPHER) {
		int bits = va_arg(ap, int);
		int *ok = va_arg(ap, int *);

		*ok = 0;
		problem(c, "TLS cipher too weak (%d bits)", bits);
	}
}

static void
event_cb(smtp_session_t session, int event, void *arg, ...)
{
	struct esmtp_ctx *c = arg;
	va_list ap;

	(void)session;
	va_start(ap, arg);
	switch (event) {
	case SMTP_EV_CONNECT:
		report(c, '@', "connected, waiting for the greeting");
		break;
	case SMTP_EV_STARTTLS_OK:
		c->tls = true;
		report(c, '@', "TLS started");
		break;
	case SMTP_EV_EXTNA_STARTTLS:
		problem(c, "the server does not offer STARTTLS "
		           "(starttls = \"require\")");
		break;
	case SMTP_EV_UNUSABLE_CA_LIST:
	case SMTP_EV_UNUSABLE_CLIENT_CERTIFICATE:
		problem(c, "TLS set-up failed (libesmtp event %d)", event);
		break;
	default:
		tls_event(c, event, ap);
		break;
	}
	va_end(ap);
}

static int
interact_cb(auth_client_request_t request, char **result, int fields, void *arg)
{
	struct esmtp_ctx *c = arg;

	for (int i = 0; i < fields; i++) {
		if (request[i].flags & AUTH_USER)
			result[i] = c->req->conf->smtp_user;
		else if (request[i].flags & AUTH_PASS)
			result[i] = (char *)(uintptr_t)c->req->password;
		else
			result[i] = (char *)(uintptr_t) "";
	}
	return 1;
}

static SSL_CTX *
tls_context(struct esmtp_ctx *c)
{
	const char *ca = c->req->conf->ca_file;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL) {
		problem(c, "cannot create a TLS context");
		return NULL;
	}
	/* libesmtp 1.1.0 mishandles what a TLS 1.3 server sends after the
	 * handshake (session tickets): about every other session then ends
	 * with QUIT right after the EHLO reply (seen against aiosmtpd). */
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	if (ca != NULL ? SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1
	               : SSL_CTX_set_default_verify_paths(ctx) != 1) {
		problem(c, "ca_file %s: cannot load: %s", ca != NULL ? ca : "",
		    ERR_reason_error_string(ERR_get_error()));
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static void
set_timeouts(smtp_session_t s, double seconds)
{
	static const int phases[] = {Timeout_GREETING, Timeout_ENVELOPE,
	    Timeout_DATA, Timeout_TRANSFER, Timeout_DATA2};
	long ms = (long)(seconds * 1000);

	if (ms < 1000)
		ms = 1000;
	for (size_t i = 0; i < sizeof phases / sizeof phases[0]; i++)
		smtp_set_timeout(
		    s, phases[i] | Timeout_OVERRIDE_RFC2822_MINIMUM, ms);
}

static const enum starttls_option tls_modes[] = {
    [STARTTLS_NO] = Starttls_DISABLED,
    [STARTTLS_TRY] = Starttls_ENABLED,
    [STARTTLS_REQUIRE] = Starttls_REQUIRED,
};

/* Adds the envelope; the addresses must outlive the session. */
static smtp_message_t
add_message(smtp_session_t s, const struct esmtp_req *req, struct strv *addrs)
{
	smtp_message_t m = smtp_add_message(s);

	smtp_set_reverse_path(m, req->from);
	smtp_set_message_str(m, (void *)(uintptr_t)req->text);
	for (size_t i = 0; i < req->to->n; i++) {
		strv_push_take(addrs, mail_address(req->to->v[i]));
		smtp_add_recipient(m, addrs->v[addrs->n - 1]);
	}
	return m;
}

static void
strip_text(char *dst, size_t len, const char *text)
{
	size_t n;

	snprintf(dst, len, "%s", text != NULL ? text : "");
	n = strlen(dst);
	while (n > 0 &&
	       (dst[n - 1] == '\n' || dst[n - 1] == '\r' || dst[n - 1] == ' '))
		dst[--n] = '\0';
	for (char *p = dst; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
}

struct rcpt_tally {
	int ok, refused;
	char why[512];
};

static void
rcpt_cb(smtp_recipient_t r, const char *mailbox, void *arg)
{
	struct rcpt_tally *t = arg;
	const smtp_status_t *st = smtp_recipient_status(r);
	char text[200];
	size_t n = strlen(t->why);

	if (st->code / 100 == 2) {
		t->ok++;
		return;
	}
	t->refused++;
	strip_text(text, sizeof text, st->text);
	if (n < sizeof t->why - 1)
		snprintf(t->why + n, sizeof t->why - n, "%sRCPT TO:<%s> %d %s",
		    n > 0 ? "; " : "", mailbox, st->code, text);
}

/* Why MAIL FROM was never answered. */
static void
not_reached(struct esmtp_ctx *c, char *buf, size_t len)
{
	char why[128];

	if (c->problem[0] != '\0')
		snprintf(buf, len, "%s", c->problem);
	else if (c->auth_err[0] != '\0')
		snprintf(buf, len, "AUTH refused: %s", c->auth_err);
	else
		snprintf(buf, len, "%s before MAIL FROM (last: %s)",
		    smtp_errno() != 0
		        ? smtp_strerror(smtp_errno(), why, sizeof why)
		        : "session ended",
		    c->last);
}

/* Judges the session from the statuses of MAIL, RCPT and DATA. */
static int
judge(struct esmtp_ctx *c, smtp_message_t m, char *buf, size_t len)
{
	const smtp_status_t *mail = smtp_reverse_path_status(m);
	const smtp_status_t *data = smtp_message_transfer_status(m);
	struct rcpt_tally t = {0, 0, ""};
	char text[256];

	if (mail->code == 0) {
		not_reached(c, buf, len);
		return ESMTP_FAILED;
	}
	strip_text(text, sizeof text, mail->text);
	if (mail->code / 100 != 2) {
		snprintf(buf, len, "MAIL FROM:<%s> refused: %d %s%s%s",
		    c->req->from, mail->code, text,
		    c->auth_err[0] ? "; AUTH was refused: " : "", c->auth_err);
		return ESMTP_FAILED;
	}
	smtp_enumerate_recipients(m, rcpt_cb, &t);
	if (t.ok == 0) {
		snprintf(buf, len, "no recipient accepted: %s", t.why);
		return ESMTP_FAILED;
	}
	strip_text(text, sizeof text, data->text);
	if (data->code / 100 != 2) {
		snprintf(buf, len, "message refused: %d %s", data->code, text);
		return ESMTP_FAILED;
	}
	if (t.refused == 0 && c->auth_err[0] == '\0')
		return ESMTP_DELIVERED;
	snprintf(buf, len, "delivered, but %s%s%s", t.refused ? t.why : "",
	    t.refused && c->auth_err[0] ? "; " : "",
	    c->auth_err[0] ? "AUTH was refused and the server took the "
	                     "message unauthenticated"
	                   : "");
	return ESMTP_WARNING;
}

/* Sets up TLS and AUTH; returns -1 (with c->problem) when it cannot. */
static int
set_security(
    struct esmtp_ctx *c, smtp_session_t s, SSL_CTX **tls, auth_context_t *auth)
{
	const struct mail_conf *conf = c->req->conf;

	smtp_starttls_enable(s, tls_modes[conf->starttls]);
	if (conf->starttls != STARTTLS_NO) {
		*tls = tls_context(c);
		if (*tls == NULL)
			return -1;
		smtp_starttls_set_ctx(s, *tls);
	}
	if (c->req->password == NULL)
		return 0;
	auth_client_init();
	*auth = auth_create_context();
	auth_set_mechanism_flags(*auth, AUTH_PLUGIN_PLAIN, 0);
	auth_set_interact_cb(*auth, interact_cb, c);
	smtp_auth_set_context(s, *auth);
	return 0;
}

static bool
is_ip(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 ||
	       inet_pton(AF_INET6, host, a) == 1;
}

int
mail_esmtp_session(const struct esmtp_req *req, int fd)
{
	struct esmtp_ctx c = {.req = req, .fd = fd};
	smtp_session_t s = smtp_create_session();
	struct strv addrs = STRV_INIT;
	auth_context_t auth = NULL;
	SSL_CTX *tls = NULL;
	char server[300], buf[1024], why[256];
	int ret = ESMTP_FAILED;
	smtp_message_t m;

	c.verify = req->conf->starttls == STARTTLS_REQUIRE ||
	           req->conf->ca_file != NULL;
	c.ip_host = is_ip(req->conf->smtp_server);
	snprintf(server, sizeof server, "%s:%d", req->conf->smtp_server,
	    req->conf->smtp_port);
	smtp_set_server(s, server);
	smtp_set_eventcb(s, event_cb, &c);
	smtp_set_monitorcb(s, monitor_cb, &c, 0);
	set_timeouts(s, req->phase_timeout);
	m = add_message(s, req, &addrs);
	report(&c, '@', "connecting");
	if (set_security(&c, s, &tls, &auth) < 0)
		snprintf(buf, sizeof buf, "%s", c.problem);
	else if (!smtp_start_session(s))
		snprintf(buf, sizeof buf, "%s%s%s",
		    smtp_strerror(smtp_errno(), why, sizeof why),
		    c.problem[0] ? ": " : "", c.problem);
	else
		ret = judge(&c, m, buf, sizeof buf);
	report(&c, '!', ret == ESMTP_DELIVERED ? "" : buf);
	smtp_destroy_session(s);
	if (auth != NULL)
		auth_destroy_context(auth);
	SSL_CTX_free(tls);
	strv_free(&addrs);
	return ret;
}
