/*
 * path.h - paths and directories.
 */
#ifndef CW_PATH_H
#define CW_PATH_H

#include <stdbool.h>
#include <sys/types.h>

/* base/rel, or rel itself when absolute (or base is NULL).  Caller frees. */
char *path_resolve(const char *base, const char *rel);
/* The directory part of path ("." when none).  Caller frees. */
char *path_dirname(const char *path);
/* Creates dir and its parents with mode (existing ones are kept).  Returns
 * 0 or -1 with errno set. */
int mkdir_p(const char *dir, mode_t mode);
/* Writes data to path through path.tmp, fsync, rename.  0 or -1/errno. */
int write_file_atomic(
    const char *path, const char *data, size_t len, mode_t mode);
/* Reads a whole (small) file; caller frees.  NULL/errno on error. */
char *read_file(const char *path, size_t max, size_t *len);
/* Removes a directory tree.  0 or -1/errno (first error; goes on). */
int rm_rf(const char *path);

#endif
