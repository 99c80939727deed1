#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "util/kv.h"
#include "util/xalloc.h"

static ssize_t
kv_find(const struct kv *kv, const char *key)
{
	for (size_t i = 0; i < kv->n; i++)
		if (strcmp(kv->keys[i], key) == 0)
			return (ssize_t)i;
	return -1;
}

void
kv_set(struct kv *kv, const char *key, const char *value)
{
	ssize_t i = kv_find(kv, key);

	if (i >= 0) {
		/* Copied first: value may be the one it replaces. */
		char *v = xstrdup(value);

		free(kv->values[i]);
		kv->values[i] = v;
		return;
	}
	if (kv->n == kv->cap) {
		kv->cap = kv->cap ? kv->cap * 2 : 8;
		kv->keys = xreallocarray(kv->keys, kv->cap, sizeof *kv->keys);
		kv->values =
		    xreallocarray(kv->values, kv->cap, sizeof *kv->values);
	}
	kv->keys[kv->n] = xstrdup(key);
	kv->values[kv->n] = xstrdup(value);
	kv->n++;
}

const char *
kv_get(const struct kv *kv, const char *key)
{
	ssize_t i = kv_find(kv, key);

	return i >= 0 ? kv->values[i] : NULL;
}

void
kv_unset(struct kv *kv, const char *key)
{
	ssize_t i = kv_find(kv, key);

	if (i < 0)
		return;
	free(kv->keys[i]);
	free(kv->values[i]);
	memmove(&kv->keys[i], &kv->keys[i + 1],
	    (kv->n - (size_t)i - 1) * sizeof *kv->keys);
	memmove(&kv->values[i], &kv->values[i + 1],
	    (kv->n - (size_t)i - 1) * sizeof *kv->values);
	kv->n--;
}

void
kv_copy(struct kv *dst, const struct kv *src)
{
	for (size_t i = 0; i < src->n; i++)
		kv_set(dst, src->keys[i], src->values[i]);
}

void
kv_free(struct kv *kv)
{
	for (size_t i = 0; i < kv->n; i++) {
		free(kv->keys[i]);
		free(kv->values[i]);
	}
	free(kv->keys);
	free(kv->values);
	kv->keys = kv->values = NULL;
	kv->n = kv->cap = 0;
}
