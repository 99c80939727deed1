/*
 * cmd_show.c - cronwrap show JOB: the job's settings as resolved (built-in
 * defaults, then the global defaults, then the job file), in the syntax of
 * a job file, with secrets masked.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "config_util.h"
#include "plugin_host.h"
#include "util/duration.h"

#define MASK "\"********\""

static bool
secret_name(const char *name)
{
	static const char *const words[] = {
	    "pass", "secret", "token", "key", "credential", NULL};

	if (strstr(name, "_file") != NULL || strstr(name, "_FILE") != NULL)
		return false;
	for (int i = 0; words[i] != NULL; i++)
		if (strcasestr(name, words[i]) != NULL)
			return true;
	return false;
}

static void
p_str(const char *indent, const char *key, const char *v)
{
	char *q;

	if (v == NULL)
		return;
	q = cfg_quote(v);
	printf("%s%s = %s;\n", indent, key, q);
	free(q);
}

static void
p_list(const char *indent, const char *key, const struct strv *l)
{
	printf("%s%s = [", indent, key);
	for (size_t i = 0; i < l->n; i++) {
		char *q = cfg_quote(l->v[i]);

		printf("%s %s", i ? "," : "", q);
		free(q);
	}
	printf(" ];\n");
}

static void
p_dur(const char *indent, const char *key, double v)
{
	printf("%s%s = \"%gs\";\n", indent, key, v);
}

static void
show_env(const struct job_env *e)
{
	printf("env = {\n  clear = %s;\n", e->clear ? "true" : "false");
	p_str("  ", "path", e->path);
	printf("  set = {\n");
	for (size_t i = 0; i < e->set.n; i++) {
		if (secret_name(e->set.keys[i]))
			printf("    %s = " MASK ";\n", e->set.keys[i]);
		else
			p_str("    ", e->set.keys[i], e->set.values[i]);
	}
	printf("  };\n");
	p_list("  ", "files", &e->files);
	p_list("  ", "keep", &e->keep);
	printf("};\n");
}

static void
show_mail(const struct mail_conf *m)
{
	static const char *const ev[] = {
	    "failure", "timeout", "precondition", "crash", "recovery"};
	struct strv on = STRV_INIT;

	for (int i = 0; i < 5; i++)
		if (m->on & (1u << i))
			strv_push(&on, ev[i]);
	printf("mail = {\n");
	p_str(
	    "  ", "transport", m->transport == MAIL_SMTP ? "smtp" : "sendmail");
	p_str("  ", "smtp_server", m->smtp_server);
	printf("  smtp_port = %d;\n", m->smtp_port);
	p_str("  ", "starttls",
	    m->starttls == STARTTLS_NO    ? "no"
	    : m->starttls == STARTTLS_TRY ? "try"
	                                  : "require");
	p_str("  ", "smtp_user", m->smtp_user);
	p_str("  ", "smtp_password_file", m->smtp_password_file);
	p_str("  ", "from", m->from);
	p_list("  ", "to", &m->to);
	p_list("  ", "on", &on);
	printf("  after_failures = %u;\n", m->after_failures);
	p_dur("  ", "repeat_every", m->repeat_every);
	printf("  tail_lines = %u;\n};\n", m->tail_lines);
	strv_free(&on);
}

static void
show_setting(
    const struct global *g, const struct step *st, const struct setting *s)
{
	if (plugin_setting_secret(g, st, s->key) ||
	    (s->type == SET_STRING && secret_name(s->key))) {
		printf("    %s = " MASK ";\n", s->key);
		return;
	}
	switch (s->type) {
	case SET_STRING:
		if (strstr(s->s, "password=") != NULL)
			printf("    %s = \"(contains a password: masked)\";\n",
			    s->key);
		else
			p_str("    ", s->key, s->s);
		break;
	case SET_INT:
		printf("    %s = %lld;\n", s->key, s->i);
		break;
	case SET_FLOAT:
		printf("    %s = %g;\n", s->key, s->f);
		break;
	case SET_BOOL:
		printf("    %s = %s;\n", s->key, s->i ? "true" : "false");
		break;
	case SET_LIST:
		p_list("    ", s->key, &s->l);
		break;
	}
}

static void
show_steps(const struct global *g, const struct job *job)
{
	printf("steps = (\n");
	for (size_t i = 0; i < job->nsteps; i++) {
		const struct step *st = &job->steps[i];

		printf("  {\n");
		p_str("    ", "name", st->name);
		p_str("    ", "plugin", st->plugin);
		if (st->command.n)
			p_list("    ", "command", &st->command);
		p_str("    ", "shell", st->shell);
		if (st->artifacts.n)
			p_list("    ", "artifacts", &st->artifacts);
		for (size_t k = 0; k < st->nsettings; k++)
			show_setting(g, st, &st->settings[k]);
		printf("  }%s\n", i + 1 < job->nsteps ? "," : "");
	}
	printf(");\n");
}

static void
show_requires(const struct job *job)
{
	printf("requires = (\n");
	for (size_t i = 0; i < job->nrequires; i++) {
		const struct requirement *r = &job->requires[i];

		printf("  {");
		if (r->kind == REQ_JOB) {
			printf(" job = \"%s\";", r->job);
			if (r->within > 0)
				printf(" within = \"%gs\";", r->within);
			else
				printf(" succeeded = \"%s\";",
				    r->succeeded == SUCC_LAST ? "last"
				                              : "window");
		} else if (r->kind == REQ_FILE) {
			printf(" file = \"%s\";", r->file);
			if (r->newer_than_window)
				printf(" newer_than = \"window\";");
			if (r->min_size)
				printf(" min_size = %lld;", r->min_size);
		} else if (r->kind == REQ_COMMAND) {
			char *c = strv_join(&r->command, " ");

			printf(" command = [ \"%s\" ]; timeout = \"%gs\";", c,
			    r->timeout);
			free(c);
		} else {
			printf(" url = \"%s\"; timeout = \"%gs\";", r->url,
			    r->timeout);
		}
		printf(" }%s\n", i + 1 < job->nrequires ? "," : "");
	}
	printf(");\nunmet = \"%s\";\n", unmet_name(job->unmet));
	p_dur("", "unmet_timeout", job->unmet_timeout);
	p_dur("", "unmet_poll", job->unmet_poll);
}

static void
show_job(const struct global *g, const struct job *job)
{
	printf("# job %s, from %s\n", job->name, job->file);
	p_str("", "description", job->description);
	p_str("", "schedule", job->schedule);
	p_str("", "schedule_tz", job->schedule_tz);
	p_str("", "user", job->user);
	p_str("", "workdir", job->workdir);
	if (job->command.n)
		p_list("", "command", &job->command);
	p_str("", "shell", job->shell);
	if (job->nsteps)
		show_steps(g, job);
	p_dur("", "timeout", job->timeout);
	p_dur("", "kill_after", job->kill_after);
	p_str("", "concurrency", concurrency_name(job->concurrency));
	p_str("", "lock", job->lock != NULL ? job->lock : job->name);
	p_dur("", "wait_timeout", job->wait_timeout);
	printf("retry = { attempts = %u; delay = \"%gs\"; backoff = %g; "
	       "max_delay = \"%gs\"; jitter = %s; };\n",
	    job->retry.attempts, job->retry.delay, job->retry.backoff,
	    job->retry.max_delay, job->retry.jitter ? "true" : "false");
	show_env(&job->env);
	if (job->nrequires)
		show_requires(job);
	show_mail(&job->mail);
	p_str("", "cron_output", cron_output_name(job->cron_output));
	printf(
	    "nice = %d;\numask = \"%03o\";\n", job->nice, (unsigned)job->umask);
}

int
cmd_show(const struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct global g;
	struct job job;
	int ch, status;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h')
			return cli_help("show", NULL);
		if (ch == 'V')
			return printf("cronwrap %s\n", CW_VERSION) < 0;
		return cli_usage("show", "bad option");
	}
	if (optind != argc - 1)
		return cli_usage("show", "expected one JOB");
	if ((status = cli_load_global(cli, &g)) != 0)
		return status;
	if ((status = cli_load_job(&g, argv[optind], &job)) == 0) {
		show_job(&g, &job);
		job_free(&job);
	}
	global_free(&g);
	return status;
}
