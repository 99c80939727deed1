/*
 * config_groups.h - the groups a job (and the global file) may hold: retry,
 * env, mail, notify, ping, requires, steps.  Internal to config*.c.
 */
#ifndef CW_CONFIG_GROUPS_H
#define CW_CONFIG_GROUPS_H

#include "config_util.h"
#include "job.h"

int cfg_retry(struct retry *r, const config_setting_t *s, struct diag *d);
int cfg_env(struct job_env *e, const config_setting_t *s, struct diag *d);
int cfg_mail(struct mail_conf *m, const config_setting_t *s, struct diag *d);
int cfg_notify(
    struct notify_conf *n, const config_setting_t *s, struct diag *d);
int cfg_ping(struct notify_conf *n, const config_setting_t *s, struct diag *d);
int cfg_requires(struct job *job, const config_setting_t *s, struct diag *d);
int cfg_steps(struct job *job, const config_setting_t *s, struct diag *d);

#endif
