/*
 * plugin_host.h - loading job plugins and running a plugin step.
 *
 * A plugin is jobs_dir's plugin_dir/NAME.so exporting "cw_plugin" (see
 * include/cronwrap/plugin.h).  The runner checks its ABI number and size,
 * checks a step's settings against the plugin's declared settings (unknown
 * keys and wrong types are FILE:LINE errors), calls its check(), and runs
 * it in a child process supervised like any command.
 */
#ifndef CW_PLUGIN_HOST_H
#define CW_PLUGIN_HOST_H

#include <stdbool.h>
#include <time.h>

#include "job.h"
#include "util/diag.h"
#include "util/kv.h"

struct plugin;

/* dlopen()s plugin_dir/NAME.so and checks its descriptor.  Returns 0, or -1
 * with a message naming the .so in err. */
int plugin_load(const char *plugin_dir, const char *name, struct plugin **out,
    char *err, size_t errlen);
void plugin_unload(struct plugin *p);

/* For every plugin step of job: load, check the settings, call check().
 * Returns 0 or -1 with diagnostics in d. */
int plugin_check_steps(
    const struct global *g, const struct job *job, struct diag *d);

/* Whether a setting of a plugin step is a secret (for "show"). */
bool plugin_setting_secret(
    const struct global *g, const struct step *st, const char *key);

/* What a plugin step's child needs: set by the runner before the fork. */
struct plugin_run {
	const struct global *g;
	const struct job *job;
	const struct step *step;
	const char *run_id;
	unsigned attempt;
	bool dry_run;
	const char *run_dir;
	bool has_window;
	time_t window_start, window_end;
	double start;
	const struct kv *params;
	const struct strv *artifacts_in;
	int channel_fd; /* the child reports artifacts and status here */
};

/* The body of a plugin step's child (spawn_req.fn): loads the plugin,
 * checks it, runs it.  Returns the child's exit status. */
int plugin_step_main(void *arg);

/* What the child reported, read by the runner from the channel. */
enum plugin_verdict { PV_NONE, PV_OK, PV_SKIP, PV_TEMPFAIL, PV_FAIL };
int plugin_read_channel(
    int fd, struct strv *artifacts, enum plugin_verdict *verdict);

#endif
