/*
 * db.h - one small interface over the three database drivers: open a
 * session, run a script in it while the rows stream to a sink, close.
 */
#ifndef SQL2CSV_DB_H
#define SQL2CSV_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cronwrap/plugin.h>

/* What a cell holds, and so how the CSV writer writes it. */
enum db_type {
	DB_NULL,
	DB_TEXT,        /* p, len: text, quoted as needed */
	DB_NUMBER,      /* p, len: a number in decimal text, written as is */
	DB_INT,         /* i */
	DB_UINT,        /* u */
	DB_DOUBLE,      /* d */
	DB_FLOAT,       /* f */
	DB_DOUBLE_TEXT, /* p, len: a double in text ("1.5", "-Infinity") */
	DB_FLOAT_TEXT,  /* p, len: a float in text */
	DB_BOOL,        /* b */
	DB_BLOB,        /* p, len: bytes */
	DB_HEX,         /* p, len: bytes already in hex */
	DB_TIMESTAMP,   /* p, len: "YYYY-MM-DD HH:MM:SS[.f][+zone]" */
};

/* A value of the current row; p stays valid until the next row. */
struct db_cell {
	enum db_type type;
	const char *p;
	size_t len;
	union {
		int64_t i;
		uint64_t u;
		double d;
		float f;
		bool b;
	} v;
};

struct db_column {
	const char *name;
	const char *type; /* the database's name for it, for people */
};

/* A value for the script's :name placeholders.  A window bound is a time
 * that each driver writes its way; when the run has no window, both value
 * and is_time are unset and a script using it is refused. */
struct db_param {
	const char *name;
	const char *value;
	bool is_time;
	time_t t;
};

struct db_error {
	enum cw_status status; /* CW_TEMPFAIL or CW_FAIL */
	char msg[2048];
};

/* Where the rows go.  columns() is called when a statement that returns
 * rows starts (so for each such statement), row() for each of its rows.
 * Both return 0, or -1 after filling the error themselves: the driver then
 * stops and returns -1 leaving the error as it is. */
struct db_sink {
	int (*columns)(void *arg, const struct db_column *cols, size_t n,
	    struct db_error *err);
	int (*row)(void *arg, const struct db_cell *cells, size_t n,
	    struct db_error *err);
	void *arg;
};

struct db_conf {
	const char *database;     /* SQLite: a path; else a database name */
	const char *conninfo;     /* PostgreSQL */
	const char *service_file; /* PostgreSQL: PGSERVICEFILE */
	const char *host;
	long port; /* 0 = the default */
	const char *socket;
	const char *user;
	const char *password; /* NULL = none */
	int connect_timeout;  /* seconds */
	const struct db_param *params;
	size_t nparams;
	bool dry_run; /* in a transaction rolled back at the end */
};

struct db;

struct db_driver {
	const char *name;
	/* Opens a session; NULL with err filled on failure. */
	struct db *(*open)(const struct db_conf *conf, struct db_error *err);
	/* Runs every statement of script in order in the session.  Returns
	 * 0, or -1 with err filled. */
	int (*run)(struct db *db, const char *script,
	    const struct db_conf *conf, const struct db_sink *sink,
	    struct db_error *err);
	void (*close)(struct db *db);
};

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;
extern const struct db_driver db_mysql_driver;

/* The driver called name ("sqlite", "postgresql", "mysql"), or NULL. */
const struct db_driver *db_driver_find(const char *name);

/* Fills err and returns -1. */
int db_fail(struct db_error *err, enum cw_status status, const char *fmt, ...)
    CW_PRINTF(3, 4);

/* The parameter called name (len bytes), or NULL. */
const struct db_param *db_param_find(
    const struct db_conf *conf, const char *name, size_t len);
/* The value of p in buf (which must hold 32 bytes when p is a time,
 * written with a space when space is set, else in ISO 8601), or NULL with
 * err filled when p has none. */
const char *db_param_value(const struct db_param *p, bool space, char *buf,
    size_t len, struct db_error *err);

/* The line of text at offset off, 1-based. */
unsigned db_line_at(const char *text, size_t off);

#endif
