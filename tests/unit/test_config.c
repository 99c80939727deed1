/*
 * test_config.c - the global file and job files through config_load_global
 * and config_load_job, written to a scratch directory: the merge of the
 * built-in defaults, the global "defaults" group and the job file (per key
 * inside retry, env and mail); relative paths resolved against the
 * directory of the file that wrote them; and the diagnostics, each exactly
 * "FILE:LINE: key: message", for every kind of mistake.  Also the job of
 * "cronwrap exec" built from a libconfig text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "unit.h"
#include "util/strbuf.h"

#define MAXD 6

struct fixture {
	char *dir;   /* scratch directory, holds cronwrap.conf */
	char *gpath; /* its global file */
	struct global g;
	bool have_g;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);

	f->dir = unit_tmpdir("config");
	f->gpath = xasprintf("%s/cronwrap.conf", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	if (f->have_g)
		global_free(&f->g);
	free(f->gpath);
	unit_rmdir(f->dir);
	free(f);
	return 0;
}

/* "@G" is the global file, "@J" the job file, "@D" the scratch directory. */
static char *
expand(const struct fixture *f, const char *job, const char *s)
{
	struct strbuf b = STRBUF_INIT;
	char *out;

	for (const char *p = s; *p != '\0'; p++) {
		if (p[0] == '@' && p[1] == 'G') {
			strbuf_adds(&b, f->gpath);
			p++;
		} else if (p[0] == '@' && p[1] == 'J') {
			strbuf_printf(&b, "%s/jobs.d/%s.conf", f->dir, job);
			p++;
		} else if (p[0] == '@' && p[1] == 'D') {
			strbuf_adds(&b, f->dir);
			p++;
		} else
			strbuf_add(&b, p, 1);
	}
	out = xstrdup(strbuf_str(&b));
	strbuf_free(&b);
	return out;
}

/* Compares diagnostics with the expected ones ("@G"/"@J" expanded); an
 * expected message ending in "..." only has to start the actual one. */
static void
check_diag(const struct fixture *f, const char *what, const char *job,
    const struct diag *d, const char *const *want)
{
	size_t n = 0;

	while (n < MAXD && want[n] != NULL)
		n++;
	for (size_t i = 0; i < d->msgs.n || i < n; i++) {
		const char *got = i < d->msgs.n ? d->msgs.v[i] : "(none)";
		char *exp = i < n ? expand(f, job, want[i]) : xstrdup("(none)");
		size_t len = strlen(exp);
		bool prefix = len > 3 && strcmp(exp + len - 3, "...") == 0;

		if (prefix ? strncmp(got, exp, len - 3) != 0
		           : strcmp(got, exp) != 0)
			fail_msg("%s: diagnostic %zu:\n  got:  %s\n  want: %s",
			    what, i, got, exp);
		free(exp);
	}
}

static int
load_global(struct fixture *f, const char *text, struct diag *d)
{
	char *path = unit_write(f->dir, "cronwrap.conf", text);
	int ret;

	free(path);
	if (f->have_g)
		global_free(&f->g);
	ret = config_load_global(f->gpath, &f->g, d);
	f->have_g = ret == 0;
	return ret;
}

static void
write_job(struct fixture *f, const char *name, const char *text)
{
	char *rel = xasprintf("jobs.d/%s.conf", name);

	free(unit_write(f->dir, rel, text));
	free(rel);
}

/* --- the merge of the three layers ----------------------------------- */

static const char merge_global[] =
    "jobs_dir = \"jobs.d\";\n"
    "state_dir = \"state\";\n"
    "log_dir = \"/var/log/elsewhere\";\n"
    "mail = { to = [ \"global@example.com\" ]; from = \"cw@host\";\n"
    "         after_failures = 2; };\n"
    "defaults = {\n"
    "  timeout = \"30m\";\n"
    "  workdir = \"work\";\n"
    "  concurrency = \"wait\";\n"
    "  retry = { attempts = 3; delay = \"10s\"; };\n"
    "  env = { set = { A = \"g\"; B = \"g\"; }; files = [ \"g.env\" ];\n"
    "          keep = [ \"TERM\" ]; };\n"
    "  mail = { to = [ \"defaults@example.com\" ]; repeat_every = \"2h\"; };\n"
    "};\n";

static const char merge_job[] =
    "command = [ \"/bin/echo\", \"hello\" ];\n"
    "retry = { delay = \"1m\"; };\n"
    "env = { set = { B = \"j\"; C = \"j\"; }; files = [ \"j.env\" ];\n"
    "        keep = [ \"LANG\", \"TERM\" ]; };\n"
    "mail = { tail_lines = 5; };\n";

static void
test_merge(void **state)
{
	struct fixture *f = *state;
	struct diag d = DIAG_INIT;
	struct job job;
	char *want;

	assert_int_equal(load_global(f, merge_global, &d), 0);
	assert_int_equal(diag_count(&d), 0);
	write_job(f, "nightly", merge_job);
	if (config_load_job(&f->g, "nightly", &job, &d) != 0)
		fail_msg("load: %s", d.msgs.v[0]);

	/* The global file's own paths, against its directory. */
	want = expand(f, NULL, "@D/jobs.d");
	assert_string_equal(f->g.jobs_dir, want);
	free(want);
	want = expand(f, NULL, "@D/state");
	assert_string_equal(f->g.state_dir, want);
	free(want);
	assert_string_equal(f->g.log_dir, "/var/log/elsewhere");

	assert_string_equal(job.name, "nightly");
	want = expand(f, "nightly", "@J");
	assert_string_equal(job.file, want);
	free(want);
	assert_int_equal(job.command.n, 2);
	assert_string_equal(job.command.v[0], "/bin/echo");
	assert_string_equal(job.command.v[1], "hello");
	assert_null(job.command.v[2]);

	/* Top-level keys: the job < defaults < built-in. */
	assert_true(job.timeout == 1800);  /* defaults */
	assert_true(job.kill_after == 30); /* built-in */
	assert_int_equal(job.concurrency, CONC_WAIT);
	assert_true(job.wait_timeout == 3600);
	want = expand(f, NULL, "@D/work"); /* against cronwrap.conf */
	assert_string_equal(job.workdir, want);
	free(want);

	/* retry, per key. */
	assert_int_equal(job.retry.attempts, 3); /* defaults */
	assert_true(job.retry.delay == 60);      /* job */
	assert_true(job.retry.backoff == 2.0);   /* built-in */
	assert_true(job.retry.max_delay == 600);
	assert_false(job.retry.jitter);

	/* env.set adds per variable; files and keep add up. */
	assert_true(job.env.clear);
	assert_int_equal(job.env.set.n, 3);
	assert_string_equal(job.env.set.keys[0], "A");
	assert_string_equal(job.env.set.values[0], "g");
	assert_string_equal(job.env.set.keys[1], "B");
	assert_string_equal(job.env.set.values[1], "j");
	assert_string_equal(job.env.set.keys[2], "C");
	assert_string_equal(job.env.set.values[2], "j");
	assert_int_equal(job.env.files.n, 2);
	want = expand(f, NULL, "@D/g.env"); /* against cronwrap.conf */
	assert_string_equal(job.env.files.v[0], want);
	free(want);
	want = expand(f, NULL, "@D/jobs.d/j.env"); /* against the job file */
	assert_string_equal(job.env.files.v[1], want);
	free(want);
	assert_int_equal(job.env.keep.n, 2);
	assert_string_equal(job.env.keep.v[0], "TERM");
	assert_string_equal(job.env.keep.v[1], "LANG");

	/* mail: global < defaults < job, per key; a list replaces. */
	assert_int_equal(job.mail.to.n, 1);
	assert_string_equal(job.mail.to.v[0], "defaults@example.com");
	assert_string_equal(job.mail.from, "cw@host");          /* global */
	assert_int_equal(job.mail.after_failures, 2);           /* global */
	assert_true(job.mail.repeat_every == 7200);             /* defaults */
	assert_int_equal(job.mail.tail_lines, 5);               /* job */
	assert_string_equal(job.mail.smtp_server, "localhost"); /* built-in */
	assert_int_equal(job.mail.smtp_port, 25);

	/* The global mail itself is untouched by the defaults. */
	assert_int_equal(f->g.mail.to.n, 1);
	assert_string_equal(f->g.mail.to.v[0], "global@example.com");

	job_free(&job);
	diag_free(&d);
}

/* A job over a global file without defaults: the built-in values. */
static void
test_builtin_defaults(void **state)
{
	struct fixture *f = *state;
	struct diag d = DIAG_INIT;
	struct job job;
	char *want;

	assert_int_equal(load_global(f, "jobs_dir = \"jobs.d\";\n", &d), 0);
	write_job(f, "plain",
	    "shell = \"echo hi | wc -c\";\n"
	    "workdir = \"sub/dir\";\n"
	    "env = { files = [ \"/etc/abs.env\", \"../rel.env\" ]; };\n");
	if (config_load_job(&f->g, "plain", &job, &d) != 0)
		fail_msg("load: %s", d.msgs.v[0]);
	assert_string_equal(job.shell, "echo hi | wc -c");
	assert_int_equal(job.command.n, 0);
	assert_true(job.timeout == 3600);
	assert_true(job.kill_after == 30);
	assert_int_equal(job.concurrency, CONC_SKIP);
	assert_int_equal(job.retry.attempts, 1);
	assert_true(job.retry.delay == 30);
	assert_true(job.env.clear);
	assert_null(job.env.path);
	assert_int_equal(job.env.set.n, 0);
	assert_int_equal(job.unmet, UNMET_WAIT);
	assert_int_equal(job.cron_output, OUT_FAILURE);
	assert_int_equal(job.umask, 022);
	assert_int_equal(job.mail.to.n, 0);
	want = expand(f, NULL, "@D/jobs.d/sub/dir");
	assert_string_equal(job.workdir, want);
	free(want);
	assert_string_equal(job.env.files.v[0], "/etc/abs.env");
	want = expand(f, NULL, "@D/jobs.d/../rel.env");
	assert_string_equal(job.env.files.v[1], want);
	free(want);
	job_free(&job);
	diag_free(&d);
}

/* An @include'd file is a file of its own: its relative paths and its
 * messages are its own, and the include itself is found next to the file
 * that includes it. */
static void
test_include(void **state)
{
	struct fixture *f = *state;
	struct diag d = DIAG_INIT;
	struct job job;
	char *want;
	static const char *const want_err[] = {
	    "@D/jobs.d/../inc/more.conf:2: timeout: bad duration \"never\" "
	    "(write 90, "
	    "90s, 15m, 2h or 1d)",
	    NULL};

	free(unit_write(f->dir, "inc/defaults.conf",
	    "defaults = {\n  workdir = \"w\";\n};\n"));
	free(unit_write(f->dir, "inc/more.conf",
	    "description = \"x\";\ntimeout = \"never\";\n"));
	assert_int_equal(
	    load_global(f,
	        "jobs_dir = \"jobs.d\";\n@include \"inc/defaults.conf\"\n", &d),
	    0);
	write_job(f, "inc", "command = [ \"/bin/true\" ];\n");
	if (config_load_job(&f->g, "inc", &job, &d) != 0)
		fail_msg("load: %s", d.msgs.v[0]);
	want = expand(f, NULL, "@D/inc/w");
	assert_string_equal(job.workdir, want);
	free(want);
	job_free(&job);

	write_job(f, "inc2",
	    "command = [ \"/bin/true\" ];\n@include \"../inc/more.conf\"\n");
	assert_int_equal(config_load_job(&f->g, "inc2", &job, &d), -1);
	check_diag(f, "include", NULL, &d, want_err);
	diag_free(&d);
}

/* --- diagnostics of job files ---------------------------------------- */

struct err_case {
	const char *what;
	const char *job; /* the job file */
	const char *want[MAXD];
};

#define JOB_KEYS                                                               \
	"description, schedule, command, shell, steps, schedule_tz, user, "    \
	"workdir, timeout, kill_after, concurrency, lock, wait_timeout, "      \
	"retry, env, requires, unmet, unmet_timeout, unmet_poll, mail, "       \
	"notify, ping, on_failure, cron_output, nice, umask"

static const struct err_case job_errors[] = {
    {"unknown key at the top level",
        "command = [ \"/bin/true\" ];\nbogus = 1;\n",
        {"@J:2: bogus: unknown setting (known here: " JOB_KEYS ")"}},
    {"unknown key in a group",
        "command = [ \"/bin/true\" ];\nretry = {\n  attempts = 2;\n"
        "  tries = 3;\n};\n",
        {"@J:4: retry.tries: unknown setting (known here: attempts, delay, "
         "backoff, max_delay, jitter)"}},
    {"unknown key in env",
        "command = [ \"/bin/true\" ];\nenv = { clear = true;\n"
        "  sett = { A = \"1\"; }; };\n",
        {"@J:3: env.sett: unknown setting (known here: clear, path, set, "
         "files, keep)"}},
    {"wrong type: a boolean for a duration",
        "command = [ \"/bin/true\" ];\ntimeout = true;\n",
        {"@J:2: timeout: expected a duration such as \"90s\", \"15m\", "
         "\"2h\", got a boolean"}},
    {"wrong type: an integer for a string",
        "description = 5;\ncommand = [ \"/bin/true\" ];\n",
        {"@J:1: description: expected a string, got an integer"}},
    {"wrong type: a string for a boolean",
        "command = [ \"/bin/true\" ];\nenv = {\n  clear = \"yes\";\n};\n",
        {"@J:3: env.clear: expected a boolean (true or false), got a "
         "string"}},
    {"wrong type: an integer for a group",
        "command = [ \"/bin/true\" ];\nretry = 3;\n",
        {"@J:2: retry: expected a group { ... }, got an integer"}},
    {"wrong type: an integer in env.set",
        "command = [ \"/bin/true\" ];\nenv = { set = { A = 1; }; };\n",
        {"@J:2: env.set.A: expected a string, got an integer"}},
    {"wrong type in a command list",
        "command = [ \"/bin/echo\",\n  \"a\" ];\nshell = 4;\n",
        {"@J:3: shell: expected a string, got an integer"}},
    {"a command string instead of a list", "command = \"/bin/true\";\n",
        {"@J:1: command: expected a list such as [ \"/bin/prog\", \"arg\" ] "
         "(or use shell = \"...\")",
            "@J: no command: set command, shell or steps"}},
    {"a number out of range",
        "command = [ \"/bin/true\" ];\nnice = 40;\nretry = { attempts = 0; "
        "};\n",
        {"@J:2: nice: 40 is out of range -20..19",
            "@J:3: retry.attempts: must be at least 1"}},
    {"bad duration", "command = [ \"/bin/true\" ];\ntimeout = \"5x\";\n",
        {"@J:2: timeout: bad duration \"5x\" (write 90, 90s, 15m, 2h or 1d)"}},
    {"bad duration in a group, and a negative one",
        "command = [ \"/bin/true\" ];\nretry = { delay = \"soon\"; };\n"
        "kill_after = -5;\n",
        {"@J:2: retry.delay: bad duration \"soon\" (write 90, 90s, 15m, 2h "
         "or 1d)",
            "@J:3: kill_after: a duration cannot be negative"}},
    {"command and shell both set",
        "command = [ \"/bin/true\" ];\n\nshell = \"true\";\n",
        {"@J:3: set only one of command, shell and steps"}},
    {"no command", "description = \"nothing to do\";\ntimeout = \"1h\";\n",
        {"@J: no command: set command, shell or steps"}},
    {"empty command list", "command = [ ];\n",
        {"@J:1: command: the command is empty",
            "@J: no command: set command, shell or steps"}},
    {"empty program name", "timeout = 5;\ncommand = [ \"\", \"x\" ];\n",
        {"@J:2: command: the command is empty"}},
    {"bad concurrency value",
        "command = [ \"/bin/true\" ];\nconcurrency = \"sometimes\";\n",
        {"@J:2: concurrency: unknown value \"sometimes\" (one of: skip, wait, "
         "replace, allow)"}},
    {"concurrency of the wrong type",
        "command = [ \"/bin/true\" ];\nconcurrency = 2;\n",
        {"@J:2: concurrency: expected a string, got an integer"}},
    {"libconfig syntax error",
        "command = [ \"/bin/true\" ];\ntimeout = \"1h\";\n"
        "kill_after = ;\n",
        {"@J:3: syntax error"}},
    {"libconfig syntax error: unterminated list",
        "command = [ \"/bin/true\";\n", {"@J:1: syntax error"}},
    {"every problem at once, in file order",
        "description = 1;\ncommand = [ \"/bin/true\" ];\n"
        "timeout = \"x\";\nfoo = 2;\nretry = { bar = 1; };\n",
        {"@J:1: description: expected a string, got an integer",
            "@J:3: timeout: bad duration \"x\" (write 90, 90s, 15m, 2h or 1d)",
            "@J:4: foo: unknown setting (known here: " JOB_KEYS ")",
            "@J:5: retry.bar: unknown setting (known here: attempts, delay, "
            "backoff, max_delay, jitter)"}},
};

static void
test_job_errors(void **state)
{
	struct fixture *f = *state;
	struct diag d = DIAG_INIT;

	assert_int_equal(load_global(f, "jobs_dir = \"jobs.d\";\n", &d), 0);
	for (size_t i = 0; i < sizeof job_errors / sizeof job_errors[0]; i++) {
		const struct err_case *c = &job_errors[i];
		struct diag jd = DIAG_INIT;
		struct job job;

		write_job(f, "bad", c->job);
		if (config_load_job(&f->g, "bad", &job, &jd) == 0) {
			job_free(&job);
			fail_msg("%s: loaded", c->what);
		}
		check_diag(f, c->what, "bad", &jd, c->want);
		diag_free(&jd);
	}
	diag_free(&d);
}

static void
test_job_name_and_file(void **state)
{
	struct fixture *f = *state;
	struct diag d = DIAG_INIT;
	struct job job;
	static const char *const bad_name[] = {
	    "../x: not a valid job name", NULL};
	static const char *const missing[] = {
	    "@D/jobs.d/nope.conf: no such job (No such file or directory)",
	    NULL};

	assert_int_equal(load_global(f, "jobs_dir = \"jobs.d\";\n", &d), 0);
	assert_int_equal(config_load_job(&f->g, "../x", &job, &d), -1);
	check_diag(f, "bad name", NULL, &d, bad_name);
	diag_free(&d);
	assert_int_equal(config_load_job(&f->g, "nope", &job, &d), -1);
	check_diag(f, "missing", NULL, &d, missing);
	diag_free(&d);
}

/* --- diagnostics of the global file ---------------------------------- */

static const struct err_case global_errors[] = {
    {"unknown key", "jobs_dir = \"jobs.d\";\njobz_dir = \"x\";\n",
        {"@G:2: jobz_dir: unknown setting (known here: jobs_dir, state_dir, "
         "log_dir, lock_dir, plugin_dir, syslog, cron_output, history, mail, "
         "defaults)"}},
    {"unknown key in a group", "history = {\n  keep = 3;\n};\n",
        {"@G:2: history.keep: unknown setting (known here: keep_days, "
         "keep_runs)"}},
    {"bad value", "syslog = { facility = \"kern\"; };\n",
        {"@G:1: syslog.facility: unknown value \"kern\" (one of: cron, "
         "daemon, user, local0, local1, local2, local3, local4, local5, "
         "local6, local7)"}},
    {"wrong type", "cron_output = true;\n",
        {"@G:1: cron_output: expected a string, got a boolean"}},
    {"a job-only key in defaults",
        "defaults = {\n  command = [ \"/bin/true\" ];\n};\n",
        {"@G:2: defaults.command: unknown setting (known here: schedule_tz, "
         "user, ..."}},
    {"bad duration in defaults",
        "defaults = {\n  timeout = \"1h\";\n  kill_after = \"soon\";\n};\n",
        {"@G:3: defaults.kill_after: bad duration \"soon\" (write 90, 90s, "
         "15m, 2h or 1d)"}},
    {"bad concurrency in defaults",
        "defaults = { concurrency = \"never\"; };\n",
        {"@G:1: defaults.concurrency: unknown value \"never\" (one of: skip, "
         "wait, replace, allow)"}},
    {"mail",
        "mail = {\n  starttls = \"maybe\";\n  on = [ \"failure\", "
        "\"oops\" ];\n  smtp_port = 0;\n};\n",
        {"@G:2: mail.starttls: unknown value \"maybe\" (one of: no, try, "
         "require)",
            "@G:3: mail.on: unknown event \"oops\" (one of: failure, "
            "timeout, precondition, crash, recovery)",
            "@G:4: mail.smtp_port: 0 is out of range 1..65535"}},
    {"syntax error", "jobs_dir = \"jobs.d\"\n  = 5;\n", {"@G:2: syntax error"}},
};

static void
test_global_errors(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof global_errors / sizeof global_errors[0];
	     i++) {
		const struct err_case *c = &global_errors[i];
		struct diag d = DIAG_INIT;

		if (load_global(f, c->job, &d) == 0)
			fail_msg("%s: loaded", c->what);
		check_diag(f, c->what, NULL, &d, c->want);
		diag_free(&d);
	}
}

static void
test_global_missing(void **state)
{
	struct fixture *f = *state;
	struct diag d = DIAG_INIT;
	struct global g;
	char *path = xasprintf("%s/none.conf", f->dir);
	const char *want[] = {"@D/none.conf: cannot read: No such file or "
	                      "directory",
	    NULL};

	assert_int_equal(config_load_global(path, &g, &d), -1);
	check_diag(f, "missing global file", NULL, &d, want);
	diag_free(&d);
	free(path);
}

/* --- cronwrap exec: a job from options turned into a text ------------ */

static void
test_job_from_text(void **state)
{
	struct fixture *f = *state;
	struct diag d = DIAG_INIT;
	struct strv argv = STRV_INIT;
	struct job job;
	char *cwd = getcwd(NULL, 0);

	assert_int_equal(load_global(f,
	                     "jobs_dir = \"jobs.d\";\n"
	                     "defaults = { timeout = \"30m\"; retry = { "
	                     "attempts = 4; }; };\n",
	                     &d),
	    0);
	strv_push(&argv, "/bin/echo");
	strv_push(&argv, "hi there");
	if (config_job_from_text(&f->g, "adhoc",
	        "kill_after = 5; concurrency = \"wait\";\n"
	        "retry = { delay = \"2m\"; };\n"
	        "env = { set = { A = \"1\"; }; };\n",
	        &argv, &job, &d) != 0)
		fail_msg("from text: %s", d.msgs.v[0]);
	assert_string_equal(job.name, "adhoc");
	assert_null(job.file);
	assert_string_equal(job.dir, cwd);
	assert_int_equal(job.command.n, 2);
	assert_string_equal(job.command.v[1], "hi there");
	assert_true(job.timeout == 1800); /* defaults */
	assert_true(job.kill_after == 5); /* text */
	assert_int_equal(job.concurrency, CONC_WAIT);
	assert_int_equal(job.retry.attempts, 4);
	assert_true(job.retry.delay == 120);
	assert_string_equal(kv_get(&job.env.set, "A"), "1");
	job_free(&job);
	strv_free(&argv);
	free(cwd);
	diag_free(&d);
}

struct text_case {
	const char *text;
	const char *want[MAXD];
};

/* Options have no file: their messages name the key alone. */
static const struct text_case text_errors[] = {
    {"timeout = \"x\";",
        {"timeout: bad duration \"x\" (write 90, 90s, 15m, 2h or 1d)"}},
    {"timeout = ;", {"options: syntax error"}},
    {"command = [ \"/bin/true\" ];",
        {"command: unknown setting (known here: schedule, schedule_tz, "
         "..."}},
    {"schedule = \"61 * * * *\";",
        {"schedule: field 1 (minute): 61 out of range 0-59"}},
    {"retry = { attempts = \"3\"; };",
        {"retry.attempts: expected an integer, got a string"}},
};

static void
test_job_from_text_errors(void **state)
{
	struct fixture *f = *state;
	struct diag d = DIAG_INIT;
	struct strv argv = STRV_INIT;

	assert_int_equal(load_global(f, "jobs_dir = \"jobs.d\";\n", &d), 0);
	strv_push(&argv, "/bin/true");
	for (size_t i = 0; i < sizeof text_errors / sizeof text_errors[0];
	     i++) {
		struct diag td = DIAG_INIT;
		struct job job;

		if (config_job_from_text(&f->g, "adhoc", text_errors[i].text,
		        &argv, &job, &td) == 0) {
			job_free(&job);
			fail_msg("\"%s\" accepted", text_errors[i].text);
		}
		check_diag(
		    f, text_errors[i].text, NULL, &td, text_errors[i].want);
		diag_free(&td);
	}
	strv_free(&argv);
	diag_free(&d);
}

static void
test_valid_names(void **state)
{
	static const char *const good[] = {
	    "a", "nightly-export", "db.backup", "x_1", "A9", NULL};
	static const char *const bad[] = {"", ".hidden", "..", "a/b", "../x",
	    "a b", "tab\t", "é", "a:b", NULL};
	char long_name[200];

	(void)state;
	for (size_t i = 0; good[i] != NULL; i++)
		if (!config_valid_name(good[i]))
			fail_msg("\"%s\" refused", good[i]);
	for (size_t i = 0; bad[i] != NULL; i++)
		if (config_valid_name(bad[i]))
			fail_msg("\"%s\" accepted", bad[i]);
	assert_false(config_valid_name(NULL));
	memset(long_name, 'a', sizeof long_name);
	long_name[128] = '\0';
	assert_true(config_valid_name(long_name));
	long_name[128] = 'a';
	long_name[129] = '\0';
	assert_false(config_valid_name(long_name));
}

static void
test_job_names(void **state)
{
	struct fixture *f = *state;
	struct diag d = DIAG_INIT;
	struct strv names = STRV_INIT;

	assert_int_equal(load_global(f, "jobs_dir = \"jobs.d\";\n", &d), 0);
	write_job(f, "zeta", "command = [ \"/bin/true\" ];\n");
	write_job(f, "alpha", "command = [ \"/bin/true\" ];\n");
	write_job(f, "mid.dle", "command = [ \"/bin/true\" ];\n");
	free(unit_write(f->dir, "jobs.d/.hidden.conf", ""));
	free(unit_write(f->dir, "jobs.d/notes.txt", ""));
	free(unit_write(f->dir, "jobs.d/.conf", ""));
	assert_int_equal(config_job_names(&f->g, &names, &d), 0);
	assert_int_equal(names.n, 3);
	assert_string_equal(names.v[0], "alpha");
	assert_string_equal(names.v[1], "mid.dle");
	assert_string_equal(names.v[2], "zeta");
	strv_free(&names);
	diag_free(&d);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_merge),
	    T(test_builtin_defaults),
	    T(test_include),
	    T(test_job_errors),
	    T(test_job_name_and_file),
	    T(test_global_errors),
	    T(test_global_missing),
	    T(test_job_from_text),
	    T(test_job_from_text_errors),
	    cmocka_unit_test(test_valid_names),
	    T(test_job_names),
	};

	/* The global file is always named here; the environment must not
	 * choose another. */
	unsetenv("CRONWRAP_CONFIG");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
