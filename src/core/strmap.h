/*
 * strmap.h - a map of strings to integers (strmap.c): open addressing over
 * copied keys, for the lookups an import or a measure makes once a row
 * (a child's pseudonym to its id, a URN or an LA code to its index).
 */
#ifndef HAVEN_CORE_STRMAP_H
#define HAVEN_CORE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

/** Zero it to start; free with hv_strmap_free. */
typedef struct hv_strmap {
	char **key;
	int64_t *val;
	uint32_t *hash; /* each key's hash: most probes end without a strcmp */
	size_t cap, n;  /* cap a power of two */
} hv_strmap;

/** 1 and *v when s (borrowed) is held, else 0. */
int hv_strmap_get(const hv_strmap *m, const char *s, int64_t *v);

/** Hold s (copied; not held yet) with value v: 0, or -1 when out of memory. */
int hv_strmap_put(hv_strmap *m, const char *s, int64_t v);

/** Free what m holds and zero it; a zeroed map is a harmless no-op. */
void hv_strmap_free(hv_strmap *m);

#endif
