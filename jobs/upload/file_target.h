/*
 * file_target.h - the file:// target: a local or mounted directory,
 * written through a temporary name, fsync(2) and rename(2).
 */
#ifndef UPLOAD_FILE_TARGET_H
#define UPLOAD_FILE_TARGET_H

#include "remote.h"
#include "target.h"

/* A target for the directory of r (borrowed, must outlive the target).
 * Returns NULL when out of memory. */
struct target *file_target_new(
    const struct remote *r, const struct target_hooks *hooks);

#endif
