/*
 * config_global.c - the global file: directories, syslog, history retention,
 * mail, and a check of the "defaults" group.
 */
#include <errno.h>
#include <limits.h>
#include <libconfig.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "config_groups.h"
#include "config_job.h"
#include "util/path.h"
#include "util/xalloc.h"

#define DEFAULT_CONFIG CW_SYSCONFDIR "/cronwrap/cronwrap.conf"

static void
mail_defaults(struct mail_conf *m)
{
	memset(m, 0, sizeof *m);
	m->transport = MAIL_SMTP;
	m->sendmail = xstrdup("/usr/sbin/sendmail");
	m->smtp_server = xstrdup("localhost");
	m->smtp_port = 25;
	m->starttls = STARTTLS_TRY;
	m->from = xstrdup("cronwrap@%h");
	m->on =
	    EV_FAILURE | EV_TIMEOUT | EV_PRECONDITION | EV_CRASH | EV_RECOVERY;
	m->after_failures = 1;
	m->repeat_every = 3600;
	m->tail_lines = 100;
	m->timeout = 60;
}

/* Where a user without a global file keeps state: root gets the Debian
 * paths, anyone else a directory of their own, so that "cronwrap exec"
 * works from a personal crontab with no set-up. */
static void
global_dirs(struct global *g, bool have_file)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (have_file || geteuid() == 0) {
		g->jobs_dir = xstrdup(CW_SYSCONFDIR "/cronwrap/jobs.d");
		g->state_dir = xstrdup(CW_LOCALSTATEDIR "/lib/cronwrap");
		g->log_dir = xstrdup(CW_LOCALSTATEDIR "/log/cronwrap");
		g->lock_dir = xstrdup(CW_RUNSTATEDIR "/lock/cronwrap");
		return;
	}
	if ((pw = getpwuid(geteuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL)
		home = "/tmp";
	g->jobs_dir = xasprintf("%s/.config/cronwrap/jobs.d", home);
	g->state_dir = xasprintf("%s/.local/state/cronwrap", home);
	g->log_dir = xasprintf("%s/.local/state/cronwrap/log", home);
	g->lock_dir = xasprintf("/tmp/cronwrap-%ld", (long)geteuid());
}

/* The installed plugin directory; for a binary run from its build tree
 * (where the plugins are built beside it, in jobs/), that one. */
static char *
default_plugin_dir(void)
{
	char exe[PATH_MAX], *dir, *near;
	ssize_t n;
	struct stat st;

	if (stat(CW_PLUGINDIR, &st) == 0)
		return xstrdup(CW_PLUGINDIR);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return xstrdup(CW_PLUGINDIR);
	exe[n] = '\0';
	dir = path_dirname(exe);
	near = xasprintf("%s/jobs", dir);
	free(dir);
	if (stat(near, &st) == 0 && S_ISDIR(st.st_mode))
		return near;
	free(near);
	return xstrdup(CW_PLUGINDIR);
}

static void
global_defaults(struct global *g, bool have_file)
{
	memset(g, 0, sizeof *g);
	global_dirs(g, have_file);
	g->plugin_dir = default_plugin_dir();
	g->syslog_ident = xstrdup("cronwrap");
	g->syslog_facility = LOG_CRON;
	g->cron_output = OUT_FAILURE;
	g->keep_days = 90;
	g->keep_runs = 1000;
	mail_defaults(&g->mail);
}

#define GLOBAL(o) ((struct global *)(o))

static int
g_jobs_dir(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_path(s, d, &GLOBAL(o)->jobs_dir);
}

static int
g_state_dir(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_path(s, d, &GLOBAL(o)->state_dir);
}

static int
g_log_dir(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_path(s, d, &GLOBAL(o)->log_dir);
}

static int
g_lock_dir(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_path(s, d, &GLOBAL(o)->lock_dir);
}

static int
g_plugin_dir(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_path(s, d, &GLOBAL(o)->plugin_dir);
}

static int
syslog_facility(void *o, const config_setting_t *s, struct diag *d)
{
	static const char *const names[] = {"cron", "daemon", "user", "local0",
	    "local1", "local2", "local3", "local4", "local5", "local6",
	    "local7", NULL};
	static const int values[] = {LOG_CRON, LOG_DAEMON, LOG_USER, LOG_LOCAL0,
	    LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5,
	    LOG_LOCAL6, LOG_LOCAL7};
	int v;

	if (cfg_enum(s, d, names, &v) < 0)
		return -1;
	GLOBAL(o)->syslog_facility = values[v];
	return 0;
}

static int
syslog_ident(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_string(s, d, &GLOBAL(o)->syslog_ident);
}

static int
g_syslog(void *o, const config_setting_t *s, struct diag *d)
{
	static const struct cfg_key keys[] = {
	    {"facility", syslog_facility},
	    {"ident", syslog_ident},
	    {NULL, NULL},
	};

	return cfg_dispatch(s, keys, o, d);
}

static int
g_cron_output(void *o, const config_setting_t *s, struct diag *d)
{
	static const char *const names[] = {"failure", "always", "never", NULL};
	int v;

	if (cfg_enum(s, d, names, &v) < 0)
		return -1;
	GLOBAL(o)->cron_output = (enum cron_output)v;
	return 0;
}

static int
history_keep_days(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_uint(s, d, 100000, &GLOBAL(o)->keep_days);
}

static int
history_keep_runs(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_uint(s, d, 100000000, &GLOBAL(o)->keep_runs);
}

static int
g_history(void *o, const config_setting_t *s, struct diag *d)
{
	static const struct cfg_key keys[] = {
	    {"keep_days", history_keep_days},
	    {"keep_runs", history_keep_runs},
	    {NULL, NULL},
	};

	return cfg_dispatch(s, keys, o, d);
}

static int
g_mail(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_mail(&GLOBAL(o)->mail, s, d);
}

/* The defaults group is checked here, once, on a scratch job; each job
 * applies it again when it loads. */
static int
g_defaults(void *o, const config_setting_t *s, struct diag *d)
{
	struct job scratch;
	int ret;

	(void)o;
	memset(&scratch, 0, sizeof scratch);
	ret = config_default_keys(&scratch, s, d);
	job_free(&scratch);
	return ret;
}

static int
global_keys(struct global *g, const config_setting_t *root, struct diag *d)
{
	static const struct cfg_key keys[] = {
	    {"jobs_dir", g_jobs_dir},
	    {"state_dir", g_state_dir},
	    {"log_dir", g_log_dir},
	    {"lock_dir", g_lock_dir},
	    {"plugin_dir", g_plugin_dir},
	    {"syslog", g_syslog},
	    {"cron_output", g_cron_output},
	    {"history", g_history},
	    {"mail", g_mail},
	    {"defaults", g_defaults},
	    {NULL, NULL},
	};

	return cfg_dispatch(root, keys, g, d);
}

int
config_load_global(const char *path, struct global *g, struct diag *d)
{
	bool named = path != NULL;
	config_t cfg;
	int ret;

	if (path == NULL && (path = getenv("CRONWRAP_CONFIG")) != NULL &&
	    path[0] != '\0')
		named = true;
	if (!named)
		path = DEFAULT_CONFIG;
	if (!named && access(path, F_OK) < 0 && errno == ENOENT) {
		global_defaults(g, false);
		return 0;
	}
	global_defaults(g, true);
	/* Absolute, so that every path derived from it stays valid in a
	 * job's working directory. */
	g->file = realpath(path, NULL);
	if (g->file == NULL)
		g->file = xstrdup(path);
	g->dir = path_dirname(g->file);
	if (cfg_read_file(&cfg, g->file, d) < 0) {
		global_free(g);
		return -1;
	}
	ret = global_keys(g, config_root_setting(&cfg), d);
	config_destroy(&cfg);
	if (ret < 0)
		global_free(g);
	return ret;
}
