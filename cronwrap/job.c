/*
 * job.c - freeing and copying the resolved settings.
 */
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "util/xalloc.h"

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
mail_conf_copy(struct mail_conf *dst, const struct mail_conf *src)
{
	*dst = *src;
	dst->sendmail = dup_or_null(src->sendmail);
	dst->smtp_server = dup_or_null(src->smtp_server);
	dst->smtp_user = dup_or_null(src->smtp_user);
	dst->smtp_password_file = dup_or_null(src->smtp_password_file);
	dst->ca_file = dup_or_null(src->ca_file);
	dst->from = dup_or_null(src->from);
	memset(&dst->to, 0, sizeof dst->to);
	strv_copy(&dst->to, &src->to);
}

void
mail_conf_free(struct mail_conf *m)
{
	sfree(m->sendmail);
	sfree(m->smtp_server);
	sfree(m->smtp_user);
	sfree(m->smtp_password_file);
	sfree(m->ca_file);
	sfree(m->from);
	strv_free(&m->to);
}

void
notify_conf_free(struct notify_conf *n)
{
	sfree(n->webhook);
	sfree(n->ping_start);
	sfree(n->ping_success);
	sfree(n->ping_failure);
	strv_free(&n->on_failure);
}

void
job_free_steps(struct job *job)
{
	for (size_t i = 0; i < job->nsteps; i++) {
		struct step *st = &job->steps[i];

		free(st->name);
		free(st->plugin);
		strv_free(&st->command);
		free(st->shell);
		strv_free(&st->artifacts);
		for (size_t k = 0; k < st->nsettings; k++) {
			free(st->settings[k].key);
			free(st->settings[k].s);
			strv_free(&st->settings[k].l);
		}
		free(st->settings);
		free(st->src_file);
	}
	sfree(job->steps);
	job->nsteps = 0;
}

void
job_free_requires(struct job *job)
{
	for (size_t i = 0; i < job->nrequires; i++) {
		struct requirement *r = &job->requires[i];

		free(r->src_file);
		free(r->job);
		free(r->file);
		strv_free(&r->command);
		free(r->url);
		free(r->contains);
	}
	sfree(job->requires);
	job->nrequires = 0;
}

void
job_free(struct job *job)
{
	free(job->name);
	free(job->file);
	free(job->dir);
	free(job->description);
	free(job->schedule);
	free(job->schedule_tz);
	free(job->user);
	free(job->workdir);
	strv_free(&job->command);
	free(job->shell);
	job_free_steps(job);
	free(job->lock);
	free(job->env.path);
	kv_free(&job->env.set);
	strv_free(&job->env.files);
	strv_free(&job->env.keep);
	job_free_requires(job);
	mail_conf_free(&job->mail);
	notify_conf_free(&job->notify);
	memset(job, 0, sizeof *job);
}

void
global_free(struct global *g)
{
	free(g->file);
	free(g->dir);
	free(g->jobs_dir);
	free(g->state_dir);
	free(g->log_dir);
	free(g->lock_dir);
	free(g->plugin_dir);
	free(g->syslog_ident);
	mail_conf_free(&g->mail);
	memset(g, 0, sizeof *g);
}

const char *
concurrency_name(enum concurrency c)
{
	static const char *const names[] = {"skip", "wait", "replace", "allow"};

	return names[c];
}

const char *
cron_output_name(enum cron_output c)
{
	static const char *const names[] = {"failure", "always", "never"};

	return names[c];
}

const char *
unmet_name(enum unmet_policy u)
{
	static const char *const names[] = {"wait", "skip", "fail"};

	return names[u];
}
