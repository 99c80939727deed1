/*
 * plugin_ctx.h - struct cw_ctx, what a plugin's host services work on.
 * Internal to plugin_*.c.
 */
#ifndef CW_PLUGIN_CTX_H
#define CW_PLUGIN_CTX_H

#include <cronwrap/plugin.h>

#include "plugin_host.h"
#include "util/diag.h"
#include "util/kv.h"

struct cw_ctx {
	const struct global *g;
	const struct job *job;
	const struct step *step;
	const struct cw_plugin *desc;
	struct diag *diag;            /* check mode: where problems go */
	int errors;                   /* problems reported by cw_conf_error */
	const struct plugin_run *run; /* NULL in check mode */
	struct kv resolved;           /* paths resolved against the job's dir */
	double progress_at;
};

/* The setting of the step named key, or NULL. */
const struct setting *plugin_setting(const struct step *st, const char *key);
/* The declared setting of the plugin named key, or NULL. */
const struct cw_setting *plugin_spec(
    const struct cw_plugin *desc, const char *key);
/* Checks the step's settings against the declaration. 0 or -1. */
int plugin_check_settings(struct cw_ctx *ctx);
void plugin_ctx_free(struct cw_ctx *ctx);

#endif
