/*
 * outfile.h - the export file: written under a temporary name in the run
 * directory, hashed on the way, and renamed to its final name only once
 * complete and on disk, so that the final name never shows half a file.
 */
#ifndef SQL2CSV_OUTFILE_H
#define SQL2CSV_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

struct outfile {
	int dirfd;
	int fd;
	char *name;      /* final name, in the directory */
	char *tmp;       /* temporary name while being written */
	uint64_t bytes;  /* written so far */
	EVP_MD_CTX *sha; /* SHA-256 of what is written, when asked for */
	const char *op;  /* what failed, for messages */
};

/* Creates the temporary file for name in dir.  Returns 0, or -1 with errno
 * set and o->op naming what failed.  Call outfile_close() in both cases. */
int outfile_open(
    struct outfile *o, const char *dir, const char *name, bool sha256);
/* Appends n bytes (arg is the struct outfile): the CSV writer's callback.
 * Returns 0, or -1 with errno set. */
int outfile_write(void *arg, const void *p, size_t n);
/* Empties the file to start over. */
int outfile_truncate(struct outfile *o);
/* Flushes the file to disk, writes NAME.sha256 beside it when asked for,
 * and renames the file to its final name.  Returns 0, or -1 with errno set
 * and o->op naming what failed. */
int outfile_commit(struct outfile *o);
/* The name of the checksum file (NAME.sha256), to be freed, or NULL. */
char *outfile_sha256_name(const struct outfile *o);
/* Closes, and removes the temporary file unless committed. */
void outfile_close(struct outfile *o);

#endif
