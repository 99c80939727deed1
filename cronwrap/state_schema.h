/*
 * state_schema.h - the schema of the state database and its migrations.
 * The version lives in PRAGMA user_version; each step of the table brings
 * the database from the previous version to its own, so an upgrade of
 * cronwrap keeps the history of an existing database.
 */
#ifndef CW_STATE_SCHEMA_H
#define CW_STATE_SCHEMA_H

#include <stddef.h>

struct state;

/* The version this cronwrap writes: the last step of the table. */
#define STATE_SCHEMA_VERSION 1

struct state_migration {
	int version;     /* user_version once the step is applied */
	const char *sql; /* statements of the step, without BEGIN/COMMIT */
};

/* Reads PRAGMA user_version into *version. */
int state_schema_version(struct state *st, int *version);
/* Applies, in one write transaction, the steps of steps[0..n) that are
 * newer than the database; refuses a database newer than steps[n - 1]. */
int state_schema_upgrade(
    struct state *st, const struct state_migration *steps, size_t n);
/* Makes a freshly opened database ready: nothing to do (and no write) when
 * it is current; otherwise switches it to WAL and migrates it.  Returns 0
 * when ready, 1 when a read-only open found a database without a schema
 * (to be treated as empty), -1 on error. */
int state_schema_open(struct state *st);

#endif
