/*
 * sort.c - core/sort.h: a radix sort for the large arrays of integer keys
 * that clustering and placements sort, where qsort's comparisons cost more
 * than the rest of the work.
 */
#include <string.h>

#include "core/sort.h"

void hv_radix_sort(uint64_t *key, uint32_t *val, uint64_t *tk, uint32_t *tv, size_t n)
{
	uint64_t all_or = 0, all_and = ~(uint64_t)0;
	for (size_t i = 0; i < n; i++) {
		all_or |= key[i];
		all_and &= key[i];
	}
	for (int shift = 0; shift < 64; shift += 8) {
		if ((((all_or ^ all_and) >> shift) & 0xFF) == 0)
			continue;
		size_t count[257] = {0};
		for (size_t i = 0; i < n; i++)
			count[((key[i] >> shift) & 0xFF) + 1]++;
		for (int b = 0; b < 256; b++)
			count[b + 1] += count[b];
		for (size_t i = 0; i < n; i++) {
			size_t d = count[(key[i] >> shift) & 0xFF]++;
			tk[d] = key[i];
			if (val)
				tv[d] = val[i];
		}
		memcpy(key, tk, n * sizeof *key);
		if (val)
			memcpy(val, tv, n * sizeof *val);
	}
}

size_t hv_distinct_sorted(const uint64_t *key, size_t n)
{
	size_t d = 0;
	for (size_t i = 0; i < n; i++)
		d += !i || key[i] != key[i - 1];
	return d;
}
