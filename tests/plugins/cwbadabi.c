/* A plugin built for another ABI: the loader must refuse it by name. */
#include <cronwrap/plugin.h>

static enum cw_status
bad_run(struct cw_ctx *ctx)
{
	(void)ctx;
	return CW_OK;
}

static const struct cw_setting settings[] = {{NULL, 0, 0, NULL}};

const struct cw_plugin cw_plugin = {
    .abi_version = CW_PLUGIN_ABI + 998,
    .struct_size = sizeof(struct cw_plugin),
    .name = "cwbadabi",
    .settings = settings,
    .run = bad_run,
};
