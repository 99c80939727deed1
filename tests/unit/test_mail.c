/*
 * test_mail.c - the message format (headers, CRLF, 7bit or
 * quoted-printable, RFC 2047 subjects cut on UTF-8 boundaries, no header
 * injection), "%h" expansion, envelope addresses, the password file's
 * mode check, and the sendmail transport with a local program standing
 * in for the MTA (the real ones are in tests/integration/test_mail.py).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "mail.h"
#include "mail_smtp.h"
#include "unit.h"

static struct strv
to_list(const char *a, const char *b)
{
	struct strv sv = STRV_INIT;

	strv_push(&sv, a);
	if (b != NULL)
		strv_push(&sv, b);
	return sv;
}

/* The header block of a formatted message, and a pointer to its body. */
static char *
headers_of(const char *msg, const char **body)
{
	const char *end = strstr(msg, "\r\n\r\n");

	assert_non_null(end);
	*body = end + 4;
	return xstrndup(msg, (size_t)(end - msg + 2));
}

static void
test_format_headers(void **state)
{
	struct strv to = to_list("ops@example.com", "Team <t@example.com>");
	struct kv extra = KV_INIT;
	struct mail_msg m = {"[cronwrap] FAILED x on h: exit 2 after 1s",
	    "line 1\nline 2\n", "cronwrap@h", &to, &extra};
	const char *body;
	char *msg, *head;

	(void)state;
	kv_set(&extra, "X-Cronwrap-Job", "x");
	msg = mail_format(&m, "db3.example.com");
	head = headers_of(msg, &body);
	assert_non_null(strstr(head, "\r\nFrom: cronwrap@h\r\n"));
	assert_non_null(strstr(
	    head, "\r\nTo: ops@example.com,\r\n Team <t@example.com>\r\n"));
	assert_non_null(strstr(head,
	    "\r\nSubject: [cronwrap] FAILED x on h: exit 2 after 1s\r\n"));
	assert_non_null(strstr(head, ".cronwrap@db3.example.com>\r\n"));
	assert_non_null(strstr(head, "\r\nMessage-ID: <"));
	assert_true(strncmp(head, "Date: ", 6) == 0);
	assert_non_null(strstr(head, "\r\nAuto-Submitted: auto-generated\r\n"));
	assert_non_null(
	    strstr(head, "\r\nContent-Type: text/plain; charset=utf-8\r\n"));
	assert_non_null(
	    strstr(head, "\r\nContent-Transfer-Encoding: 7bit\r\n"));
	assert_non_null(strstr(head, "\r\nX-Cronwrap-Job: x\r\n"));
	assert_string_equal(body, "line 1\r\nline 2\r\n");
	free(head);
	free(msg);
	kv_free(&extra);
	strv_free(&to);
}

static void
test_format_no_bare_lf(void **state)
{
	struct strv to = to_list("a@b", NULL);
	struct mail_msg m = {"s", "a\nb\n\nc", "f@h", &to, NULL};
	char *msg = mail_format(&m, "h");

	(void)state;
	for (const char *p = msg; *p != '\0'; p++)
		if (*p == '\n')
			assert_true(p > msg && p[-1] == '\r');
	assert_non_null(strstr(msg, "\r\n\r\na\r\nb\r\n\r\nc\r\n"));
	free(msg);
	strv_free(&to);
}

/* Decodes "=?UTF-8?B?...?=" words of a folded Subject header back. */
static char *
decode_subject(const char *head)
{
	const char *p = strstr(head, "Subject: ");
	char *out = xcalloc(1, 1024);
	size_t n = 0;

	assert_non_null(p);
	while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
		const char *e = strstr(p + 10, "?=");
		unsigned char buf[128];
		int k, pad = 0;

		assert_non_null(e);
		assert_true(e - p + 2 <= 75); /* RFC 2047 word length */
		k = EVP_DecodeBlock(
		    buf, (const unsigned char *)p + 10, (int)(e - p - 10));
		for (const char *q = e - 1; *q == '='; q--)
			pad++;
		memcpy(out + n, buf, (size_t)(k - pad));
		n += (size_t)(k - pad);
		p = e + 2;
	}
	return out;
}

static void
test_format_injection(void **state)
{
	struct strv to = to_list("a@b\r\nBcc: evil@x", NULL);
	struct mail_msg m = {
	    "s\r\nBcc: evil@x", "b\n", "f@h\nBcc: evil@x", &to, NULL};
	const char *body;
	char *msg = mail_format(&m, "h"), *head = headers_of(msg, &body);

	(void)state;
	char *subject = decode_subject(head);

	assert_null(strstr(head, "\r\nBcc:"));
	assert_string_equal(subject, "s  Bcc: evil@x");
	assert_non_null(strstr(head, "\r\nFrom: f@h Bcc: evil@x\r\n"));
	free(subject);
	free(head);
	free(msg);
	strv_free(&to);
}

static void
test_format_utf8_subject(void **state)
{
	const char *subject = "[cronwrap] FAILED exportação-diária-çççççççç "
	                      "on höst: ✗✗✗✗✗✗✗✗✗✗ exit 1 after 1s";
	struct strv to = to_list("a@b", NULL);
	struct mail_msg m = {subject, "b\n", "f@h", &to, NULL};
	const char *body;
	char *msg = mail_format(&m, "h"), *head = headers_of(msg, &body);
	char *back = decode_subject(head);

	(void)state;
	assert_string_equal(back, subject);
	/* Every line of the header block stays short. */
	for (const char *l = head; *l != '\0';) {
		const char *e = strstr(l, "\r\n");

		assert_true(e - l <= 78);
		l = e + 2;
	}
	free(back);
	free(head);
	free(msg);
	strv_free(&to);
}

static void
test_format_quoted_printable(void **state)
{
	char long_line[2001];
	struct strv to = to_list("a@b", NULL);
	char *text, *msg;
	struct mail_msg m = {"s", NULL, "f@h", &to, NULL};

	(void)state;
	memset(long_line, 'x', 2000);
	long_line[2000] = '\0';
	text = xasprintf("ünï=\n%s\ntrailing space \n", long_line);
	m.body = text;
	msg = mail_format(&m, "h");
	assert_non_null(strstr(msg, "Content-Transfer-Encoding: "
	                            "quoted-printable\r\n"));
	assert_non_null(strstr(msg, "\r\n\r\n=C3=BCn=C3=AF=3D\r\n"));
	assert_non_null(strstr(msg, "trailing space=20\r\n"));
	for (const char *l = msg; *l != '\0';) {
		const char *e = strstr(l, "\r\n");

		assert_non_null(e);
		assert_true(e - l <= 998);
		if (l > strstr(msg, "\r\n\r\n"))
			assert_true(e - l <= 76);
		l = e + 2;
	}
	free(msg);
	free(text);
	strv_free(&to);
}

static void
test_expand_and_address(void **state)
{
	static const struct {
		const char *in, *want;
	} expand[] =
	    {
	        {"cronwrap@%h", "cronwrap@db3"},
	        {"%h%%h", "db3%h"},
	        {"Cron <cron@%h>", "Cron <cron@db3>"},
	        {"100%", "100%"},
	    },
	  addr[] = {
	      {"ops@example.com", "ops@example.com"},
	      {"  ops@example.com ", "ops@example.com"},
	      {"Ops Team <ops@example.com>", "ops@example.com"},
	      {"\"a <b>\" <c@d>", "c@d"},
	  };

	(void)state;
	for (size_t i = 0; i < sizeof expand / sizeof *expand; i++) {
		char *got = mail_expand(expand[i].in, "db3");

		assert_string_equal(got, expand[i].want);
		free(got);
	}
	for (size_t i = 0; i < sizeof addr / sizeof *addr; i++) {
		char *got = mail_address(addr[i].in);

		assert_string_equal(got, addr[i].want);
		free(got);
	}
}

static void
test_password_file(void **state)
{
	char *dir = unit_tmpdir("mail");
	char *ok = unit_write(dir, "ok", "s3cret\r\nignored\n");
	char *open_ = unit_write(dir, "open", "x\n");
	char *gw = unit_write(dir, "gw", "x\n");
	char buf[64], err[256];

	(void)state;
	chmod(ok, 0640);
	chmod(open_, 0604);
	chmod(gw, 0602);
	assert_int_equal(
	    mail_smtp_password(ok, buf, sizeof buf, err, sizeof err), 0);
	assert_string_equal(buf, "s3cret");
	assert_int_equal(
	    mail_smtp_password(open_, buf, sizeof buf, err, sizeof err), -1);
	assert_non_null(strstr(err, "others may read it (mode 0604)"));
	assert_int_equal(
	    mail_smtp_password(gw, buf, sizeof buf, err, sizeof err), -1);
	assert_int_equal(
	    mail_smtp_password(dir, buf, sizeof buf, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a regular file"));
	free(ok);
	free(open_);
	free(gw);
	unit_rmdir(dir);
}

/* A stand-in MTA: saves its arguments and its standard input. */
static char *
fake_sendmail(const char *dir, int status)
{
	char *text = xasprintf("#!/bin/sh\n"
	                       "printf '%%s\\n' \"$@\" > %s/args\n"
	                       "cat > %s/msg\n"
	                       "echo 'queue full' >&2\n"
	                       "exit %d\n",
	    dir, dir, status);
	char *path = unit_write(dir, "sendmail", text);

	chmod(path, 0755);
	free(text);
	return path;
}

static void
test_sendmail_transport(void **state)
{
	char *dir = unit_tmpdir("sendmail");
	struct strv to = to_list("-oops@example.com", "Team <t@example.com>");
	struct mail_conf conf = {.transport = MAIL_SENDMAIL, .timeout = 10};
	struct mail_msg m = {"subject", "a\n.b\n", "Cron <cron@h>", &to, NULL};
	char err[256], *path, *args, *msg;

	(void)state;
	conf.sendmail = fake_sendmail(dir, 0);
	assert_int_equal(mail_send(&conf, &m, err, sizeof err), 0);
	assert_string_equal(err, "");
	path = xasprintf("%s/args", dir);
	args = unit_slurp(path, NULL);
	assert_string_equal(
	    args, "-oi\n-f\ncron@h\n--\n-oops@example.com\nt@example.com\n");
	free(path);
	path = xasprintf("%s/msg", dir);
	msg = unit_slurp(path, NULL);
	assert_null(strchr(msg, '\r')); /* local submission: LF */
	assert_non_null(strstr(msg, "\nSubject: subject\n"));
	assert_non_null(strstr(msg, "\n\na\n.b\n"));
	free(msg);
	free(path);
	free(args);
	free(conf.sendmail);
	conf.sendmail = fake_sendmail(dir, 75);
	assert_int_equal(mail_send(&conf, &m, err, sizeof err), -1);
	assert_non_null(strstr(err, "exited 75: queue full"));
	free(conf.sendmail);
	strv_free(&to);
	unit_rmdir(dir);
}

static void
test_no_recipients(void **state)
{
	struct strv to = STRV_INIT;
	struct mail_conf conf = {.transport = MAIL_SMTP};
	struct mail_msg m = {"s", "b", "f@h", &to, NULL};
	char err[128];

	(void)state;
	assert_int_equal(mail_send(&conf, &m, err, sizeof err), -1);
	assert_string_equal(err, "no recipients (mail.to is empty)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_headers),
	    cmocka_unit_test(test_format_no_bare_lf),
	    cmocka_unit_test(test_format_injection),
	    cmocka_unit_test(test_format_utf8_subject),
	    cmocka_unit_test(test_format_quoted_printable),
	    cmocka_unit_test(test_expand_and_address),
	    cmocka_unit_test(test_password_file),
	    cmocka_unit_test(test_sendmail_transport),
	    cmocka_unit_test(test_no_recipients),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
