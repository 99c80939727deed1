/*
 * state.c - opening and closing the state database, run status names, the
 * alert state and checkpoints.  Run rows are in state_runs.c, crash
 * detection and retention in state_prune.c, the schema in state_schema.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"
#include "state_db.h"
#include "state_schema.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* The WAL size, in pages, at which a commit checkpoints it. */
#define STATE_WAL_PAGES 128

static const char *const status_names[] = {
    [RS_RUNNING] = "running",
    [RS_SUCCEEDED] = "succeeded",
    [RS_FAILED] = "failed",
    [RS_TIMEOUT] = "timeout",
    [RS_KILLED] = "killed",
    [RS_SKIPPED] = "skipped",
    [RS_PRECONDITION] = "precondition",
    [RS_CRASHED] = "crashed",
};

#define NSTATUS (sizeof status_names / sizeof status_names[0])

const char *
run_status_name(enum run_status s)
{
	if ((size_t)s >= NSTATUS)
		return "unknown";
	return status_names[s];
}

int
run_status_parse(const char *name, enum run_status *s)
{
	for (size_t i = 0; i < NSTATUS; i++) {
		if (strcmp(name, status_names[i]) == 0) {
			*s = (enum run_status)i;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

bool
run_status_is_failure(enum run_status s)
{
	switch (s) {
	case RS_FAILED:
	case RS_TIMEOUT:
	case RS_KILLED:
	case RS_PRECONDITION:
	case RS_CRASHED:
		return true;
	default:
		return false;
	}
}

/* mkdir -p with mode 0755 for the components that are missing. */
static int
state_mkdirs(struct state *st, const char *dir)
{
	char *path;
	int rc = 0;

	if (*dir == '\0') {
		state_set_error(st, "no state directory given");
		errno = EINVAL;
		return -1;
	}
	/* The common case, in one system call. */
	if (mkdir(dir, 0755) == 0 || errno == EEXIST)
		return 0;
	path = xstrdup(dir);
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			state_set_error(st, "create directory %s: %s", path,
			    strerror(errno));
			rc = -1;
			break;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	free(path);
	return rc;
}

/* Opens the connection and sets what SQLite does not keep in the file. */
static int
state_connect(struct state *st)
{
	int flags = SQLITE_OPEN_NOMUTEX;

	flags |= st->readonly ? SQLITE_OPEN_READONLY
	                      : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(st->path, &st->db, flags, NULL) != SQLITE_OK)
		return state_sql_error(st, "open");
	sqlite3_busy_timeout(st->db, STATE_BUSY_TIMEOUT_MS);
	/* The last process to close would otherwise checkpoint (two fsyncs)
	 * and delete the WAL: about 0.9 ms on every run.  Commits checkpoint
	 * once the WAL holds STATE_WAL_PAGES pages instead.  The WAL is kept
	 * small because the first process to open the database after all
	 * closed rebuilds its index by reading every frame (about 1 us per
	 * frame; a run writes five or six).  The -wal and -shm files that
	 * stay also let other users read the database (status). */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_wal_autocheckpoint(st->db, STATE_WAL_PAGES);
	if (st->readonly)
		return 0;
	/* NORMAL: a commit is not synced, but WAL keeps the file consistent;
	 * only a power loss can forget the last runs. */
	if (sqlite3_exec(st->db,
	        "PRAGMA synchronous = NORMAL;"
	        "PRAGMA journal_size_limit = 4194304;",
	        NULL, NULL, NULL) != SQLITE_OK)
		return state_sql_error(st, "configure");
	return 0;
}

/* A reader that may not write the directory cannot create the -wal and
 * -shm files that WAL needs; cronwrap leaves them in place, but a
 * checkpoint by sqlite3(1) removes them.  Say so rather than "attempt to
 * write a readonly database". */
static void
state_readonly_hint(struct state *st)
{
	int code = st->db ? sqlite3_errcode(st->db) : SQLITE_OK;
	char *shm;

	if (code != SQLITE_READONLY && code != SQLITE_CANTOPEN)
		return;
	shm = xasprintf("%s-shm", st->path);
	if (access(shm, F_OK) < 0 && errno == ENOENT) {
		char *why = xstrdup(sqlite3_errmsg(st->db));

		state_set_error(st,
		    "read: %s (%s-wal and -shm are missing and this user "
		    "cannot create them; the next run of a job does)",
		    why, st->path);
		free(why);
	}
	free(shm);
}

static void
state_disconnect(struct state *st)
{
	state_stmt_free_all(st);
	sqlite3_close_v2(st->db);
	st->db = NULL;
}

int
state_open(const char *state_dir, bool readonly, struct state **out)
{
	struct state *st = xcalloc(1, sizeof *st);
	int rc;

	*out = st;
	st->path = xasprintf("%s/state.db", state_dir);
	st->readonly = readonly;
	if (readonly) {
		/* Nothing ran yet: an empty history, not an error. */
		if (access(st->path, F_OK) < 0 && errno == ENOENT)
			return 0;
	} else if (state_mkdirs(st, state_dir) < 0) {
		return -1;
	}
	if (state_connect(st) < 0)
		goto out_disconnect;
	rc = state_schema_open(st);
	if (rc < 0) {
		if (readonly)
			state_readonly_hint(st);
		goto out_disconnect;
	}
	if (rc > 0)
		state_disconnect(st);
	return 0;

out_disconnect:
	state_disconnect(st);
	return -1;
}

void
state_close(struct state *st)
{
	if (st == NULL)
		return;
	state_disconnect(st);
	free(st->path);
	free(st->err);
	free(st);
}

const char *
state_error(const struct state *st)
{
	if (st == NULL)
		return "state database not open";
	return st->err ? st->err : "no error";
}

int
state_alert_get(struct state *st, const char *job, struct alert_state *a)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(a, 0, sizeof *a);
	if (st->db == NULL)
		return 0;
	stmt = state_stmt(st, SQ_ALERT_GET,
	    "SELECT failures_alerted, last_mail, in_alert, last_run_id"
	    " FROM alert_state WHERE job = ?1");
	if (stmt == NULL)
		return -1;
	state_bind_text(stmt, 1, job);
	rc = state_step_first(stmt);
	if (rc == SQLITE_ROW) {
		const unsigned char *id = sqlite3_column_text(stmt, 3);

		a->failures_alerted = (unsigned)sqlite3_column_int64(stmt, 0);
		a->last_mail = sqlite3_column_double(stmt, 1);
		a->in_alert = sqlite3_column_int(stmt, 2) != 0;
		if (id != NULL)
			strncpy(a->last_run_id, (const char *)id, RUNID_LEN);
	} else if (rc != SQLITE_DONE) {
		state_sql_error(st, "read alert state");
	}
	state_stmt_done(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
state_alert_set(struct state *st, const char *job, const struct alert_state *a)
{
	sqlite3_stmt *stmt;

	if (state_tx_begin(st) < 0)
		return -1;
	stmt = state_stmt(st, SQ_ALERT_SET,
	    "INSERT INTO alert_state"
	    " (job, failures_alerted, last_mail, in_alert, last_run_id)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT (job) DO UPDATE SET"
	    " failures_alerted = excluded.failures_alerted,"
	    " last_mail = excluded.last_mail, in_alert = excluded.in_alert,"
	    " last_run_id = excluded.last_run_id");
	if (stmt == NULL)
		goto out_rollback;
	state_bind_text(stmt, 1, job);
	sqlite3_bind_int64(stmt, 2, a->failures_alerted);
	sqlite3_bind_double(stmt, 3, a->last_mail);
	sqlite3_bind_int(stmt, 4, a->in_alert);
	state_bind_text(stmt, 5, a->last_run_id);
	if (state_exec_stmt(st, stmt, "write alert state") < 0)
		goto out_rollback;
	return state_tx_commit(st);

out_rollback:
	state_tx_rollback(st);
	return -1;
}

int
state_checkpoint_get(
    struct state *st, const char *job, const char *key, char **value)
{
	sqlite3_stmt *stmt;
	int rc;

	*value = NULL;
	if (st->db == NULL)
		return 0;
	stmt = state_stmt(st, SQ_CKPT_GET,
	    "SELECT value FROM checkpoints WHERE job = ?1 AND key = ?2");
	if (stmt == NULL)
		return -1;
	state_bind_text(stmt, 1, job);
	state_bind_text(stmt, 2, key);
	rc = state_step_first(stmt);
	if (rc == SQLITE_ROW)
		*value = state_column_dup(stmt, 0);
	else if (rc != SQLITE_DONE)
		state_sql_error(st, "read checkpoint");
	state_stmt_done(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

int
state_checkpoint_set(
    struct state *st, const char *job, const char *key, const char *value)
{
	sqlite3_stmt *stmt;

	if (state_tx_begin(st) < 0)
		return -1;
	if (value != NULL)
		stmt = state_stmt(st, SQ_CKPT_SET,
		    "INSERT INTO checkpoints (job, key, value, updated)"
		    " VALUES (?1, ?2, ?3, ?4)"
		    " ON CONFLICT (job, key) DO UPDATE SET"
		    " value = excluded.value, updated = excluded.updated");
	else
		stmt = state_stmt(st, SQ_CKPT_DELETE,
		    "DELETE FROM checkpoints WHERE job = ?1 AND key = ?2");
	if (stmt == NULL)
		goto out_rollback;
	state_bind_text(stmt, 1, job);
	state_bind_text(stmt, 2, key);
	if (value != NULL) {
		state_bind_text(stmt, 3, value);
		sqlite3_bind_double(stmt, 4, now_real());
	}
	if (state_exec_stmt(st, stmt, "write checkpoint") < 0)
		goto out_rollback;
	return state_tx_commit(st);

out_rollback:
	state_tx_rollback(st);
	return -1;
}
