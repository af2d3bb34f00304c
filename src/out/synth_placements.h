/*
 * synth_placements.h - the synthetic register's placements file, calibrated
 * to DfE's new placements by location and distance (internal to src/out/:
 * synth.c calls it).
 *
 * Each placing LA-year's new placements, scaled by the children's homes'
 * share, are split exactly into DfE's five categories (inside or outside the
 * placing LA, under or over 20 miles from home, not known), and each
 * placement is put at a home of the register whose geocoded point and
 * distance from the child's origin (a postcode district centroid) give its
 * category.  Out-of-area placements go to host LAs fitted to DfE's net gain.
 * The rules and their reasons: docs/synth.md.
 */
#ifndef HAVEN_SYNTH_PLACEMENTS_H
#define HAVEN_SYNTH_PLACEMENTS_H

#include <stdio.h>

#include "core/context.h"
#include "haven/synth.h"
#include "out/synth_missing.h"
#include "ref/areas.h"

/** Check p and fill *out with its share resolved.  HAVEN_ERR_USAGE for a
 *  share outside (0, 1].  p borrowed; out borrows p's paths. */
haven_status hv_synth_placements_check(haven_ctx *ctx, const haven_synth_placements *p, haven_synth_placements *out);

/** Read DfE's files p->dfe_path (and p->netgain_path, when given), scan the
 *  store's gazetteer for the postcode districts' centroids, and write
 *  placements.csv to f (open, borrowed; written through the table writer).
 *  homes (nh) borrowed; la_areas borrowed (its GEOS handle used).  kids
 *  (nkids; NULL, 0 without episode files) borrowed: a placement of a child
 *  placed once in the year that fits one of them is given their child_id,
 *  home and dates.  The same inputs and seed give the same bytes.  Fills
 *  rep's placement fields. */
haven_status hv_synth_placements_write(haven_ctx *ctx, const haven_synth_placements *p, uint64_t seed,
                                       const hv_synth_home *homes, size_t nh, hv_areas *la_areas,
                                       const hv_synth_kid *kids, size_t nkids, FILE *f, haven_synth_report *rep);

#endif
