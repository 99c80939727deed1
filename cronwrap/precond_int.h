/*
 * precond_int.h - what the precond*.c files share: one checker per kind of
 * requirement, the way they write a verdict, and the bounded-memory text
 * search of a URL's body.  Internal: only precond*.c (and the unit test)
 * include it.
 */
#ifndef CW_PRECOND_INT_H
#define CW_PRECOND_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "precond.h"

/* Each fills res (empty on entry) with its verdict on req. */
void precond_job(const struct precond_ctx *ctx, const struct requirement *req,
    struct precond_result *res);
void precond_file(const struct precond_ctx *ctx, const struct requirement *req,
    struct precond_result *res);
void precond_command(const struct precond_ctx *ctx,
    const struct requirement *req, struct precond_result *res);
void precond_url(const struct precond_ctx *ctx, const struct requirement *req,
    struct precond_result *res);

/* Sets the verdict and the reason (control characters become '?'); all of
 * it is the stable part. */
void precond_set(struct precond_result *res, enum precond_verdict v,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Appends ": detail" to the reason, outside its stable part. */
void precond_detail(struct precond_result *res, const char *detail);

/* Finds needle in a stream fed piece by piece, holding at most twice the
 * needle's length besides: a match may straddle two pieces. */
struct precond_match {
	const char *needle; /* not owned */
	size_t nlen;
	char *buf; /* the last nlen - 1 bytes seen, then the next ones */
	size_t blen;
	bool found;
};

void precond_match_init(struct precond_match *m, const char *needle);
/* Feeds len bytes; returns whether the needle was found so far. */
bool precond_match_feed(struct precond_match *m, const char *data, size_t len);
void precond_match_free(struct precond_match *m);

#endif
