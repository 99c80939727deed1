/*
 * upload.h - the upload sequence, the same for every target: for each
 * artifact, upload under a temporary name, check the size, rename to the
 * final name; retry transient failures with backoff; clean up after a
 * failure.  And the dry run: log in, list, tell what would be uploaded.
 */
#ifndef UPLOAD_UPLOAD_H
#define UPLOAD_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <cronwrap/plugin.h>

#include "remote.h"
#include "target.h"

struct upload_conf {
	struct remote remote;
	const char *remote_name; /* strftime pattern, NULL: artifact's name */
	const char *temp_prefix, *temp_suffix;
	bool atomic, verify_size, create_dirs;
	unsigned attempts;  /* tries per file, >= 1 */
	double retry_delay; /* seconds before the 2nd try; doubles */
};

/* One file to upload. */
struct upload_item {
	char *local; /* path of the artifact */
	char *name;  /* final remote name, relative to the URL's directory */
	char *temp;  /* temporary remote name (== name when not atomic) */
};

/* Builds the list from the step's input artifacts; logs and returns
 * CW_FAIL on a bad remote name or when there is nothing to upload.  Free
 * with upload_items_free(). */
enum cw_status upload_items_new(struct cw_ctx *ctx, const struct upload_conf *c,
    struct upload_item **items, size_t *n);
void upload_items_free(struct upload_item *items, size_t n);

/* Uploads every item in order, stopping at the first that fails. */
enum cw_status upload_all(struct cw_ctx *ctx, const struct upload_conf *c,
    struct target *t, const struct upload_item *items, size_t n);

/* Logs in, lists the target directory and logs what would be uploaded;
 * changes nothing. */
enum cw_status upload_dry_run(struct cw_ctx *ctx, const struct upload_conf *c,
    struct target *t, const struct upload_item *items, size_t n);

#endif
