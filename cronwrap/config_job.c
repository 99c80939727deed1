/*
 * config_job.c - the keys of a job file, and of the global "defaults" group
 * (the same keys but those that only make sense for one job).
 */
#include <stdlib.h>
#include <string.h>

#include "config_groups.h"
#include "config_job.h"
#include "schedule.h"
#include "util/xalloc.h"

#define JOB(o) ((struct job *)(o))

static int
k_description(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_string(s, d, &JOB(o)->description);
}

static int
k_schedule(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_string(s, d, &JOB(o)->schedule);
}

static int
k_schedule_tz(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_string(s, d, &JOB(o)->schedule_tz);
}

static int
k_user(void *o, const config_setting_t *s, struct diag *d)
{
	if (cfg_string(s, d, &JOB(o)->user) < 0)
		return -1;
	if (JOB(o)->user[0] != '\0')
		return 0;
	cfg_err(d, s, "empty user name");
	return -1;
}

static int
k_workdir(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_path(s, d, &JOB(o)->workdir);
}

static int
k_command(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_argv(s, d, &JOB(o)->command);
}

static int
k_shell(void *o, const config_setting_t *s, struct diag *d)
{
	if (cfg_string(s, d, &JOB(o)->shell) < 0)
		return -1;
	if (JOB(o)->shell[0] != '\0')
		return 0;
	cfg_err(d, s, "the shell command is empty");
	return -1;
}

static int
k_steps(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_steps(JOB(o), s, d);
}

static int
k_timeout(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_duration(s, d, &JOB(o)->timeout);
}

static int
k_kill_after(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_duration(s, d, &JOB(o)->kill_after);
}

static int
k_concurrency(void *o, const config_setting_t *s, struct diag *d)
{
	static const char *const names[] = {
	    "skip", "wait", "replace", "allow", NULL};
	int v;

	if (cfg_enum(s, d, names, &v) < 0)
		return -1;
	JOB(o)->concurrency = (enum concurrency)v;
	return 0;
}

static int
k_lock(void *o, const config_setting_t *s, struct diag *d)
{
	if (cfg_string(s, d, &JOB(o)->lock) < 0)
		return -1;
	if (config_valid_name(JOB(o)->lock))
		return 0;
	cfg_err(d, s, "a lock name is made of letters, digits, '.', '_', '-'");
	return -1;
}

static int
k_wait_timeout(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_duration(s, d, &JOB(o)->wait_timeout);
}

static int
k_retry(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_retry(&JOB(o)->retry, s, d);
}

static int
k_env(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_env(&JOB(o)->env, s, d);
}

static int
k_requires(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_requires(JOB(o), s, d);
}

static int
k_unmet(void *o, const config_setting_t *s, struct diag *d)
{
	static const char *const names[] = {"wait", "skip", "fail", NULL};
	int v;

	if (cfg_enum(s, d, names, &v) < 0)
		return -1;
	JOB(o)->unmet = (enum unmet_policy)v;
	return 0;
}

static int
k_unmet_timeout(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_duration(s, d, &JOB(o)->unmet_timeout);
}

static int
k_unmet_poll(void *o, const config_setting_t *s, struct diag *d)
{
	if (cfg_duration(s, d, &JOB(o)->unmet_poll) < 0)
		return -1;
	if (JOB(o)->unmet_poll >= 1)
		return 0;
	cfg_err(d, s, "poll at most once a second");
	return -1;
}

static int
k_mail(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_mail(&JOB(o)->mail, s, d);
}

static int
k_notify(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_notify(&JOB(o)->notify, s, d);
}

static int
k_ping(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_ping(&JOB(o)->notify, s, d);
}

static int
k_on_failure(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_argv(s, d, &JOB(o)->notify.on_failure);
}

static int
k_cron_output(void *o, const config_setting_t *s, struct diag *d)
{
	static const char *const names[] = {"failure", "always", "never", NULL};
	int v;

	if (cfg_enum(s, d, names, &v) < 0)
		return -1;
	JOB(o)->cron_output = (enum cron_output)v;
	return 0;
}

static int
k_nice(void *o, const config_setting_t *s, struct diag *d)
{
	long long v;

	if (cfg_int(s, d, -20, 19, &v) < 0)
		return -1;
	JOB(o)->nice = (int)v;
	return 0;
}

static int
k_umask(void *o, const config_setting_t *s, struct diag *d)
{
	char *v = NULL, *end;
	long m;

	if (cfg_string(s, d, &v) < 0)
		return -1;
	m = strtol(v, &end, 8);
	if (*v == '\0' || *end != '\0' || m < 0 || m > 0777) {
		cfg_err(d, s, "expected an octal mask such as \"027\"");
		free(v);
		return -1;
	}
	JOB(o)->umask = (mode_t)m;
	free(v);
	return 0;
}

/* Keys allowed both in a job and in "defaults". */
#define COMMON_KEYS                                                            \
	{"schedule_tz", k_schedule_tz}, {"user", k_user},                      \
	    {"workdir", k_workdir}, {"timeout", k_timeout},                    \
	    {"kill_after", k_kill_after}, {"concurrency", k_concurrency},      \
	    {"lock", k_lock}, {"wait_timeout", k_wait_timeout},                \
	    {"retry", k_retry}, {"env", k_env}, {"requires", k_requires},      \
	    {"unmet", k_unmet}, {"unmet_timeout", k_unmet_timeout},            \
	    {"unmet_poll", k_unmet_poll}, {"mail", k_mail},                    \
	    {"notify", k_notify}, {"ping", k_ping},                            \
	    {"on_failure", k_on_failure}, {"cron_output", k_cron_output},      \
	    {"nice", k_nice},                                                  \
	{                                                                      \
		"umask", k_umask                                               \
	}

int
config_job_keys(struct job *job, const config_setting_t *group, struct diag *d)
{
	static const struct cfg_key keys[] = {
	    {"description", k_description},
	    {"schedule", k_schedule},
	    {"command", k_command},
	    {"shell", k_shell},
	    {"steps", k_steps},
	    COMMON_KEYS,
	    {NULL, NULL},
	};

	return cfg_dispatch(group, keys, job, d);
}

/* "exec" options: the keys of defaults, and a schedule for the window. */
int
config_exec_keys(struct job *job, const config_setting_t *group, struct diag *d)
{
	static const struct cfg_key keys[] = {
	    {"schedule", k_schedule},
	    COMMON_KEYS,
	    {NULL, NULL},
	};

	return cfg_dispatch(group, keys, job, d);
}

int
config_default_keys(
    struct job *job, const config_setting_t *group, struct diag *d)
{
	static const struct cfg_key keys[] = {
	    COMMON_KEYS,
	    {NULL, NULL},
	};

	return cfg_dispatch(group, keys, job, d);
}

/* The schedule is checked by the schedule engine itself, so that check and
 * run agree on what is valid. */
static int
config_check_schedule(
    struct job *job, const config_setting_t *root, struct diag *d)
{
	const config_setting_t *s = config_setting_get_member(root, "schedule");
	struct schedule *sch;
	char err[256];

	if (schedule_parse(
	        job->schedule, job->schedule_tz, &sch, err, sizeof err) < 0) {
		if (s != NULL)
			cfg_err(d, s, "%s", err);
		else
			diag_add(d, cfg_file(root), 0, "schedule: %s", err);
		return -1;
	}
	schedule_free(sch);
	return 0;
}

/* A job that requires itself waits for its own run, which is the one
 * waiting: never met. */
static int
config_check_requires(const struct job *job, struct diag *d)
{
	int ret = 0;

	for (size_t i = 0; i < job->nrequires; i++) {
		const struct requirement *r = &job->requires[i];

		if (r->kind == REQ_JOB && job->name != NULL &&
		    strcmp(r->job, job->name) == 0) {
			diag_add(d, r->src_file, r->src_line,
			    "requires: job \"%s\" is this job: its own run "
			    "can never meet it",
			    r->job);
			ret = -1;
		}
	}
	return ret;
}

/* What only the whole job can tell: one way to run, a valid schedule, no
 * requirement on itself. */
int
config_job_validate(
    struct job *job, const config_setting_t *root, struct diag *d)
{
	int ways =
	    (job->command.n > 0) + (job->shell != NULL) + (job->nsteps > 0);
	const char *file = cfg_file(root);
	int ret = 0;

	/* Every problem at once: one check, one round of fixes. */
	if (ways == 0) {
		diag_add(d, file, 0, "no command: set command, shell or steps");
		ret = -1;
	} else if (ways > 1) {
		const config_setting_t *m =
		    config_setting_get_member(root, "shell");

		if (m == NULL)
			m = config_setting_get_member(root, "steps");
		diag_add(d, file, m != NULL ? cfg_line(m) : 0,
		    "set only one of command, shell and steps");
		ret = -1;
	}
	if (job->schedule != NULL && config_check_schedule(job, root, d) < 0)
		ret = -1;
	if (config_check_requires(job, d) < 0)
		ret = -1;
	return ret;
}
