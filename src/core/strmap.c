/*
 * strmap.c - a map of strings to integers: open addressing (linear
 * probing) over copied keys, FNV-1a hashed, kept under three quarters full.
 */
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h ^ (h >> 29);
}

void hv_strmap_free(hv_strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->key[i]);
	free(m->key);
	free(m->val);
	free(m->hash);
	memset(m, 0, sizeof *m);
}

/* The slot of s: its own, or the empty one it would take. */
static size_t slot(const hv_strmap *m, const char *s, uint32_t h)
{
	size_t i = h & (m->cap - 1);
	while (m->key[i] && (m->hash[i] != h || strcmp(m->key[i], s)))
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* 1 and *v when s is held, else 0. */
int hv_strmap_get(const hv_strmap *m, const char *s, int64_t *v)
{
	if (!m->cap)
		return 0;
	size_t i = slot(m, s, (uint32_t)hash(s));
	if (!m->key[i])
		return 0;
	*v = m->val[i];
	return 1;
}

/* Hold s (not held yet) with value v: 0, or -1 when out of memory. */
int hv_strmap_put(hv_strmap *m, const char *s, int64_t v)
{
	if ((m->n + 1) * 4 > m->cap * 3) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		hv_strmap bigger = {calloc(cap, sizeof(char *)), malloc(cap * sizeof(int64_t)),
		                    malloc(cap * sizeof(uint32_t)), cap, m->n};
		if (!bigger.key || !bigger.val || !bigger.hash) {
			free(bigger.key);
			free(bigger.val);
			free(bigger.hash);
			return -1;
		}
		for (size_t i = 0; i < m->cap; i++)
			if (m->key[i]) {
				size_t j = slot(&bigger, m->key[i], m->hash[i]);
				bigger.key[j] = m->key[i];
				bigger.val[j] = m->val[i];
				bigger.hash[j] = m->hash[i];
			}
		free(m->key);
		free(m->val);
		free(m->hash);
		*m = bigger;
	}
	uint32_t h = (uint32_t)hash(s);
	size_t i = slot(m, s, h);
	if (!(m->key[i] = strdup(s)))
		return -1;
	m->val[i] = v;
	m->hash[i] = h;
	m->n++;
	return 0;
}
