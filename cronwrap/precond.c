/*
 * precond.c - evaluating a job's requirements once, and comparing and
 * summing up the verdicts.  The checks themselves live in precond_job.c,
 * precond_file.c, precond_command.c and precond_url.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "precond_int.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define REASON_MAX 1024 /* a reason is one line of a log */

const char *
precond_verdict_name(enum precond_verdict v)
{
	switch (v) {
	case PRECOND_MET:
		return "met";
	case PRECOND_UNMET:
		return "unmet";
	default:
		return "error";
	}
}

/* A reason stays one printable line of bounded length. */
static char *
reason_clean(char *s)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '?';
	if (len > REASON_MAX)
		memcpy(s + REASON_MAX - 3, "...", 4);
	return s;
}

void
precond_set(
    struct precond_result *res, enum precond_verdict v, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = xstrdup(fmt);
	va_end(ap);
	free(res->reason);
	res->verdict = v;
	res->reason = reason_clean(s);
	res->stable_len = strlen(res->reason);
}

void
precond_detail(struct precond_result *res, const char *detail)
{
	char *s;

	if (detail == NULL || *detail == '\0')
		return;
	s = xasprintf("%s: %s", res->reason ? res->reason : "", detail);
	free(res->reason);
	res->reason = reason_clean(s);
	if (res->stable_len > strlen(res->reason))
		res->stable_len = strlen(res->reason);
}

static void
evaluate_one(const struct precond_ctx *ctx, const struct requirement *req,
    struct precond_result *res)
{
	switch (req->kind) {
	case REQ_JOB:
		precond_job(ctx, req, res);
		break;
	case REQ_FILE:
		precond_file(ctx, req, res);
		break;
	case REQ_COMMAND:
		precond_command(ctx, req, res);
		break;
	case REQ_URL:
		net_precond_url(ctx, req, res);
		break;
	default:
		precond_set(res, PRECOND_ERROR, "%s:%d: unknown requirement",
		    req->src_file ? req->src_file : "?", req->src_line);
	}
	if (res->reason == NULL)
		precond_set(res, PRECOND_ERROR, "%s:%d: not evaluated",
		    req->src_file ? req->src_file : "?", req->src_line);
}

size_t
precond_evaluate(const struct precond_ctx *ctx, struct precond_eval *out)
{
	const struct job *job = ctx->job;

	out->n = job->nrequires;
	out->unmet = 0;
	out->res = xcalloc(out->n ? out->n : 1, sizeof *out->res);
	for (size_t i = 0; i < out->n; i++) {
		evaluate_one(ctx, &job->requires[i], &out -> res[i]);
		if (out->res[i].verdict != PRECOND_MET)
			out->unmet++;
	}
	return out->unmet;
}

bool
precond_met(const struct precond_eval *e)
{
	return e->unmet == 0;
}

bool
precond_result_changed(
    const struct precond_result *a, const struct precond_result *b)
{
	if (a->verdict != b->verdict || a->stable_len != b->stable_len)
		return true;
	if (a->reason == NULL || b->reason == NULL)
		return a->reason != b->reason;
	return memcmp(a->reason, b->reason, a->stable_len) != 0;
}

bool
precond_changed(const struct precond_eval *prev, const struct precond_eval *cur)
{
	if (prev == NULL || prev->n != cur->n)
		return true;
	for (size_t i = 0; i < cur->n; i++)
		if (precond_result_changed(&prev->res[i], &cur->res[i]))
			return true;
	return false;
}

char *
precond_summary(const struct precond_eval *e)
{
	struct strbuf b = STRBUF_INIT;
	char *s;

	for (size_t i = 0; i < e->n; i++) {
		if (e->unmet > 0 && e->res[i].verdict == PRECOND_MET)
			continue;
		if (b.len > 0)
			strbuf_adds(&b, "; ");
		strbuf_adds(&b, e->res[i].reason);
	}
	s = xstrdup(strbuf_str(&b));
	strbuf_free(&b);
	return s;
}

void
precond_eval_free(struct precond_eval *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->n; i++)
		free(e->res[i].reason);
	sfree(e->res);
	e->n = 0;
	e->unmet = 0;
}
