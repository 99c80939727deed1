/*
 * transfer_ops.c - the target operations over libcurl: upload, size check,
 * rename, remove, mkdir and listing, as requests on the one handle.
 * Renames, removals and mkdirs are quote commands (FTP RNFR/RNTO, DELE,
 * MKD; SFTP rename, rm, mkdir) sent on a request that transfers nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transfer_int.h"

/* A command for a path: FTP takes the rest of the line verbatim, SFTP a
 * quoted file name.  A leading '*' tells libcurl to ignore its failure. */
static struct curl_slist *
cmd_append(struct xfer *x, struct curl_slist *list, const char *verb,
    const char *path1, const char *path2)
{
	char *q1 = x->sftp ? remote_sftp_quote(path1) : strdup(path1);
	char *q2 = path2 == NULL ? NULL
	           : x->sftp     ? remote_sftp_quote(path2)
	                         : strdup(path2);
	struct curl_slist *more = NULL;
	char *cmd = NULL;

	if (q1 && (path2 == NULL || q2) &&
	    asprintf(
	        &cmd, "%s %s%s%s", verb, q1, q2 ? " " : "", q2 ? q2 : "") >= 0)
		more = curl_slist_append(list, cmd);
	free(q1);
	free(q2);
	free(cmd);
	if (more == NULL)
		curl_slist_free_all(list);
	return more;
}

/* The URL of name for messages; "?" when it cannot be made. */
static char *
url_of(struct xfer *x, const char *name)
{
	char *u = remote_url(x->r, name);

	return u ? u : strdup("?");
}

/* Runs commands on a request that transfers nothing, and frees them; the
 * message of a failure reads "what URL-of-name: ...". */
static int
run_commands(
    struct xfer *x, struct curl_slist *cmds, const char *what, const char *name)
{
	char *url = url_of(x, name), *w = NULL;
	int rc = -1;

	if (url == NULL || asprintf(&w, "%s %s", what, url) < 0)
		w = NULL;
	if (cmds == NULL || w == NULL)
		target_fail(&x->base, false, "%s: %s", what, strerror(ENOMEM));
	else if (xfer_request(x, "") == 0) {
		curl_easy_setopt(x->h, CURLOPT_NOBODY, 1L);
		curl_easy_setopt(x->h, CURLOPT_QUOTE, cmds);
		rc = xfer_perform(x, w);
		curl_easy_setopt(
		    x->h, CURLOPT_QUOTE, (struct curl_slist *)NULL);
	}
	curl_slist_free_all(cmds);
	free(url);
	free(w);
	return rc;
}

static size_t
on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t want = size * n;
	ssize_t got;

	/* Asked for data: the server has accepted the STOR or the open. */
	x->base.touched = true;
	if ((curl_off_t)want > x->left)
		want = (size_t)x->left;
	if (want == 0)
		return 0;
	do
		got = read(x->fd, buf, want);
	while (got < 0 && errno == EINTR);
	if (got <= 0) {
		x->read_errno = got < 0 ? errno : 0;
		return CURL_READFUNC_ABORT;
	}
	x->left -= got;
	return (size_t)got;
}

static int
xfer_put(struct target *t, const char *name, int fd, off_t size)
{
	struct xfer *x = (struct xfer *)t;
	char *url, *what = NULL;
	int rc;

	if (xfer_request(x, name) < 0)
		return -1;
	curl_easy_setopt(x->h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(x->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)size);
	curl_easy_setopt(x->h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(x->h, CURLOPT_READDATA, x);
	x->fd = fd;
	x->left = size;
	x->read_errno = -1;
	x->uploading = true;
	url = url_of(x, name);
	if (asprintf(&what, "uploading to %s", url) < 0)
		what = NULL;
	rc = xfer_perform(x, what ? what : url);
	x->uploading = false;
	if (rc < 0 && x->read_errno >= 0)
		target_fail(t, false,
		    "uploading to %s: reading the local "
		    "file: %s",
		    url,
		    x->read_errno ? strerror(x->read_errno)
		                  : "it got shorter while being sent");
	free(what);
	free(url);
	return rc;
}

static int
size_mismatch(struct xfer *x, const char *name, const char *how, off_t size)
{
	char *url = url_of(x, name);

	/* Transient: a truncated store is worth one more upload. */
	target_fail(&x->base, true,
	    "%s has %s on the server, not the %lld "
	    "bytes sent",
	    url, how, (long long)size);
	free(url);
	return -1;
}

/* FTP: SIZE, through a request without body. */
static int
ftp_check_size(struct xfer *x, const char *name, off_t size)
{
	curl_off_t remote = -1;
	char how[64];

	if (xfer_request(x, name) < 0)
		return -1;
	curl_easy_setopt(x->h, CURLOPT_NOBODY, 1L);
	if (xfer_perform(x, "checking the uploaded size") < 0)
		return -1;
	curl_easy_getinfo(x->h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &remote);
	if (remote < 0)
		return target_fail(&x->base, false,
		    "the server does not tell "
		    "file sizes (SIZE); set "
		    "verify_size = false");
	if (remote == (curl_off_t)size)
		return 0;
	snprintf(how, sizeof(how), "%lld bytes", (long long)remote);
	return size_mismatch(x, name, how, size);
}

static size_t
on_extra(char *data, size_t size, size_t n, void *arg)
{
	(void)data, (void)size, (void)n;
	((struct xfer *)arg)->longer = true;
	return 0; /* stop: the file is longer than expected */
}

/* SFTP: libcurl reports no size without downloading, so download from the
 * expected size on: nothing must come, and libcurl refuses an offset past
 * the end of a shorter file. */
static int
sftp_check_size(struct xfer *x, const char *name, off_t size)
{
	curl_off_t rest = 0;
	int rc;

	if (xfer_request(x, name) < 0)
		return -1;
	curl_easy_setopt(x->h, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)size);
	curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, on_extra);
	curl_easy_setopt(x->h, CURLOPT_WRITEDATA, x);
	x->longer = false;
	rc = xfer_perform(x, "checking the uploaded size");
	curl_easy_getinfo(x->h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &rest);
	if (rc < 0 && x->last_rc == CURLE_BAD_DOWNLOAD_RESUME)
		return size_mismatch(x, name, "fewer bytes", size);
	if ((rc < 0 && x->longer) || (rc == 0 && rest > 0)) {
		char how[64];

		snprintf(how, sizeof(how), "%lld bytes",
		    (long long)(size + (rest > 0 ? rest : 1)));
		return size_mismatch(x, name, how, size);
	}
	return rc;
}

static int
xfer_check_size(struct target *t, const char *name, off_t size)
{
	struct xfer *x = (struct xfer *)t;

	return x->sftp ? sftp_check_size(x, name, size)
	               : ftp_check_size(x, name, size);
}

static int
xfer_rename(struct target *t, const char *from, const char *to)
{
	struct xfer *x = (struct xfer *)t;
	char *pf = remote_cmd_path(x->r, from);
	char *pt = remote_cmd_path(x->r, to);
	struct curl_slist *cmds = NULL;

	if (pf && pt && x->sftp) {
		/* SFTP rename does not replace: remove the target first. */
		cmds = cmd_append(x, NULL, "*rm", pt, NULL);
		cmds = cmds ? cmd_append(x, cmds, "rename", pf, pt) : NULL;
	} else if (pf && pt) {
		cmds = cmd_append(x, NULL, "RNFR", pf, NULL);
		cmds = cmds ? cmd_append(x, cmds, "RNTO", pt, NULL) : NULL;
	}
	free(pf);
	free(pt);
	return run_commands(x, cmds, "renaming to", to);
}

static int
xfer_remove(struct target *t, const char *name)
{
	struct xfer *x = (struct xfer *)t;
	char *path = remote_cmd_path(x->r, name);
	struct curl_slist *cmds = NULL;

	if (path)
		cmds =
		    cmd_append(x, NULL, x->sftp ? "*rm" : "*DELE", path, NULL);
	free(path);
	return run_commands(x, cmds, "removing", name);
}

/* Every directory on the way, with failures ignored: most exist already,
 * and a real failure shows in the upload that follows. */
static int
xfer_mkdirs(struct target *t, const char *name)
{
	struct xfer *x = (struct xfer *)t;
	char *path = remote_cmd_path(x->r, name), **dirs;
	struct curl_slist *cmds = NULL;
	size_t n = 0;

	dirs = path ? remote_parents(path, &n) : NULL;
	free(path);
	if (dirs == NULL)
		return target_fail(t, false, "%s", strerror(ENOMEM));
	if (n == 0) {
		remote_strings_free(dirs);
		return 0;
	}
	for (size_t i = 0; i < n && (i == 0 || cmds); i++)
		cmds = cmd_append(
		    x, cmds, x->sftp ? "*mkdir" : "*MKD", dirs[i], NULL);
	remote_strings_free(dirs);
	return run_commands(x, cmds, "creating the directories of", name);
}

/* Hands each complete line of a name listing (NLST, or SFTP names) to
 * x->each as a base name: vsftpd's NLST of "in" answers "in/a.csv". */
static void
list_flush(struct xfer *x)
{
	const char *name;

	x->line[x->linelen] = '\0';
	x->line[strcspn(x->line, "\r")] = '\0';
	x->linelen = 0;
	name = remote_basename(x->line);
	if (*name && strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
		x->each(x->each_arg, name);
}

/* libcurl's write callback type: data is not const. */
static size_t
/* cppcheck-suppress constParameter */
on_list(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	for (size_t i = 0; i < size * n; i++) {
		if (data[i] == '\n')
			list_flush(x);
		else if (x->linelen < sizeof(x->line) - 1)
			x->line[x->linelen++] = data[i];
	}
	return size * n;
}

/* FTP lists a missing directory as an empty one; to tell them apart, CWD
 * into it and back to the login directory, which the first request learns
 * (PWD).  Sets *cmds to those commands, or to NULL when there is nothing
 * to check or no way to. */
static int
ftp_dir_probe(struct xfer *x, struct curl_slist **cmds)
{
	char *entry = NULL, *dir, *url, *what = NULL;
	int rc;

	*cmds = NULL;
	if (x->sftp || x->r->cmd_dir[0] == '\0')
		return 0;
	if (xfer_request(x, "") < 0)
		return -1;
	curl_easy_setopt(x->h, CURLOPT_NOBODY, 1L);
	url = url_of(x, "");
	if (url == NULL || asprintf(&what, "logging in to %s", url) < 0)
		what = NULL;
	rc = xfer_perform(x, what ? what : "logging in");
	free(url);
	free(what);
	if (rc < 0)
		return -1;
	if (curl_easy_getinfo(x->h, CURLINFO_FTP_ENTRY_PATH, &entry) !=
	        CURLE_OK ||
	    entry == NULL)
		return 0;
	dir = strdup(x->r->cmd_dir);
	if (dir && strlen(dir) > 1)
		dir[strlen(dir) - 1] = '\0'; /* "in/" -> "in" */
	*cmds = dir ? cmd_append(x, NULL, "CWD", dir, NULL) : NULL;
	*cmds = *cmds ? cmd_append(x, *cmds, "CWD", entry, NULL) : NULL;
	free(dir);
	if (*cmds == NULL)
		return target_fail(&x->base, false, "%s", strerror(ENOMEM));
	return 0;
}

static int
xfer_list(
    struct target *t, void (*each)(void *arg, const char *name), void *arg)
{
	struct xfer *x = (struct xfer *)t;
	struct curl_slist *probe;
	char *url, *what = NULL;
	int rc = -1;

	if (ftp_dir_probe(x, &probe) < 0)
		return -1;
	url = url_of(x, "");
	if (url == NULL || asprintf(&what, "listing %s", url) < 0) {
		what = NULL;
		target_fail(t, false, "%s", strerror(ENOMEM));
	} else if (xfer_request(x, "") == 0) {
		curl_easy_setopt(x->h, CURLOPT_DIRLISTONLY, 1L);
		curl_easy_setopt(x->h, CURLOPT_QUOTE, probe);
		curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, on_list);
		curl_easy_setopt(x->h, CURLOPT_WRITEDATA, x);
		x->each = each;
		x->each_arg = arg;
		x->linelen = 0;
		rc = xfer_perform(x, what);
		if (rc == 0 && x->linelen > 0)
			list_flush(x);
		curl_easy_setopt(
		    x->h, CURLOPT_QUOTE, (struct curl_slist *)NULL);
		if (rc < 0 && (x->last_rc == CURLE_QUOTE_ERROR ||
		                  x->last_rc == CURLE_REMOTE_FILE_NOT_FOUND))
			t->err.missing = true;
	}
	curl_slist_free_all(probe);
	free(url);
	free(what);
	return rc;
}

const struct target_ops xfer_ops = {
    .list = xfer_list,
    .put = xfer_put,
    .check_size = xfer_check_size,
    .rename = xfer_rename,
    .remove = xfer_remove,
    .mkdirs = xfer_mkdirs,
    .free = xfer_free,
};
