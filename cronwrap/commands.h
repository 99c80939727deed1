/*
 * commands.h - the commands, one file each (cmd_NAME.c).
 */
#ifndef CW_COMMANDS_H
#define CW_COMMANDS_H

#include "cli.h"
#include "run.h"

int cmd_run(const struct cli *cli, int argc, char **argv);
int cmd_exec(const struct cli *cli, int argc, char **argv);
int cmd_check(const struct cli *cli, int argc, char **argv);
int cmd_show(const struct cli *cli, int argc, char **argv);
int cmd_env(const struct cli *cli, int argc, char **argv);
int cmd_list(const struct cli *cli, int argc, char **argv);
int cmd_status(const struct cli *cli, int argc, char **argv);
int cmd_history(const struct cli *cli, int argc, char **argv);
int cmd_log(const struct cli *cli, int argc, char **argv);
int cmd_crontab(const struct cli *cli, int argc, char **argv);
int cmd_prune(const struct cli *cli, int argc, char **argv);

/* Shared by run and exec (cmd_run.c). */
int cmd_run_option(
    const char *cmd, int ch, struct run_request *req, struct kv *params);
int cmd_run_job(const struct global *g, const struct job *job,
    struct run_request *req, const struct cli *cli);

#endif
