/*
 * script.h - an SQL script cut into statements, with its :name parameters
 * turned into the server's own placeholders.
 *
 * SQLite needs none of this: sqlite3_prepare_v2() gives the rest of the
 * script after each statement, and binds :name itself.  PostgreSQL's
 * extended protocol (which carries bound values) takes one statement at a
 * time, so the script is cut here, the way psql cuts it: at semicolons
 * outside of strings, quoted identifiers, comments, dollar quotes,
 * parentheses and BEGIN ATOMIC bodies.  MySQL's prepared statements (which
 * carry bound values, and return values in binary, exactly) take one
 * statement at a time too: its scripts are cut as the mysql client cuts
 * them, at semicolons outside of strings, quoted names and comments, or at
 * the delimiter set by a DELIMITER line.
 */
#ifndef SQL2CSV_SCRIPT_H
#define SQL2CSV_SCRIPT_H

#include <stddef.h>

enum script_dialect { SCRIPT_PG, SCRIPT_MYSQL };

#define SCRIPT_WORD 16
#define SCRIPT_WORDS 4

struct script_stmt {
	char *sql;      /* the statement, without its ';', placeholders
	                 * rewritten */
	unsigned line;  /* the line of the script where it starts, 1-based */
	size_t *params; /* the names used, by index in names[]: for
	                 * PostgreSQL names[params[k]] is $k+1, in order of
	                 * first use; for MySQL, the k-th ? */
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
 * PostgreSQL (numbered per statement in order of first use) or ? for
 * MySQL.  Returns 0, or -1 with errno ENOMEM.  Free with script_free() in
 * both cases. */
int script_parse(struct script *s, const char *text, enum script_dialect d,
    const char *const *names, size_t nnames);
void script_free(struct script *s);

#endif
