/*
 * target.h - where files go: a small interface that transfer.c (libcurl:
 * ftp, ftps, sftp) and file_target.c (a local or mounted directory)
 * implement, so upload.c runs one sequence for all of them: upload under a
 * temporary name, check the size, rename.
 *
 * Names are relative to the target directory and already checked with
 * remote_name_check().  Each operation returns 0, or -1 with t->err filled:
 * a message that names the operation and carries the server's words, and
 * whether trying again may help.
 */
#ifndef UPLOAD_TARGET_H
#define UPLOAD_TARGET_H

#include <stdbool.h>
#include <sys/types.h>

struct target_error {
	bool transient;
	bool missing; /* list: the target directory does not exist */
	char msg[1024];
};

/* Calls from a target back into its user; any may be NULL. */
struct target_hooks {
	void *arg;
	/* Bytes of the current upload sent so far. */
	void (*progress)(void *arg, double done, double total);
	/* One line of protocol dialogue, for the debug setting (passwords
	 * already masked). */
	void (*debug)(void *arg, const char *line);
};

struct target;

struct target_ops {
	/* Lists the target directory: each() is called once per name. */
	int (*list)(struct target *t, void (*each)(void *arg, const char *name),
	    void *arg);
	/* Writes size bytes read from fd (at its current offset) to name,
	 * replacing any file of that name.  Sets t->touched once the server
	 * has created or truncated the file. */
	int (*put)(struct target *t, const char *name, int fd, off_t size);
	/* Fails unless name exists with exactly size bytes. */
	int (*check_size)(struct target *t, const char *name, off_t size);
	/* Renames from to to, replacing to. */
	int (*rename)(struct target *t, const char *from, const char *to);
	/* Removes name if it exists; never fails for a missing file. */
	int (*remove)(struct target *t, const char *name);
	/* Creates the directories leading to name, the target directory
	 * included, that do not exist yet. */
	int (*mkdirs)(struct target *t, const char *name);
	void (*free)(struct target *t);
};

struct target {
	const struct target_ops *ops;
	struct target_hooks hooks;
	struct target_error err;
	bool touched; /* see put */
};

/* Fills t->err; returns -1 for "return target_fail(...)". */
int target_fail(struct target *t, bool transient, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
