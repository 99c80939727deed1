/*
 * hello.c - the smallest useful cronwrap plugin, built out of tree:
 *
 *   cc -shared -fPIC $(pkg-config --cflags cronwrap-plugin) \
 *       -o hello.so hello.c
 *   install -m 644 hello.so $(pkg-config --variable=plugindir cronwrap-plugin)
 *
 * and in a job:  steps = ( { plugin = "hello"; greeting = "hi"; } );
 */
#include <cronwrap/plugin.h>

static const struct cw_setting settings[] = {
    {"greeting", CW_TYPE_STRING, CW_SET_REQUIRED, "what to say"},
    {NULL, 0, 0, NULL},
};

static enum cw_status
hello_run(struct cw_ctx *ctx)
{
	cw_log(ctx, CW_LOG_NOTICE, "%s from %s",
	    cw_conf_string(ctx, "greeting"), cw_job_name(ctx));
	return CW_OK;
}

const struct cw_plugin cw_plugin = {
    CW_PLUGIN_V1,
    .name = "hello",
    .version = "1.0",
    .settings = settings,
    .run = hello_run,
};
