/*
 * sort.h - sorting many integer keys (sort.c).
 */
#ifndef HAVEN_CORE_SORT_H
#define HAVEN_CORE_SORT_H

#include <stddef.h>
#include <stdint.h>

/** Stable LSD radix sort of key[0..n) in ascending order, a byte at a time,
 *  skipping the bytes that are the same in every key; val[0..n), when not
 *  NULL, permuted with it.  tk (and tv, when val is given) are the
 *  caller's scratch of n elements.  Nothing is allocated. */
void hv_radix_sort(uint64_t *key, uint32_t *val, uint64_t *tk, uint32_t *tv, size_t n);

/** The number of distinct values in key[0..n), sorted. */
size_t hv_distinct_sorted(const uint64_t *key, size_t n);

#endif
