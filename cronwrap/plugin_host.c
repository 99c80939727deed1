/*
 * plugin_host.c - dlopen, the ABI check (as nginx's NGX_MODULE_V1 and
 * collectd's module loader do it), settings against the plugin's
 * declaration, and the body of a plugin step's child.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugin_ctx.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct plugin {
	void *handle;
	const struct cw_plugin *desc;
};

int
plugin_load(const char *plugin_dir, const char *name, struct plugin **out,
    char *err, size_t errlen)
{
	char *path;
	void *h;
	const struct cw_plugin *desc;

	if (strchr(name, '/') != NULL || name[0] == '.' || name[0] == '\0') {
		snprintf(err, errlen, "plugin \"%s\": not a plugin name", name);
		return -1;
	}
	path = xasprintf("%s/%s.so", plugin_dir, name);
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(err, errlen, "plugin %s: %s", path, dlerror());
		free(path);
		return -1;
	}
	desc = dlsym(h, "cw_plugin");
	if (desc == NULL)
		snprintf(
		    err, errlen, "plugin %s: no symbol \"cw_plugin\"", path);
	else if (desc->abi_version != CW_PLUGIN_ABI)
		snprintf(err, errlen, "plugin %s: ABI %u instead of %u", path,
		    desc->abi_version, (unsigned)CW_PLUGIN_ABI);
	else if (desc->struct_size < sizeof(struct cw_plugin) ||
	         desc->run == NULL || desc->name == NULL ||
	         desc->settings == NULL)
		snprintf(err, errlen, "plugin %s: not binary compatible", path);
	else if (strcmp(desc->name, name) != 0)
		snprintf(err, errlen, "plugin %s: calls itself \"%s\"", path,
		    desc->name);
	else {
		free(path);
		*out = xcalloc(1, sizeof **out);
		(*out)->handle = h;
		(*out)->desc = desc;
		return 0;
	}
	free(path);
	dlclose(h);
	return -1;
}

void
plugin_unload(struct plugin *p)
{
	if (p == NULL)
		return;
	dlclose(p->handle);
	free(p);
}

static int
check_step(const struct global *g, const struct job *job, const struct step *st,
    struct diag *d)
{
	struct cw_ctx ctx = {.g = g, .job = job, .step = st, .diag = d};
	struct plugin *p;
	char err[1024];
	int ret;

	if (plugin_load(g->plugin_dir, st->plugin, &p, err, sizeof err) < 0) {
		diag_add(d, st->src_file, st->src_line, "steps.[%u]: %s",
		    st->index, err);
		return -1;
	}
	ctx.desc = p->desc;
	ret = plugin_check_settings(&ctx);
	if (ret == 0 && p->desc->check != NULL &&
	    (p->desc->check(&ctx) < 0 || ctx.errors > 0)) {
		if (ctx.errors == 0)
			diag_add(d, st->src_file, st->src_line,
			    "steps.[%u] (%s): check failed", st->index,
			    st->plugin);
		ret = -1;
	}
	plugin_ctx_free(&ctx);
	plugin_unload(p);
	return ret;
}

int
plugin_check_steps(
    const struct global *g, const struct job *job, struct diag *d)
{
	int ret = 0;

	for (size_t i = 0; i < job->nsteps; i++)
		if (job->steps[i].plugin != NULL &&
		    check_step(g, job, &job->steps[i], d) < 0)
			ret = -1;
	return ret;
}

bool
plugin_setting_secret(
    const struct global *g, const struct step *st, const char *key)
{
	struct plugin *p;
	const struct cw_setting *spec;
	char err[512];
	bool secret;

	if (plugin_load(g->plugin_dir, st->plugin, &p, err, sizeof err) < 0)
		return strstr(key, "pass") != NULL ||
		       strstr(key, "secret") != NULL;
	spec = plugin_spec(p->desc, key);
	secret = spec != NULL && (spec->flags & CW_SET_SECRET);
	plugin_unload(p);
	return secret;
}

static void
report(int fd, const char *line)
{
	if (fd >= 0 && write(fd, line, strlen(line)) < 0) {
		/* The runner then sees no verdict: a failure. */
	}
}

int
plugin_step_main(void *arg)
{
	const struct plugin_run *pr = arg;
	struct cw_ctx ctx = {
	    .g = pr->g, .job = pr->job, .step = pr->step, .run = pr};
	struct diag d = DIAG_INIT;
	struct plugin *p;
	enum cw_status st = CW_FAIL;
	char err[1024];

	ctx.diag = &d;
	ctx.progress_at = now_mono(); /* the first report after a while */
	if (plugin_load(
	        pr->g->plugin_dir, pr->step->plugin, &p, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		report(pr->channel_fd, "S fail\n");
		return 1;
	}
	ctx.desc = p->desc;
	if (plugin_check_settings(&ctx) == 0 &&
	    (p->desc->check == NULL || p->desc->check(&ctx) == 0) &&
	    ctx.errors == 0)
		st = p->desc->run(&ctx);
	for (size_t i = 0; i < d.msgs.n; i++)
		fprintf(stderr, "%s\n", d.msgs.v[i]);
	fflush(stdout);
	fflush(stderr);
	report(pr->channel_fd, st == CW_OK         ? "S ok\n"
	                       : st == CW_SKIP     ? "S skip\n"
	                       : st == CW_TEMPFAIL ? "S tempfail\n"
	                                           : "S fail\n");
	diag_free(&d);
	plugin_ctx_free(&ctx);
	/* No dlclose: the plugin's atexit handlers may still need it. */
	return st == CW_OK || st == CW_SKIP ? 0 : 1;
}

int
plugin_read_channel(
    int fd, struct strv *artifacts, enum plugin_verdict *verdict)
{
	char buf[65536], *line, *save = NULL;
	ssize_t n;

	*verdict = PV_NONE;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "A ", 2) == 0)
			strv_push(artifacts, line + 2);
		else if (strcmp(line, "S ok") == 0)
			*verdict = PV_OK;
		else if (strcmp(line, "S skip") == 0)
			*verdict = PV_SKIP;
		else if (strcmp(line, "S tempfail") == 0)
			*verdict = PV_TEMPFAIL;
		else if (strcmp(line, "S fail") == 0)
			*verdict = PV_FAIL;
	}
	return 0;
}
