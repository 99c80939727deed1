/*
 * net_module.c - the table cronwrap looks up in cronwrap-net.so.
 */
#include "net.h"
#include "notify_http.h"

const struct cw_net cw_net = {
    .version = CW_NET_VERSION,
    .mail_esmtp_session = mail_esmtp_session,
    .notify_http = notify_http,
    .precond_url = precond_url,
};
