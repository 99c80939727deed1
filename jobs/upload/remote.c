/*
 * remote.c - parsing the target URL (with libcurl's URL API, so the URL
 * means what it means to libcurl) and building the names derived from it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "remote.h"

static const char *const scheme_names[] = {
    [REMOTE_FTP] = "ftp",
    [REMOTE_FTPS] = "ftps",
    [REMOTE_SFTP] = "sftp",
    [REMOTE_FILE] = "file",
};

static void errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

const char *
remote_scheme_name(enum remote_scheme s)
{
	return scheme_names[s];
}

static int
scheme_from_name(const char *name, enum remote_scheme *s)
{
	for (size_t i = 0; i < sizeof(scheme_names) / sizeof(*scheme_names);
	     i++) {
		if (strcmp(name, scheme_names[i]) == 0) {
			*s = (enum remote_scheme)i;
			return 0;
		}
	}
	return -1;
}

/* A URL part, or NULL when absent.  Freed with curl_free(). */
static char *
url_part(CURLU *u, CURLUPart part, unsigned flags)
{
	char *s = NULL;

	if (curl_url_get(u, part, &s, flags) != CURLUE_OK)
		return NULL;
	return s;
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Rejects what a target URL must not carry: a password (it belongs in
 * password_file, not in a file others read), a query, a fragment. */
static int
refuse_extras(CURLU *u, char *err, size_t errlen)
{
	static const struct {
		CURLUPart part;
		const char *what;
	} extras[] = {
	    {CURLUPART_PASSWORD, "a password in the URL (use password_file)"},
	    {CURLUPART_OPTIONS, "login options in the URL"},
	    {CURLUPART_QUERY, "a query ('?') in the URL"},
	    {CURLUPART_FRAGMENT, "a fragment ('#') in the URL"},
	};

	for (size_t i = 0; i < sizeof(extras) / sizeof(*extras); i++) {
		char *s = url_part(u, extras[i].part, 0);

		if (s != NULL) {
			curl_free(s);
			errf(err, errlen, "%s is not accepted", extras[i].what);
			return -1;
		}
	}
	return 0;
}

/* The directory as server commands name it (see remote.h). */
static char *
make_cmd_dir(enum remote_scheme scheme, const char *dir)
{
	if (scheme == REMOTE_FTP || scheme == REMOTE_FTPS)
		return strdup(
		    dir + 1); /* "/in/" -> "in/", "//srv/" -> "/srv/" */
	if (scheme == REMOTE_SFTP && strncmp(dir, "/~/", 3) == 0)
		return strdup(dir + 3); /* relative: the server's home */
	return strdup(dir);
}

/* Fills r from a parsed URL whose scheme is known. */
static int
fill_remote(CURLU *u, struct remote *r, char *err, size_t errlen)
{
	char *host = url_part(u, CURLUPART_HOST, 0);
	char *port = url_part(u, CURLUPART_PORT, 0);
	char *user = url_part(u, CURLUPART_USER, CURLU_URLDECODE);
	char *path = url_part(u, CURLUPART_PATH, CURLU_URLDECODE);
	int rc = -1;

	if (path == NULL || strlen(path) != strcspn(path, "\r\n")) {
		errf(err, errlen, "bad path in the URL");
		goto out;
	}
	if (r->scheme == REMOTE_FILE) {
		if (host != NULL && *host != '\0' &&
		    strcmp(host, "localhost") != 0) {
			errf(err, errlen,
			    "a file:// URL names a directory of "
			    "this host: file:///path/");
			goto out;
		}
	} else if (host == NULL || *host == '\0') {
		errf(err, errlen, "no host in the URL");
		goto out;
	}
	if (r->scheme != REMOTE_FILE) {
		r->host = dup_or_null(host);
		r->user = dup_or_null(user);
	}
	r->port = port ? strtol(port, NULL, 10) : 0;
	if (strcmp(path, "/~") == 0 && r->scheme == REMOTE_SFTP)
		r->dir = strdup("/~/");
	else if (asprintf(&r->dir, "%s%s", path,
	             path[strlen(path) - 1] == '/' ? "" : "/") < 0)
		r->dir = NULL;
	r->cmd_dir = r->dir ? make_cmd_dir(r->scheme, r->dir) : NULL;
	if (r->dir == NULL || r->cmd_dir == NULL ||
	    (r->scheme != REMOTE_FILE && r->host == NULL)) {
		errf(err, errlen, "%s", strerror(ENOMEM));
		goto out;
	}
	rc = 0;
out:
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_free(path);
	return rc;
}

int
remote_parse(const char *url, struct remote *r, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL;
	CURLUcode uc;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (u == NULL) {
		errf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	uc = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
	if (uc != CURLUE_OK) {
		errf(err, errlen, "not a URL: %s", curl_url_strerror(uc));
		goto out;
	}
	scheme = url_part(u, CURLUPART_SCHEME, 0);
	if (scheme == NULL || scheme_from_name(scheme, &r->scheme) < 0) {
		errf(err, errlen,
		    "unsupported scheme \"%s\" (ftp, ftps, sftp or file)",
		    scheme ? scheme : "");
		goto out;
	}
	if (refuse_extras(u, err, errlen) < 0 ||
	    fill_remote(u, r, err, errlen) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		remote_free(r);
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

void
remote_free(struct remote *r)
{
	free(r->host);
	free(r->user);
	free(r->dir);
	free(r->cmd_dir);
	memset(r, 0, sizeof(*r));
}

char *
remote_url(const struct remote *r, const char *name)
{
	CURLU *u = curl_url();
	char *path = NULL, *url = NULL, port[24];
	bool ok;

	if (u == NULL || asprintf(&path, "%s%s", r->dir, name) < 0) {
		curl_url_cleanup(u);
		return NULL;
	}
	snprintf(port, sizeof(port), "%ld", r->port);
	ok =
	    curl_url_set(u, CURLUPART_SCHEME, remote_scheme_name(r->scheme),
	        CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    (r->host == NULL ||
	        curl_url_set(u, CURLUPART_HOST, r->host, 0) == CURLUE_OK) &&
	    (r->port == 0 ||
	        curl_url_set(u, CURLUPART_PORT, port, 0) == CURLUE_OK) &&
	    curl_url_set(u, CURLUPART_PATH, path, CURLU_URLENCODE) == CURLUE_OK;
	if (ok && curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK)
		url = NULL;
	free(path);
	curl_url_cleanup(u);
	if (url == NULL)
		return NULL;
	/* Hand back memory the caller frees with free(), not curl_free(). */
	path = strdup(url);
	curl_free(url);
	return path;
}

char *
remote_cmd_path(const struct remote *r, const char *name)
{
	char *p;

	if (asprintf(&p, "%s%s", r->cmd_dir, name) < 0)
		return NULL;
	return p;
}

static bool
has_control(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	}
	return false;
}

int
remote_name_check(const char *name, char *err, size_t errlen)
{
	const char *c = name;

	if (*name == '\0') {
		errf(err, errlen, "the remote name is empty");
		return -1;
	}
	if (has_control(name)) {
		errf(err, errlen,
		    "the remote name \"%s\" has a control "
		    "character",
		    name);
		return -1;
	}
	if (*name == '/' || name[strlen(name) - 1] == '/') {
		errf(err, errlen,
		    "the remote name \"%s\" must be relative to "
		    "the URL's directory and name a file",
		    name);
		return -1;
	}
	while (*c) {
		size_t len = strcspn(c, "/");

		if (len == 0 || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.')) {
			errf(err, errlen,
			    "the remote name \"%s\" has an empty, "
			    "\".\" or \"..\" component",
			    name);
			return -1;
		}
		c += len + (c[len] == '/');
	}
	return 0;
}

int
remote_affix_check(const char *affix, char *err, size_t errlen)
{
	if (strchr(affix, '/') != NULL || has_control(affix)) {
		errf(err, errlen,
		    "\"%s\" must not contain '/' or a control "
		    "character",
		    affix);
		return -1;
	}
	return 0;
}

const char *
remote_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

char *
remote_temp_name(const char *name, const char *prefix, const char *suffix)
{
	const char *base = remote_basename(name);
	char *t;

	if (asprintf(&t, "%.*s%s%s%s", (int)(base - name), name, prefix, base,
	        suffix) < 0)
		return NULL;
	return t;
}

char *
remote_sftp_quote(const char *path)
{
	char *q = malloc(2 * strlen(path) + 3), *o = q;

	if (q == NULL)
		return NULL;
	*o++ = '"';
	for (; *path; path++) {
		if (*path == '"' || *path == '\\')
			*o++ = '\\';
		*o++ = *path;
	}
	*o++ = '"';
	*o = '\0';
	return q;
}

char **
remote_parents(const char *path, size_t *n)
{
	size_t cap = 1, k = 0;
	char **v;

	for (const char *c = path; *c; c++)
		cap += *c == '/';
	v = calloc(cap, sizeof(*v));
	if (v == NULL)
		return NULL;
	for (const char *c = path + 1; *c; c++) {
		if (*c != '/' || c[-1] == '/')
			continue;
		v[k] = strndup(path, (size_t)(c - path));
		if (v[k++] == NULL) {
			remote_strings_free(v);
			return NULL;
		}
	}
	*n = k;
	return v;
}

void
remote_strings_free(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}
