/*
 * config_mail.c - the mail, notify and ping groups.
 */
#include <stdlib.h>
#include <string.h>

#include "config_groups.h"
#include "util/xalloc.h"

#define MAIL(o) ((struct mail_conf *)(o))

static int
mail_server(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_string(s, d, &MAIL(o)->smtp_server);
}

static int
mail_port(void *o, const config_setting_t *s, struct diag *d)
{
	long long v;

	if (cfg_int(s, d, 1, 65535, &v) < 0)
		return -1;
	MAIL(o)->smtp_port = (int)v;
	return 0;
}

static int
mail_starttls(void *o, const config_setting_t *s, struct diag *d)
{
	static const char *const names[] = {"no", "try", "require", NULL};
	int v;

	if (cfg_enum(s, d, names, &v) < 0)
		return -1;
	MAIL(o)->starttls = (enum starttls_mode)v;
	return 0;
}

static int
mail_user(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_string(s, d, &MAIL(o)->smtp_user);
}

static int
mail_password_file(void *o, const config_setting_t *s, struct diag *d)
{
	if (config_setting_type(s) == CONFIG_TYPE_STRING &&
	    config_setting_get_string(s)[0] == '\0') {
		sfree(MAIL(o)->smtp_password_file);
		return 0;
	}
	return cfg_path(s, d, &MAIL(o)->smtp_password_file);
}

static int
mail_ca_file(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_path(s, d, &MAIL(o)->ca_file);
}

static int
mail_from(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_string(s, d, &MAIL(o)->from);
}

static int
mail_to(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_strlist(s, d, &MAIL(o)->to);
}

static int
mail_on(void *o, const config_setting_t *s, struct diag *d)
{
	static const char *const names[] = {
	    "failure", "timeout", "precondition", "crash", "recovery", NULL};
	struct strv v = STRV_INIT;
	unsigned bits = 0;
	int ret = 0;

	if (cfg_strlist(s, d, &v) < 0)
		return -1;
	for (size_t i = 0; i < v.n; i++) {
		int k;

		for (k = 0; names[k] != NULL; k++)
			if (strcmp(names[k], v.v[i]) == 0)
				break;
		if (names[k] == NULL) {
			cfg_err(d, s,
			    "unknown event \"%s\" (one of: failure, "
			    "timeout, precondition, crash, recovery)",
			    v.v[i]);
			ret = -1;
		} else
			bits |= 1u << k;
	}
	strv_free(&v);
	if (ret == 0)
		MAIL(o)->on = bits;
	return ret;
}

static int
mail_after_failures(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_uint(s, d, 100000, &MAIL(o)->after_failures);
}

static int
mail_repeat_every(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_duration(s, d, &MAIL(o)->repeat_every);
}

static int
mail_tail_lines(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_uint(s, d, 10000, &MAIL(o)->tail_lines);
}

static int
mail_transport(void *o, const config_setting_t *s, struct diag *d)
{
	static const char *const names[] = {"smtp", "sendmail", NULL};
	int v;

	if (cfg_enum(s, d, names, &v) < 0)
		return -1;
	MAIL(o)->transport = (enum mail_transport)v;
	return 0;
}

static int
mail_sendmail(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_path(s, d, &MAIL(o)->sendmail);
}

static int
mail_timeout(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_duration(s, d, &MAIL(o)->timeout);
}

int
cfg_mail(struct mail_conf *m, const config_setting_t *s, struct diag *d)
{
	static const struct cfg_key keys[] = {
	    {"smtp_server", mail_server},
	    {"smtp_port", mail_port},
	    {"starttls", mail_starttls},
	    {"smtp_user", mail_user},
	    {"smtp_password_file", mail_password_file},
	    {"ca_file", mail_ca_file},
	    {"from", mail_from},
	    {"to", mail_to},
	    {"on", mail_on},
	    {"after_failures", mail_after_failures},
	    {"repeat_every", mail_repeat_every},
	    {"tail_lines", mail_tail_lines},
	    {"transport", mail_transport},
	    {"sendmail", mail_sendmail},
	    {"timeout", mail_timeout},
	    {NULL, NULL},
	};

	return cfg_dispatch(s, keys, m, d);
}

#define NOTIFY(o) ((struct notify_conf *)(o))

static int
url_setting(const config_setting_t *s, struct diag *d, char **out)
{
	if (cfg_string(s, d, out) < 0)
		return -1;
	if (strncmp(*out, "http://", 7) == 0 ||
	    strncmp(*out, "https://", 8) == 0)
		return 0;
	cfg_err(d, s, "expected an http:// or https:// URL");
	return -1;
}

static int
notify_webhook(void *o, const config_setting_t *s, struct diag *d)
{
	return url_setting(s, d, &NOTIFY(o)->webhook);
}

static int
notify_timeout(void *o, const config_setting_t *s, struct diag *d)
{
	return cfg_duration(s, d, &NOTIFY(o)->timeout);
}

int
cfg_notify(struct notify_conf *n, const config_setting_t *s, struct diag *d)
{
	static const struct cfg_key keys[] = {
	    {"webhook", notify_webhook},
	    {"timeout", notify_timeout},
	    {NULL, NULL},
	};

	return cfg_dispatch(s, keys, n, d);
}

static int
ping_start(void *o, const config_setting_t *s, struct diag *d)
{
	return url_setting(s, d, &NOTIFY(o)->ping_start);
}

static int
ping_success(void *o, const config_setting_t *s, struct diag *d)
{
	return url_setting(s, d, &NOTIFY(o)->ping_success);
}

static int
ping_failure(void *o, const config_setting_t *s, struct diag *d)
{
	return url_setting(s, d, &NOTIFY(o)->ping_failure);
}

int
cfg_ping(struct notify_conf *n, const config_setting_t *s, struct diag *d)
{
	static const struct cfg_key keys[] = {
	    {"start", ping_start},
	    {"success", ping_success},
	    {"failure", ping_failure},
	    {NULL, NULL},
	};

	return cfg_dispatch(s, keys, n, d);
}
