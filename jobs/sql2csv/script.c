/*
 * script.c - cutting an SQL script into statements (see script.h).
 *
 * One pass over the text, token by token.  Only what decides where a
 * statement ends is recognised: quotes of each kind (with their escapes),
 * comments, parentheses, PostgreSQL's dollar quotes and, as psql does, the
 * BEGIN ... END of a CREATE FUNCTION/PROCEDURE body in SQL.  Everything else
 * is copied as it is, but for :name parameters.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "script.h"

struct sbuf {
	char *p;
	size_t n, cap;
	bool oom;
};

struct lexer {
	const char *p, *end;
	enum script_dialect d;
	const char *const *names;
	size_t nnames;
	unsigned line;
	struct script *s;
	bool oom;
	/* The statement being read. */
	bool started;       /* a token other than blanks and comments seen */
	const char *copied; /* the text before it is in buf, or skipped */
	struct sbuf buf;
	struct script_stmt cur;
	int paren;
	int begin_depth;
	unsigned nidents; /* words seen, for the BEGIN ATOMIC rule */
	char idents[4];   /* their first letters when CREATE, OR, ... */
	unsigned nwords;
	/* MySQL: the statement delimiter set by a DELIMITER line, as in the
	 * mysql client; "" while it is ';'. */
	char delim[16];
	size_t delimlen;
};

static void
sb_add(struct sbuf *b, const char *p, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap == 0 ? 256 : b->cap;
		char *q;

		while (cap < b->n + n + 1)
			cap *= 2;
		if ((q = realloc(b->p, cap)) == NULL) {
			b->oom = true;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static bool
is_word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}

static bool
is_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
is_name_char(unsigned char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static void
lex_lines(struct lexer *lx, const char *from, const char *to)
{
	for (; from < to; from++)
		if (*from == '\n')
			lx->line++;
}

/* Moves past a quoted token whose opening quote q is at lx->p: a doubled
 * quote stands for itself, and so does a backslash escape when allowed. */
static void
lex_quoted(struct lexer *lx, char q, bool backslash)
{
	const char *p = lx->p + 1;

	while (p < lx->end) {
		if (*p == '\\' && backslash && p + 1 < lx->end) {
			p += 2;
			continue;
		}
		if (*p == q) {
			if (p + 1 < lx->end && p[1] == q) {
				p += 2;
				continue;
			}
			p++;
			break;
		}
		p++;
	}
	lex_lines(lx, lx->p, p);
	lx->p = p;
}

/* A block comment at lx->p ("/" "*"); PostgreSQL's nest. */
static void
lex_block_comment(struct lexer *lx)
{
	const char *p = lx->p + 2;
	int depth = 1;

	while (p < lx->end && depth > 0) {
		if (p + 1 < lx->end && p[0] == '*' && p[1] == '/') {
			depth--;
			p += 2;
		} else if (lx->d == SCRIPT_PG && p + 1 < lx->end &&
		           p[0] == '/' && p[1] == '*') {
			depth++;
			p += 2;
		} else
			p++;
	}
	lex_lines(lx, lx->p, p);
	lx->p = p;
}

/* The length of the comment starting at lx->p, or 0 for none.  MySQL's
 * executable comments (slash, star, bang) are code, not comments. */
static int
lex_comment(struct lexer *lx)
{
	const char *p = lx->p;
	size_t left = (size_t)(lx->end - p);

	if (left >= 2 && p[0] == '/' && p[1] == '*') {
		if (lx->d == SCRIPT_MYSQL && left >= 3 &&
		    (p[2] == '!' || (p[2] == 'M' && left >= 4 && p[3] == '!')))
			return 0;
		lex_block_comment(lx);
		return 1;
	}
	/* MySQL wants a blank after "--"; it also has "#". */
	if ((left >= 2 && p[0] == '-' && p[1] == '-' &&
	        (lx->d == SCRIPT_PG || left == 2 ||
	            (unsigned char)p[2] <= ' ')) ||
	    (lx->d == SCRIPT_MYSQL && p[0] == '#')) {
		p = memchr(p, '\n', left);
		lx->p = p == NULL ? lx->end : p;
		return 1;
	}
	return 0;
}

/* A dollar quote at lx->p, "$tag$ ... $tag$", moved past when it is one. */
static bool
lex_dollar(struct lexer *lx)
{
	const char *q = lx->p + 1, *close;
	size_t taglen;

	if (q < lx->end && is_name_start((unsigned char)*q)) {
		while (
		    q < lx->end && is_word_char((unsigned char)*q) && *q != '$')
			q++;
	}
	if (q >= lx->end || *q != '$')
		return false;
	taglen = (size_t)(q - lx->p) + 1;
	close = memmem(q + 1, (size_t)(lx->end - q - 1), lx->p, taglen);
	close = close == NULL ? lx->end : close + taglen;
	lex_lines(lx, lx->p, close);
	lx->p = close;
	return true;
}

/* psql's rule for the body of CREATE [OR REPLACE] FUNCTION|PROCEDURE ...
 * BEGIN ATOMIC ... END: semicolons inside do not end the statement. */
static void
lex_begin_rule(struct lexer *lx, const char *w, size_t n)
{
	static const char *const lead[] = {
	    "create", "function", "procedure", "or", "replace"};
	const char *id = lx->idents;
	size_t i;

	for (i = 0; i < sizeof(lead) / sizeof(lead[0]); i++)
		if (strlen(lead[i]) == n && strncasecmp(w, lead[i], n) == 0 &&
		    lx->nidents < sizeof(lx->idents))
			lx->idents[lx->nidents] = lead[i][0];
	lx->nidents++;
	if (!(id[0] == 'c' && (id[1] == 'f' || id[1] == 'p' ||
	                          (id[1] == 'o' && id[2] == 'r' &&
	                              (id[3] == 'f' || id[3] == 'p')))) ||
	    lx->paren != 0)
		return;
	if (n == 5 && strncasecmp(w, "begin", 5) == 0)
		lx->begin_depth++;
	else if (n == 4 && strncasecmp(w, "case", 4) == 0) {
		if (lx->begin_depth > 0)
			lx->begin_depth++;
	} else if (n == 3 && strncasecmp(w, "end", 3) == 0) {
		if (lx->begin_depth > 0)
			lx->begin_depth--;
	}
}

static void
lex_word(struct lexer *lx)
{
	const char *w = lx->p, *p = w;
	size_t n;

	/* A DELIMITER may be glued to a word: "END$$". */
	while (p < lx->end && is_word_char((unsigned char)*p) &&
	       !(lx->delimlen > 0 && p > w &&
	           (size_t)(lx->end - p) >= lx->delimlen &&
	           memcmp(p, lx->delim, lx->delimlen) == 0))
		p++;
	n = (size_t)(p - w);
	lx->p = p;
	if (lx->nwords < SCRIPT_WORDS && is_name_start((unsigned char)*w)) {
		for (size_t i = 0; i < n && i < SCRIPT_WORD - 1; i++)
			lx->cur.words[lx->nwords][i] =
			    (char)(w[i] >= 'a' && w[i] <= 'z' ? w[i] - 32
			                                      : w[i]);
	}
	lx->nwords++;
	if (lx->d != SCRIPT_PG)
		return;
	lex_begin_rule(lx, w, n);
	/* E'...': a string with backslash escapes. */
	if (n == 1 && (*w == 'E' || *w == 'e') && p < lx->end && *p == '\'')
		lex_quoted(lx, '\'', true);
}

static ssize_t
lex_find_name(const struct lexer *lx, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < lx->nnames; i++)
		if (strlen(lx->names[i]) == n &&
		    memcmp(lx->names[i], name, n) == 0)
			return (ssize_t)i;
	return -1;
}

/* A ':' at lx->p: a cast "::", a parameter, or just a colon. */
static void
lex_colon(struct lexer *lx)
{
	const char *name = lx->p + 1, *p = name;
	char repl[32];
	ssize_t idx;
	size_t k;
	size_t *v;

	if (p < lx->end && *p == ':') {
		lx->p += 2;
		return;
	}
	while (p < lx->end && is_name_char((unsigned char)*p))
		p++;
	if (p == name || !is_name_start((unsigned char)*name) ||
	    (idx = lex_find_name(lx, name, (size_t)(p - name))) < 0) {
		lx->p = name;
		return;
	}
	/* PostgreSQL numbers each name once ($k); MySQL's ? is positional,
	 * one per use. */
	for (k = 0; lx->d == SCRIPT_PG && k < lx->cur.nparams; k++)
		if (lx->cur.params[k] == (size_t)idx)
			break;
	if (lx->d == SCRIPT_MYSQL || k == lx->cur.nparams) {
		k = lx->cur.nparams;
		v = realloc(lx->cur.params, (k + 1) * sizeof(*v));
		if (v == NULL) {
			lx->oom = true;
			lx->p = p;
			return;
		}
		lx->cur.params = v;
		v[lx->cur.nparams++] = (size_t)idx;
	}
	if (lx->d == SCRIPT_MYSQL)
		snprintf(repl, sizeof(repl), "?");
	else
		snprintf(repl, sizeof(repl), "$%zu", k + 1);
	sb_add(&lx->buf, lx->copied, (size_t)(lx->p - lx->copied));
	sb_add(&lx->buf, repl, strlen(repl));
	lx->copied = lx->p = p;
}

/* Ends the statement before lx->p (which is at ';' or the end). */
static void
lex_end_statement(struct lexer *lx)
{
	struct script_stmt *v = NULL;

	if (lx->started) {
		sb_add(&lx->buf, lx->copied, (size_t)(lx->p - lx->copied));
		if (!lx->buf.oom)
			v = realloc(lx->s->stmts, (lx->s->n + 1) * sizeof(*v));
		if (v == NULL)
			lx->oom = true;
		else {
			lx->s->stmts = v;
			lx->cur.sql = lx->buf.p;
			v[lx->s->n++] = lx->cur;
			lx->buf.p = NULL;
			lx->cur.params = NULL;
		}
	}
	free(lx->buf.p);
	free(lx->cur.params);
	memset(&lx->buf, 0, sizeof(lx->buf));
	memset(&lx->cur, 0, sizeof(lx->cur));
	lx->started = false;
	lx->paren = lx->begin_depth = 0;
	lx->nidents = lx->nwords = 0;
	memset(lx->idents, 0, sizeof(lx->idents));
}

/* One token of code (not a blank, not a comment) at lx->p. */
static void
lex_code(struct lexer *lx)
{
	char c = *lx->p;
	unsigned words = lx->nwords;

	if (!lx->started) {
		lx->started = true;
		lx->cur.line = lx->line;
		lx->copied = lx->p;
	}
	if (c == '\'')
		lex_quoted(lx, c, lx->d == SCRIPT_MYSQL);
	else if (c == '"')
		lex_quoted(lx, c, lx->d == SCRIPT_MYSQL);
	else if (c == '`' && lx->d == SCRIPT_MYSQL)
		lex_quoted(lx, c, false);
	else if (c == '/' && lx->d == SCRIPT_MYSQL && lx->p + 1 < lx->end &&
	         lx->p[1] == '*')
		lex_block_comment(lx); /* an executable comment */
	else if (c == ':')
		lex_colon(lx);
	else if (c == '$' && lx->d == SCRIPT_PG && lex_dollar(lx))
		;
	else if (is_word_char((unsigned char)c))
		lex_word(lx);
	else {
		lx->paren += c == '(' ? 1 : c == ')' ? -1 : 0;
		lx->p++;
	}
	/* Tokens that are not words still take a place in words[]. */
	if (lx->nwords == words)
		lx->nwords++;
}

/* A "DELIMITER xx" line of a MySQL script, before any statement text:
 * what the mysql client understands, so that a script that runs there runs
 * here.  Moves past it and returns true when there is one. */
static bool
lex_delimiter_line(struct lexer *lx)
{
	const char *p = lx->p, *w;
	size_t n;

	if (lx->d != SCRIPT_MYSQL || lx->started ||
	    (size_t)(lx->end - p) < 10 || strncasecmp(p, "delimiter", 9) != 0 ||
	    (p[9] != ' ' && p[9] != '\t'))
		return false;
	for (p += 9; p < lx->end && (*p == ' ' || *p == '\t'); p++)
		;
	for (w = p; p < lx->end && (unsigned char)*p > ' '; p++)
		;
	n = (size_t)(p - w);
	if (n == 0 || n >= sizeof(lx->delim))
		return false;
	memcpy(lx->delim, w, n);
	lx->delim[n] = '\0';
	lx->delimlen = n == 1 && *w == ';' ? 0 : n;
	while (p < lx->end && *p != '\n')
		p++;
	lx->p = lx->copied = p;
	return true;
}

/* Whether the statement ends at lx->p, and the length of its terminator. */
static size_t
lex_at_end(const struct lexer *lx)
{
	if (lx->delimlen > 0)
		return (size_t)(lx->end - lx->p) >= lx->delimlen &&
		               memcmp(lx->p, lx->delim, lx->delimlen) == 0
		           ? lx->delimlen
		           : 0;
	return *lx->p == ';' && lx->paren <= 0 && lx->begin_depth == 0;
}

static void
lex_token(struct lexer *lx)
{
	char c = *lx->p;
	size_t n;

	if ((n = lex_at_end(lx)) > 0) {
		lex_end_statement(lx);
		lx->p += n;
		lx->copied = lx->p;
		return;
	}
	if (lex_delimiter_line(lx))
		return;
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v') {
		lx->line += c == '\n';
		lx->p++;
	} else if (!lex_comment(lx)) {
		lex_code(lx);
		return;
	}
	if (!lx->started)
		lx->copied = lx->p;
}

int
script_parse(struct script *s, const char *text, enum script_dialect d,
    const char *const *names, size_t nnames)
{
	struct lexer lx;

	memset(s, 0, sizeof(*s));
	memset(&lx, 0, sizeof(lx));
	lx.p = lx.copied = text;
	lx.end = text + strlen(text);
	lx.d = d;
	lx.names = names;
	lx.nnames = nnames;
	lx.line = 1;
	lx.s = s;
	while (lx.p < lx.end && !lx.oom)
		lex_token(&lx);
	if (!lx.oom)
		lex_end_statement(&lx);
	if (lx.oom) {
		free(lx.buf.p);
		free(lx.cur.params);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
script_free(struct script *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->stmts[i].sql);
		free(s->stmts[i].params);
	}
	free(s->stmts);
	memset(s, 0, sizeof(*s));
}
