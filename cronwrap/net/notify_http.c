/*
 * notify_http.c - a hook's HTTP request through libcurl.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "notify_http.h"
#include "util/timeutil.h"

#define RETRY_DELAY 1.0 /* seconds before the 2nd try, doubled after */

static size_t
discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

/* One try.  Returns 0, 1 when worth another try, -1 when not. */
static int
try_once(CURL *c, const char *url, double left, char *err, size_t errlen)
{
	char cerr[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURLcode rc;

	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(left * 1000) + 1);
	rc = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", url,
		    cerr[0] ? cerr : curl_easy_strerror(rc));
		return rc == CURLE_UNSUPPORTED_PROTOCOL ||
		               rc == CURLE_URL_MALFORMAT
		           ? -1
		           : 1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code < 300)
		return 0;
	snprintf(err, errlen, "%s: HTTP status %ld", url, code);
	return code == 429 || code >= 500 ? 1 : -1;
}

static void
set_common(
    CURL *c, const char *url, struct curl_slist *headers, const char *body)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "cronwrap/" CW_VERSION);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(
		    c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	} else
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
}

static void
pause_until(double when, double deadline)
{
	double t = when < deadline ? when : deadline;

	sleep_until(t, NULL);
}

int
notify_http(const char *url, const char *ctype, const char *body,
    double timeout, char *err, size_t errlen)
{
	double deadline = now_mono() + (timeout > 0 ? timeout : 10);
	double delay = RETRY_DELAY;
	struct curl_slist *headers = NULL;
	CURL *c = curl_easy_init();
	int ret = -1;

	if (c == NULL) {
		snprintf(err, errlen, "%s: cannot start libcurl", url);
		return -1;
	}
	if (body != NULL) {
		char ct[128];

		snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
		headers = curl_slist_append(headers, ct);
	}
	set_common(c, url, headers, body);
	for (int i = 0; i < NOTIFY_HTTP_TRIES; i++) {
		double left = deadline - now_mono();

		if (left <= 0)
			break;
		ret = try_once(c, url, left, err, errlen);
		if (ret <= 0 || i + 1 == NOTIFY_HTTP_TRIES)
			break;
		pause_until(now_mono() + delay, deadline);
		delay *= 2;
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	return ret == 0 ? 0 : -1;
}
