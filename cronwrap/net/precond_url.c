/*
 * precond_url.c - a requirement that an HTTP(S) GET answers 2xx, with the
 * body holding a given text when "contains" is set.  libcurl does the
 * request: redirects followed (http and https only), the requirement's
 * timeout bounding the whole exchange, 4xx and 5xx as failures.  The body
 * is never stored: it is searched as it arrives, and the transfer stops
 * as soon as the answer is known.
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "precond_int.h"
#include "util/duration.h"
#include "util/xalloc.h"

#ifndef CW_VERSION
#define CW_VERSION "0"
#endif

void
precond_match_init(struct precond_match *m, const char *needle)
{
	memset(m, 0, sizeof *m);
	m->needle = needle;
	m->nlen = strlen(needle);
	if (m->nlen > 1)
		m->buf = xmalloc(2 * (m->nlen - 1));
	m->found = m->nlen == 0;
}

/* Keeps the last nlen - 1 bytes of what was seen, with data just fed and
 * buf holding the old tail followed by the head of data. */
static void
match_keep(struct precond_match *m, const char *data, size_t len, size_t head)
{
	size_t k = m->nlen - 1, total = m->blen + head;

	if (len >= k) {
		memcpy(m->buf, data + len - k, k);
		m->blen = k;
	} else if (total > k) {
		memmove(m->buf, m->buf + total - k, k);
		m->blen = k;
	} else
		m->blen = total;
}

bool
precond_match_feed(struct precond_match *m, const char *data, size_t len)
{
	size_t head = 0;

	if (m->found || len == 0)
		return m->found;
	if (m->nlen > 1) {
		/* A match across the boundary starts in the kept tail and
		 * ends in the first nlen - 1 bytes of data. */
		size_t k = m->nlen - 1;

		head = len < k ? len : k;
		memcpy(m->buf + m->blen, data, head);
		if (memmem(m->buf, m->blen + head, m->needle, m->nlen) != NULL)
			return m->found = true;
	}
	if (memmem(data, len, m->needle, m->nlen) != NULL)
		return m->found = true;
	if (m->nlen > 1)
		match_keep(m, data, len, head);
	return false;
}

void
precond_match_free(struct precond_match *m)
{
	free(m->buf);
	memset(m, 0, sizeof *m);
}

struct fetch {
	struct precond_match match;
	bool want_body; /* contains is set */
	bool known;     /* the transfer was stopped: the answer is known */
};

static size_t
fetch_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct fetch *f = arg;
	size_t len = size * nmemb;

	if (!f->want_body || precond_match_feed(&f->match, data, len)) {
		f->known = true;
		return 0; /* stops the transfer */
	}
	return len;
}

/* The URL for people: a password in it becomes "***". */
static char *
url_masked(const char *url)
{
	CURLU *u = curl_url();
	char *pass = NULL, *out = NULL, *ret;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_PASSWORD, "***", 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &out, 0) == CURLUE_OK)
		ret = xstrdup(out);
	else
		ret = xstrdup(url);
	curl_free(pass);
	curl_free(out);
	curl_url_cleanup(u);
	return ret;
}

static CURLcode
fetch_setup(
    CURL *h, const struct requirement *req, struct fetch *f, char *errbuf)
{
	CURLcode rc = CURLE_OK;

#define SET(opt, val)                                                          \
	do {                                                                   \
		if (rc == CURLE_OK)                                            \
			rc = curl_easy_setopt(h, opt, val);                    \
	} while (0)
	SET(CURLOPT_URL, req->url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, 10L);
	SET(CURLOPT_FAILONERROR, 1L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_USERAGENT, "cronwrap/" CW_VERSION);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_WRITEFUNCTION, fetch_write);
	SET(CURLOPT_WRITEDATA, f);
	if (req->timeout > 0)
		SET(CURLOPT_TIMEOUT_MS, (long)(req->timeout * 1000));
#undef SET
	return rc;
}

/* Problems of cronwrap's side (the request cannot be made) rather than of
 * the server's. */
static bool
local_problem(CURLcode rc)
{
	return rc == CURLE_FAILED_INIT || rc == CURLE_URL_MALFORMAT ||
	       rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_OUT_OF_MEMORY ||
	       rc == CURLE_NOT_BUILT_IN || rc == CURLE_BAD_FUNCTION_ARGUMENT ||
	       rc == CURLE_UNKNOWN_OPTION;
}

static void
fetch_judge(const struct requirement *req, const char *url, CURLcode rc,
    long code, const struct fetch *f, const char *errbuf,
    struct precond_result *res)
{
	char d[32];

	if (rc == CURLE_WRITE_ERROR && f->known)
		rc = CURLE_OK;
	if (rc == CURLE_HTTP_RETURNED_ERROR ||
	    (rc == CURLE_OK && (code < 200 || code > 299)))
		precond_set(res, PRECOND_UNMET, "url %s: HTTP %ld", url, code);
	else if (rc == CURLE_OPERATION_TIMEDOUT) {
		duration_format(req->timeout, d, sizeof d);
		precond_set(
		    res, PRECOND_UNMET, "url %s: no answer within %s", url, d);
	} else if (rc != CURLE_OK) {
		/* curl's own words, which may hold timings, are the detail. */
		precond_set(res,
		    local_problem(rc) ? PRECOND_ERROR : PRECOND_UNMET,
		    "url %s: %s", url, curl_easy_strerror(rc));
		precond_detail(res, errbuf);
	} else if (f->want_body && !f->match.found)
		precond_set(res, PRECOND_UNMET,
		    "url %s: HTTP %ld, but the body does not contain \"%s\"",
		    url, code, req->contains);
	else if (f->want_body)
		precond_set(res, PRECOND_MET,
		    "url %s: HTTP %ld, contains \"%s\"", url, code,
		    req->contains);
	else
		precond_set(res, PRECOND_MET, "url %s: HTTP %ld", url, code);
}

void
precond_url(const struct precond_ctx *ctx, const struct requirement *req,
    struct precond_result *res)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	char *url = url_masked(req->url);
	struct fetch f = {.want_body = req->contains != NULL};
	CURL *h = curl_easy_init();
	CURLcode rc;
	long code = 0;

	(void)ctx;
	precond_match_init(&f.match, req->contains ? req->contains : "");
	if (h == NULL)
		rc = CURLE_FAILED_INIT;
	else if ((rc = fetch_setup(h, req, &f, errbuf)) == CURLE_OK)
		rc = curl_easy_perform(h);
	if (h != NULL)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	fetch_judge(req, url, rc, code, &f, errbuf, res);
	precond_match_free(&f.match);
	curl_easy_cleanup(h);
	free(url);
}
