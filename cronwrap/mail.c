/*
 * mail.c - the RFC 5322 message and the choice of transport.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/base64.h"
#include "mail.h"
#include "mail_sendmail.h"
#include "mail_smtp.h"
#include "util/runid.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* RFC 5322 wants lines of at most 78 characters, RFC 2047 encoded words
 * of at most 75 on lines of at most 76: 39 bytes of UTF-8 make 52
 * characters of base64, a 64-character word, 73 after "Subject: ". */
#define LINE_MAX_SOFT 78
#define EW_CHUNK 39
#define QP_LINE 76

void
mail_hostname(char *buf, size_t len)
{
	if (gethostname(buf, len) < 0 || buf[0] == '\0')
		snprintf(buf, len, "localhost");
	buf[len - 1] = '\0';
}

char *
mail_expand(const char *pattern, const char *host)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (f == NULL)
		abort();
	for (const char *p = pattern; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 'h') {
			fputs(host, f);
			p++;
		} else if (p[0] == '%' && p[1] == '%') {
			fputc('%', f);
			p++;
		} else
			fputc(*p, f);
	}
	fclose(f);
	return out;
}

char *
mail_address(const char *mailbox)
{
	const char *lt = strrchr(mailbox, '<');
	const char *gt = lt != NULL ? strchr(lt, '>') : NULL;
	const char *b = mailbox, *e;

	if (lt != NULL && gt != NULL)
		return xstrndup(lt + 1, (size_t)(gt - lt - 1));
	while (*b == ' ' || *b == '\t')
		b++;
	e = b + strlen(b);
	while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return xstrndup(b, (size_t)(e - b));
}

/* A header value on one line: a CR or LF in it would end the header and
 * let a job's output write headers of its own. */
static void
put_value(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
	}
}

static bool
is_ascii_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* Length of the longest prefix of s, at most max bytes, that does not
 * cut a UTF-8 sequence. */
static size_t
utf8_prefix(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n > 0 ? n : max;
}

/* RFC 2047 "B" encoded words of at most EW_CHUNK bytes each, on folded
 * lines. */
static void
put_encoded(FILE *f, const char *s)
{
	char out[4 * ((EW_CHUNK + 2) / 3) + 1];
	char clean[EW_CHUNK + 1];
	bool first = true;

	while (*s != '\0') {
		size_t n = utf8_prefix(s, EW_CHUNK);

		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];

			clean[i] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
		}
		base64_encode((const unsigned char *)clean, n, out);
		fprintf(f, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", out);
		first = false;
		s += n;
	}
}

/* Folds a printable ASCII value at spaces to keep lines short. */
static void
put_folded(FILE *f, const char *s, size_t col)
{
	while (*s != '\0') {
		const char *sp = strchr(s + 1, ' ');
		size_t word = sp != NULL ? (size_t)(sp - s) : strlen(s);

		if (col + word > LINE_MAX_SOFT && col > 10 && *s == ' ') {
			fputs("\r\n", f);
			col = 0;
		}
		fwrite(s, 1, word, f);
		col += word;
		s += word;
	}
}

static void
put_subject(FILE *f, const char *subject)
{
	fputs("Subject: ", f);
	if (is_ascii_printable(subject))
		put_folded(f, subject, strlen("Subject: "));
	else
		put_encoded(f, subject);
	fputs("\r\n", f);
}

static void
put_date(FILE *f, time_t t)
{
	static const char *const days[] = {
	    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	char zone[8];

	localtime_r(&t, &tm);
	strftime(zone, sizeof zone, "%z", &tm);
	fprintf(f, "Date: %s, %02d %s %04d %02d:%02d:%02d %s\r\n",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, zone);
}

/* "Name <addr>" with a name that is not ASCII: the name becomes RFC 2047
 * encoded words (its quotes dropped), the address stays as it is. */
static void
put_mailbox(FILE *f, const char *mailbox)
{
	const char *lt = strrchr(mailbox, '<');
	char *name;
	size_t n;

	if (lt == NULL || is_ascii_printable(mailbox)) {
		put_value(f, mailbox);
		return;
	}
	while (*mailbox == ' ' || *mailbox == '"')
		mailbox++;
	n = (size_t)(lt - mailbox);
	while (n > 0 && (mailbox[n - 1] == ' ' || mailbox[n - 1] == '"'))
		n--;
	name = xstrndup(mailbox, n);
	put_encoded(f, name);
	fputc(' ', f);
	put_value(f, lt);
	free(name);
}

static void
put_to(FILE *f, const struct strv *to)
{
	fputs("To: ", f);
	for (size_t i = 0; to != NULL && i < to->n; i++) {
		if (i > 0)
			fputs(",\r\n ", f);
		put_mailbox(f, to->v[i]);
	}
	fputs("\r\n", f);
}

/* 7bit when every line is short printable ASCII, else quoted-printable. */
static bool
body_is_7bit(const char *body)
{
	size_t col = 0;

	for (const char *p = body; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\n') {
			col = 0;
			continue;
		}
		if ((c < 0x20 && c != '\t') || c > 0x7e || ++col > 900)
			return false;
	}
	return true;
}

static void
put_body_7bit(FILE *f, const char *body)
{
	for (const char *p = body; *p != '\0'; p++) {
		if (*p == '\n')
			fputc('\r', f);
		fputc(*p, f);
	}
	if (*body != '\0' && body[strlen(body) - 1] != '\n')
		fputs("\r\n", f);
}

/* RFC 2045 quoted-printable, one input line at a time. */
static void
put_qp_line(FILE *f, const char *s, size_t n)
{
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool last = i + 1 == n;
		bool lit = (c >= 33 && c <= 126 && c != '=') ||
		           ((c == ' ' || c == '\t') && !last);
		size_t w = lit ? 1 : 3;

		if (col + w > QP_LINE - 1) {
			fputs("=\r\n", f);
			col = 0;
		}
		if (lit)
			fputc(c, f);
		else
			fprintf(f, "=%02X", c);
		col += w;
	}
	fputs("\r\n", f);
}

static void
put_body_qp(FILE *f, const char *body)
{
	const char *p = body;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);

		put_qp_line(f, p, n);
		p += n + (nl != NULL);
	}
}

static void
put_headers(FILE *f, const struct mail_msg *m, const char *host, bool qp)
{
	char id[RUNID_LEN + 1];

	put_date(f, time(NULL));
	runid_new(now_real(), id);
	fprintf(f, "Message-ID: <%s.%ld.cronwrap@", id, (long)getpid());
	put_value(f, host);
	fputs(">\r\nFrom: ", f);
	put_mailbox(f, m->from);
	fputs("\r\n", f);
	put_to(f, m->to);
	put_subject(f, m->subject);
	/* RFC 3834: no vacation auto-replies to a robot. */
	fputs("Auto-Submitted: auto-generated\r\n"
	      "MIME-Version: 1.0\r\n"
	      "Content-Type: text/plain; charset=utf-8\r\n",
	    f);
	fprintf(f, "Content-Transfer-Encoding: %s\r\n",
	    qp ? "quoted-printable" : "7bit");
	for (size_t i = 0; m->headers != NULL && i < m->headers->n; i++) {
		fprintf(f, "%s: ", m->headers->keys[i]);
		put_value(f, m->headers->values[i]);
		fputs("\r\n", f);
	}
	fputs("\r\n", f);
}

char *
mail_format(const struct mail_msg *m, const char *host)
{
	const char *body = m->body != NULL ? m->body : "";
	bool qp = !body_is_7bit(body);
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (f == NULL)
		abort();
	put_headers(f, m, host, qp);
	if (qp)
		put_body_qp(f, body);
	else
		put_body_7bit(f, body);
	fclose(f);
	return out;
}

int
mail_send(const struct mail_conf *conf, const struct mail_msg *m, char *err,
    size_t errlen)
{
	char host[256];
	char *text, *from;
	int ret;

	err[0] = '\0';
	if (m->to == NULL || m->to->n == 0) {
		snprintf(err, errlen, "no recipients (mail.to is empty)");
		return -1;
	}
	mail_hostname(host, sizeof host);
	text = mail_format(m, host);
	from = mail_address(m->from);
	if (conf->transport == MAIL_SENDMAIL)
		ret = mail_sendmail_send(conf, from, m->to, text, err, errlen);
	else
		ret = mail_smtp_send(conf, from, m->to, text, err, errlen);
	free(from);
	free(text);
	return ret;
}
