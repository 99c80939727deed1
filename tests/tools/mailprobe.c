/*
 * mailprobe - sends one message through mail_send() with the settings
 * given on the command line, so that the transports can be tested against
 * real servers without a job runner.
 *
 *   mailprobe [-F] [-x smtp|sendmail] [-s SERVER] [-p PORT]
 *       [-t no|try|require] [-u USER] [-P PASSWORD_FILE] [-c CA_FILE]
 *       [-m SENDMAIL] [-T TIMEOUT] [-f FROM] [-S SUBJECT] [-b BODY_FILE]
 *       [-H NAME=VALUE]... TO...
 *
 * -F prints the formatted message instead of sending it.  Exit 0 when
 * delivered (a warning goes to stderr as "warning: ..."), 1 when not
 * ("error: ..."), 64 for a usage error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail.h"
#include "util/path.h"
#include "util/xalloc.h"

struct probe {
	struct mail_conf conf;
	struct kv headers;
	struct strv to;
	const char *from, *subject, *body_file;
	char *body;
	int format_only;
};

static int
usage(void)
{
	fprintf(stderr, "usage: mailprobe [-F] [-x smtp|sendmail] [-s server] "
	                "[-p port] [-t no|try|require] [-u user] "
	                "[-P password_file] [-c ca_file] [-m sendmail] "
	                "[-T timeout] [-f from] [-S subject] [-b body_file] "
	                "[-H name=value]... to...\n");
	return 64;
}

static int
set_tls(struct mail_conf *c, const char *s)
{
	if (strcmp(s, "no") == 0)
		c->starttls = STARTTLS_NO;
	else if (strcmp(s, "try") == 0)
		c->starttls = STARTTLS_TRY;
	else if (strcmp(s, "require") == 0)
		c->starttls = STARTTLS_REQUIRE;
	else
		return -1;
	return 0;
}

static int
set_header(struct kv *h, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *name;

	if (eq == NULL)
		return -1;
	name = xstrndup(arg, (size_t)(eq - arg));
	kv_set(h, name, eq + 1);
	free(name);
	return 0;
}

static int
option(struct probe *p, int c, const char *arg)
{
	switch (c) {
	case 'F':
		p->format_only = 1;
		return 0;
	case 'x':
		p->conf.transport =
		    strcmp(arg, "sendmail") == 0 ? MAIL_SENDMAIL : MAIL_SMTP;
		return 0;
	case 's':
		p->conf.smtp_server = (char *)(uintptr_t)arg;
		return 0;
	case 'p':
		p->conf.smtp_port = atoi(arg);
		return 0;
	case 't':
		return set_tls(&p->conf, arg);
	case 'u':
		p->conf.smtp_user = (char *)(uintptr_t)arg;
		return 0;
	case 'P':
		p->conf.smtp_password_file = (char *)(uintptr_t)arg;
		return 0;
	case 'c':
		p->conf.ca_file = (char *)(uintptr_t)arg;
		return 0;
	case 'm':
		p->conf.sendmail = (char *)(uintptr_t)arg;
		return 0;
	case 'T':
		p->conf.timeout = atof(arg);
		return 0;
	case 'f':
		p->from = arg;
		return 0;
	case 'S':
		p->subject = arg;
		return 0;
	case 'b':
		p->body_file = arg;
		return 0;
	case 'H':
		return set_header(&p->headers, arg);
	default:
		return -1;
	}
}

static int
deliver(struct probe *p)
{
	char host[256], err[1024];
	char *from;
	struct mail_msg m;

	mail_hostname(host, sizeof host);
	from = mail_expand(p->from, host);
	m = (struct mail_msg){p->subject, p->body, from, &p->to, &p->headers};
	if (p->format_only) {
		char *text = mail_format(&m, host);

		fputs(text, stdout);
		free(text);
		free(from);
		return 0;
	}
	if (mail_send(&p->conf, &m, err, sizeof err) < 0) {
		fprintf(stderr, "error: %s\n", err);
		free(from);
		return 1;
	}
	if (err[0] != '\0')
		fprintf(stderr, "warning: %s\n", err);
	free(from);
	return 0;
}

int
main(int argc, char **argv)
{
	struct probe p = {.headers = KV_INIT,
	    .to = STRV_INIT,
	    .from = "cronwrap@%h",
	    .subject = "[cronwrap] probe"};
	int c, ret;

	p.conf.smtp_server = (char *)(uintptr_t) "localhost";
	p.conf.smtp_port = 25;
	p.conf.starttls = STARTTLS_TRY;
	p.conf.timeout = 30;
	while ((c = getopt(argc, argv, "FH:P:S:T:b:c:f:m:p:s:t:u:x:")) != -1)
		if (option(&p, c, optarg) < 0)
			return usage();
	for (int i = optind; i < argc; i++)
		strv_push(&p.to, argv[i]);
	if (p.to.n == 0)
		return usage();
	p.body = p.body_file != NULL ? read_file(p.body_file, 1 << 24, NULL)
	                             : xstrdup("probe\n");
	if (p.body == NULL) {
		fprintf(stderr, "error: %s: cannot read\n", p.body_file);
		return 1;
	}
	ret = deliver(&p);
	free(p.body);
	kv_free(&p.headers);
	strv_free(&p.to);
	return ret;
}
