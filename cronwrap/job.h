/*
 * job.h - the resolved job and global settings: the structs every phase of
 * a run reads.  config.c fills them; nothing else writes them.
 */
#ifndef CW_JOB_H
#define CW_JOB_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "util/strv.h"
#include "util/kv.h"

enum concurrency { CONC_SKIP, CONC_WAIT, CONC_REPLACE, CONC_ALLOW };
enum cron_output { OUT_FAILURE, OUT_ALWAYS, OUT_NEVER };
enum unmet_policy { UNMET_WAIT, UNMET_SKIP, UNMET_FAIL };
enum starttls_mode { STARTTLS_NO, STARTTLS_TRY, STARTTLS_REQUIRE };
enum mail_transport { MAIL_SMTP, MAIL_SENDMAIL };

/* Alert events, as bits of mail.on. */
#define EV_FAILURE 0x01
#define EV_TIMEOUT 0x02
#define EV_PRECONDITION 0x04
#define EV_CRASH 0x08
#define EV_RECOVERY 0x10

struct retry {
	unsigned attempts; /* total attempts, >= 1 */
	double delay;      /* seconds before the 2nd attempt */
	double backoff;    /* factor applied to the delay after each attempt */
	double max_delay;  /* cap of the delay, 0 = none */
	bool jitter;       /* randomise each delay within [delay/2, delay] */
};

struct job_env {
	bool clear;        /* start from an empty environment (default) */
	char *path;        /* PATH, NULL = the default */
	struct kv set;     /* variables set, in order */
	struct strv files; /* env files, resolved paths */
	struct strv keep;  /* names copied from the caller */
};

enum req_kind { REQ_JOB, REQ_FILE, REQ_COMMAND, REQ_URL };
enum req_succeeded { SUCC_NONE, SUCC_WINDOW, SUCC_LAST };

struct requirement {
	enum req_kind kind;
	char *src_file; /* where it was written, for messages */
	int src_line;
	/* REQ_JOB */
	char *job;
	enum req_succeeded succeeded;
	double within; /* seconds, 0 = not set */
	/* REQ_FILE: path is a strftime pattern on the window end */
	char *file;
	bool newer_than_window;
	long long min_size; /* 0 = not empty */
	/* REQ_COMMAND */
	struct strv command;
	double timeout; /* of the command or the URL fetch */
	/* REQ_URL */
	char *url;
	char *contains;
};

struct mail_conf {
	enum mail_transport transport;
	char *sendmail;
	char *smtp_server;
	int smtp_port;
	enum starttls_mode starttls;
	char *smtp_user;
	char *smtp_password_file;
	char *ca_file; /* CA for STARTTLS verification, NULL = system */
	char *from;    /* %h = host name */
	struct strv to;
	unsigned on; /* EV_* bits */
	unsigned after_failures;
	double repeat_every; /* seconds */
	unsigned tail_lines;
	double timeout; /* bound on one delivery, seconds */
};

struct notify_conf {
	char *webhook;
	char *ping_start, *ping_success, *ping_failure;
	struct strv on_failure; /* argv run with the facts in its environment */
	double timeout;
};

/* A setting of a plugin step, kept free of libconfig types. */
enum setting_type { SET_STRING, SET_INT, SET_FLOAT, SET_BOOL, SET_LIST };
struct setting {
	char *key;
	enum setting_type type;
	char *s;       /* SET_STRING */
	long long i;   /* SET_INT, SET_BOOL */
	double f;      /* SET_FLOAT */
	struct strv l; /* SET_LIST: strings */
	int line;
};

struct step {
	unsigned index; /* 1-based position */
	char *name;     /* "name" key, or plugin name, or "command" */
	char *plugin;   /* NULL for a command step */
	struct strv command;
	char *shell;
	bool dry_run;             /* command step: run even in a dry run */
	double timeout;           /* 0 = the job's */
	struct strv artifacts;    /* command step: files it produces */
	struct setting *settings; /* plugin step: the other keys */
	size_t nsettings;
	char *src_file;
	int src_line;
};

struct job {
	char *name;
	char *file; /* the job file, NULL for exec */
	char *dir;  /* its directory: base of relative paths */
	int line;   /* line of the group, for messages */
	char *description;
	char *schedule;
	char *schedule_tz;
	char *user; /* NULL = the caller */
	char *workdir;
	struct strv command;
	char *shell;
	struct step *steps;
	size_t nsteps;
	double timeout;    /* 0 = none */
	double kill_after; /* SIGTERM .. SIGKILL */
	enum concurrency concurrency;
	char *lock;          /* lock name, default: job name */
	double wait_timeout; /* for CONC_WAIT, 0 = forever */
	struct retry retry;
	struct job_env env;
	struct requirement *requires;
	size_t nrequires;
	enum unmet_policy unmet;
	double unmet_timeout;
	double unmet_poll;
	struct mail_conf mail;
	struct notify_conf notify;
	enum cron_output cron_output;
	int nice;
	mode_t umask;
};

struct global {
	char *file; /* the global config file */
	char *dir;
	char *jobs_dir, *state_dir, *log_dir, *lock_dir, *plugin_dir;
	char *syslog_ident;
	int syslog_facility; /* LOG_CRON ... */
	enum cron_output cron_output;
	unsigned keep_days, keep_runs;
	struct mail_conf mail;
};

void job_free(struct job *job);
void job_free_steps(struct job *job);
void job_free_requires(struct job *job);
void mail_conf_copy(struct mail_conf *dst, const struct mail_conf *src);
void mail_conf_free(struct mail_conf *m);
void notify_conf_free(struct notify_conf *n);
void global_free(struct global *g);
const char *concurrency_name(enum concurrency c);
const char *cron_output_name(enum cron_output c);
const char *unmet_name(enum unmet_policy u);

#endif
