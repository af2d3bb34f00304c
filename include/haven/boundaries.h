/*
 * haven/boundaries.h - ONS area boundaries in the store, and "which areas is
 * this point in".
 *
 * Four kinds of area are kept: "la" (upper-tier local authorities: counties,
 * unitaries, metropolitan districts, London boroughs), "district" (lower-tier
 * local authority districts), "pfa" (police force areas) and "region".  Each
 * kind is loaded whole from any vector file GDAL/OGR reads (GeoJSON,
 * GeoPackage, shapefile, zipped shapefile, ...), reprojected to British
 * National Grid and repaired where its geometry is invalid.  See
 * docs/boundaries.md.
 */
#ifndef HAVEN_BOUNDARIES_H
#define HAVEN_BOUNDARIES_H

#include <stdint.h>
#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Within this many metres of an area (and in none of its kind) a point is
 *  reported as "nearest": the bundled boundaries are clipped to a coastline
 *  generalised to 20 m, so a seafront address can fall just outside. */
#define HAVEN_WHERE_NEAR_METRES 1000.0

/** What to load.  All strings borrowed for the call. */
typedef struct haven_boundaries_opts {
	const char *kind;       /* "la", "district", "pfa" or "region"; required */
	const char *path;       /* any OGR vector source; "x.zip" and "x.gz" are read
	                           through /vsizip/ and /vsigzip/; required */
	const char *code_field; /* NULL: detect (AREACD, LAD24CD, ... any <letters><2 digits>CD) */
	const char *name_field; /* NULL: detect (AREANM, LAD24NM, ...) */
	const char *source_crs; /* NULL: the layer's own CRS (GeoJSON without "crs" is
	                           OGC:CRS84); else anything PROJ accepts, e.g. "EPSG:27700" */
	int force;              /* 1: replace the kind's areas even with fewer than half as many */
} haven_boundaries_opts;

/** What a load did.  Plain values, owned by the caller. */
typedef struct haven_boundaries_report {
	int64_t features;    /* areas stored */
	int64_t repaired;    /* geometries that were invalid and were repaired */
	char code_field[64]; /* field the codes came from */
	char name_field[64]; /* field the names came from */
	char source_crs[128];/* CRS the coordinates were read in, e.g. "OGC:CRS84" */
	double seconds;      /* wall-clock time of the load */
} haven_boundaries_report;

/** Replace every area of opts->kind in the open store with the polygons of
 *  the first layer of opts->path, in one transaction, and record the load in
 *  area_load.  On any error nothing in the store changes.
 * \param opts   borrowed
 * \param report if not NULL, filled on HAVEN_OK (caller-owned)
 * \return HAVEN_ERR_IO (cannot read the file), HAVEN_ERR_FORMAT (not a vector
 *         file, or corrupt), HAVEN_ERR_MISSING (code/name field, value or
 *         geometry missing; no features), HAVEN_ERR_DUPLICATE (a code twice),
 *         HAVEN_ERR_CRS (no CRS, or coordinates outside Great Britain once
 *         transformed), HAVEN_ERR_VALUE (a geometry with no polygonal part),
 *         HAVEN_ERR_USAGE (unknown kind, ambiguous fields); HAVEN_ERR_MISSING
 *         also, without opts->force, for a file that would replace the kind's
 *         areas with fewer than half as many.  The message names
 *         the file and, where it applies, the feature (numbered from 1). */
haven_status haven_boundaries_load(haven_ctx *ctx, const haven_boundaries_opts *opts,
                                   haven_boundaries_report *report);

/** What to load as the LAs' population-weighted centres.  All strings
 *  borrowed for the call. */
typedef struct haven_centres_opts {
	const char *path;       /* a CSV (.csv, .csv.gz) with a code column and x/y
	                           (easting/northing) or lon/lat columns, or any OGR
	                           point layer (GeoJSON, GeoPackage, shapefile, .zip);
	                           required */
	const char *code_field; /* NULL: detect (AREACD, CTYUA24CD, LAD24CD, ... any
	                           <letters><2 digits>CD) */
	const char *x_field;    /* with y_field: the columns of the point (a CSV, or a
	                           layer without geometry); NULL: detect x/y,
	                           easting/northing, then lon/lat */
	const char *y_field;
	const char *source_crs; /* NULL: EPSG:27700 for x/y, OGC:CRS84 for lon/lat, a
	                           layer's own CRS; else anything PROJ accepts */
	int force;              /* 1: replace the centres held even with fewer than half as many */
} haven_centres_opts;

/** What a load of centres did.  Plain values, owned by the caller. */
typedef struct haven_centres_report {
	int64_t centres;      /* centres in the file (and held, unless noop) */
	int64_t near;         /* of them, outside their LA's polygon but within
	                         HAVEN_WHERE_NEAR_METRES of it */
	int64_t las;          /* LAs of the loaded boundaries */
	int noop;             /* 1: the centres held are exactly these: nothing written */
	char code_field[64];  /* column the codes came from */
	char point_from[140]; /* "geometry", or the two columns, e.g. "x, y" */
	char source_crs[128]; /* CRS the points were read in */
	double seconds;       /* wall-clock time of the load */
} haven_centres_report;

/** Replace the store's population-weighted centres of local authorities
 *  (the origin of a placement with no postcode district,
 *  docs/placements.md) with the points of opts->path, in one transaction,
 *  as an admin (audited).  Every point is reprojected to EPSG:27700 and must
 *  be the centre of an LA of the loaded boundaries (kind "la"), inside its
 *  polygon or within HAVEN_WHERE_NEAR_METRES of it; a code once.  A file
 *  giving exactly the centres held changes nothing (report->noop, no audit
 *  entry).  On any error nothing in the store changes.
 * \param opts   borrowed
 * \param report if not NULL, filled on HAVEN_OK (caller-owned)
 * \return HAVEN_ERR_IO (cannot read the file), HAVEN_ERR_FORMAT (malformed
 *         CSV, not a vector file, more than 100,000 rows), HAVEN_ERR_MISSING
 *         (no code or coordinate columns, an empty cell, no rows, or without
 *         opts->force fewer than half the centres held), HAVEN_ERR_DUPLICATE
 *         (a code twice), HAVEN_ERR_VALUE (not an LA of the loaded boundaries,
 *         coordinates that are not numbers, a geometry that is not a point, a
 *         point farther than HAVEN_WHERE_NEAR_METRES outside its LA),
 *         HAVEN_ERR_CRS (no or bad CRS, a point outside Great Britain once
 *         transformed), HAVEN_ERR_NOT_FOUND (no LA boundaries loaded),
 *         HAVEN_ERR_USAGE (ambiguous columns), HAVEN_ERR_DENIED (not an
 *         admin).  The message names the file and the row (CSV; the header
 *         is row 1) or feature (numbered from 1). */
haven_status haven_boundaries_centres(haven_ctx *ctx, const haven_centres_opts *opts, haven_centres_report *report);

/** The areas containing BNG point (e, n): one row per kind loaded in the store
 *  (la, district, pfa, region in that order) with columns kind, code, name and
 *  match.  match is "inside", "nearest (D m)" when the point is in no area of
 *  that kind but within HAVEN_WHERE_NEAR_METRES of one (code and name are then
 *  that area's), or "none" (code and name NULL).
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free()
 * \return HAVEN_ERR_CRS if (e, n) is outside Great Britain, HAVEN_ERR_NOT_FOUND
 *         if no boundaries are loaded. */
haven_status haven_boundaries_where(haven_ctx *ctx, double e, double n, haven_table **out);

/** haven_boundaries_where for a WGS84 longitude/latitude (degrees).
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free()
 * \return HAVEN_ERR_CRS if the point is not in Great Britain (the message
 *         says so when longitude and latitude look swapped). */
haven_status haven_boundaries_where_lonlat(haven_ctx *ctx, double lon, double lat, haven_table **out);

/** haven_boundaries_where at the centroid of a postcode in the store's
 *  gazetteer (normalised first; a terminated postcode is used and said so).
 * \param postcode borrowed
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free()
 * \return HAVEN_ERR_VALUE for an impossible postcode, HAVEN_ERR_NOT_FOUND when
 *         the gazetteer does not have it (or has no grid reference for it). */
haven_status haven_boundaries_where_postcode(haven_ctx *ctx, const char *postcode, haven_table **out);

#ifdef __cplusplus
}
#endif
#endif
