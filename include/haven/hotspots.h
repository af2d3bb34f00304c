/*
 * haven/hotspots.h - hot spots of the places children missing from care
 * are found or last seen: Getis-Ord Gi* on a British National Grid square
 * grid, with conditional permutation p-values and Benjamini-Hochberg
 * q-values (docs/hotspots.md).  The table is sealed and leaves through
 * haven_release (haven/gate.h); the map and the layer draw released tables
 * only.
 */
#ifndef HAVEN_HOTSPOTS_H
#define HAVEN_HOTSPOTS_H

#include <stdint.h>

#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The default number of permutations and seed. */
#define HAVEN_HOTSPOTS_PERMUTATIONS 999
#define HAVEN_HOTSPOTS_SEED 1

/** What hot spots to compute.  Every pointer is borrowed for the call. */
typedef struct haven_hotspots_opts {
	double cell;       /* metres: the side of a grid square, 50 to 100,000; squares at multiples of it */
	double band;       /* metres: squares whose centres are this close are neighbours (> 0) */
	const char *of;    /* "found" (NULL: found) or "last-seen": which point of an episode */
	const char *from;  /* "YYYY-MM-DD": episodes starting on or after it; NULL: the first */
	const char *to;    /* "YYYY-MM-DD": episodes starting on or before it; NULL: the last */
	long permutations; /* 9 to 99,999; 0: HAVEN_HOTSPOTS_PERMUTATIONS */
	uint64_t seed;     /* the permutations' seed */
	int all;           /* every square of the study region, not only those classed hot or cold */
} haven_hotspots_opts;

/** Gi* of the episodes the acting user may see (docs/missing.md, "Scope")
 *  counted by the square holding their found (or last-seen) point, over
 *  the study region: every square whose centre lies in one of the LAs of
 *  the user's scope (docs/hotspots.md).  One row per square classed hot
 *  or cold (o->all: per square of the region), hottest first: cell,
 *  easting, northing (its south-west corner), episodes, band_episodes,
 *  neighbours, z, p, q, class, geometry.  For an aggregates-only audience
 *  the table holds cell, easting, northing, class and geometry only
 *  (docs/disclosure.md, "Hot spots").
 * \param out on HAVEN_OK a new sealed table; release it with haven_release()
 *            and free it with haven_table_free().
 * \return HAVEN_ERR_USAGE for a bad option, HAVEN_ERR_VALUE for a bad date,
 *         a period running backwards or a grid too large, HAVEN_ERR_NOT_FOUND
 *         without LA boundaries or episodes, HAVEN_ERR_DENIED when nobody is
 *         acting. */
haven_status haven_missing_hotspots(haven_ctx *ctx, const haven_hotspots_opts *o, haven_table **out);

/** Draw released hot spot table t (haven_missing_hotspots) as a map into
 *  path (.png or .svg; created new, 0600, replaced only with overwrite):
 *  the squares coloured by class over the outlines of the LAs of the
 *  study region, a legend, scale bar, the marking and the footer.
 * \return HAVEN_ERR_DENIED for a sealed table; HAVEN_ERR_USAGE for another
 *         table or extension; HAVEN_ERR_IO when the file cannot be written. */
haven_status haven_hotspots_map(haven_ctx *ctx, const haven_table *t, const char *path, int overwrite);

#ifdef __cplusplus
}
#endif
#endif
