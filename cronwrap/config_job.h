/*
 * config_job.h - the keys of a job group.  Internal to config*.c.
 */
#ifndef CW_CONFIG_JOB_H
#define CW_CONFIG_JOB_H

#include <libconfig.h>

#include "config.h"

int config_job_keys(
    struct job *job, const config_setting_t *group, struct diag *d);
int config_exec_keys(
    struct job *job, const config_setting_t *group, struct diag *d);
int config_default_keys(
    struct job *job, const config_setting_t *group, struct diag *d);
int config_job_validate(
    struct job *job, const config_setting_t *root, struct diag *d);

#endif
