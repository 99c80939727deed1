/*
 * test_env.c - the exact environment a job gets (env_build): with
 * env.clear, only HOME USER LOGNAME SHELL PATH, then the names kept from
 * the caller, the env files, env.set and the CRONWRAP_* variables, in that
 * order; CRONWRAP_* set by anything else is dropped or replaced; keep copies
 * only names the caller has; without env.clear the caller's environment is
 * the base.  Each case is a table row; env files are written to a scratch
 * directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "env.h"
#include "unit.h"

#define MAXV 24

struct env_case {
	const char *what;
	bool clear;
	const char *path;         /* env.path, NULL = none */
	const char *set[MAXV];    /* env.set, "K=V" */
	const char *files[4];     /* contents of env files */
	const char *keep[MAXV];   /* env.keep */
	const char *caller[MAXV]; /* the caller's environment */
	bool root;                /* run as uid 0 */
	bool window, dry_run;     /* run vars beyond job/run id/attempt */
	const char *params[4];    /* --param, "K=V" */
	const char *want[MAXV];   /* the result, "K=V", in order */
};

#define USER_VARS                                                              \
	"HOME=/home/alice", "USER=alice", "LOGNAME=alice", "SHELL=/bin/bash"
#define ROOT_VARS "HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/bin/sh"
#define USER_PATH "PATH=/usr/local/bin:/usr/bin:/bin"
#define ROOT_PATH                                                              \
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define RUN_VARS                                                               \
	"CRONWRAP_JOB=nightly", "CRONWRAP_RUN_ID=01JD0000000000000000000000",  \
	    "CRONWRAP_ATTEMPT=2"
#define CALLER                                                                 \
	"HOME=/caller", "USER=caller", "PATH=/caller/bin", "FOO=1",            \
	    "FOOBAR=2", "LANG=de_DE.UTF-8", "EMPTY=", "TERM=xterm"

static const struct env_case cases[] = {
    {"clear: exactly the login variables and CRONWRAP_*", true, NULL, {NULL},
        {NULL}, {NULL}, {CALLER, "CRONWRAP_JOB=outer"}, false, false, false,
        {NULL}, {USER_VARS, USER_PATH, RUN_VARS}},
    {"clear, run as root: root's PATH", true, NULL, {NULL}, {NULL}, {NULL},
        {CALLER}, true, false, false, {NULL}, {ROOT_VARS, ROOT_PATH, RUN_VARS}},
    {"clear: env.path", true, "/opt/bin:/bin", {NULL}, {NULL}, {NULL}, {CALLER},
        false, false, false, {NULL},
        {USER_VARS, "PATH=/opt/bin:/bin", RUN_VARS}},
    {"clear: keep, then files, then set, in that order", true, NULL,
        {"LANG=C.UTF-8", "TZ=UTC", "A=from set"},
        {"A=from file\nLANG=from file\nB=b\n", "B=second file\n"},
        {"TERM", "FOO", "LANG"}, {CALLER}, false, false, false, {NULL},
        {USER_VARS, USER_PATH, "TERM=xterm", "FOO=1", "LANG=C.UTF-8",
            "A=from set", "B=second file", "TZ=UTC", RUN_VARS}},
    {"keep copies only names the caller has", true, NULL, {NULL}, {NULL},
        {"FOO", "MISSING", "EMPTY", "FOOB", "OO"},
        {CALLER, "MALFORMED", "=nameless"}, false, false, false, {NULL},
        {USER_VARS, USER_PATH, "FOO=1", "EMPTY=", RUN_VARS}},
    {"keep can bring the caller's PATH", true, NULL, {NULL}, {NULL}, {"PATH"},
        {CALLER}, false, false, false, {NULL},
        {USER_VARS, "PATH=/caller/bin", RUN_VARS}},
    {"CRONWRAP_* cannot be set by env.set, files or keep", true, NULL,
        {"CRONWRAP_JOB=fake", "CRONWRAP_RUN_ID=fake", "CRONWRAP_EXTRA=x",
            "CRONWRAP_WINDOW_START=fake", "OK=1"},
        {"CRONWRAP_ATTEMPT=9\nCRONWRAP_DRY_RUN=1\n"},
        {"CRONWRAP_PARAM_X", "CRONWRAP_RUN_DIR"},
        {CALLER, "CRONWRAP_PARAM_X=1", "CRONWRAP_RUN_DIR=/tmp"}, false, false,
        false, {NULL}, {USER_VARS, USER_PATH, "OK=1", RUN_VARS}},
    {"no clear: the caller's environment is the base", false, NULL, {"LANG=C"},
        {NULL}, {NULL}, {CALLER}, false, false, false, {NULL},
        {"HOME=/home/alice", "USER=alice", "PATH=/caller/bin", "FOO=1",
            "FOOBAR=2", "LANG=C", "EMPTY=", "TERM=xterm", "LOGNAME=alice",
            "SHELL=/bin/bash", RUN_VARS}},
    {"no clear: env.path replaces the caller's", false, "/only", {NULL}, {NULL},
        {NULL}, {"PATH=/caller/bin", "X=1"}, false, false, false, {NULL},
        {"PATH=/only", "X=1", USER_VARS, RUN_VARS}},
    {"no clear, caller without PATH: the default", false, NULL, {NULL}, {NULL},
        {NULL}, {"X=1"}, false, false, false, {NULL},
        {"X=1", USER_VARS, USER_PATH, RUN_VARS}},
    {"no clear: the caller's CRONWRAP_* go", false, NULL, {NULL}, {NULL},
        {NULL},
        {"CRONWRAP_JOB=outer", "CRONWRAP_PARAM_X=1", "X=1",
            "CRONWRAP_WINDOW_END=2000-01-01T00:00:00Z"},
        false, false, false, {NULL}, {"X=1", USER_VARS, USER_PATH, RUN_VARS}},
    {"the run's facts: window, params, dry run", true, NULL, {NULL}, {NULL},
        {NULL}, {NULL}, false, true, true, {"DAY=2025-11-24", "x=a=b"},
        {USER_VARS, USER_PATH, RUN_VARS,
            "CRONWRAP_WINDOW_START=2025-11-23T16:00:00Z",
            "CRONWRAP_WINDOW_END=2025-11-24T16:00:00Z",
            "CRONWRAP_PARAM_DAY=2025-11-24", "CRONWRAP_PARAM_x=a=b",
            "CRONWRAP_RUN_DIR=/var/tmp/run", "CRONWRAP_ARTIFACTS=a.csv b.csv",
            "CRONWRAP_DRY_RUN=1"}},
};

static size_t
count(const char *const *v, size_t max)
{
	size_t n = 0;

	while (n < max && v[n] != NULL)
		n++;
	return n;
}

static void
set_pairs(struct kv *kv, const char *const *pairs, size_t max)
{
	for (size_t i = 0; i < count(pairs, max); i++) {
		const char *eq = strchr(pairs[i], '=');
		char *k = xstrndup(pairs[i], (size_t)(eq - pairs[i]));

		kv_set(kv, k, eq + 1);
		free(k);
	}
}

static void
runas_fill(struct runas *ru, bool root)
{
	memset(ru, 0, sizeof *ru);
	ru->uid = ru->gid = root ? 0 : 1000;
	ru->name = xstrdup(root ? "root" : "alice");
	ru->home = xstrdup(root ? "/root" : "/home/alice");
	ru->shell = xstrdup(root ? "/bin/sh" : "/bin/bash");
}

static void
check_env(const char *what, const struct kv *env, const char *const *want)
{
	size_t n = count(want, MAXV);

	for (size_t i = 0; i < env->n || i < n; i++) {
		char *got = i < env->n ? xasprintf("%s=%s", env->keys[i],
		                             env->values[i])
		                       : xstrdup("(none)");
		const char *exp = i < n ? want[i] : "(none)";

		if (strcmp(got, exp) != 0)
			fail_msg("%s: variable %zu is \"%s\", want \"%s\"",
			    what, i, got, exp);
		free(got);
	}
}

static void
run_case(const struct env_case *c, const char *dir)
{
	struct job job;
	struct runas ru;
	struct kv params = KV_INIT, out = KV_INIT;
	struct strv caller = STRV_INIT;
	struct diag d = DIAG_INIT;
	struct run_vars rv;

	memset(&job, 0, sizeof job);
	job.env.clear = c->clear;
	job.env.path = c->path != NULL ? xstrdup(c->path) : NULL;
	set_pairs(&job.env.set, c->set, MAXV);
	for (size_t i = 0; i < count(c->files, 4); i++) {
		char name[32];

		snprintf(name, sizeof name, "%zu.env", i);
		strv_push_take(
		    &job.env.files, unit_write(dir, name, c->files[i]));
	}
	for (size_t i = 0; i < count(c->keep, MAXV); i++)
		strv_push(&job.env.keep, c->keep[i]);
	runas_fill(&ru, c->root);
	set_pairs(&params, c->params, 4);
	for (size_t i = 0; i < count(c->caller, MAXV); i++)
		strv_push(&caller, c->caller[i]);
	strv_terminate(&caller);

	memset(&rv, 0, sizeof rv);
	rv.job = "nightly";
	rv.run_id = "01JD0000000000000000000000";
	rv.attempt = 2;
	rv.has_window = c->window;
	rv.window_start = 1763913600; /* 2025-11-23T16:00:00Z */
	rv.window_end = 1764000000;
	rv.params = &params;
	if (c->window) {
		rv.run_dir = "/var/tmp/run";
		rv.artifacts = "a.csv b.csv";
	}
	rv.dry_run = c->dry_run;

	if (env_build(&job, &ru, &rv, caller.v, &out, &d) != 0)
		fail_msg("%s: env_build failed: %s", c->what,
		    diag_count(&d) ? d.msgs.v[0] : "(no message)");
	assert_int_equal(diag_count(&d), 0);
	check_env(c->what, &out, c->want);

	kv_free(&out);
	kv_free(&params);
	strv_free(&caller);
	diag_free(&d);
	runas_free(&ru);
	job_free(&job);
}

static void
test_env_build(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *dir = unit_tmpdir("env");

		run_case(&cases[i], dir);
		unit_rmdir(dir);
	}
}

/* A bad line in an env file, or a missing file, fails the build with
 * FILE:LINE diagnostics, after reading every file. */
static void
test_env_file_errors(void **state)
{
	char *dir = unit_tmpdir("env");
	char *bad = unit_write(dir, "bad.env", "A=1\nnot a pair\nB=\"open\n");
	char *missing = xasprintf("%s/missing.env", dir);
	char *w1 = xasprintf("%s:2: expected KEY=VALUE", bad);
	char *w2 = xasprintf("%s:3: B: unterminated double quote", bad);
	char *w3 = xasprintf(
	    "%s: cannot read env file: No such file or directory", missing);
	const char *const want[] = {w1, w2, w3, NULL};
	struct job job;
	struct runas ru;
	struct kv out = KV_INIT;
	struct diag d = DIAG_INIT;
	struct run_vars rv;

	(void)state;
	memset(&job, 0, sizeof job);
	job.env.clear = true;
	strv_push(&job.env.files, bad);
	strv_push(&job.env.files, missing);
	runas_fill(&ru, false);
	memset(&rv, 0, sizeof rv);
	rv.job = "j";
	rv.run_id = "r";
	rv.attempt = 1;
	assert_int_equal(env_build(&job, &ru, &rv, NULL, &out, &d), -1);
	unit_diag_eq(&d, want);

	kv_free(&out);
	diag_free(&d);
	runas_free(&ru);
	job_free(&job);
	free(w1);
	free(w2);
	free(w3);
	free(missing);
	free(bad);
	unit_rmdir(dir);
}

/* The base (for "check" and "env") has no CRONWRAP_* of the run. */
static void
test_env_build_base(void **state)
{
	static const char *const want[] = {
	    USER_VARS, USER_PATH, "FOO=1", "LANG=C", NULL};
	struct job job;
	struct runas ru;
	struct kv out = KV_INIT;
	struct strv caller = STRV_INIT;
	struct diag d = DIAG_INIT;

	(void)state;
	strv_push(&caller, "FOO=1");
	memset(&job, 0, sizeof job);
	job.env.clear = true;
	strv_push(&job.env.keep, "FOO");
	kv_set(&job.env.set, "LANG", "C");
	runas_fill(&ru, false);
	assert_int_equal(env_build_base(&job, &ru, caller.v, &out, &d), 0);
	check_env("base", &out, want);
	strv_free(&caller);
	kv_free(&out);
	diag_free(&d);
	runas_free(&ru);
	job_free(&job);
}

/* What execve gets. */
static void
test_env_to_strv(void **state)
{
	struct kv env = KV_INIT;
	struct strv v = STRV_INIT, empty = STRV_INIT;

	(void)state;
	kv_set(&env, "A", "1");
	kv_set(&env, "B", "x=y");
	kv_set(&env, "C", "");
	env_to_strv(&env, &v);
	assert_int_equal(v.n, 3);
	assert_string_equal(v.v[0], "A=1");
	assert_string_equal(v.v[1], "B=x=y");
	assert_string_equal(v.v[2], "C=");
	assert_null(v.v[3]);
	strv_free(&v);

	kv_free(&env);
	env_to_strv(&env, &empty);
	assert_non_null(empty.v);
	assert_null(empty.v[0]);
	strv_free(&empty);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_env_build),
	    cmocka_unit_test(test_env_file_errors),
	    cmocka_unit_test(test_env_build_base),
	    cmocka_unit_test(test_env_to_strv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
