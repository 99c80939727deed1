/*
 * mail_sendmail.c - delivery through the local MTA's sendmail program.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alert_proc.h"
#include "mail.h"
#include "mail_sendmail.h"
#include "util/timeutil.h"

#define DEFAULT_SENDMAIL "/usr/sbin/sendmail"
#define DEFAULT_TIMEOUT 60.0

/* The message in a memory file, CRLF turned into LF: a file on stdin,
 * unlike a pipe, cannot block the runner or kill it with SIGPIPE when
 * the program stops reading. */
static int
message_fd(const char *text)
{
	int fd = memfd_create("cronwrap-mail", MFD_CLOEXEC);
	FILE *f;

	if (fd < 0)
		return -1;
	f = fdopen(dup(fd), "w");
	if (f == NULL) {
		close(fd);
		return -1;
	}
	for (const char *p = text; *p != '\0'; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			fputc(*p, f);
	if (fclose(f) != 0 || lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* sendmail -oi -f FROM -- RCPT...: "--" so that no address is taken for
 * an option. */
static char **
sendmail_argv(const char *prog, const char *from, const struct strv *to,
    struct strv *addrs)
{
	char **argv = calloc(to->n + 7, sizeof *argv);
	size_t n = 0;

	if (argv == NULL)
		abort();
	argv[n++] = (char *)(uintptr_t)prog;
	argv[n++] = (char *)(uintptr_t) "-oi";
	argv[n++] = (char *)(uintptr_t) "-f";
	argv[n++] = (char *)(uintptr_t)from;
	argv[n++] = (char *)(uintptr_t) "--";
	for (size_t i = 0; i < to->n; i++) {
		strv_push_take(addrs, mail_address(to->v[i]));
		argv[n++] = addrs->v[addrs->n - 1];
	}
	return argv;
}

static int
verdict(const char *prog, int waited, int status, char *out, double timeout,
    char *err, size_t errlen)
{
	char how[80];
	size_t n = strlen(out);

	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
	for (char *p = out; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (waited == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (waited == 1)
		snprintf(how, sizeof how, "killed after %gs", timeout);
	else if (waited == 0)
		alert_proc_status_str(status, how, sizeof how);
	else
		snprintf(how, sizeof how, "lost (%s)", strerror(errno));
	snprintf(err, errlen, "sendmail %s %s%s%s", prog, how,
	    out[0] ? ": " : "", out);
	return -1;
}

int
mail_sendmail_send(const struct mail_conf *conf, const char *from,
    const struct strv *to, const char *text, char *err, size_t errlen)
{
	const char *prog = conf->sendmail ? conf->sendmail : DEFAULT_SENDMAIL;
	double timeout = conf->timeout > 0 ? conf->timeout : DEFAULT_TIMEOUT;
	struct strv addrs = STRV_INIT;
	char **argv, out[1024];
	int in, fd, status = 0, waited;
	pid_t pid;

	in = message_fd(text);
	if (in < 0) {
		snprintf(err, errlen, "sendmail: cannot buffer the message: %s",
		    strerror(errno));
		return -1;
	}
	argv = sendmail_argv(prog, from, to, &addrs);
	pid = alert_proc_fork(true, &fd);
	if (pid == 0)
		alert_proc_exec(argv, NULL, in);
	close(in);
	free(argv);
	strv_free(&addrs);
	if (pid < 0) {
		snprintf(
		    err, errlen, "sendmail: cannot fork: %s", strerror(errno));
		return -1;
	}
	waited = alert_proc_wait(
	    pid, fd, now_mono() + timeout, out, sizeof out, &status);
	return verdict(prog, waited, status, out, timeout, err, errlen);
}
