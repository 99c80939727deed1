/*
 * runas.h - the user a job runs as: the "user" key when cronwrap runs as
 * root, else the caller (and a different "user" is refused).
 */
#ifndef CW_RUNAS_H
#define CW_RUNAS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct runas {
	bool drop; /* setgid/initgroups/setuid in the child */
	uid_t uid;
	gid_t gid;
	char *name;
	char *home;
	char *shell;
};

/* Resolves user (NULL = the caller).  Returns 0, or -1 with a message. */
int runas_resolve(const char *user, struct runas *ru, char *err, size_t errlen);
/* The same without the check that this process may switch to it (for
 * "cronwrap env" and "check"). */
int runas_lookup(const char *user, struct runas *ru, char *err, size_t errlen);
void runas_free(struct runas *ru);
/* In a child: becomes ru (groups, gid, uid).  0 or -1/errno. */
int runas_become(const struct runas *ru);

#endif
