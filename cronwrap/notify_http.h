/*
 * notify_http.h - one HTTP request through libcurl for a hook, with a
 * total deadline and retries.
 */
#ifndef CW_NOTIFY_HTTP_H
#define CW_NOTIFY_HTTP_H

#include <stddef.h>

/* Attempts before giving up, while time is left. */
#define NOTIFY_HTTP_TRIES 3

/* Sends a GET (body NULL) or a POST of body with content type ctype to
 * url, within timeout seconds in total.  Returns 0 on a 2xx answer, or -1
 * with the reason (curl's, or the HTTP status) in err. */
int notify_http(const char *url, const char *ctype, const char *body,
    double timeout, char *err, size_t errlen);

#endif
