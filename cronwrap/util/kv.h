/*
 * kv.h - an ordered list of owned KEY=VALUE pairs where a later set of the
 * same key replaces the value in place (an environment, parameters).
 */
#ifndef CW_KV_H
#define CW_KV_H

#include <stddef.h>

struct kv {
	char **keys;
	char **values;
	size_t n;
	size_t cap;
};

#define KV_INIT                                                                \
	{                                                                      \
		NULL, NULL, 0, 0                                               \
	}

void kv_set(struct kv *kv, const char *key, const char *value);
const char *kv_get(const struct kv *kv, const char *key);
void kv_unset(struct kv *kv, const char *key);
void kv_copy(struct kv *dst, const struct kv *src);
void kv_free(struct kv *kv);

#endif
