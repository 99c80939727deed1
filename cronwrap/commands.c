/*
 * commands.c - the table of commands; the synopses match cronwrap(1).
 */
#include <stddef.h>

#include "commands.h"

const struct command commands[] = {
    {"run", cmd_run,
        "run JOB [--dry-run] [--force] [--param KEY=VALUE]... "
        "[--window START/END]"},
    {"exec", cmd_exec, "exec [--name NAME] [JOB OPTIONS] -- CMD [ARG]..."},
    {"check", cmd_check, "check [JOB]..."},
    {"show", cmd_show, "show JOB"},
    {"env", cmd_env, "env JOB [--diff]"},
    {"list", cmd_list, "list [--json]"},
    {"status", cmd_status, "status [JOB] [--json]"},
    {"history", cmd_history, "history JOB [-n N] [--json]"},
    {"log", cmd_log, "log JOB [RUN_ID] [--raw]"},
    {"crontab", cmd_crontab, "crontab [--user U]"},
    {"prune", cmd_prune, "prune"},
    {NULL, NULL, NULL},
};
