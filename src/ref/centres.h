/*
 * centres.h - the population-weighted centres of local authorities
 * (centres.c): loading them inside a transaction, and each LA's centre for
 * the modules that need one (a placement's origin, a flow line's ends).
 * The public haven_boundaries_centres (src/govern/reference.c) is the
 * governed operation around the load.
 */
#ifndef HAVEN_REF_CENTRES_H
#define HAVEN_REF_CENTRES_H

#include "core/context.h"
#include "haven/boundaries.h"
#include "ref/areas.h"

/** Read opts->path, check every centre against the store's LA boundaries
 *  and, unless the centres held are exactly these (report->noop), replace
 *  them and record the load, inside the caller's write transaction (the
 *  caller rolls back on any error).  Arguments and errors as
 *  haven_boundaries_centres().
 * \param report filled on HAVEN_OK (caller-owned; required) */
haven_status hv_centres_load(haven_ctx *ctx, const haven_centres_opts *opts, haven_centres_report *report);

/** The centre of LA i of las (borrowed): its population-weighted centre
 *  when one is loaded (*weighted 1), else a point on its surface
 *  (GEOSPointOnSurface: inside the LA, unlike a centroid; *weighted 0).
 *  EPSG:27700, as held (not rounded).  HAVEN_ERR_SQL, or GEOS's failure
 *  for an LA with no point on surface, with the message on ctx. */
haven_status hv_la_centre(haven_ctx *ctx, const hv_areas *las, long i, double *x, double *y, int *weighted);

#endif
