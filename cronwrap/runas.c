#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runas.h"
#include "util/xalloc.h"

static int
fill(struct runas *ru, const struct passwd *pw)
{
	ru->uid = pw->pw_uid;
	ru->gid = pw->pw_gid;
	ru->name = xstrdup(pw->pw_name);
	ru->home = xstrdup(pw->pw_dir[0] ? pw->pw_dir : "/");
	ru->shell = xstrdup(pw->pw_shell[0] ? pw->pw_shell : "/bin/sh");
	return 0;
}

int
runas_lookup(const char *user, struct runas *ru, char *err, size_t errlen)
{
	uid_t me = geteuid();
	struct passwd *pw;

	memset(ru, 0, sizeof *ru);
	if (user == NULL) {
		errno = 0;
		if ((pw = getpwuid(me)) == NULL) {
			snprintf(err, errlen, "uid %ld has no passwd entry",
			    (long)me);
			return -1;
		}
		return fill(ru, pw);
	}
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user \"%s\": no such user", user);
		return -1;
	}
	ru->drop = pw->pw_uid != me || getuid() != me;
	return fill(ru, pw);
}

int
runas_resolve(const char *user, struct runas *ru, char *err, size_t errlen)
{
	uid_t me = geteuid();

	if (runas_lookup(user, ru, err, errlen) < 0)
		return -1;
	if (ru->uid != me && me != 0) {
		snprintf(err, errlen,
		    "user \"%s\": cronwrap runs as uid %ld, not root, and "
		    "cannot switch to another user",
		    user, (long)me);
		runas_free(ru);
		return -1;
	}
	return 0;
}

void
runas_free(struct runas *ru)
{
	sfree(ru->name);
	sfree(ru->home);
	sfree(ru->shell);
}

int
runas_become(const struct runas *ru)
{
	if (!ru->drop)
		return 0;
	if (initgroups(ru->name, ru->gid) < 0 || setgid(ru->gid) < 0 ||
	    setuid(ru->uid) < 0)
		return -1;
	/* Paranoia, as in OpenBSD cron: make sure root cannot come back. */
	if (ru->uid != 0 && setuid(0) == 0) {
		errno = EPERM;
		return -1;
	}
	return 0;
}
