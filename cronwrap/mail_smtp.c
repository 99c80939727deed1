/*
 * mail_smtp.c - the SMTP transport: the password, and the session child
 * with its deadline.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net.h"
#include "alert_proc.h"
#include "mail_esmtp.h"
#include "mail_smtp.h"
#include "util/timeutil.h"

#define DEFAULT_TIMEOUT 60.0

int
mail_smtp_password(
    const char *path, char *buf, size_t len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	ssize_t n;

	if (fd < 0) {
		snprintf(err, errlen, "smtp_password_file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & (S_IROTH | S_IWOTH))) {
		snprintf(err, errlen,
		    "smtp_password_file %s: refused: %s (mode %04o); "
		    "chmod o-rw it",
		    path,
		    S_ISREG(st.st_mode) ? "others may read it"
		                        : "not a regular file",
		    (unsigned)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "smtp_password_file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/* Splits the child's report into its last progress line and its result
 * (NULL when it never got that far). */
static const char *
parse_report(char *out, const char **progress)
{
	const char *result = NULL;
	char *save = NULL;

	*progress = "starting";
	for (char *line = strtok_r(out, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '@')
			*progress = line + 1;
		else if (line[0] == '!')
			result = line + 1;
	}
	return result;
}

static int
verdict(const struct mail_conf *conf, int waited, int status, char *out,
    double timeout, char *err, size_t errlen)
{
	const char *progress, *result = parse_report(out, &progress);
	char how[80];

	if (waited == 1) {
		snprintf(err, errlen,
		    "SMTP %s:%d: no answer within %gs (last: %s)",
		    conf->smtp_server, conf->smtp_port, timeout, progress);
		return -1;
	}
	if (waited == 0 && WIFEXITED(status) && result != NULL) {
		int code = WEXITSTATUS(status);

		if (code == ESMTP_DELIVERED)
			return 0;
		snprintf(err, errlen, "SMTP %s:%d: %s", conf->smtp_server,
		    conf->smtp_port, result);
		return code == ESMTP_WARNING ? 0 : -1;
	}
	if (waited == 0)
		alert_proc_status_str(status, how, sizeof how);
	else
		snprintf(how, sizeof how, "lost (%s)", strerror(errno));
	snprintf(err, errlen, "SMTP %s:%d: the session process %s (last: %s)",
	    conf->smtp_server, conf->smtp_port, how, progress);
	return -1;
}

int
mail_smtp_send(const struct mail_conf *conf, const char *from,
    const struct strv *to, const char *text, char *err, size_t errlen)
{
	double timeout = conf->timeout > 0 ? conf->timeout : DEFAULT_TIMEOUT;
	struct esmtp_req req = {conf, from, to, text, NULL, timeout * 0.9};
	char password[1024], out[4096];
	int fd, status = 0, waited;
	pid_t pid;

	if (conf->smtp_user != NULL && conf->smtp_user[0] != '\0') {
		if (conf->smtp_password_file == NULL) {
			snprintf(err, errlen,
			    "smtp_user is set but "
			    "smtp_password_file is not");
			return -1;
		}
		if (mail_smtp_password(conf->smtp_password_file, password,
		        sizeof password, err, errlen) < 0)
			return -1;
		req.password = password;
	}
	pid = alert_proc_fork(false, &fd);
	if (pid == 0) {
		signal(SIGPIPE, SIG_IGN);
		_exit(net_mail_esmtp_session(&req, STDOUT_FILENO));
	}
	explicit_bzero(password, sizeof password);
	if (pid < 0) {
		snprintf(err, errlen, "SMTP: cannot fork: %s", strerror(errno));
		return -1;
	}
	waited = alert_proc_wait(
	    pid, fd, now_mono() + timeout, out, sizeof out, &status);
	return verdict(conf, waited, status, out, timeout, err, errlen);
}
