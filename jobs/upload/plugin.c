/*
 * plugin.c - the "upload" step: its settings, their check, and run(),
 * which reads them, opens the target (libcurl or a local directory) and
 * hands over to upload.c.  Every setting is documented in
 * cronwrap-upload(7).
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include <cronwrap/plugin.h>

#include "file_target.h"
#include "hostkey.h"
#include "transfer.h"
#include "upload.h"

#define DEF_CONNECT_TIMEOUT 30.0
#define DEF_LOW_SPEED_LIMIT 1
#define DEF_LOW_SPEED_TIME 60.0
#define DEF_ATTEMPTS 3
#define DEF_RETRY_DELAY 10.0

static const struct cw_setting settings[] = {
    {"url", CW_TYPE_STRING, CW_SET_REQUIRED,
        "target directory: ftp://, ftps://, sftp:// or file:///"},
    {"user", CW_TYPE_STRING, 0, "login name"},
    {"password_file", CW_TYPE_STRING, CW_SET_PATH, "file holding the password"},
    {"key_file", CW_TYPE_STRING, CW_SET_PATH, "SFTP private key"},
    {"passphrase_file", CW_TYPE_STRING, CW_SET_PATH,
        "file holding key_file's passphrase"},
    {"known_hosts", CW_TYPE_STRING, CW_SET_PATH,
        "SFTP host keys (default ~/.ssh/known_hosts)"},
    {"host_key_check", CW_TYPE_BOOL, 0,
        "refuse an SFTP server whose key known_hosts lacks (default true)"},
    {"ca_file", CW_TYPE_STRING, CW_SET_PATH, "CA certificates for FTPS"},
    {"tls", CW_TYPE_STRING, 0, "ftp://: no, try or require (AUTH TLS)"},
    {"tls_verify", CW_TYPE_BOOL, 0,
        "check the FTPS certificate (default true)"},
    {"remote_name", CW_TYPE_STRING, 0,
        "remote file name, strftime on the window end"},
    {"create_dirs", CW_TYPE_BOOL, 0, "create missing directories"},
    {"atomic", CW_TYPE_BOOL, 0,
        "upload under a temporary name, then rename (default true)"},
    {"temp_prefix", CW_TYPE_STRING, 0, "of the temporary name (\".\")"},
    {"temp_suffix", CW_TYPE_STRING, 0, "of the temporary name (\".part\")"},
    {"verify_size", CW_TYPE_BOOL, 0,
        "check the uploaded size before the rename (default true)"},
    {"connect_timeout", CW_TYPE_DURATION, 0, "default 30s"},
    {"low_speed_limit", CW_TYPE_INT, 0,
        "bytes/s below which a transfer is stalled (default 1)"},
    {"low_speed_time", CW_TYPE_DURATION, 0,
        "how long a stall is tolerated (default 60s)"},
    {"attempts", CW_TYPE_INT, 0,
        "tries per file on transient failures (default 3)"},
    {"retry_delay", CW_TYPE_DURATION, 0,
        "before the 2nd try, doubled after each (default 10s)"},
    {"debug", CW_TYPE_BOOL, 0, "log the protocol dialogue"},
    {NULL, 0, 0, NULL},
};

static const char *
conf_string(struct cw_ctx *ctx, const char *key, const char *def)
{
	const char *s = cw_conf_string(ctx, key);

	return s ? s : def;
}

static const char *const tls_names[] = {"no", "try", "require"};

static int
tls_mode(const char *s, enum ftp_tls *mode)
{
	for (size_t i = 0; i < sizeof(tls_names) / sizeof(*tls_names); i++) {
		if (strcmp(s, tls_names[i]) == 0) {
			*mode = (enum ftp_tls)i;
			return 0;
		}
	}
	return -1;
}

/* Keys that make sense for some schemes only: a stray one is a mistake
 * (an sftp:// job with ca_file was probably meant to be ftps://). */
static const struct {
	const char *key;
	unsigned schemes; /* bits of enum remote_scheme */
} scheme_keys[] = {
    {"user", 1u << REMOTE_FTP | 1u << REMOTE_FTPS | 1u << REMOTE_SFTP},
    {"password_file", 1u << REMOTE_FTP | 1u << REMOTE_FTPS | 1u << REMOTE_SFTP},
    {"key_file", 1u << REMOTE_SFTP},
    {"passphrase_file", 1u << REMOTE_SFTP},
    {"known_hosts", 1u << REMOTE_SFTP},
    {"host_key_check", 1u << REMOTE_SFTP},
    {"ca_file", 1u << REMOTE_FTP | 1u << REMOTE_FTPS},
    {"tls", 1u << REMOTE_FTP | 1u << REMOTE_FTPS},
    {"tls_verify", 1u << REMOTE_FTP | 1u << REMOTE_FTPS},
    {"connect_timeout",
        1u << REMOTE_FTP | 1u << REMOTE_FTPS | 1u << REMOTE_SFTP},
    {"low_speed_limit",
        1u << REMOTE_FTP | 1u << REMOTE_FTPS | 1u << REMOTE_SFTP},
    {"low_speed_time",
        1u << REMOTE_FTP | 1u << REMOTE_FTPS | 1u << REMOTE_SFTP},
    {"debug", 1u << REMOTE_FTP | 1u << REMOTE_FTPS | 1u << REMOTE_SFTP},
};

static int
check_scheme_keys(struct cw_ctx *ctx, enum remote_scheme s)
{
	int rc = 0;

	for (size_t i = 0; i < sizeof(scheme_keys) / sizeof(*scheme_keys);
	     i++) {
		if (cw_conf_has(ctx, scheme_keys[i].key) &&
		    !(scheme_keys[i].schemes & 1u << s)) {
			cw_conf_error(ctx, scheme_keys[i].key,
			    "does not apply to %s:// URLs",
			    remote_scheme_name(s));
			rc = -1;
		}
	}
	return rc;
}

static int
check_tls(struct cw_ctx *ctx, enum remote_scheme s)
{
	const char *tls = cw_conf_string(ctx, "tls");
	enum ftp_tls mode;

	if (tls == NULL)
		return 0;
	if (tls_mode(tls, &mode) < 0) {
		cw_conf_error(ctx, "tls", "\"%s\": no, try or require", tls);
		return -1;
	}
	if (s == REMOTE_FTPS && mode != FTP_TLS_REQUIRE) {
		cw_conf_error(ctx, "tls",
		    "ftps:// is always TLS (implicit); "
		    "for plain FTP use ftp://");
		return -1;
	}
	return 0;
}

static int
check_login(struct cw_ctx *ctx, const struct remote *r)
{
	const char *user = cw_conf_string(ctx, "user");
	int rc = 0;

	if (user && r->user && strcmp(user, r->user) != 0) {
		cw_conf_error(ctx, "user", "\"%s\", but the URL says \"%s\"",
		    user, r->user);
		rc = -1;
	}
	if (r->scheme == REMOTE_SFTP && user == NULL && r->user == NULL) {
		cw_conf_error(ctx, "user", "SFTP needs a user name");
		rc = -1;
	}
	if (r->scheme == REMOTE_SFTP && !cw_conf_has(ctx, "key_file") &&
	    !cw_conf_has(ctx, "password_file")) {
		cw_conf_error(
		    ctx, NULL, "SFTP needs key_file or password_file");
		rc = -1;
	}
	if (cw_conf_has(ctx, "passphrase_file") &&
	    !cw_conf_has(ctx, "key_file")) {
		cw_conf_error(ctx, "passphrase_file", "needs key_file");
		rc = -1;
	}
	return rc;
}

static int
check_numbers(struct cw_ctx *ctx)
{
	int rc = 0;

	if (cw_conf_int(ctx, "attempts", DEF_ATTEMPTS) < 1) {
		cw_conf_error(ctx, "attempts", "must be at least 1");
		rc = -1;
	}
	if (cw_conf_int(ctx, "low_speed_limit", DEF_LOW_SPEED_LIMIT) < 0) {
		cw_conf_error(ctx, "low_speed_limit", "must not be negative");
		rc = -1;
	}
	if (cw_conf_duration(ctx, "connect_timeout", DEF_CONNECT_TIMEOUT) < 1) {
		cw_conf_error(ctx, "connect_timeout", "must be 1s or more");
		rc = -1;
	}
	if (cw_conf_duration(ctx, "low_speed_time", DEF_LOW_SPEED_TIME) < 1) {
		cw_conf_error(ctx, "low_speed_time", "must be 1s or more");
		rc = -1;
	}
	return rc;
}

static int
check_names(struct cw_ctx *ctx)
{
	static const char *const affixes[] = {"temp_prefix", "temp_suffix"};
	const char *rn = cw_conf_string(ctx, "remote_name");
	char err[256];
	int rc = 0;

	if (rn) {
		/* Expanded on today's date: the same checks as in a run. */
		char *name = cw_expand_time(ctx, rn);

		if (name == NULL)
			snprintf(err, sizeof(err), "not a strftime pattern");
		if (name == NULL || remote_name_check(name, err, sizeof(err))) {
			cw_conf_error(ctx, "remote_name", "%s", err);
			rc = -1;
		}
		free(name);
	}
	for (size_t i = 0; i < 2; i++) {
		const char *a = cw_conf_string(ctx, affixes[i]);

		if (a && remote_affix_check(a, err, sizeof(err)) < 0) {
			cw_conf_error(ctx, affixes[i], "%s", err);
			rc = -1;
		}
	}
	if (cw_conf_bool(ctx, "atomic", true) &&
	    strcmp(conf_string(ctx, "temp_prefix", "."), "") == 0 &&
	    strcmp(conf_string(ctx, "temp_suffix", ".part"), "") == 0) {
		cw_conf_error(ctx, NULL,
		    "an atomic upload needs a temp_prefix "
		    "or temp_suffix");
		rc = -1;
	}
	return rc;
}

static int
upload_check(struct cw_ctx *ctx)
{
	struct remote r;
	char err[256];
	int rc;

	if (remote_parse(cw_conf_string(ctx, "url"), &r, err, sizeof(err)) <
	    0) {
		cw_conf_error(ctx, "url", "%s", err);
		return -1;
	}
	rc = check_scheme_keys(ctx, r.scheme);
	rc |= check_tls(ctx, r.scheme);
	rc |= check_login(ctx, &r);
	rc |= check_numbers(ctx);
	rc |= check_names(ctx);
	remote_free(&r);
	return rc;
}

/* --- run ---------------------------------------------------------------- */

/* Progress of the upload in flight, reported only for one that lasts:
 * a small file's "100%" line would just be noise in the log. */
struct progress {
	struct cw_ctx *ctx;
	double last_done;
	time_t started;
};

#define PROGRESS_AFTER 3 /* seconds */

static void
on_progress(void *arg, double done, double total)
{
	struct progress *p = arg;
	time_t now = time(NULL);

	if (done < p->last_done || p->started == 0)
		p->started = now; /* a new file, or a new try */
	p->last_done = done;
	if (now - p->started >= PROGRESS_AFTER)
		cw_progress(p->ctx, done, total, "bytes");
}

/* At INFO, not DEBUG: whoever sets debug = true wants to see it. */
static void
on_debug(void *arg, const char *line)
{
	cw_log(((struct progress *)arg)->ctx, CW_LOG_INFO, "%s", line);
}

/* Everything run() reads and owns. */
struct run_state {
	struct upload_conf conf;
	struct transfer_opts opts;
	char *password, *passphrase, *known_hosts;
	struct upload_item *items;
	size_t nitems;
	struct progress progress;
	struct target *target;
};

/* known_hosts, or the run-as user's ~/.ssh/known_hosts as ssh(1) would. */
static char *
known_hosts_path(struct cw_ctx *ctx)
{
	const char *kh = cw_conf_string(ctx, "known_hosts");
	const char *home = getenv("HOME");
	struct passwd *pw;
	char *p;

	if (kh)
		return strdup(kh);
	if (home == NULL || *home == '\0') {
		/* cppcheck-suppress getpwuidCalled ; one thread */
		pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : "/";
	}
	if (asprintf(&p, "%s/.ssh/known_hosts", home) < 0)
		return NULL;
	return p;
}

/* Host key checking is on unless host_key_check = false; a known_hosts
 * that cannot be read is refused before connecting, with the fix. */
static int
setup_host_keys(struct cw_ctx *ctx, struct run_state *rs)
{
	const struct remote *r = &rs->conf.remote;

	if (!cw_conf_bool(ctx, "host_key_check", true)) {
		cw_log(ctx, CW_LOG_WARNING,
		    "host_key_check = false: the "
		    "server's identity is not checked");
		return 0;
	}
	rs->known_hosts = known_hosts_path(ctx);
	if (rs->known_hosts == NULL)
		return -1;
	if (access(rs->known_hosts, R_OK) < 0) {
		char scan[600];

		hostkey_scan_command(scan, sizeof(scan), "ed25519", r->host,
		    r->port, rs->known_hosts);
		cw_log(ctx, CW_LOG_ERR,
		    "known_hosts %s: %s; add the server's key with: %s, then "
		    "check its fingerprint (ssh-keygen -lf %s) with the "
		    "server's administrator",
		    rs->known_hosts, strerror(errno), scan, rs->known_hosts);
		return -1;
	}
	rs->opts.known_hosts = rs->known_hosts;
	return 0;
}

static int
read_secrets(struct cw_ctx *ctx, struct run_state *rs)
{
	if (cw_conf_has(ctx, "password_file")) {
		rs->password = cw_secret(ctx, "password");
		if (rs->password == NULL)
			return -1;
	}
	if (cw_conf_has(ctx, "passphrase_file")) {
		rs->passphrase = cw_secret(ctx, "passphrase");
		if (rs->passphrase == NULL)
			return -1;
	}
	rs->opts.password = rs->password;
	rs->opts.passphrase = rs->passphrase;
	return 0;
}

static int
load_opts(struct cw_ctx *ctx, struct run_state *rs)
{
	struct transfer_opts *o = &rs->opts;
	const struct remote *r = &rs->conf.remote;

	o->user = cw_conf_string(ctx, "user");
	if (o->user == NULL)
		o->user = r->user;
	o->key_file = cw_conf_string(ctx, "key_file");
	if (o->key_file && access(o->key_file, R_OK) < 0) {
		cw_log(ctx, CW_LOG_ERR, "key_file %s: %s", o->key_file,
		    strerror(errno));
		return -1;
	}
	o->ca_file = cw_conf_string(ctx, "ca_file");
	o->tls_verify = cw_conf_bool(ctx, "tls_verify", true);
	if (!o->tls_verify &&
	    (r->scheme == REMOTE_FTPS || cw_conf_has(ctx, "tls")))
		cw_log(ctx, CW_LOG_WARNING,
		    "tls_verify = false: the server's "
		    "certificate is not checked");
	if (tls_mode(conf_string(ctx, "tls", "no"), &o->tls) < 0)
		return -1;
	o->connect_timeout =
	    (long)cw_conf_duration(ctx, "connect_timeout", DEF_CONNECT_TIMEOUT);
	o->low_speed_limit =
	    (long)cw_conf_int(ctx, "low_speed_limit", DEF_LOW_SPEED_LIMIT);
	o->low_speed_time =
	    (long)cw_conf_duration(ctx, "low_speed_time", DEF_LOW_SPEED_TIME);
	o->debug = cw_conf_bool(ctx, "debug", false);
	if (read_secrets(ctx, rs) < 0)
		return -1;
	if (r->scheme == REMOTE_SFTP)
		return setup_host_keys(ctx, rs);
	return 0;
}

static int
load_conf(struct cw_ctx *ctx, struct upload_conf *c)
{
	char err[256];

	if (remote_parse(
	        cw_conf_string(ctx, "url"), &c->remote, err, sizeof(err)) < 0) {
		cw_log(ctx, CW_LOG_ERR, "url: %s", err);
		return -1;
	}
	c->remote_name = cw_conf_string(ctx, "remote_name");
	c->temp_prefix = conf_string(ctx, "temp_prefix", ".");
	c->temp_suffix = conf_string(ctx, "temp_suffix", ".part");
	c->atomic = cw_conf_bool(ctx, "atomic", true);
	c->verify_size = cw_conf_bool(ctx, "verify_size", true);
	c->create_dirs = cw_conf_bool(ctx, "create_dirs", false);
	c->attempts = (unsigned)cw_conf_int(ctx, "attempts", DEF_ATTEMPTS);
	c->retry_delay = cw_conf_duration(ctx, "retry_delay", DEF_RETRY_DELAY);
	return 0;
}

static int
open_target(struct cw_ctx *ctx, struct run_state *rs)
{
	struct target_hooks hooks = {&rs->progress, on_progress, on_debug};
	char err[256];

	rs->progress.ctx = ctx;
	if (rs->conf.remote.scheme == REMOTE_FILE) {
		rs->target = file_target_new(&rs->conf.remote, &hooks);
		snprintf(err, sizeof(err), "%s", strerror(ENOMEM));
	} else {
		rs->target = transfer_target_new(
		    &rs->conf.remote, &rs->opts, &hooks, err, sizeof(err));
	}
	if (rs->target == NULL)
		cw_log(ctx, CW_LOG_ERR, "%s", err);
	return rs->target ? 0 : -1;
}

static void
run_state_free(struct run_state *rs)
{
	if (rs->target)
		rs->target->ops->free(rs->target);
	upload_items_free(rs->items, rs->nitems);
	cw_secret_free(rs->password);
	cw_secret_free(rs->passphrase);
	free(rs->known_hosts);
	remote_free(&rs->conf.remote);
}

static enum cw_status
upload_run(struct cw_ctx *ctx)
{
	struct run_state rs = {0};
	enum cw_status st = CW_FAIL;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		cw_log(ctx, CW_LOG_ERR, "cannot initialise libcurl");
		return CW_FAIL;
	}
	if (load_conf(ctx, &rs.conf) < 0 ||
	    (rs.conf.remote.scheme != REMOTE_FILE && load_opts(ctx, &rs) < 0))
		goto out;
	st = upload_items_new(ctx, &rs.conf, &rs.items, &rs.nitems);
	if (st != CW_OK)
		goto out;
	st = CW_FAIL;
	if (open_target(ctx, &rs) < 0)
		goto out;
	if (cw_dry_run(ctx))
		st = upload_dry_run(
		    ctx, &rs.conf, rs.target, rs.items, rs.nitems);
	else
		st = upload_all(ctx, &rs.conf, rs.target, rs.items, rs.nitems);
out:
	run_state_free(&rs);
	curl_global_cleanup();
	return st;
}

const struct cw_plugin cw_plugin = {
    CW_PLUGIN_V1,
    .name = "upload",
    .version = "1.0",
    .settings = settings,
    .check = upload_check,
    .run = upload_run,
};
