/*
 * crs_int.h - coordinate reference systems: everything is stored in British
 * National Grid (EPSG:27700); inputs in WGS84 or any CRS GDAL names are
 * transformed with PROJ on the context's PROJ handle.
 */
#ifndef HAVEN_CRS_INT_H
#define HAVEN_CRS_INT_H

#include "core/context.h"

/* Extent of Great Britain in EPSG:27700 with a margin, metres.  A point
 * outside it means the coordinates are in some other CRS (or wrong). */
#define HV_BNG_MIN_E 0.0
#define HV_BNG_MAX_E 700000.0
#define HV_BNG_MIN_N 0.0
#define HV_BNG_MAX_N 1250000.0

/** 1 if (e, n) lies within Great Britain's BNG extent.  A pair that could be
 *  longitude/latitude degrees (|e| <= 180, |n| <= 90) is refused too: that
 *  corner of the grid is open sea south-west of Scilly. */
int hv_bng_in_extent(double e, double n);

/** 1 if (lon, lat) lies within a box around Great Britain (WGS84 degrees). */
int hv_lonlat_in_gb(double lon, double lat);

/** A PROJ transformation from source_crs (anything proj_create accepts:
 *  "EPSG:4326", WKT, PROJJSON) to EPSG:27700, with axis order normalised so
 *  x is easting/longitude.  Caller frees with proj_destroy(). */
haven_status hv_crs_to_bng(haven_ctx *ctx, const char *source_crs, PJ **out);

/** Transform one WGS84 lon/lat to BNG with a transformation made by
 *  hv_crs_to_bng(ctx, "EPSG:4326", ...).  Fails with HAVEN_ERR_PROJ. */
haven_status hv_crs_point(haven_ctx *ctx, PJ *pj, double x, double y, double *e, double *n);

/** Transform n points in place (x[], y[] arrays, stride 1). */
haven_status hv_crs_points(haven_ctx *ctx, PJ *pj, double *x, double *y, size_t n);

/** Convenience: lon/lat -> BNG through a transformation cached on first use
 *  for the life of the context. */
haven_status hv_lonlat_to_bng(haven_ctx *ctx, double lon, double lat, double *e, double *n);

/** The other way: BNG (e, n) to WGS84 (lon, lat), by the same cached
 *  transformation run backwards (for maps drawn in longitude and latitude). */
haven_status hv_bng_to_lonlat(haven_ctx *ctx, double e, double n, double *lon, double *lat);

/** Free the context's cached transformation (called by haven_ctx_free). */
void hv_crs_cleanup(haven_ctx *ctx);

#endif
