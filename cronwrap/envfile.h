/*
 * envfile.h - env files: KEY=VALUE lines, "# comments", blank lines, an
 * optional "export " prefix, and values that are bare (trimmed), 'single
 * quoted' (literal) or "double quoted" (with \" \\ \n \t \$ escapes).
 */
#ifndef CW_ENVFILE_H
#define CW_ENVFILE_H

#include "util/diag.h"
#include "util/kv.h"

/* Parses text (the contents of file, for messages) into kv.  A bad line is
 * reported as FILE:LINE and the parse goes on.  Returns 0 or -1. */
int envfile_parse(
    const char *text, const char *file, struct kv *kv, struct diag *d);
/* Reads and parses path.  Returns 0 or -1. */
int envfile_load(const char *path, struct kv *kv, struct diag *d);

#endif
