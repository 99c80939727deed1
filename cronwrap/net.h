/*
 * net.h - the network code that needs libcurl, libesmtp and OpenSSL, in a
 * module loaded on first use (cronwrap-net.so).
 *
 * Those libraries and theirs (some thirty) cost about 5 ms and 6 MB at
 * every start of cronwrap, while most runs send no mail, ping nothing and
 * fetch no URL.  The module is found beside the cronwrap binary (a build
 * tree) or at its installed path; a program that links the module's
 * objects itself (the unit tests) uses them without loading anything.
 */
#ifndef CW_NET_H
#define CW_NET_H

#include <stddef.h>
#include <stdint.h>

#include "mail_esmtp.h"
#include "precond_int.h"

#define CW_NET_VERSION 1

/* What the module exports, as the symbol "cw_net". */
struct cw_net {
	uint32_t version; /* CW_NET_VERSION */
	int (*mail_esmtp_session)(const struct esmtp_req *req, int fd);
	int (*notify_http)(const char *url, const char *ctype, const char *body,
	    double timeout, char *err, size_t errlen);
	void (*precond_url)(const struct precond_ctx *ctx,
	    const struct requirement *req, struct precond_result *res);
};

/* The module, loaded once; NULL with the reason in err. */
const struct cw_net *net_module(char *err, size_t errlen);

/* The module's functions, or a failure that says why it is missing. */
int net_mail_esmtp_session(const struct esmtp_req *req, int fd);
int net_notify_http(const char *url, const char *ctype, const char *body,
    double timeout, char *err, size_t errlen);
void net_precond_url(const struct precond_ctx *ctx,
    const struct requirement *req, struct precond_result *res);

#endif
