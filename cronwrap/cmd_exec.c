/*
 * cmd_exec.c - cronwrap exec [--name NAME] [JOB OPTIONS] -- CMD [ARG]...
 *
 * Wraps one command with the machinery of a job, no job file: each option
 * is a job key (--timeout 1h is timeout = "1h"), turned into a libconfig
 * text so that it is validated exactly like a job file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "config_util.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char exec_options[] =
    "  --name NAME              the job's name (default: the command's)\n"
    "  --timeout D, --kill-after D, --wait-timeout D\n"
    "  --lock NAME, --concurrency skip|wait|replace|allow\n"
    "  --retry N, --retry-delay D, --retry-backoff F, --retry-max-delay D,\n"
    "  --retry-jitter\n"
    "  --env KEY=VALUE, --env-file FILE, --keep-env NAME, --path PATH,\n"
    "  --no-clear-env\n"
    "  --user USER, --workdir DIR, --nice N, --umask MASK\n"
    "  --mail-to ADDR, --cron-output failure|always|never\n"
    "  --schedule EXPR\n"
    "  --dry-run, --force, --param KEY=VALUE, --window START/END\n"
    "durations: 90, 90s, 15m, 2h, 1d\n";

/* The keys collected from the options, as libconfig text. */
struct exec_keys {
	struct strbuf top, env_set, env_files, env_keep, env_more, retry,
	    mail_to;
};

static void
add_str(struct strbuf *b, const char *key, const char *v)
{
	char *q = cfg_quote(v);

	strbuf_printf(b, "%s = %s;\n", key, q);
	free(q);
}

static void
add_list_item(struct strbuf *b, const char *v)
{
	char *q = cfg_quote(v);

	strbuf_printf(b, "%s%s", b->len ? ", " : "", q);
	free(q);
}

static int
env_option(struct exec_keys *k, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *name, *q;

	if (eq == NULL || eq == arg)
		return -1;
	name = xstrndup(arg, (size_t)(eq - arg));
	for (const char *p = name; *p; p++)
		if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') ||
		        (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) {
			free(name);
			return -1;
		}
	q = cfg_quote(eq + 1);
	strbuf_printf(&k->env_set, "%s = %s;\n", name, q);
	free(q);
	free(name);
	return 0;
}

/* A number goes into the text only once it is known to be one. */
static int
add_num(struct strbuf *b, const char *key, const char *arg, bool is_float)
{
	char *end;

	errno = 0;
	if (is_float)
		(void)strtod(arg, &end);
	else
		(void)strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno == ERANGE)
		return -1;
	strbuf_printf(b, "%s = %s%s;\n", key, arg,
	    is_float && strpbrk(arg, ".eE") == NULL ? ".0" : "");
	return 0;
}

static int
exec_option(struct exec_keys *k, int ch, const char *arg)
{
	switch (ch) {
	case 't':
		add_str(&k->top, "timeout", arg);
		break;
	case 'k':
		add_str(&k->top, "kill_after", arg);
		break;
	case 'w':
		add_str(&k->top, "wait_timeout", arg);
		break;
	case 'l':
		add_str(&k->top, "lock", arg);
		break;
	case 'C':
		add_str(&k->top, "concurrency", arg);
		break;
	case 'u':
		add_str(&k->top, "user", arg);
		break;
	case 'd':
		add_str(&k->top, "workdir", arg);
		break;
	case 'm':
		add_str(&k->top, "umask", arg);
		break;
	case 'o':
		add_str(&k->top, "cron_output", arg);
		break;
	case 's':
		add_str(&k->top, "schedule", arg);
		break;
	case 'r':
		return add_num(&k->retry, "attempts", arg, false);
	case 'R':
		add_str(&k->retry, "delay", arg);
		break;
	case 'B':
		return add_num(&k->retry, "backoff", arg, true);
	case 'M':
		add_str(&k->retry, "max_delay", arg);
		break;
	case 'J':
		strbuf_printf(&k->retry, "jitter = true;\n");
		break;
	case 'n':
		return add_num(&k->top, "nice", arg, false);
	case 'p':
		add_str(&k->env_more, "path", arg);
		break;
	case 'N':
		strbuf_printf(&k->env_more, "clear = false;\n");
		break;
	case 'f':
		add_list_item(&k->env_files, arg);
		break;
	case 'K':
		add_list_item(&k->env_keep, arg);
		break;
	case 'T':
		add_list_item(&k->mail_to, arg);
		break;
	case 'e':
		return env_option(k, arg);
	default:
		return 1;
	}
	return 0;
}

static char *
exec_text(struct exec_keys *k)
{
	struct strbuf t = STRBUF_INIT;

	strbuf_adds(&t, strbuf_str(&k->top));
	if (k->retry.len)
		strbuf_printf(&t, "retry = {\n%s};\n", k->retry.s);
	if (k->env_set.len || k->env_files.len || k->env_keep.len ||
	    k->env_more.len) {
		strbuf_printf(&t, "env = {\n%s", strbuf_str(&k->env_more));
		if (k->env_set.len)
			strbuf_printf(&t, "set = {\n%s};\n", k->env_set.s);
		if (k->env_files.len)
			strbuf_printf(&t, "files = [ %s ];\n", k->env_files.s);
		if (k->env_keep.len)
			strbuf_printf(&t, "keep = [ %s ];\n", k->env_keep.s);
		strbuf_adds(&t, "};\n");
	}
	if (k->mail_to.len)
		strbuf_printf(&t, "mail = { to = [ %s ]; };\n", k->mail_to.s);
	return t.s != NULL ? t.s : xstrdup("");
}

static void
exec_keys_free(struct exec_keys *k)
{
	strbuf_free(&k->top);
	strbuf_free(&k->env_set);
	strbuf_free(&k->env_files);
	strbuf_free(&k->env_keep);
	strbuf_free(&k->env_more);
	strbuf_free(&k->retry);
	strbuf_free(&k->mail_to);
}

static const struct option exec_opts[] = {
    {"concurrency", required_argument, NULL, 'C'},
    {"cron-output", required_argument, NULL, 'o'},
    {"dry-run", no_argument, NULL, 'D'},
    {"env", required_argument, NULL, 'e'},
    {"env-file", required_argument, NULL, 'f'},
    {"force", no_argument, NULL, 'F'},
    {"help", no_argument, NULL, 'h'},
    {"keep-env", required_argument, NULL, 'K'},
    {"kill-after", required_argument, NULL, 'k'},
    {"lock", required_argument, NULL, 'l'},
    {"mail-to", required_argument, NULL, 'T'},
    {"name", required_argument, NULL, 'a'},
    {"nice", required_argument, NULL, 'n'},
    {"no-clear-env", no_argument, NULL, 'N'},
    {"param", required_argument, NULL, 'P'},
    {"path", required_argument, NULL, 'p'},
    {"retry", required_argument, NULL, 'r'},
    {"retry-backoff", required_argument, NULL, 'B'},
    {"retry-delay", required_argument, NULL, 'R'},
    {"retry-jitter", no_argument, NULL, 'J'},
    {"retry-max-delay", required_argument, NULL, 'M'},
    {"schedule", required_argument, NULL, 's'},
    {"timeout", required_argument, NULL, 't'},
    {"umask", required_argument, NULL, 'm'},
    {"user", required_argument, NULL, 'u'},
    {"version", no_argument, NULL, 'V'},
    {"wait-timeout", required_argument, NULL, 'w'},
    {"window", required_argument, NULL, 'W'},
    {"workdir", required_argument, NULL, 'd'},
    {NULL, 0, NULL, 0},
};

/* The job's name: --name, else the command's base name. */
static const char *
exec_name(const char *name, const char *cmd)
{
	const char *slash;

	if (name != NULL)
		return name;
	slash = strrchr(cmd, '/');
	return slash != NULL ? slash + 1 : cmd;
}

static int
exec_build(const struct global *g, const char *name, struct exec_keys *k,
    int argc, char **argv, struct job *job)
{
	struct strv args = STRV_INIT;
	struct diag d = DIAG_INIT;
	char *text = exec_text(k);
	int ret = 0;

	for (int i = 0; i < argc; i++)
		strv_push(&args, argv[i]);
	if (config_job_from_text(g, name, text, &args, job, &d) < 0) {
		cli_print_diag(&d);
		ret = EX_USAGE;
	}
	diag_free(&d);
	strv_free(&args);
	free(text);
	return ret;
}

int
cmd_exec(const struct cli *cli, int argc, char **argv)
{
	struct exec_keys k = {0};
	struct run_request req = {0};
	struct kv params = KV_INIT;
	const char *name = NULL;
	struct global g;
	struct job job;
	int ch, status = 0;

	req.params = &params;
	while (status == 0 &&
	       (ch = getopt_long(argc, argv, "+h", exec_opts, NULL)) != -1) {
		if (ch == 'h' || ch == 'V') {
			exec_keys_free(&k);
			kv_free(&params);
			return ch == 'h'
			           ? cli_help("exec", exec_options)
			           : printf("cronwrap %s\n", CW_VERSION) < 0;
		}
		if (ch == 'a') {
			name = optarg;
			continue;
		}
		status = cmd_run_option("exec", ch, &req, &params);
		if (status == 1 && (status = exec_option(&k, ch, optarg)) != 0)
			status = cli_usage("exec", "bad option or value%s%s",
			    optarg ? ": " : "", optarg ? optarg : "");
	}
	if (status == 0 && optind >= argc)
		status = cli_usage("exec", "expected -- CMD [ARG]...");
	if (status == 0 && !config_valid_name(exec_name(name, argv[optind])))
		status = cli_usage("exec",
		    "bad job name \"%s\" (letters, "
		    "digits, '.', '_', '-')",
		    exec_name(name, argv[optind]));
	if (status == 0 && (status = cli_load_global(cli, &g)) == 0) {
		status = exec_build(&g, exec_name(name, argv[optind]), &k,
		    argc - optind, argv + optind, &job);
		if (status == 0) {
			status = cmd_run_job(&g, &job, &req, cli);
			job_free(&job);
		}
		global_free(&g);
	}
	exec_keys_free(&k);
	kv_free(&params);
	return status;
}
