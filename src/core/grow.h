/*
 * grow.h - resizing an array held by pointer, for readers that grow
 * several arrays side by side.
 */
#ifndef HAVEN_CORE_GROW_H
#define HAVEN_CORE_GROW_H

#include <stdlib.h>
#include <string.h>

/** Resize the array whose pointer is at pp (any object pointer type) to n
 *  elements of size bytes: 1 on success; 0 when out of memory, the array
 *  untouched (still owned by the caller). */
static inline int hv_resize(void *pp, size_t n, size_t size)
{
	void *old, *p;
	memcpy(&old, pp, sizeof old);
	if (n && size > (size_t)-1 / n)
		return 0;
	if (!(p = realloc(old, n * size)))
		return 0;
	memcpy(pp, &p, sizeof p);
	return 1;
}

/** Make room for one more element in the array at pp holding n of size
 *  bytes with room for *cap: doubles *cap (from first) when full.  1 on
 *  success; 0 when out of memory, the array and *cap untouched. */
static inline int hv_grow(void *pp, size_t n, size_t *cap, size_t size, size_t first)
{
	if (n < *cap)
		return 1;
	size_t nc = *cap ? *cap * 2 : first;
	if (!hv_resize(pp, nc, size))
		return 0;
	*cap = nc;
	return 1;
}

#endif
