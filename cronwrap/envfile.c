#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "envfile.h"
#include "util/path.h"
#include "util/xalloc.h"

#define ENVFILE_MAX (1024 * 1024)

static bool
is_name_char(char c, bool first)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (!first && c >= '0' && c <= '9');
}

/* Decodes a "double quoted" value starting after the quote.  Returns the
 * value (caller frees) and the position after the closing quote in *end,
 * or NULL when the quote is not closed on this line. */
static char *
unquote_double(const char *p, const char **end)
{
	char *out = xmalloc(strlen(p) + 1), *o = out;

	for (; *p != '\0' && *p != '"'; p++) {
		if (*p != '\\' || p[1] == '\0') {
			*o++ = *p;
			continue;
		}
		p++;
		switch (*p) {
		case 'n':
			*o++ = '\n';
			break;
		case 't':
			*o++ = '\t';
			break;
		default: /* \" \\ \$ and anything else: the character */
			*o++ = *p;
		}
	}
	if (*p != '"') {
		free(out);
		return NULL;
	}
	*o = '\0';
	*end = p + 1;
	return out;
}

static char *
parse_value(const char *p, const char **err)
{
	const char *end, *q;
	char *v;

	if (*p == '"') {
		if ((v = unquote_double(p + 1, &end)) == NULL) {
			*err = "unterminated double quote";
			return NULL;
		}
	} else if (*p == '\'') {
		if ((q = strchr(p + 1, '\'')) == NULL) {
			*err = "unterminated single quote";
			return NULL;
		}
		v = xstrndup(p + 1, (size_t)(q - p - 1));
		end = q + 1;
	} else {
		p += strspn(p, " \t"); /* bare: trimmed at both ends */
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		return xstrndup(p, (size_t)(end - p));
	}
	end += strspn(end, " \t");
	if (*end != '\0' && *end != '#') {
		free(v);
		*err = "text after the closing quote";
		return NULL;
	}
	return v;
}

static int
parse_line(
    char *line, const char *file, int lineno, struct kv *kv, struct diag *d)
{
	char *p = line + strspn(line, " \t"), *name, *v;
	const char *err = "expected KEY=VALUE";
	size_t len;

	if (*p == '\0' || *p == '#')
		return 0;
	if (strncmp(p, "export", 6) == 0 && (p[6] == ' ' || p[6] == '\t'))
		p += 6 + strspn(p + 6, " \t");
	name = p;
	for (len = 0; is_name_char(name[len], len == 0); len++)
		;
	p = name + len;
	if (len == 0 || *p != '=') {
		diag_add(d, file, lineno, "%s", err);
		return -1;
	}
	*p++ = '\0';
	if ((v = parse_value(p, &err)) == NULL) {
		diag_add(d, file, lineno, "%s: %s", name, err);
		return -1;
	}
	kv_set(kv, name, v);
	free(v);
	return 0;
}

int
envfile_parse(const char *text, const char *file, struct kv *kv, struct diag *d)
{
	char *copy = xstrdup(text), *line, *save = NULL;
	int lineno = 0, ret = 0;

	/* strtok_r would merge blank lines and break the numbering. */
	for (line = copy; line != NULL; line = save) {
		save = strchr(line, '\n');
		if (save != NULL)
			*save++ = '\0';
		lineno++;
		if (*line != '\0' && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (parse_line(line, file, lineno, kv, d) < 0)
			ret = -1;
	}
	free(copy);
	return ret;
}

int
envfile_load(const char *path, struct kv *kv, struct diag *d)
{
	char *text = read_file(path, ENVFILE_MAX, NULL);
	int ret;

	if (text == NULL) {
		diag_add(
		    d, path, 0, "cannot read env file: %s", strerror(errno));
		return -1;
	}
	ret = envfile_parse(text, path, kv, d);
	free(text);
	return ret;
}
