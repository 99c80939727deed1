/*
 * script.h - an SQL script cut into statements, with its :name parameters
 * turned into the server's own placeholders.
 *
 * SQLite needs none of this: sqlite3_prepare_v2() gives the rest of the
 * script after each statement, and binds :name itself.  PostgreSQL's
 * extended protocol (which carries bound values) takes one statement at a
 * time, so the script is cut here, the way psql cuts it: at semicolons
 * outside of strings, quoted identifiers, comments, dollar quotes,
 * parentheses and BEGIN ATOMIC bodies.  MySQL gets the whole script as one
 * multi-statement query; its statements are cut here only to be looked at
 * (the dry-run check of what MySQL cannot roll back).
 */
#ifndef SQL2CSV_SCRIPT_H
#define SQL2CSV_SCRIPT_H

#include <stddef.h>

enum script_dialect { SCRIPT_PG, SCRIPT_MYSQL };

#define SCRIPT_WORD 16
#define SCRIPT_WORDS 4

struct script_stmt {
	char *sql;	/* the statement, without its ';', placeholders
			 * rewritten */
	unsigned line;	/* the line of the script where it starts, 1-based */
	size_t *params; /* the names used, by index in names[], in order of
			 * first use: for PostgreSQL, names[params[k]] is
			 * $k+1 */
	size_t nparams;
	/* Its first words, upper case ("CREATE", "TEMPORARY", "TABLE"); a
	 * token that is not a word leaves "" in its place. */
	char words[SCRIPT_WORDS][SCRIPT_WORD];
};

struct script {
	struct script_stmt *stmts;
	size_t n;
};

/* Cuts text into statements, dropping those made only of blanks and
 * comments.  Each :name outside of strings and comments whose name is one
 * of names[] (others are left alone, as psql does) becomes $k for
 * PostgreSQL (numbered per statement in order of first use) or @name for
 * MySQL, a user variable the driver sets.  Returns 0, or -1 with errno
 * ENOMEM.  Free with script_free() in both cases. */
int script_parse(struct script *s, const char *text, enum script_dialect d,
    const char *const *names, size_t nnames);
void script_free(struct script *s);

/* The statements of s joined with ";" (MySQL's multi-statement text), or
 * NULL when out of memory.  The caller frees it. */
char *script_join(const struct script *s);

#endif
