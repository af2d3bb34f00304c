/*
 * zone_check.h - the zones' spatial core (zone_check.c), shared with the
 * benchmark (tests/bench/bench_zones.c): homes indexed once in a GEOS
 * STRtree of points; the (zone, home) pairs of a check; the homes near one
 * address.
 */
#ifndef HAVEN_ANALYSIS_ZONE_CHECK_H
#define HAVEN_ANALYSIS_ZONE_CHECK_H

#include "core/context.h"
#include "data/zone.h"
#include "govern/scope.h"

typedef struct hv_zone_homes hv_zone_homes;

/** n homes at (x[i], y[i]) (EPSG:27700; copied) in an STRtree.  Free with
 *  hv_zone_homes_free(). */
haven_status hv_zone_homes_new(haven_ctx *ctx, size_t n, const double *x, const double *y, hv_zone_homes **out);
void hv_zone_homes_free(hv_zone_homes *h);

/** A home in or near a zone: indexes into the zones and homes given. */
typedef struct hv_zone_pair {
	size_t zone, home;
	int inside;  /* 1: in the zone (on its edge or radius included); 0: within the buffer */
	double dist; /* metres from the zone, 0 inside */
} hv_zone_pair;

/** Every (zone, home) with the home inside the zone, or within buffer
 *  metres of it, zone by zone.  z (nz) and h borrowed.
 * \param out on HAVEN_OK a malloc'd array of *n pairs (NULL when none); caller frees with free(). */
haven_status hv_zone_pairs(haven_ctx *ctx, const hv_zone *z, size_t nz, hv_zone_homes *h, double buffer,
                           hv_zone_pair **out, size_t *n);

/** Keep, in place, the zones of z (*nz of them) touching a police force
 *  area of scope s (borrowed; national: every zone): the zones a user sees,
 *  as haven zones check takes them.  The zones dropped are destroyed; *nz
 *  is the number kept, which the caller frees with hv_zones_free. */
haven_status hv_zones_in_scope(haven_ctx *ctx, const hv_scope *s, hv_zone *z, size_t *nz);

/** The distance bands of an address check, metres: a home at distance d is
 *  in the first band whose upper edge is >= d; the last runs to the radius. */
#define HV_ZONE_NBANDS 6

/** The homes within radius of (e, n): how many, the nearest distance
 *  (INFINITY when none), and how many in each band. */
haven_status hv_zone_near(hv_zone_homes *h, double e, double n, double radius, int64_t *count, double *nearest,
                          int64_t band[HV_ZONE_NBANDS]);

#endif
