/*
 * remote.h - the upload target named by a URL, and the names built from it:
 * the URL libcurl is given for a file, the path a server command (RNFR,
 * rename, MKD) is given, the temporary name of an atomic upload.  Pure
 * functions: no I/O, no host services, so the unit tests call them directly.
 */
#ifndef UPLOAD_REMOTE_H
#define UPLOAD_REMOTE_H

#include <stddef.h>

enum remote_scheme { REMOTE_FTP, REMOTE_FTPS, REMOTE_SFTP, REMOTE_FILE };

struct remote {
	enum remote_scheme scheme;
	char *host;    /* as in the URL ("[::1]" keeps its brackets); NULL
	                  for file:// */
	long port;     /* 0 = the scheme's default */
	char *user;    /* user name given in the URL, decoded, or NULL */
	char *dir;     /* decoded URL path of the target directory, ending
	                  with '/': "/incoming/", "//srv/in/", "/~/in/" */
	char *cmd_dir; /* the same directory as server commands name it:
	                  FTP "incoming/" (login directory relative, "" for
	                  the login directory itself) or "/srv/in/"; SFTP
	                  "/srv/in/" or "in/" for "/~/in/"; file:// the
	                  local path */
};

/* Parses url into r (all members owned by r, freed by remote_free()).
 * Refuses an unknown scheme, a password, a query or fragment, and a
 * file:// URL on another host.  Returns 0, or -1 with a message in err. */
int remote_parse(const char *url, struct remote *r, char *err, size_t errlen);
void remote_free(struct remote *r);

/* The scheme's name: "ftp", "ftps", "sftp", "file". */
const char *remote_scheme_name(enum remote_scheme s);

/* The URL of name (relative to the target directory; "" for the directory
 * itself), percent-encoded, without user information, for libcurl and for
 * messages.  Returns a string to free(), or NULL when libcurl refuses it. */
char *remote_url(const struct remote *r, const char *name);

/* The path of name as a server command takes it (see cmd_dir).  Returns a
 * string to free(). */
char *remote_cmd_path(const struct remote *r, const char *name);

/* Checks a remote name after strftime expansion: relative, not empty, no
 * empty, "." or ".." component, no trailing '/', no control character
 * (which would end an FTP command).  Returns 0, or -1 with err set. */
int remote_name_check(const char *name, char *err, size_t errlen);

/* Checks a temp_prefix or temp_suffix: no '/' and no control character. */
int remote_affix_check(const char *affix, char *err, size_t errlen);

/* The temporary name of name: prefix and suffix around its last
 * component, in the same directory ("a/b.csv" -> "a/.b.csv.part").  Returns
 * a string to free(). */
char *remote_temp_name(
    const char *name, const char *prefix, const char *suffix);

/* The last component of a path ("incoming/a.csv" -> "a.csv"); a pointer
 * into path. */
const char *remote_basename(const char *path);

/* path in double quotes with '"' and '\' escaped, as libcurl's SFTP quote
 * commands read a file name.  Returns a string to free(). */
char *remote_sftp_quote(const char *path);

/* The directories leading to the file path, shortest first, for MKD:
 * "in/a/b.csv" -> "in", "in/a"; "/srv/in/b.csv" -> "/srv", "/srv/in".
 * Returns a NULL-terminated array (free with remote_strings_free()) and
 * sets *n. */
char **remote_parents(const char *path, size_t *n);
void remote_strings_free(char **v);

#endif
