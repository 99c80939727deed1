/*
 * net.c - loading cronwrap-net.so on first use (see net.h).
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "util/path.h"
#include "util/xalloc.h"

#define NET_MODULE_NAME "cronwrap-net.so"

static const struct cw_net *loaded;

/* Beside the running binary: build trees and relocated installs. */
static char *
beside_binary(void)
{
	char exe[PATH_MAX], *dir, *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	dir = path_dirname(exe);
	path = xasprintf("%s/%s", dir, NET_MODULE_NAME);
	free(dir);
	return path;
}

static const struct cw_net *
try_open(const char *path, char *err, size_t errlen)
{
	const struct cw_net *net;
	void *h;

	if (path == NULL || access(path, F_OK) < 0)
		return NULL;
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(err, errlen, "%s", dlerror());
		return NULL;
	}
	net = dlsym(h, "cw_net");
	if (net == NULL || net->version != CW_NET_VERSION) {
		snprintf(err, errlen, "%s: not a cronwrap %s module", path,
		    CW_VERSION);
		dlclose(h);
		return NULL;
	}
	/* cppcheck-suppress resourceLeak ; never closed: its libraries keep
	 * state for the rest of the process */
	return net;
}

const struct cw_net *
net_module(char *err, size_t errlen)
{
	if (loaded != NULL)
		return loaded;
	snprintf(err, errlen, "cannot find %s beside cronwrap nor as %s",
	    NET_MODULE_NAME, CW_NETMODULE);
	/* Linked in already (tests)? */
	loaded = dlsym(RTLD_DEFAULT, "cw_net");
	if (loaded == NULL) {
		char *near = beside_binary();

		loaded = try_open(near, err, errlen);
		free(near);
	}
	if (loaded == NULL)
		loaded = try_open(CW_NETMODULE, err, errlen);
	return loaded;
}

int
net_mail_esmtp_session(const struct esmtp_req *req, int fd)
{
	char err[512];
	const struct cw_net *net = net_module(err, sizeof err);

	if (net == NULL) {
		/* The report the session would have written: its result. */
		dprintf(fd, "!%s\n", err);
		return ESMTP_FAILED;
	}
	return net->mail_esmtp_session(req, fd);
}

int
net_notify_http(const char *url, const char *ctype, const char *body,
    double timeout, char *err, size_t errlen)
{
	const struct cw_net *net = net_module(err, errlen);

	return net != NULL
	           ? net->notify_http(url, ctype, body, timeout, err, errlen)
	           : -1;
}

void
net_precond_url(const struct precond_ctx *ctx, const struct requirement *req,
    struct precond_result *res)
{
	char err[512];
	const struct cw_net *net = net_module(err, sizeof err);

	if (net == NULL) {
		precond_set(res, PRECOND_ERROR, "url %s: %s", req->url, err);
		return;
	}
	net->precond_url(ctx, req, res);
}
