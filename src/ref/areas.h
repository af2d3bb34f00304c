/*
 * areas_int.h - point-in-polygon over the store's ONS boundaries.
 *
 * All areas of one kind are read from the store once into GEOS prepared
 * geometries indexed by an STRtree, so each lookup costs a tree query and a
 * prepared-geometry test, never a linear scan.
 */
#ifndef HAVEN_AREAS_INT_H
#define HAVEN_AREAS_INT_H

#include "core/context.h"

typedef struct hv_areas hv_areas;

/** Load every area of kind ("la", "district", "pfa", "region").
 *  HAVEN_ERR_NOT_FOUND (message says which 'haven boundaries load' to run)
 *  when the store has none of that kind.  Free with hv_areas_free(). */
haven_status hv_areas_load(haven_ctx *ctx, const char *kind, hv_areas **out);
void hv_areas_free(hv_areas *a);

size_t hv_areas_count(const hv_areas *a);

/** Code and name of area i; borrowed, owned by a. */
const char *hv_areas_code(const hv_areas *a, long i);
const char *hv_areas_name(const hv_areas *a, long i);

/** Index of the area with this code, or -1. */
long hv_areas_index(const hv_areas *a, const char *code);

/** Index of the area covering BNG point (e, n) (a point on a boundary is
 *  covered), or -1 when none does. */
long hv_areas_find(hv_areas *a, double e, double n);

/** 1 if area i covers (e, n). */
int hv_areas_covers(hv_areas *a, long i, double e, double n);

/** The nearest area within max_dist metres of (e, n), with its distance in
 *  *dist; -1 when none is that close.  For points just off a generalised
 *  coastline. */
long hv_areas_nearest(hv_areas *a, double e, double n, double max_dist, double *dist);

/** A point on the surface of area i (GEOSPointOnSurface: inside it,
 *  unlike a centroid). */
haven_status hv_areas_surface_point(haven_ctx *ctx, const hv_areas *a, long i, double *x, double *y);

/** 1 if area i intersects g (borrowed; EPSG:27700). */
int hv_areas_intersects(const hv_areas *a, long i, const GEOSGeometry *g);

/** Rebuild area_la, which LAs each area holds, from the store's boundaries,
 *  inside the caller's transaction: every la area holds itself; a police
 *  force area or region holds each LA whose point on surface lies in it; a
 *  district belongs to the LA holding its point on surface.  kind: the kind
 *  just loaded - "la" (or NULL) rebuilds every relation, another kind only
 *  its own.  Run after every boundary load; the gate uses it to tell whether
 *  a row's area is in scope, and scopes are recorded from it. */
haven_status hv_area_la_rebuild(haven_ctx *ctx, const char *kind);

/** The kind of area an ONS GSS code names, from its prefix: "la" (E06, E08,
 *  E09, E10, W06), "district" (E07), "pfa" (E23, W15), "region" (E12),
 *  "england" (E92), "wales" (W92); NULL for anything else.  Static. */
const char *hv_gss_kind(const char *code);

/** Hand a over to the thread whose GEOS handle h is (borrowed): a is used
 *  by one thread at a time, each through its own handle (GEOS asks for one
 *  per thread).  The loading context's handle is a's until then; give it
 *  back (hv_areas_use(a, ctx->geos)) before that thread uses or frees a
 *  again. */
void hv_areas_use(hv_areas *a, GEOSContextHandle_t h);

/** The geometry of area i (EPSG:27700), borrowed, owned by a. */
const GEOSGeometry *hv_areas_geom(const hv_areas *a, long i);

/** Envelope of area i. */
void hv_areas_bounds(const hv_areas *a, long i, double *minx, double *miny, double *maxx, double *maxy);

#endif
